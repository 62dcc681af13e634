// Command duckdb runs the TPC-H queries on DuckDB for Lode's benchmark
// runner (bench/tpch): once on the Parquet files that Lode's Delta logs
// name as live (views over read_parquet), once on in-memory tables created
// from those files. It lives in its own module so that Lode's build does not
// depend on DuckDB (cgo, a large static library).
//
// Input (stdin, JSON): {"tables": {"lineitem": ["/abs/part-0.parquet", …], …},
// "queries": [{"name": "q1", "sql": "…"}, …], "runs": 5, "modes": ["parquet",
// "memory"], "timeout_seconds": 600}. Output (stdout, JSON): per mode, the
// setup time and per query the timed runs (after one warm-up), the rows of
// the result as text, or the error.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

type input struct {
	Tables         map[string][]string `json:"tables"`
	Queries        []query             `json:"queries"`
	Runs           int                 `json:"runs"`
	Modes          []string            `json:"modes"`
	TimeoutSeconds float64             `json:"timeout_seconds"`
}

type query struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

type queryResult struct {
	Name    string     `json:"name"`
	Seconds []float64  `json:"seconds,omitempty"`
	Rows    [][]string `json:"rows,omitempty"`
	Error   string     `json:"error,omitempty"`
}

type modeResult struct {
	Mode         string        `json:"mode"`
	SetupSeconds float64       `json:"setup_seconds"`
	Error        string        `json:"error,omitempty"`
	Queries      []queryResult `json:"queries"`
}

type output struct {
	Version string       `json:"version"`
	Modes   []modeResult `json:"modes"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "duckdb: reading input:", err)
		os.Exit(2)
	}
	if in.Runs <= 0 {
		in.Runs = 5
	}
	if in.TimeoutSeconds <= 0 {
		in.TimeoutSeconds = 600
	}
	out := output{}
	for _, mode := range in.Modes {
		out.Modes = append(out.Modes, runMode(&in, mode, &out.Version))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}

func runMode(in *input, mode string, version *string) modeResult {
	res := modeResult{Mode: mode}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: views and tables stay visible
	ctx := context.Background()
	db.QueryRowContext(ctx, "SELECT version()").Scan(version)

	start := time.Now()
	names := make([]string, 0, len(in.Tables))
	for name := range in.Tables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var files []string
		for _, f := range in.Tables[name] {
			files = append(files, "'"+strings.ReplaceAll(f, "'", "''")+"'")
		}
		src := fmt.Sprintf("read_parquet([%s])", strings.Join(files, ", "))
		var stmt string
		switch mode {
		case "parquet":
			stmt = fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM %s", name, src)
		case "memory":
			stmt = fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", name, src)
		default:
			res.Error = "unknown mode " + mode
			return res
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			res.Error = fmt.Sprintf("%s: %v", name, err)
			return res
		}
	}
	res.SetupSeconds = time.Since(start).Seconds()

	timeout := time.Duration(in.TimeoutSeconds * float64(time.Second))
	for _, q := range in.Queries {
		qr := queryResult{Name: q.Name}
		rows, _, err := run(ctx, db, q.SQL, timeout)
		if err != nil {
			qr.Error = err.Error()
			res.Queries = append(res.Queries, qr)
			continue
		}
		qr.Rows = rows
		for range in.Runs {
			_, d, err := run(ctx, db, q.SQL, timeout)
			if err != nil {
				qr.Error = err.Error()
				break
			}
			qr.Seconds = append(qr.Seconds, d.Seconds())
		}
		res.Queries = append(res.Queries, qr)
	}
	return res
}

// run executes one query and reads every row as text.
func run(ctx context.Context, db *sql.DB, q string, timeout time.Duration) ([][]string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	rs, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var rows [][]string
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, 0, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = text(v)
		}
		rows = append(rows, row)
	}
	if err := rs.Err(); err != nil {
		return nil, 0, err
	}
	return rows, time.Since(start), nil
}

// text formats a value the way PostgreSQL's text output would.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case duckdb.Decimal:
		return decimalText(x.Value, int(x.Scale))
	case *big.Int:
		return x.String()
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case []byte:
		return string(x)
	case float64:
		return fmt.Sprintf("%.17g", x)
	case float32:
		return fmt.Sprintf("%.9g", x)
	}
	return fmt.Sprint(v)
}

func decimalText(v *big.Int, scale int) string {
	s := new(big.Int).Abs(v).String()
	neg := v.Sign() < 0
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
