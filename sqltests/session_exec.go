// Package sqltests runs Lode's SQL behaviour tests: the project's own .slt
// files under testdata/ and the shared sqllogictest corpus, in-process
// through an engine.Session (and, later, over the wire and against a real
// PostgreSQL for differential runs).
package sqltests

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/slt"
)

// SessionExecutor runs sqllogictest records through an engine Session.
type SessionExecutor struct {
	S *engine.Session
}

func (e *SessionExecutor) Exec(sql string) error {
	res, err := e.S.Query(context.Background(), sql)
	for _, r := range res {
		r.Release()
	}
	return err
}

func (e *SessionExecutor) Query(sql string) ([][]slt.Value, error) {
	res, err := e.S.Query(context.Background(), sql)
	defer func() {
		for _, r := range res {
			r.Release()
		}
	}()
	if err != nil {
		return nil, err
	}
	last := res[len(res)-1]
	var rows [][]slt.Value
	var buf []byte
	for _, rec := range last.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]slt.Value, rec.NumCols())
			for c := range row {
				col := rec.Column(c)
				if col.IsNull(i) {
					continue
				}
				switch a := col.(type) {
				case *array.Int16:
					row[c] = int64(a.Value(i))
				case *array.Int32:
					row[c] = int64(a.Value(i))
				case *array.Int64:
					row[c] = a.Value(i)
				case *array.Float32:
					row[c] = float64(a.Value(i))
				case *array.Float64:
					row[c] = a.Value(i)
				case *array.Boolean:
					row[c] = a.Value(i)
				default:
					buf = types.AppendText(buf[:0], col, i, last.Columns[c].Type, time.UTC)
					row[c] = string(buf)
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}
