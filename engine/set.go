package engine

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

func (s *Session) runSet(v *pg.VariableSetStmt) (*Result, error) {
	switch v.Kind {
	case pg.VariableSetKind_VAR_SET_VALUE:
		val, err := settingValue(v.Args)
		if err != nil {
			return nil, err
		}
		name := v.Name
		if name == "timezone" {
			name = "TimeZone"
		}
		if _, err := s.set.set(name, val); err != nil {
			return nil, err
		}
		return tagf("SET"), nil
	case pg.VariableSetKind_VAR_SET_DEFAULT:
		if _, err := s.set.reset(v.Name); err != nil {
			return nil, err
		}
		return tagf("SET"), nil
	case pg.VariableSetKind_VAR_RESET:
		if _, err := s.set.reset(v.Name); err != nil {
			return nil, err
		}
		return tagf("RESET"), nil
	case pg.VariableSetKind_VAR_RESET_ALL:
		user := s.set.vals["session_authorization"]
		s.set = newSettings(user)
		s.applySystemSettings()
		return tagf("RESET"), nil
	case pg.VariableSetKind_VAR_SET_MULTI, pg.VariableSetKind_VAR_SET_CURRENT:
		// SET TRANSACTION …, SET SESSION CHARACTERISTICS …: accepted; every
		// statement runs at snapshot isolation on its table versions.
		return tagf("SET"), nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "SET form not supported")
}

// settingValue renders SET arguments as PostgreSQL stores them: a list is
// joined with ", ".
func settingValue(args []*pg.Node) (string, error) {
	var parts []string
	for _, a := range args {
		c := a.GetAConst()
		if c == nil {
			if tc := a.GetTypeCast(); tc != nil {
				c = tc.Arg.GetAConst()
			}
		}
		if c == nil {
			return "", sqlerr.New(sqlerr.SyntaxError, "SET value must be a constant")
		}
		switch x := c.Val.(type) {
		case *pg.A_Const_Sval:
			parts = append(parts, x.Sval.Sval)
		case *pg.A_Const_Ival:
			parts = append(parts, strconv.Itoa(int(x.Ival.Ival)))
		case *pg.A_Const_Fval:
			parts = append(parts, x.Fval.Fval)
		case *pg.A_Const_Boolval:
			if x.Boolval.Boolval {
				parts = append(parts, "on")
			} else {
				parts = append(parts, "off")
			}
		}
	}
	return strings.Join(parts, ", "), nil
}

func (s *Session) runShow(v *pg.VariableShowStmt) (*Result, error) {
	name := v.Name
	if name == "all" {
		return s.showAll(), nil
	}
	if name == "timezone" {
		name = "TimeZone"
	}
	val, err := s.set.get(name)
	if err != nil {
		return nil, err
	}
	d, _ := findSetting(name)
	return textResult(d.name, []string{val}, "SHOW"), nil
}

func (s *Session) showAll() *Result {
	names := s.set.names()
	schema := arrow.NewSchema([]arrow.Field{
		types.Field("name", types.TText, true),
		types.Field("setting", types.TText, true),
		types.Field("description", types.TText, true),
	}, nil)
	nb := array.NewStringBuilder(memory.DefaultAllocator)
	vb := array.NewStringBuilder(memory.DefaultAllocator)
	db := array.NewStringBuilder(memory.DefaultAllocator)
	for _, n := range names {
		nb.Append(n)
		vb.Append(s.set.vals[n])
		db.Append("")
	}
	cols := []arrow.Array{nb.NewArray(), vb.NewArray(), db.NewArray()}
	rec := array.NewRecord(schema, cols, int64(len(names)))
	for _, c := range cols {
		c.Release()
	}
	return &Result{Tag: "SHOW", Records: []arrow.Record{rec}, Columns: []Column{
		{Name: "name", Type: types.TText}, {Name: "setting", Type: types.TText}, {Name: "description", Type: types.TText}}}
}
