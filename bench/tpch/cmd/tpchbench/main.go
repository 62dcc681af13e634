// Command tpchbench runs the TPC-H benchmark: it generates the data into a
// Lode warehouse if it is not there yet, runs the 22 queries on Lode, on
// DuckDB (over Lode's Parquet files and on in-memory tables) and on
// PostgreSQL 15, checks every result and prints the comparison table.
//
//	go run ./bench/tpch/cmd/tpchbench --sf 1 --warehouse DIR [--results FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lodedb/lode/bench/tpch"
)

func main() {
	sf := flag.Float64("sf", 1, "scale factor (whole numbers, or multiples of 0.001 below 1)")
	warehouse := flag.String("warehouse", "", "warehouse directory (default bench/tpch/data/sf<SF>)")
	answers := flag.String("answers", "../shared/bench/tpch/answers", "directory of the official SF 1 answers")
	duck := flag.String("duckdb", "bench/duckdb", "directory of the DuckDB helper module")
	systems := flag.String("systems", "lode,duckdb,postgres", "systems to run")
	queries := flag.String("queries", "", "queries to run, e.g. 1,3,6 (default all 22)")
	runs := flag.Int("runs", 5, "timed runs per query after one warm-up")
	timeout := flag.Duration("timeout", 2*time.Minute, "time limit of one query execution")
	results := flag.String("results", "", "also write the Markdown table to this file")
	genOnly := flag.Bool("generate-only", false, "only make sure the data is loaded")
	cacheMB := flag.Int64("column-cache-mb", 0, "Lode's decoded-column cache budget in MiB (0: the engine's default; -1: no cache)")
	flag.Parse()

	if *warehouse == "" {
		*warehouse = filepath.Join("bench", "tpch", "data", "sf"+strconv.FormatFloat(*sf, 'f', -1, 64))
	}
	cfg := tpch.Config{SF: *sf, Warehouse: *warehouse, Answers: *answers, DuckDBDir: *duck,
		Systems: strings.Split(*systems, ","), Runs: *runs, Timeout: *timeout, Log: os.Stderr,
		ColumnCacheBytes: *cacheMB << 20}
	if *genOnly {
		cfg.Systems = nil
	}
	if *queries != "" {
		for _, s := range strings.Split(*queries, ",") {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "q"))
			if err != nil {
				fmt.Fprintln(os.Stderr, "tpchbench: bad query number", s)
				os.Exit(2)
			}
			cfg.Queries = append(cfg.Queries, n)
		}
	}
	if _, err := os.Stat(cfg.Answers); err != nil {
		fmt.Fprintf(os.Stderr, "tpchbench: no answers at %s: results are checked against DuckDB only\n", cfg.Answers)
		cfg.Answers = ""
	}
	rep, err := tpch.Bench(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tpchbench:", err)
		os.Exit(1)
	}
	if *genOnly {
		return
	}
	fmt.Println()
	rep.Markdown(os.Stdout)
	fmt.Print(rep.Summary())
	if *results != "" {
		f, err := os.Create(*results)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tpchbench:", err)
			os.Exit(1)
		}
		rep.Markdown(f)
		f.Close()
	}
}
