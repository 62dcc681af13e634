package e2e

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestErrors checks that each kind of failure reaches the client with the
// right SQLSTATE (and a Position for syntax errors), that the session stays
// usable after it, and that a rejected INSERT leaves the table untouched.
func TestErrors(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s := startServer(t, "")
			ctx := testCtx(t)
			conn := connect(t, s.Addr, m.mode)
			if _, err := execTag(ctx, conn, m.mode, "CREATE TABLE err_t (a integer NOT NULL, b text)"); err != nil {
				t.Fatal(err)
			}

			for _, tc := range []struct {
				name, sql, code string
				position        bool
			}{
				{"syntax", "SELEC 1", "42601", true},
				{"undefined table", "SELECT * FROM no_such_table", "42P01", false},
				{"undefined column", "SELECT no_such_column FROM err_t", "42703", false},
				{"division by zero", "SELECT 1/0", "22012", false},
				{"invalid text", "SELECT 'abc'::int", "22P02", false},
				{"not null", "INSERT INTO err_t (a, b) VALUES (1, 'ok'), (NULL, 'x')", "23502", false},
			} {
				_, err := execTag(ctx, conn, m.mode, tc.sql)
				var pe *pgconn.PgError
				if !errors.As(err, &pe) {
					t.Errorf("%s: %q gave %v, want a PostgreSQL error", tc.name, tc.sql, err)
					continue
				}
				if pe.Code != tc.code {
					t.Errorf("%s: SQLSTATE %s (%s), want %s", tc.name, pe.Code, pe.Message, tc.code)
				}
				if tc.position && pe.Position <= 0 {
					t.Errorf("%s: no error position", tc.name)
				}
				if pe.Message == "" {
					t.Errorf("%s: empty message", tc.name)
				}

				// The session must still work.
				var one int32
				if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
					t.Fatalf("after %s: SELECT 1 = %d, %v", tc.name, one, err)
				}
			}

			var n int64
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM err_t").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("the failed INSERT left %d rows behind", n)
			}
		})
	}
}
