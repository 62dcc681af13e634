package tpch

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
)

func mark(r *Run) string {
	if r == nil {
		return "–"
	}
	switch r.Status {
	case StatusCorrect, StatusRan:
		return secs(r.Median())
	case StatusWrong:
		return secs(r.Median()) + " wrong"
	case StatusError:
		return "error"
	}
	return "–"
}

// secs formats seconds with at least three significant digits.
func secs(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.2f", s)
	case s >= 0.01:
		return fmt.Sprintf("%.3f", s)
	}
	return fmt.Sprintf("%.5f", s)
}

// usable: the run answered (correctly, where it could be checked).
func usable(r *Run) bool {
	return r != nil && (r.Status == StatusCorrect || r.Status == StatusRan) && r.Median() > 0
}

// Markdown writes the report as Markdown.
func (rep *Report) Markdown(w io.Writer) {
	fmt.Fprintf(w, "# TPC-H at scale factor %g\n\n", rep.SF)
	fmt.Fprintf(w, "Run %s on %d cores (%s), %s. Times are the median of the timed runs after one warm-up, in seconds; ", rep.Started.Format("2006-01-02 15:04"), runtime.NumCPU(), cpuModel(), runtime.Version())
	fmt.Fprintf(w, "ratios are Lode's time over the other system's (below 1: Lode is faster). Results are checked against %s.\n\n", rep.Reference)
	var vs []string
	for _, k := range []string{"DuckDB", "PostgreSQL"} {
		if v := rep.Versions[k]; v != "" {
			vs = append(vs, k+" "+v)
		}
	}
	if len(vs) > 0 {
		fmt.Fprintf(w, "Versions: %s.\n\n", strings.Join(vs, ", "))
	}
	fmt.Fprintf(w, "Setup: ")
	var setup []string
	for _, s := range rep.Systems {
		if v, ok := rep.Setup[s]; ok {
			what := map[string]string{SysLode: "generate and write the Delta tables", SysDuckParquet: "create views", SysDuckMemory: "CREATE TABLE AS from the Parquet files", SysPostgres: "COPY, keys, indexes, VACUUM ANALYZE"}[s]
			setup = append(setup, fmt.Sprintf("%s %.1fs (%s)", s, v, what))
		}
	}
	fmt.Fprintf(w, "%s.\n\n", strings.Join(setup, "; "))

	others := []string{}
	for _, s := range rep.Systems {
		if s != SysLode {
			others = append(others, s)
		}
	}
	hdr := []string{"query", "Lode status"}
	hdr = append(hdr, rep.Systems...)
	if rep.has(SysLode) {
		for _, o := range others {
			hdr = append(hdr, "Lode / "+o)
		}
	}
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(hdr, " | "), strings.Repeat("---|", len(hdr)))
	logs := map[string]float64{}
	count := 0
	for _, n := range rep.Queries {
		lr := rep.Runs[SysLode][n]
		status := "–"
		if lr != nil {
			status = lr.Status
		}
		cells := []string{fmt.Sprintf("Q%d", n), status}
		all := true
		for _, s := range rep.Systems {
			r := rep.Runs[s][n]
			cells = append(cells, mark(r))
			all = all && usable(r)
		}
		if rep.has(SysLode) {
			for _, o := range others {
				o := rep.Runs[o][n]
				if usable(lr) && usable(o) {
					cells = append(cells, fmt.Sprintf("%.2f", lr.Median()/o.Median()))
				} else {
					cells = append(cells, "–")
				}
			}
		}
		if all {
			count++
			for _, s := range rep.Systems {
				logs[s] += math.Log(rep.Runs[s][n].Median())
			}
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	cells := []string{fmt.Sprintf("geomean (%d queries)", count), ""}
	for _, s := range rep.Systems {
		if count == 0 {
			cells = append(cells, "–")
		} else {
			cells = append(cells, secs(math.Exp(logs[s]/float64(count))))
		}
	}
	if rep.has(SysLode) {
		for _, o := range others {
			if count == 0 {
				cells = append(cells, "–")
			} else {
				cells = append(cells, fmt.Sprintf("%.2f", math.Exp((logs[SysLode]-logs[o])/float64(count))))
			}
		}
	}
	fmt.Fprintf(w, "| %s |\n\n", strings.Join(cells, " | "))
	fmt.Fprintf(w, "The geometric means cover the queries every system answered correctly.\n\n")

	for _, s := range rep.Systems {
		var lines []string
		for _, n := range rep.Queries {
			if r := rep.Runs[s][n]; r != nil && r.Detail != "" {
				lines = append(lines, fmt.Sprintf("- Q%d %s: %s", n, r.Status, strings.ReplaceAll(r.Detail, "|", "\\|")))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "%s failures:\n\n%s\n\n", s, strings.Join(lines, "\n"))
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "Note: %s\n\n", n)
	}
}

// Summary is one line per system: how many queries were correct.
func (rep *Report) Summary() string {
	var b strings.Builder
	for _, s := range rep.Systems {
		c := map[string]int{}
		for _, n := range rep.Queries {
			if r := rep.Runs[s][n]; r != nil {
				c[r.Status]++
			}
		}
		fmt.Fprintf(&b, "%-14s correct %2d  wrong %2d  error %2d  unchecked %2d\n", s, c[StatusCorrect], c[StatusWrong], c[StatusError], c[StatusRan])
	}
	return b.String()
}

func (rep *Report) has(sys string) bool {
	for _, s := range rep.Systems {
		if s == sys {
			return true
		}
	}
	return false
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
