package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// sqlTester runs statements on one session of a fresh engine and fails the
// test on the first error, so the engine tests read as SQL scripts.
type sqlTester struct {
	t   *testing.T
	eng *Engine
	s   *Session
}

// newSQLTester opens an engine on warehouse wh as user lode.
func newSQLTester(t *testing.T, wh string) *sqlTester {
	t.Helper()
	eng, err := Open(Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	s, err := eng.NewSession("lode", "main")
	if err != nil {
		t.Fatal(err)
	}
	return &sqlTester{t: t, eng: eng, s: s}
}

// run executes q and returns its results.
func (q *sqlTester) run(sql string) []*Result {
	q.t.Helper()
	res, err := q.s.Query(context.Background(), sql)
	if err != nil {
		q.t.Fatalf("%s: %v", sql, err)
	}
	return res
}

// count returns the bigint in the first row and column of sql's result.
func (q *sqlTester) count(sql string) int64 {
	q.t.Helper()
	return q.run(sql)[0].Records[0].Column(0).(*array.Int64).Value(0)
}

// rows renders sql's result rows as "v1|v2" lines joined by ";" (arrow's
// value strings; NULL as "(null)"), for compact expectations.
func (q *sqlTester) rows(sql string) string {
	q.t.Helper()
	var lines []string
	for _, rec := range q.run(sql)[0].Records {
		for r := 0; r < int(rec.NumRows()); r++ {
			var vals []string
			for c := 0; c < int(rec.NumCols()); c++ {
				vals = append(vals, rec.Column(c).ValueStr(r))
			}
			lines = append(lines, strings.Join(vals, "|"))
		}
	}
	return strings.Join(lines, ";")
}
