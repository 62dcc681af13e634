package sqltests

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/fuzz"
	"github.com/lodedb/lode/sqltests/pgserver"
	"github.com/lodedb/lode/sqltests/slt"
)

var (
	fuzzSeed     = flag.Int64("fuzz.seed", 1, "seed of the random differential queries")
	fuzzQueries  = flag.Int("fuzz.queries", 300, "number of random queries (CI runs the default)")
	fuzzDuration = flag.Duration("fuzz.duration", 0, "keep generating (new seeds) for this long")
)

// TestRandomQueriesAgainstPostgres generates random queries over NULL-heavy
// tables and compares Lode's results with PostgreSQL 15's (as sorted rows;
// an error on both sides counts as agreement when the SQLSTATE class
// matches). A fixed seed runs in CI; -fuzz.duration keeps going locally.
// Every mismatch found becomes a record in testdata/regressions/.
func TestRandomQueriesAgainstPostgres(t *testing.T) {
	srv, err := pgserver.Start()
	if errors.Is(err, pgserver.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	deadline := time.Now().Add(*fuzzDuration)
	seed := *fuzzSeed
	total, bad := 0, 0
	for {
		n, m := runFuzzSeed(t, srv, seed, *fuzzQueries)
		total, bad = total+n, bad+m
		seed++
		if *fuzzDuration == 0 || time.Now().After(deadline) {
			break
		}
	}
	t.Logf("random differential queries: %d compared, %d mismatches", total, bad)
}

func runFuzzSeed(t *testing.T, srv *pgserver.Server, seed int64, queries int) (int, int) {
	ctx := context.Background()
	g := fuzz.New(seed)
	db := fmt.Sprintf("fuzz%d", seed)
	admin, err := pgconn.Connect(ctx, srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db).ReadAll()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db).ReadAll(); err != nil {
		t.Fatal(err)
	}
	pc, err := pgconn.Connect(ctx, strings.Replace(srv.DSN(), "dbname=postgres", "dbname="+db, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close(ctx)
	pg := &PgExecutor{Conn: pc}
	eng, err := engine.Open(engine.Config{Warehouse: t.TempDir(), BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("lode", "main")
	lode := &SessionExecutor{S: s}
	for _, st := range g.Setup() {
		if err := pg.Exec(st); err != nil {
			t.Fatalf("postgres: %s: %v", st, err)
		}
		if err := lode.Exec(st); err != nil {
			t.Fatalf("lode: %s: %v", st, err)
		}
	}
	bad := 0
	for i := 0; i < queries; i++ {
		q := g.Query()
		want, perr := pg.Query(q)
		got, lerr := lode.Query(q)
		if msg := compareOutcomes(want, perr, got, lerr); msg != "" {
			bad++
			t.Errorf("seed %d query %d: %s\n%s", seed, i, msg, q)
		}
	}
	return queries, bad
}

func compareOutcomes(want [][]slt.Value, perr error, got [][]slt.Value, lerr error) string {
	switch {
	case perr != nil && lerr != nil:
		pc, lc := errCode(perr), errCode(lerr)
		if len(pc) >= 2 && len(lc) >= 2 && pc[:2] == lc[:2] {
			return ""
		}
		return fmt.Sprintf("both failed, differently: PostgreSQL %s (%v), Lode %s (%v)", pc, perr, lc, lerr)
	case perr != nil:
		return fmt.Sprintf("PostgreSQL failed (%v) but Lode returned %d rows", perr, len(got))
	case lerr != nil:
		return fmt.Sprintf("Lode failed (%v) but PostgreSQL returned %d rows", lerr, len(want))
	}
	w, g := canonRows(want), canonRows(got)
	if strings.Join(w, "\n") != strings.Join(g, "\n") {
		return fmt.Sprintf("results differ:\nPostgreSQL (%d rows): %s\nLode (%d rows): %s", len(w), firstN(w), len(g), firstN(g))
	}
	return ""
}

func errCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	if e, ok := err.(interface{ SQLState() string }); ok {
		return e.SQLState()
	}
	return sqlStateOf(err)
}

func canonRows(rows [][]slt.Value) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case nil:
				parts[j] = "NULL"
			case float64:
				parts[j] = fmt.Sprintf("%.6g", x)
			default:
				parts[j] = fmt.Sprint(x)
			}
		}
		out[i] = strings.Join(parts, "|")
	}
	sort.Strings(out)
	return out
}

func firstN(rows []string) string {
	if len(rows) > 8 {
		return strings.Join(rows[:8], " ; ") + " ; …"
	}
	return strings.Join(rows, " ; ")
}
