package exec

import (
	"math"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
	"github.com/lodedb/lode/storage/parquet"
)

// pruneCond is one conjunct of a scan's filters that statistics can
// refute: `col op lit`, `col IS [NOT] NULL` or `col IN (lits)`.
type pruneCond struct {
	col  int    // table column (index into the table schema)
	op   string // = < <= > >= in isnull notnull
	lits []any  // Literal values (nil = NULL), in the column's type
	t    types.T
}

// pruneStats is what is known of one column in a file or row group.
type pruneStats struct {
	min, max  any   // nil = unknown
	allNull   bool  // every row is NULL
	nullCount int64 // -1 = unknown
	maxSlack  int64 // timestamps: µs the max may be below the true max
	maxLoose  bool  // max may be a truncated prefix (strings): unusable
}

// pruneConds extracts the conjuncts statistics can refute; anything else
// is left to the Filter above the scan.
func pruneConds(n *planner.Scan) []pruneCond {
	var out []pruneCond
	var walk func(e planner.Expr)
	walk = func(e planner.Expr) {
		switch e := e.(type) {
		case *planner.Func:
			switch e.Name {
			case "and":
				for _, a := range e.Args {
					walk(a)
				}
			case "=", "<", "<=", ">", ">=":
				if len(e.Args) != 2 {
					return
				}
				op := e.Name
				c, okc := scanColumn(n, e.Args[0])
				l, okl := e.Args[1].(*planner.Literal)
				if !okc || !okl {
					c, okc = scanColumn(n, e.Args[1])
					l, okl = e.Args[0].(*planner.Literal)
					op = mirrorOp[op]
				}
				if okc && okl && sameType(n, c, l.T) {
					out = append(out, pruneCond{col: c, op: op, lits: []any{l.Value}, t: l.T})
				}
			case "is null", "is not null":
				if len(e.Args) != 1 {
					return
				}
				if c, ok := scanColumn(n, e.Args[0]); ok {
					op := "isnull"
					if e.Name == "is not null" {
						op = "notnull"
					}
					out = append(out, pruneCond{col: c, op: op})
				}
			}
		case *planner.InList:
			c, ok := scanColumn(n, e.Arg)
			if !ok || e.Negated {
				return
			}
			pc := pruneCond{col: c, op: "in"}
			for _, x := range e.List {
				l, ok := x.(*planner.Literal)
				if !ok || !sameType(n, c, l.T) {
					return
				}
				pc.lits, pc.t = append(pc.lits, l.Value), l.T
			}
			out = append(out, pc)
		}
	}
	for _, f := range n.Filters {
		walk(f)
	}
	return out
}

var mirrorOp = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// scanColumn resolves a bare column reference to its table column.
func scanColumn(n *planner.Scan, e planner.Expr) (int, bool) {
	r, ok := e.(*planner.ColumnRef)
	if !ok || r.Index < 0 || r.Index >= len(n.Cols) || n.Cols[r.Index] < 0 {
		return 0, false // not a column, or a row identity column
	}
	return n.Cols[r.Index], true
}

// sameType reports whether a literal of type t compares with the stored
// values of table column c without conversion.
func sameType(n *planner.Scan, c int, t types.T) bool {
	ct, err := types.FromField(n.Schema.Field(c))
	if err != nil {
		return false
	}
	if ct.IsString() && t.IsString() {
		return true
	}
	if ct.Kind != t.Kind {
		return false
	}
	return ct.Kind != types.Numeric || ct.Scale == t.Scale
}

// pruneFiles drops data files whose partition values or min/max statistics
// prove no row can pass the scan's filters.
func pruneFiles(n *planner.Scan, files []delta.DataFile) ([]delta.DataFile, int) {
	conds := pruneConds(n)
	if len(conds) == 0 {
		return files, 0
	}
	kept := make([]delta.DataFile, 0, len(files))
	for i := range files {
		f := &files[i]
		if mayMatch(conds, func(col int) pruneStats { return fileStats(n, f, col) }) {
			kept = append(kept, *f)
		}
	}
	return kept, len(files) - len(kept)
}

// fileStats is what a data file's add action says about a column.
func fileStats(n *planner.Scan, f *delta.DataFile, col int) pruneStats {
	field := n.Schema.Field(col)
	if v, ok := f.Partition[field.Name]; ok {
		return pruneStats{min: v, max: v, allNull: v == nil, nullCount: boolCount(v == nil, f.NumRecords)}
	}
	cs, ok := f.Columns[field.Name]
	if !ok {
		return pruneStats{nullCount: -1}
	}
	ps := pruneStats{min: cs.Min, max: cs.Max, nullCount: cs.NullCount}
	ps.allNull = f.NumRecords >= 0 && cs.NullCount == f.NumRecords
	switch field.Type.ID() {
	case arrow.TIMESTAMP:
		ps.maxSlack = 1000 // stats are truncated to milliseconds
	case arrow.STRING:
		if s, ok := cs.Max.(string); ok && utf8.RuneCountInString(s) >= 32 {
			ps.maxLoose = true // possibly a truncated prefix
		}
	}
	return ps
}

func boolCount(all bool, n int64) int64 {
	if all {
		return n
	}
	return 0
}

// rowGroupStats is what a Parquet footer says about a column of row
// group g; cols maps table columns to file statistics indexes (-1: none).
func rowGroupStats(st []parquet.ColumnStats, rows int64, idx int) pruneStats {
	if idx < 0 || idx >= len(st) {
		return pruneStats{nullCount: -1}
	}
	cs := st[idx]
	// Footer null counts may be absent (read as 0), so they only prove
	// "all NULL", never "no NULL".
	return pruneStats{min: cs.Min, max: cs.Max, allNull: rows > 0 && cs.NullCount == rows, nullCount: -1}
}

// mayMatch reports whether a row could pass every condition given the
// statistics; false means the file or row group can be skipped.
func mayMatch(conds []pruneCond, stats func(col int) pruneStats) bool {
	for _, c := range conds {
		if !condMayMatch(c, stats(c.col)) {
			return false
		}
	}
	return true
}

func condMayMatch(c pruneCond, s pruneStats) bool {
	switch c.op {
	case "isnull":
		return s.nullCount != 0
	case "notnull":
		return !s.allNull
	case "in":
		for _, l := range c.lits {
			if condMayMatch(pruneCond{col: c.col, op: "=", lits: []any{l}, t: c.t}, s) {
				return true
			}
		}
		return false
	}
	lit := c.lits[0]
	if lit == nil || s.allNull {
		return false // a comparison with NULL is never true
	}
	if c.t.Kind == types.Float32 || c.t.Kind == types.Float64 {
		// NaN sorts above every number in PostgreSQL but is left out of
		// min/max: > and >= cannot use max, and a NaN literal proves nothing.
		f, ok := lit.(float64)
		if !ok || math.IsNaN(f) {
			return true
		}
		if c.t.Kind == types.Float32 {
			lit = float64(float32(f)) // as the comparison kernel sees it
		}
		if c.op == ">" || c.op == ">=" {
			s.max = nil
		}
	}
	minCmp, minOK := compareStat(s.min, lit, 0)
	maxCmp, maxOK := compareStat(s.max, lit, s.maxSlack)
	maxOK = maxOK && !s.maxLoose
	switch c.op {
	case "=":
		return !(minOK && minCmp > 0) && !(maxOK && maxCmp < 0)
	case "<":
		return !(minOK && minCmp >= 0)
	case "<=":
		return !(minOK && minCmp > 0)
	case ">":
		return !(maxOK && maxCmp <= 0)
	case ">=":
		return !(maxOK && maxCmp < 0)
	}
	return true
}

// compareStat compares a statistic (ColumnStats Go types) with a literal
// (planner.Literal Go types), widening the statistic by slack µs for
// timestamps; ok=false when they are not comparable.
func compareStat(stat, lit any, slack int64) (int, bool) {
	if stat == nil {
		return 0, false
	}
	switch l := lit.(type) {
	case int64:
		var v int64
		switch s := stat.(type) {
		case int16:
			v = int64(s)
		case int32:
			v = int64(s)
		case int64:
			v = s
		case arrow.Timestamp:
			v = int64(s)
			if slack > 0 && v <= math.MaxInt64-slack {
				v += slack
			}
		default:
			return 0, false
		}
		return cmp3(v, l), true
	case int32: // dates
		if s, ok := stat.(arrow.Date32); ok {
			return cmp3(int32(s), l), true
		}
	case float64:
		switch s := stat.(type) {
		case float32:
			if math.IsNaN(float64(s)) {
				return 0, false
			}
			return cmp3(float64(s), l), true
		case float64:
			if math.IsNaN(s) {
				return 0, false
			}
			return cmp3(s, l), true
		}
	case string:
		if s, ok := stat.(string); ok {
			return cmp3(s, l), true
		}
	case bool:
		if s, ok := stat.(bool); ok {
			return cmp3(b2i(s), b2i(l)), true
		}
	case decimal128.Num:
		if s, ok := stat.(decimal128.Num); ok {
			return s.Cmp(l), true
		}
	}
	return 0, false
}

func cmp3[T int32 | int64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
