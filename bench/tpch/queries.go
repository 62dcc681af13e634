package tpch

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed queries/*.sql
var queryFiles embed.FS

// Query is one of the 22 TPC-H queries.
type Query struct {
	N   int    // 1…22
	SQL string // one statement, without the trailing semicolon
}

// Name is "q1" … "q22".
func (q Query) Name() string { return fmt.Sprintf("q%d", q.N) }

// Queries returns the 22 queries with the specification's validation
// parameters, in order.
func Queries() ([]Query, error) {
	var out []Query
	for n := 1; n <= 22; n++ {
		b, err := queryFiles.ReadFile(fmt.Sprintf("queries/q%d.sql", n))
		if err != nil {
			return nil, err
		}
		sql := strings.TrimSpace(string(b))
		sql = strings.TrimSuffix(sql, ";")
		out = append(out, Query{N: n, SQL: sql})
	}
	return out, nil
}
