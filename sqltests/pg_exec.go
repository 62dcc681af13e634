package sqltests

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lodedb/lode/sqltests/slt"
)

// PgExecutor runs sqllogictest records against a real PostgreSQL server,
// for differential runs of the project's own files.
type PgExecutor struct {
	Conn *pgconn.PgConn
}

func (e *PgExecutor) Exec(sql string) error {
	_, err := e.Conn.Exec(context.Background(), sql).ReadAll()
	return err
}

// Query returns the rows of the last statement, typed as the Lode executor
// types them: integers and floats as numbers, everything else as text.
func (e *PgExecutor) Query(sql string) ([][]slt.Value, error) {
	results, err := e.Conn.Exec(context.Background(), sql).ReadAll()
	if err != nil {
		return nil, err
	}
	last := results[len(results)-1]
	var rows [][]slt.Value
	for _, r := range last.Rows {
		row := make([]slt.Value, len(r))
		for c, v := range r {
			if v == nil {
				continue
			}
			switch last.FieldDescriptions[c].DataTypeOID {
			case 20, 21, 23:
				n, _ := strconv.ParseInt(string(v), 10, 64)
				row[c] = n
			case 16:
				row[c] = string(v) == "t"
			case 700, 701:
				f, _ := strconv.ParseFloat(string(v), 64)
				row[c] = f
			default:
				row[c] = string(v)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}
