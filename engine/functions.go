package engine

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

// runCreateFunction stores a SQL-language function after checking that
// its body binds.
func (s *Session) runCreateFunction(st planner.Statement, cf *pg.CreateFunctionStmt) (*Result, error) {
	if cf.IsProcedure {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "procedures are not supported")
	}
	var parts []string
	for _, n := range cf.Funcname {
		parts = append(parts, n.GetString_().Sval)
	}
	name := catalog.Name{Catalog: s.database, Schema: s.searchPath()[0], Table: parts[len(parts)-1]}
	if len(parts) >= 2 {
		name.Schema = parts[len(parts)-2]
	}
	b := s.binder(st)
	f := catalog.FunctionDef{Name: name.Table}
	for _, p := range cf.Parameters {
		fp := p.GetFunctionParameter()
		if fp.Mode == pg.FunctionParameterMode_FUNC_PARAM_OUT || fp.Mode == pg.FunctionParameterMode_FUNC_PARAM_TABLE {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "OUT and TABLE parameters are not supported")
		}
		t, err := planner.TypeOf(b, fp.ArgType)
		if err != nil {
			return nil, err
		}
		f.ParamNames = append(f.ParamNames, fp.Name)
		f.ParamTypes = append(f.ParamTypes, t.String())
	}
	if cf.ReturnType == nil || cf.ReturnType.Setof {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "only functions returning one value are supported")
	}
	rt, err := planner.TypeOf(b, cf.ReturnType)
	if err != nil {
		return nil, err
	}
	f.Returns = rt.String()
	language := "sql"
	for _, o := range cf.Options {
		de := o.GetDefElem()
		switch de.Defname {
		case "as":
			if l := de.Arg.GetList(); l != nil && len(l.Items) > 0 {
				f.Body = l.Items[0].GetString_().Sval
			}
		case "language":
			language = de.Arg.GetString_().Sval
		}
	}
	if language != "sql" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "language \"%s\" is not supported: only LANGUAGE sql", language)
	}
	if f.Body == "" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "SQL-standard function bodies (BEGIN ATOMIC / RETURN) are not supported yet")
	}
	if err := planner.CheckFunctionBody(b, f); err != nil {
		return nil, err
	}
	if err := s.eng.cat.CreateFunction(name, f, cf.Replace); err != nil {
		return nil, err
	}
	return tagf("CREATE FUNCTION"), nil
}

func (s *Session) dropFunctions(ds *pg.DropStmt) (*Result, error) {
	r := tagf("DROP FUNCTION")
	for _, o := range ds.Objects {
		owa := o.GetObjectWithArgs()
		if owa == nil {
			return nil, sqlerr.New(sqlerr.SyntaxError, "DROP FUNCTION needs a function name")
		}
		var parts []string
		for _, n := range owa.Objname {
			parts = append(parts, n.GetString_().Sval)
		}
		name := catalog.Name{Catalog: s.database, Schema: s.searchPath()[0], Table: parts[len(parts)-1]}
		if len(parts) >= 2 {
			name.Schema = parts[len(parts)-2]
		}
		existed, err := s.eng.cat.DropFunction(name, ds.MissingOk)
		if err != nil {
			return nil, err
		}
		if !existed {
			r.Notices = append(r.Notices, "function "+name.Table+"() does not exist, skipping")
		}
	}
	return r, nil
}
