package pgwire

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestPgxModes runs pgx in each of its query modes against the fake
// session: the interim extended protocol (NoData at statement Describe,
// execution at portal Describe) must satisfy all of them.
func TestPgxModes(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{
		pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement,
		pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec,
	} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg, err := pgx.ParseConfig("postgres://lode@" + s.addr + "/main?sslmode=disable")
			if err != nil {
				t.Fatal(err)
			}
			cfg.DefaultQueryExecMode = mode
			c, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(ctx)
			for range 2 { // the second time hits pgx's statement cache
				rows, err := c.Query(ctx, "select rows")
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for rows.Next() {
					var n *int32
					var s *string
					if err := rows.Scan(&n, &s); err != nil {
						t.Fatal(err)
					}
					got = append(got, show(n)+"/"+show(s))
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				equalTrace(t, got, []string{"1/one", "NULL/two", "3/NULL", "4/four", "5/five"})
				if tag := rows.CommandTag().String(); tag != "SELECT 5" {
					t.Errorf("tag %q", tag)
				}
			}
			_, err = c.Exec(ctx, "fail")
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "42601" || pe.Position != 1 || pe.Hint != "try again" {
				t.Errorf("error %#v", err)
			}
			res := c.PgConn().ExecParams(ctx, "create", nil, nil, nil, nil).Read()
			if res.Err != nil || res.CommandTag.String() != "CREATE TABLE" {
				t.Errorf("ExecParams: %v %v", res.CommandTag, res.Err)
			}
		})
	}
}

func show[T any](p *T) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}
