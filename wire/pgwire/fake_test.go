package pgwire

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
)

// fakeBackend stands in for the engine so the protocol can be tested
// without storage or a planner. Its sessions understand a few canned
// statements (see fakeSession.one); ";" separates statements.
type fakeBackend struct {
	alloc *memory.CheckedAllocator

	mu      sync.Mutex
	queries []string // every statement run, in order
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{alloc: memory.NewCheckedAllocator(memory.NewGoAllocator())}
}

func (b *fakeBackend) NewSession(user, database string) (session, error) {
	if database != "main" {
		return nil, sqlerr.New(sqlerr.UndefinedDatabase, "database %q does not exist", database)
	}
	return &fakeSession{b: b, tz: "UTC"}, nil
}

func (b *fakeBackend) ran() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.queries...)
}

type fakeSession struct {
	b  *fakeBackend
	tz string
}

func (s *fakeSession) TxStatus() byte { return 'I' }
func (s *fakeSession) Close()         {}
func (s *fakeSession) ParameterStatus() map[string]string {
	return map[string]string{"server_version": "15.0 (Lode)", "TimeZone": s.tz,
		"standard_conforming_strings": "on", "client_encoding": "UTF8"}
}

func (s *fakeSession) Query(ctx context.Context, sql string) ([]*engine.Result, error) {
	var out []*engine.Result
	for _, stmt := range strings.Split(sql, ";") {
		stmt = strings.TrimSpace(stmt)
		if stmt == "" {
			continue
		}
		s.b.mu.Lock()
		s.b.queries = append(s.b.queries, stmt)
		s.b.mu.Unlock()
		r, err := s.one(ctx, stmt)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Prepare knows the columns of the canned row-returning statements; "echo
// $1" takes one text parameter and returns it.
func (s *fakeSession) Prepare(ctx context.Context, name, sql string, oids []uint32) (*engine.Prepared, error) {
	if strings.Contains(sql, ";") && strings.TrimSpace(strings.Split(sql, ";")[1]) != "" {
		return nil, sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	p := &engine.Prepared{Name: name, SQL: sql}
	for _, o := range oids {
		t, _ := types.FromOID(o)
		p.ParamTypes = append(p.ParamTypes, t)
	}
	switch strings.TrimSpace(sql) {
	case "select rows":
		p.Columns = fakeRowsCols
	case "select none":
		p.Columns = []engine.Column{{Name: "n", Type: types.TInt64}}
	case "echo $1":
		if len(p.ParamTypes) == 0 {
			p.ParamTypes = []types.T{types.TText}
		}
		p.Columns = []engine.Column{{Name: "v", Type: types.TText}}
	case "parse error":
		return nil, sqlerr.New(sqlerr.SyntaxError, "syntax error at or near \"parse\"")
	}
	return p, nil
}

func (s *fakeSession) Execute(ctx context.Context, p *engine.Prepared, args []any) (*engine.Result, error) {
	if strings.TrimSpace(p.SQL) == "echo $1" {
		cols := []engine.Column{{Name: "v", Type: types.TText}}
		return &engine.Result{Tag: "SELECT 1", Columns: cols, Records: []arrow.Record{s.record(cols, []any{fmt.Sprint(args[0])})}}, nil
	}
	rs, err := s.Query(ctx, p.SQL)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return &engine.Result{EmptyQuery: true}, nil
	}
	return rs[0], nil
}

var fakeRowsCols = []engine.Column{{Name: "n", Type: types.TInt32}, {Name: "s", Type: types.TText, TableOID: 16384, AttNum: 2}}

func (s *fakeSession) one(ctx context.Context, stmt string) (*engine.Result, error) {
	switch stmt {
	case "select rows": // 5 rows over two records, with NULLs
		cols := fakeRowsCols
		return &engine.Result{Tag: "SELECT 5", Columns: cols, Records: []arrow.Record{
			s.record(cols, []any{int32(1), "one"}, []any{nil, "two"}, []any{int32(3), nil}),
			s.record(cols, []any{int32(4), "four"}, []any{int32(5), "five"}),
		}}, nil
	case "select none":
		return &engine.Result{Tag: "SELECT 0", Columns: []engine.Column{{Name: "n", Type: types.TInt64}}}, nil
	case "create":
		return &engine.Result{Tag: "CREATE TABLE"}, nil
	case "drop":
		return &engine.Result{Tag: "DROP TABLE", Notices: []string{`table "t" does not exist, skipping`}}, nil
	case "set tz":
		s.tz = "Europe/Paris"
		return &engine.Result{Tag: "SET"}, nil
	case "fail":
		return nil, &sqlerr.Error{Code: sqlerr.SyntaxError, Message: `syntax error at or near "fail"`, Position: 1, Hint: "try again"}
	case "plain error":
		return nil, context.DeadlineExceeded // a bare error: the wire reports XX000
	case "panic":
		panic("boom")
	case "sleep": // blocks until cancelled
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return nil, sqlerr.New(sqlerr.SyntaxError, "fake: unknown statement %q", stmt)
}

// record builds a record for cols from rows of Go values (nil = NULL).
func (s *fakeSession) record(cols []engine.Column, rows ...[]any) arrow.Record {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = types.Field(c.Name, c.Type, true)
	}
	b := array.NewRecordBuilder(s.b.alloc, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, row := range rows {
		for j, v := range row {
			switch fb := b.Field(j).(type) {
			case *array.Int32Builder:
				if v == nil {
					fb.AppendNull()
				} else {
					fb.Append(v.(int32))
				}
			case *array.StringBuilder:
				if v == nil {
					fb.AppendNull()
				} else {
					fb.Append(v.(string))
				}
			}
		}
	}
	return b.NewRecord()
}

func (b *fakeBackend) assertNoLeaks(t *testing.T) {
	t.Helper()
	b.alloc.AssertSize(t, 0)
}
