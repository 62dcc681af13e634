// Package slt reads and runs sqllogictest files: the format of SQLite's
// sqllogictest corpus (statement ok/error, query with a type string and a
// sort mode, hash-threshold, "N values hashing to MD5", skipif/onlyif,
// halt), run against any Executor.
package slt

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Record is one test record.
type Record struct {
	Line       int    // 1-based line of the record's first line
	Kind       string // "statement" or "query"
	ExpectErr  bool   // statement error / query error
	ErrPattern string // optional text after "statement error"
	SQL        string
	Types      string // query: one letter per column (T, I, R)
	Sort       string // nosort, rowsort, valuesort
	Label      string
	Expected   []string // result lines after ----
	HashCount  int      // "N values hashing to H": N
	Hash       string
	Conditions []Condition
}

// Condition is a skipif/onlyif line.
type Condition struct {
	Only   bool // onlyif (else skipif)
	Engine string
}

// File is a parsed test file.
type File struct {
	Records       []*Record
	HashThreshold []int // hash-threshold in force for each record (0 = never hash)
}

// ParseFile reads the test file at path.
func ParseFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return Parse(fh)
}

// Parse reads a test file.
func Parse(r io.Reader) (*File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	f := &File{}
	lineNo := 0
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	threshold := 0
	var conds []Condition
	for lineNo < len(lines) {
		line := lines[lineNo]
		lineNo++
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		fields := strings.Fields(trimmed)
		switch fields[0] {
		case "hash-threshold":
			if len(fields) > 1 {
				threshold, _ = strconv.Atoi(fields[1])
			}
			continue
		case "halt":
			if applies(conds, []string{EngineName, "lode"}) {
				return f, nil
			}
			conds = nil
			continue
		case "skipif", "onlyif":
			if len(fields) > 1 {
				conds = append(conds, Condition{Only: fields[0] == "onlyif", Engine: fields[1]})
			}
			continue
		case "statement", "query":
		default:
			return nil, fmt.Errorf("line %d: unknown record %q", lineNo, fields[0])
		}
		rec := &Record{Line: lineNo, Kind: fields[0], Conditions: conds}
		conds = nil
		if rec.Kind == "statement" {
			if len(fields) > 1 && fields[1] == "error" {
				rec.ExpectErr = true
				rec.ErrPattern = strings.TrimSpace(strings.TrimPrefix(trimmed, "statement error"))
			}
		} else {
			if len(fields) > 1 {
				if fields[1] == "error" {
					rec.ExpectErr = true
				} else {
					rec.Types = fields[1]
				}
			}
			rec.Sort = "nosort"
			if len(fields) > 2 {
				rec.Sort = fields[2]
			}
			if len(fields) > 3 {
				rec.Label = fields[3]
			}
		}
		// SQL runs to a blank line or ----.
		var sql []string
		for lineNo < len(lines) && strings.TrimSpace(lines[lineNo]) != "" && lines[lineNo] != "----" {
			sql = append(sql, lines[lineNo])
			lineNo++
		}
		rec.SQL = strings.Join(sql, "\n")
		if lineNo < len(lines) && lines[lineNo] == "----" {
			lineNo++
			for lineNo < len(lines) && strings.TrimSpace(lines[lineNo]) != "" {
				rec.Expected = append(rec.Expected, lines[lineNo])
				lineNo++
			}
			if len(rec.Expected) == 1 {
				var n int
				var h string
				if k, _ := fmt.Sscanf(rec.Expected[0], "%d values hashing to %s", &n, &h); k == 2 {
					rec.HashCount, rec.Hash = n, h
					rec.Expected = nil
				}
			}
		}
		f.Records = append(f.Records, rec)
		f.HashThreshold = append(f.HashThreshold, threshold)
	}
	return f, nil
}

// EngineName is how Lode is named in skipif/onlyif lines of the shared
// corpus: it behaves as PostgreSQL. The project's own files also use
// "lode" (Lode-only statements) and "pg" (the real PostgreSQL server of
// the differential runs).
const EngineName = "postgresql"

func applies(conds []Condition, engines []string) bool {
	has := func(e string) bool {
		for _, x := range engines {
			if x == e {
				return true
			}
		}
		return false
	}
	for _, c := range conds {
		if c.Only && !has(c.Engine) {
			return false
		}
		if !c.Only && has(c.Engine) {
			return false
		}
	}
	return true
}

// Applies reports whether the record runs on an engine known by names.
func (r *Record) Applies(engines []string) bool { return applies(r.Conditions, engines) }
