// Command tpchprof runs chosen TPC-H queries on Lode over an existing
// warehouse, times each warm run and writes a CPU profile, so a slow query
// can be looked at with `go tool pprof` without the whole benchmark.
//
//	go run ./bench/tpch/cmd/tpchprof --warehouse bench/tpch/data/sf1 --queries 1,6 --runs 5 --cpuprofile cpu.prof
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/lodedb/lode/bench/tpch"
	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/engine"
)

func main() {
	warehouse := flag.String("warehouse", "bench/tpch/data/sf1", "warehouse directory holding the TPC-H tables")
	queries := flag.String("queries", "1", "queries to run, e.g. 1,6")
	runs := flag.Int("runs", 3, "timed runs per query after one warm-up")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed runs to this file")
	explain := flag.Bool("explain", false, "print each query's EXPLAIN first")
	flag.Parse()

	all, err := tpch.Queries()
	if err != nil {
		fail(err)
	}
	eng, err := engine.Open(engine.Config{Warehouse: *warehouse})
	if err != nil {
		fail(err)
	}
	defer eng.Close()
	s, err := eng.NewSession("tpch", catalog.DefaultCatalog)
	if err != nil {
		fail(err)
	}
	defer s.Close()
	var picked []tpch.Query
	for _, f := range strings.Split(*queries, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(f), "q"))
		if err != nil || n < 1 || n > len(all) {
			fail(fmt.Errorf("bad query number %q", f))
		}
		picked = append(picked, all[n-1])
	}
	ctx := context.Background()
	run := func(q tpch.Query) time.Duration {
		t0 := time.Now()
		res, err := s.Query(ctx, q.SQL)
		d := time.Since(t0)
		for _, r := range res {
			r.Release()
		}
		if err != nil {
			fail(fmt.Errorf("%s: %w", q.Name(), err))
		}
		return d
	}
	for _, q := range picked {
		run(q) // warm-up
		if *explain {
			rows, err := tpch.QueryText(ctx, s, "EXPLAIN "+q.SQL)
			if err != nil {
				fail(err)
			}
			for _, r := range rows {
				fmt.Println(strings.Join(r, " "))
			}
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	for _, q := range picked {
		var ds []string
		for range *runs {
			ds = append(ds, fmt.Sprintf("%.3f", run(q).Seconds()))
		}
		fmt.Printf("%s: %s s\n", q.Name(), strings.Join(ds, " "))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tpchprof:", err)
	os.Exit(1)
}
