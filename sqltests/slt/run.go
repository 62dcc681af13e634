package slt

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Value is one result cell: nil for NULL, else int64, float64, bool or
// string (the text form for every other type).
type Value = any

// Executor runs SQL for the runner.
type Executor interface {
	// Exec runs a statement that returns no rows the test checks.
	Exec(sql string) error
	// Query runs a query and returns its rows.
	Query(sql string) ([][]Value, error)
}

// Outcome of one record.
type Outcome struct {
	Record *Record
	Err    string // empty when the record passed
}

// RunFile runs every record that applies to an engine with the given names
// (default: Lode, as "postgresql" and "lode") and reports each outcome.
// Records with the same label must give the same hash.
func RunFile(f *File, ex Executor, engines ...string) []Outcome {
	if len(engines) == 0 {
		engines = []string{EngineName, "lode"}
	}
	var out []Outcome
	labels := map[string]string{}
	for i, r := range f.Records {
		if !r.Applies(engines) {
			continue
		}
		err := runRecord(r, f.HashThreshold[i], ex, labels)
		o := Outcome{Record: r}
		if err != nil {
			o.Err = err.Error()
		}
		out = append(out, o)
	}
	return out
}

func runRecord(r *Record, threshold int, ex Executor, labels map[string]string) error {
	if r.Kind == "statement" {
		err := ex.Exec(r.SQL)
		switch {
		case r.ExpectErr && err == nil:
			return fmt.Errorf("statement succeeded, an error was expected")
		case !r.ExpectErr && err != nil:
			return fmt.Errorf("statement failed: %v", err)
		}
		return nil
	}
	rows, err := ex.Query(r.SQL)
	if r.ExpectErr {
		if err == nil {
			return fmt.Errorf("query succeeded, an error was expected")
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("query failed: %v", err)
	}
	values := formatRows(rows, r.Types)
	ncols := len(r.Types)
	if len(rows) > 0 {
		ncols = len(rows[0])
	}
	switch r.Sort {
	case "rowsort":
		sortRows(values, ncols)
	case "valuesort":
		sort.Strings(values)
	}
	if r.Hash != "" || (threshold > 0 && len(values) > threshold) {
		h := hashValues(values)
		if r.Label != "" {
			if prev, ok := labels[r.Label]; ok && prev != h {
				return fmt.Errorf("label %s: hash %s differs from an earlier query's %s", r.Label, h, prev)
			}
			labels[r.Label] = h
		}
		if r.Hash != "" {
			if len(values) != r.HashCount || h != r.Hash {
				return fmt.Errorf("got %d values hashing to %s, want %d values hashing to %s", len(values), h, r.HashCount, r.Hash)
			}
			return nil
		}
	}
	if r.Label != "" && r.Hash == "" {
		labels[r.Label] = hashValues(values)
	}
	want := r.Expected
	// Expected results may list one value per line or one row per line
	// (values separated by spaces, as this project's own files do).
	if len(want) != len(values) && ncols > 1 && len(want)*ncols == len(values) {
		var rowsText []string
		for i := 0; i+ncols <= len(values); i += ncols {
			rowsText = append(rowsText, strings.Join(values[i:i+ncols], " "))
		}
		values = rowsText
	}
	if !equalLines(values, want) {
		return fmt.Errorf("result mismatch\n got: %s\nwant: %s", strings.Join(values, " | "), strings.Join(want, " | "))
	}
	return nil
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != strings.TrimRight(b[i], " ") {
			return false
		}
	}
	return true
}

// formatRows renders values as sqllogictest prints them: NULL, (empty),
// integers, reals with three decimals, text with control characters as @.
func formatRows(rows [][]Value, typesStr string) []string {
	var out []string
	for _, row := range rows {
		for c, v := range row {
			t := byte('T')
			if c < len(typesStr) {
				t = typesStr[c]
			}
			out = append(out, formatValue(v, t))
		}
	}
	return out
}

func formatValue(v Value, t byte) string {
	if v == nil {
		return "NULL"
	}
	switch t {
	case 'I':
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10)
		case float64:
			return strconv.FormatInt(int64(math.Trunc(x)), 10)
		case bool:
			if x {
				return "1"
			}
			return "0"
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return strconv.FormatInt(int64(math.Trunc(f)), 10)
			}
			return "0"
		}
	case 'R':
		switch x := v.(type) {
		case int64:
			return strconv.FormatFloat(float64(x), 'f', 3, 64)
		case float64:
			return strconv.FormatFloat(x, 'f', 3, 64)
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return strconv.FormatFloat(f, 'f', 3, 64)
			}
		}
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case bool:
		if x {
			s = "t"
		} else {
			s = "f"
		}
	default:
		s = fmt.Sprint(x)
	}
	if s == "" {
		return "(empty)"
	}
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c > '~' {
			b[i] = '@'
		}
	}
	return string(b)
}

func sortRows(values []string, ncols int) {
	if ncols <= 0 {
		return
	}
	n := len(values) / ncols
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = values[i*ncols : (i+1)*ncols]
	}
	sort.SliceStable(rows, func(a, b int) bool {
		for c := 0; c < ncols; c++ {
			if rows[a][c] != rows[b][c] {
				return rows[a][c] < rows[b][c]
			}
		}
		return false
	})
	flat := make([]string, 0, len(values))
	for _, r := range rows {
		flat = append(flat, r...)
	}
	copy(values, flat)
}

func hashValues(values []string) string {
	h := md5.New()
	for _, v := range values {
		h.Write([]byte(v))
		h.Write([]byte("\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
