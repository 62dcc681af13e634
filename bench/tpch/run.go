package tpch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/pgserver"
)

// Config is one benchmark run.
type Config struct {
	SF        float64
	Warehouse string
	Answers   string   // directory of the official SF 1 answers ("" = none)
	DuckDBDir string   // the bench/duckdb module ("" = skip DuckDB)
	Systems   []string // of "lode", "duckdb", "postgres"
	Queries   []int    // 1…22; empty = all
	Runs      int      // timed runs after the warm-up (default 5)
	// SlowSeconds: a query whose warm-up takes longer is timed once.
	SlowSeconds float64
	Timeout     time.Duration // per query execution
	// ColumnCacheBytes is Lode's decoded-column cache budget (0 = the
	// engine's default, negative = none).
	ColumnCacheBytes int64
	Log              io.Writer
}

// Systems in report order.
const (
	SysLode           = "Lode"
	SysDuckParquet    = "DuckDB-parquet"
	SysDuckMemory     = "DuckDB-memory"
	SysPostgres       = "PostgreSQL"
	StatusCorrect     = "correct"
	StatusWrong       = "wrong"
	StatusError       = "error"
	StatusRan         = "ran" // no reference to check against
	StatusNotRun      = ""
	referenceOfficial = "official SF 1 answers"
)

// Run is one system's run of one query.
type Run struct {
	Seconds []float64
	Rows    [][]string
	Err     string
	Status  string
	Detail  string // why it is wrong or the error
}

// Median of the timed runs (0 when none).
func (r *Run) Median() float64 {
	if r == nil || len(r.Seconds) == 0 {
		return 0
	}
	s := append([]float64(nil), r.Seconds...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Report is the outcome of a benchmark run.
type Report struct {
	SF        float64
	Started   time.Time
	Systems   []string
	Setup     map[string]float64 // seconds: Lode's generation, DuckDB's table creation, PostgreSQL's load
	Versions  map[string]string
	Reference string
	Queries   []int
	Runs      map[string]map[int]*Run
	Notes     []string
}

func (c *Config) has(sys string) bool {
	for _, s := range c.Systems {
		if strings.EqualFold(s, sys) {
			return true
		}
	}
	return false
}

// Bench loads the data if the warehouse lacks it, runs the queries on
// every configured system and checks the results.
func Bench(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Runs <= 0 {
		cfg.Runs = 5
	}
	if cfg.SlowSeconds <= 0 {
		cfg.SlowSeconds = 60
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if len(cfg.Queries) == 0 {
		for q := 1; q <= 22; q++ {
			cfg.Queries = append(cfg.Queries, q)
		}
	}
	all, err := Queries()
	if err != nil {
		return nil, err
	}
	var queries []Query
	for _, n := range cfg.Queries {
		if n < 1 || n > 22 {
			return nil, fmt.Errorf("tpch: no query %d", n)
		}
		queries = append(queries, all[n-1])
	}
	rep := &Report{SF: cfg.SF, Started: time.Now(), Setup: map[string]float64{}, Versions: map[string]string{},
		Queries: cfg.Queries, Runs: map[string]map[int]*Run{}}

	// Data.
	cat, err := catalog.Open(cfg.Warehouse)
	if err != nil {
		return nil, err
	}
	m, err := ReadManifest(cat.Root())
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(cfg.Log, "tpch: generating SF %g into %s\n", cfg.SF, cat.Root())
		if m, err = Generate(ctx, cat, cfg.SF, GenOptions{Log: cfg.Log}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case m.ScaleFactor != cfg.SF:
		return nil, fmt.Errorf("tpch: %s holds SF %g, not %g (use another --warehouse)", cat.Root(), m.ScaleFactor, cfg.SF)
	default:
		fmt.Fprintf(cfg.Log, "tpch: SF %g already loaded in %s (%.1fs when generated)\n", m.ScaleFactor, cat.Root(), m.LoadSeconds)
	}
	rep.Setup[SysLode] = m.LoadSeconds
	files := map[string][]string{}
	for _, t := range Tables {
		tab, err := cat.OpenTable(catalog.Name{Catalog: m.Catalog, Schema: m.Schema, Table: t.Name})
		if err != nil {
			return nil, err
		}
		snap, err := tab.Snapshot(ctx)
		if err != nil {
			return nil, err
		}
		var paths []string
		for _, f := range snap.Files() {
			paths = append(paths, f.Path)
		}
		files[t.Name] = liveFiles(tab.Dir(), paths)
	}

	// Lode.
	if cfg.has("lode") {
		rep.Systems = append(rep.Systems, SysLode)
		runs, err := benchLode(ctx, &cfg, queries, rep)
		if err != nil {
			return nil, err
		}
		rep.Runs[SysLode] = runs
	}
	// DuckDB.
	if cfg.has("duckdb") {
		rep.Systems = append(rep.Systems, SysDuckParquet, SysDuckMemory)
		if err := benchDuckDB(ctx, &cfg, queries, files, rep); err != nil {
			rep.Notes = append(rep.Notes, "DuckDB did not run: "+firstLine(err.Error()))
			fmt.Fprintln(cfg.Log, "duckdb:", err)
		}
	}
	// PostgreSQL.
	if cfg.has("postgres") {
		rep.Systems = append(rep.Systems, SysPostgres)
		if err := benchPostgres(ctx, &cfg, queries, files, rep); err != nil {
			rep.Notes = append(rep.Notes, "PostgreSQL did not run: "+firstLine(err.Error()))
			fmt.Fprintln(cfg.Log, "postgres:", err)
		}
	}
	rep.check(&cfg)
	return rep, nil
}

// timeQuery runs a query once to warm up (keeping its rows), then runs
// more times, timed; a failure stops it.
func timeQuery(cfg *Config, q Query, run func(ctx context.Context) ([][]string, error)) *Run {
	r := &Run{}
	do := func() ([][]string, float64, error) {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
		defer cancel()
		t0 := time.Now()
		rows, err := run(ctx)
		return rows, time.Since(t0).Seconds(), err
	}
	rows, warm, err := do()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Rows = rows
	n := cfg.Runs
	if warm > cfg.SlowSeconds {
		n = 1
	}
	for range n {
		_, d, err := do()
		if err != nil {
			r.Err = err.Error()
			r.Seconds = nil
			return r
		}
		r.Seconds = append(r.Seconds, d)
	}
	return r
}

func benchLode(ctx context.Context, cfg *Config, queries []Query, rep *Report) (map[int]*Run, error) {
	eng, err := engine.Open(engine.Config{Warehouse: cfg.Warehouse, ColumnCacheBytes: cfg.ColumnCacheBytes})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	s, err := eng.NewSession("tpch", catalog.DefaultCatalog)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	runs := map[int]*Run{}
	for _, q := range queries {
		r := timeQuery(cfg, q, func(ctx context.Context) ([][]string, error) { return QueryText(ctx, s, q.SQL) })
		runs[q.N] = r
		logRun(cfg.Log, SysLode, q, r)
	}
	cs := eng.ColumnCacheStats()
	note := fmt.Sprintf("Lode's column cache after the run: %d MiB of its %d MiB budget in %d chunks (%d hits, %d misses).",
		cs.Used>>20, cs.Budget>>20, cs.Chunks, cs.Hits, cs.Misses)
	if hwm, ok := peakRSS(); ok {
		// Lode runs inside this process; DuckDB and PostgreSQL run in
		// their own, after it.
		note += fmt.Sprintf(" Peak RSS of the benchmark process during the Lode run (VmHWM, data generation included if it ran now): %d MiB.", hwm>>20)
	}
	rep.Notes = append(rep.Notes, note)
	fmt.Fprintln(cfg.Log, note)
	return runs, nil
}

// peakRSS reads this process's peak resident set size (Linux only).
func peakRSS() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb << 10, true
			}
		}
	}
	return 0, false
}

func logRun(w io.Writer, sys string, q Query, r *Run) {
	if r.Err != "" {
		fmt.Fprintf(w, "%-14s %-4s error: %s\n", sys, q.Name(), firstLine(r.Err))
		return
	}
	fmt.Fprintf(w, "%-14s %-4s %8.3fs  (%d rows)\n", sys, q.Name(), r.Median(), len(r.Rows))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

type duckOutput struct {
	Version string `json:"version"`
	Modes   []struct {
		Mode         string  `json:"mode"`
		SetupSeconds float64 `json:"setup_seconds"`
		Error        string  `json:"error"`
		Queries      []struct {
			Name    string     `json:"name"`
			Seconds []float64  `json:"seconds"`
			Rows    [][]string `json:"rows"`
			Error   string     `json:"error"`
		} `json:"queries"`
	} `json:"modes"`
}

// benchDuckDB builds the bench/duckdb program and runs it on the live
// Parquet files.
func benchDuckDB(ctx context.Context, cfg *Config, queries []Query, files map[string][]string, rep *Report) error {
	if cfg.DuckDBDir == "" {
		return errors.New("no DuckDB module directory given")
	}
	tmp, err := os.MkdirTemp("", "lode-tpch-duckdb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "tpch-duckdb")
	fmt.Fprintf(cfg.Log, "duckdb: building %s\n", cfg.DuckDBDir)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = cfg.DuckDBDir
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build in %s: %v\n%s", cfg.DuckDBDir, err, out)
	}
	type q struct {
		Name string `json:"name"`
		SQL  string `json:"sql"`
	}
	in := struct {
		Tables         map[string][]string `json:"tables"`
		Queries        []q                 `json:"queries"`
		Runs           int                 `json:"runs"`
		Modes          []string            `json:"modes"`
		TimeoutSeconds float64             `json:"timeout_seconds"`
	}{Tables: files, Runs: cfg.Runs, Modes: []string{"parquet", "memory"}, TimeoutSeconds: cfg.Timeout.Seconds()}
	for _, x := range queries {
		in.Queries = append(in.Queries, q{x.Name(), x.SQL})
	}
	b, _ := json.Marshal(in)
	fmt.Fprintln(cfg.Log, "duckdb: running")
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdin = bytes.NewReader(b)
	cmd.Stderr = cfg.Log
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %w", bin, err)
	}
	var res duckOutput
	if err := json.Unmarshal(out, &res); err != nil {
		return err
	}
	rep.Versions["DuckDB"] = res.Version
	for _, m := range res.Modes {
		sys := map[string]string{"parquet": SysDuckParquet, "memory": SysDuckMemory}[m.Mode]
		runs := map[int]*Run{}
		rep.Runs[sys] = runs
		rep.Setup[sys] = m.SetupSeconds
		if m.Error != "" {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s setup failed: %s", sys, firstLine(m.Error)))
			continue
		}
		for i, qr := range m.Queries {
			r := &Run{Seconds: qr.Seconds, Rows: qr.Rows, Err: qr.Error}
			runs[queries[i].N] = r
			logRun(cfg.Log, sys, queries[i], r)
		}
	}
	return nil
}

func benchPostgres(ctx context.Context, cfg *Config, queries []Query, files map[string][]string, rep *Report) error {
	srv, err := pgserver.Start()
	if err != nil {
		return err
	}
	defer srv.Stop()
	conn, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	conn.QueryRow(ctx, "SHOW server_version").Scan(new(string))
	var version string
	conn.QueryRow(ctx, "SELECT version()").Scan(&version)
	rep.Versions["PostgreSQL"], _, _ = strings.Cut(version, " on ")
	t0 := time.Now()
	if err := loadPostgres(ctx, conn, files, cfg.Log); err != nil {
		return err
	}
	rep.Setup[SysPostgres] = time.Since(t0).Seconds()
	if _, err := conn.Exec(ctx, fmt.Sprintf("SET statement_timeout = %d", cfg.Timeout.Milliseconds())); err != nil {
		return err
	}
	runs := map[int]*Run{}
	rep.Runs[SysPostgres] = runs
	for _, q := range queries {
		r := timeQuery(cfg, q, func(ctx context.Context) ([][]string, error) { return pgQuery(ctx, conn, q.SQL) })
		runs[q.N] = r
		logRun(cfg.Log, SysPostgres, q, r)
	}
	return nil
}

// check sets every run's status: against the official answers at SF 1,
// else against DuckDB on in-memory tables (the reference engine).
func (rep *Report) check(cfg *Config) {
	var official map[int]*Answer
	if rep.SF == 1 && cfg.Answers != "" {
		a, err := LoadAnswers(cfg.Answers)
		if err != nil {
			rep.Notes = append(rep.Notes, "answers not loaded: "+err.Error())
		} else {
			official = a
			rep.Reference = referenceOfficial
		}
	}
	var kinds map[int]*Answer
	if cfg.Answers != "" {
		kinds, _ = LoadAnswers(cfg.Answers)
	}
	if official == nil {
		rep.Reference = "DuckDB-memory's results (no official answers at this scale factor)"
	}
	for _, runs := range rep.Runs {
		for n, r := range runs {
			ref := official[n]
			if official == nil {
				if d := rep.Runs[SysDuckMemory][n]; d != nil && d.Err == "" && kinds[n] != nil {
					ref = AnswerFrom(kinds[n].Kinds, d.Rows)
				}
			}
			switch {
			case r.Err != "":
				r.Status, r.Detail = StatusError, firstLine(r.Err)
			case ref == nil:
				r.Status = StatusRan
			default:
				if msg := ref.Check(r.Rows); msg != "" {
					r.Status, r.Detail = StatusWrong, msg
				} else {
					r.Status = StatusCorrect
				}
			}
		}
	}
}
