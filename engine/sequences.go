package engine

import (
	"context"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

// sessionSequences serves nextval/currval/setval for one session (currval
// is per session, as in PostgreSQL).
type sessionSequences struct {
	s *Session
}

func (q *sessionSequences) resolve(name string) catalog.Name {
	parts := strings.Split(name, ".")
	n := catalog.Name{Catalog: q.s.database, Table: parts[len(parts)-1]}
	switch len(parts) {
	case 2:
		n.Schema = parts[0]
	case 3:
		n.Catalog, n.Schema = parts[0], parts[1]
	default:
		for _, sch := range q.s.searchPath() {
			c := n
			c.Schema = sch
			if q.s.eng.cat.SequenceExists(c) {
				return c
			}
		}
		n.Schema = q.s.searchPath()[0]
	}
	return n
}

func (q *sessionSequences) Next(name string, count int) ([]int64, error) {
	n := q.resolve(name)
	vals, err := q.s.eng.cat.NextValues(n, count)
	if err != nil {
		return nil, err
	}
	q.s.mu.Lock()
	if q.s.currvals == nil {
		q.s.currvals = map[string]int64{}
	}
	q.s.currvals[n.String()] = vals[len(vals)-1]
	q.s.mu.Unlock()
	return vals, nil
}

func (q *sessionSequences) Current(name string) (int64, bool) {
	n := q.resolve(name)
	q.s.mu.Lock()
	defer q.s.mu.Unlock()
	v, ok := q.s.currvals[n.String()]
	return v, ok
}

func (q *sessionSequences) Set(name string, v int64) error {
	return q.s.eng.cat.SetSequence(q.resolve(name), v)
}

func (s *Session) runCreateSequence(st planner.Statement, cs *pg.CreateSeqStmt) (*Result, error) {
	b := s.binder(st)
	name := b.ResolveTable(cs.Sequence)
	d := catalog.SequenceDef{Name: name.Table, Start: 1, Increment: 1, Min: 1, Max: 1<<63 - 1}
	startSet, minSet, maxSet := false, false, false
	for _, o := range cs.Options {
		de := o.GetDefElem()
		num := func() (int64, error) {
			if de.Arg == nil {
				return 0, sqlerr.New(sqlerr.SyntaxError, "%s requires a value", de.Defname)
			}
			if c := de.Arg.GetInteger(); c != nil {
				return int64(c.Ival), nil
			}
			if f := de.Arg.GetFloat(); f != nil {
				var v int64
				for _, ch := range strings.TrimPrefix(f.Fval, "-") {
					v = v*10 + int64(ch-'0')
				}
				if strings.HasPrefix(f.Fval, "-") {
					v = -v
				}
				return v, nil
			}
			return 0, sqlerr.New(sqlerr.SyntaxError, "invalid value for %s", de.Defname)
		}
		var err error
		switch de.Defname {
		case "start":
			d.Start, err = num()
			startSet = true
		case "increment":
			d.Increment, err = num()
		case "minvalue":
			if de.Arg != nil {
				d.Min, err = num()
				minSet = true
			}
		case "maxvalue":
			if de.Arg != nil {
				d.Max, err = num()
				maxSet = true
			}
		case "cycle":
			d.Cycle = de.Arg == nil || de.Arg.GetBoolean() == nil || de.Arg.GetBoolean().Boolval
		case "cache", "as", "owned_by":
		default:
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "sequence option %s is not supported", de.Defname)
		}
		if err != nil {
			return nil, err
		}
	}
	if d.Increment == 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "INCREMENT must not be zero")
	}
	if d.Increment < 0 {
		if !maxSet {
			d.Max = -1
		}
		if !minSet {
			d.Min = -(1<<63 - 1)
		}
		if !startSet {
			d.Start = d.Max
		}
	} else if !startSet {
		d.Start = d.Min
	}
	existed, err := s.eng.cat.CreateSequence(name, d, cs.IfNotExists)
	if err != nil {
		return nil, err
	}
	r := tagf("CREATE SEQUENCE")
	if existed {
		r.Notices = append(r.Notices, "relation \""+name.Table+"\" already exists, skipping")
	}
	return r, nil
}

func (s *Session) dropSequences(st planner.Statement, ds *pg.DropStmt) (*Result, error) {
	b := s.binder(st)
	r := tagf("DROP SEQUENCE")
	for _, o := range ds.Objects {
		rv, err := rangeVarOf(o)
		if err != nil {
			return nil, err
		}
		name := b.ResolveTable(rv)
		if rv.Schemaname == "" {
			name = (&sessionSequences{s}).resolve(rv.Relname)
		}
		existed, err := s.eng.cat.DropSequence(name, ds.MissingOk)
		if err != nil {
			return nil, err
		}
		if !existed {
			r.Notices = append(r.Notices, "sequence \""+rv.Relname+"\" does not exist, skipping")
		}
	}
	return r, nil
}

var _ = context.Background
