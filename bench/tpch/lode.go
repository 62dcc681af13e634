package tpch

import (
	"context"
	"fmt"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
)

// QueryText runs sql on a Lode session and returns the rows of its last
// result as text, PostgreSQL's text format.
func QueryText(ctx context.Context, s *engine.Session, sql string) ([][]string, error) {
	res, err := s.Query(ctx, sql)
	defer func() {
		for _, r := range res {
			r.Release()
		}
	}()
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("no result")
	}
	r := res[len(res)-1]
	var rows [][]string
	var buf []byte
	for _, rec := range r.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, len(r.Columns))
			for c, col := range r.Columns {
				if rec.Column(c).IsNull(i) {
					row[c] = "NULL"
					continue
				}
				buf = types.AppendText(buf[:0], rec.Column(c), i, col.Type, nil)
				row[c] = string(buf)
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}
