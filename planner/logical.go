package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// OutCol is one output column of a logical plan node.
type OutCol struct {
	Name     string
	T        types.T
	Qual     string // range variable (table alias) the column belongs to, for name lookup
	TableOID uint32 // set when the column is a plain table column
	AttNum   int16
	Hidden   bool // not expanded by * (e.g. sort keys added for ORDER BY)
}

// Plan is a bound logical plan node.
type Plan interface {
	Columns() []OutCol
	Inputs() []Plan
	// Explain is the node's one-line description for EXPLAIN.
	Explain() string
}

// Scan reads a table snapshot. Cols are the table columns read, in output
// order; Filters (over the output columns) are pushed down by the rules so
// the scan can skip files and row groups and apply them as it reads.
type Scan struct {
	Name     catalog.Name
	Table    *delta.Table
	Snapshot *delta.Snapshot
	Schema   *arrow.Schema // the full table schema
	Cols     []int
	Filters  []Expr
	Out      []OutCol
	// FileSubset, when not nil, restricts the scan to these files of the
	// snapshot (copy-on-write DML rewrites only the files it changes).
	FileSubset []delta.DataFile
	// Excluded hides rows as a deletion vector would: data file path →
	// file-wide row positions, ascending. Copy-on-write DML rewrites a file
	// by scanning it with the rows it deletes or replaces excluded.
	Excluded map[string][]int64
}

// Row identity columns: a Scan outputs them where Cols holds these
// negative values instead of a table column. DML reads them to learn which
// rows of which files it changes.
const (
	// ScanFileOrdinal is the data file's index in the scan's file list
	// (FileSubset, or else Snapshot.Files()), as bigint.
	ScanFileOrdinal = -1
	// ScanRowPosition is the row's position within its data file, counting
	// deleted rows too (the numbering deletion vectors use), as bigint.
	ScanRowPosition = -2
)

// WithRowIdentity returns a copy of s that also outputs the file ordinal
// and row position as hidden columns (after the table's columns).
func (s *Scan) WithRowIdentity() *Scan {
	c := *s
	c.Cols = append(append([]int{}, s.Cols...), ScanFileOrdinal, ScanRowPosition)
	c.Out = append(append([]OutCol{}, s.Out...),
		OutCol{Name: "_lode_file", T: types.TInt64, Hidden: true},
		OutCol{Name: "_lode_row", T: types.TInt64, Hidden: true})
	return &c
}

// ScanFiles is the file list a scan reads (and ScanFileOrdinal indexes).
func (s *Scan) ScanFiles() []delta.DataFile {
	if s.FileSubset != nil {
		return s.FileSubset
	}
	return s.Snapshot.Files()
}

// VirtualScan reads a relation computed from the catalog (pg_catalog,
// information_schema, system tables).
type VirtualScan struct {
	Schema, Table string
	Rel           catalog.VirtualRelation
	Out           []OutCol
}

func (p *VirtualScan) Columns() []OutCol { return p.Out }
func (p *VirtualScan) Inputs() []Plan    { return nil }
func (p *VirtualScan) Explain() string   { return "VirtualScan " + p.Schema + "." + p.Table }

// Filter keeps the rows where Cond is true.
type Filter struct {
	Input Plan
	Cond  Expr
}

// Project computes Exprs over its input.
type Project struct {
	Input Plan
	Exprs []Expr
	Out   []OutCol
}

// AggCall is an aggregate function call; Args are expressions over the
// Aggregate's input.
type AggCall struct {
	Name     string // count, sum, avg, min, max
	Args     []Expr
	Star     bool // count(*)
	Distinct bool
	T        types.T
	Param    any // a constant extra argument (string_agg delimiter, percentile fraction)
}

func (a *AggCall) String() string {
	if a.Star {
		return a.Name + "(*)"
	}
	args := make([]string, len(a.Args))
	for i, x := range a.Args {
		args[i] = x.String()
	}
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	return a.Name + "(" + d + strings.Join(args, ", ") + ")"
}

// Aggregate groups its input by Groups and computes Aggs; the output is the
// group values followed by the aggregate values.
type Aggregate struct {
	Input  Plan
	Groups []Expr
	Aggs   []*AggCall
	Out    []OutCol
}

// JoinType enumerates the joins.
type JoinType int

const (
	JoinInner JoinType = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinCross
	JoinSemi
	JoinAnti
)

var joinNames = [...]string{"Inner", "Left", "Right", "Full", "Cross", "Semi", "Anti"}

func (j JoinType) String() string { return joinNames[j] }

// Join combines Left and Right; Cond is over Left's columns then Right's.
type Join struct {
	Left, Right Plan
	Type        JoinType
	Cond        Expr // nil: cross product
	Out         []OutCol
}

// SortKey orders by an expression over the input.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

func (k SortKey) String() string {
	s := k.Expr.String()
	if k.Desc {
		s += " DESC"
	}
	if k.NullsFirst != k.Desc {
		if k.NullsFirst {
			s += " NULLS FIRST"
		} else {
			s += " NULLS LAST"
		}
	}
	return s
}

// Sort orders its input.
type Sort struct {
	Input Plan
	Keys  []SortKey
}

// Limit skips Offset rows then passes at most Count (Count < 0: no limit).
type Limit struct {
	Input         Plan
	Count, Offset int64
}

// Distinct removes duplicate rows.
type Distinct struct {
	Input Plan
}

// UnionAll concatenates inputs with identical column types.
type UnionAll struct {
	Branches []Plan
	Out      []OutCol
}

// Values is a literal table (VALUES lists, and the one empty row of a
// SELECT without FROM).
type Values struct {
	Rows [][]Expr
	Out  []OutCol
}

// GenerateSeries is generate_series(start, stop[, step]) over integers.
type GenerateSeries struct {
	Start, Stop, Step Expr
	Out               []OutCol
}

func (p *Scan) Columns() []OutCol           { return p.Out }
func (p *Filter) Columns() []OutCol         { return p.Input.Columns() }
func (p *Project) Columns() []OutCol        { return p.Out }
func (p *Aggregate) Columns() []OutCol      { return p.Out }
func (p *Join) Columns() []OutCol           { return p.Out }
func (p *Sort) Columns() []OutCol           { return p.Input.Columns() }
func (p *Limit) Columns() []OutCol          { return p.Input.Columns() }
func (p *Distinct) Columns() []OutCol       { return p.Input.Columns() }
func (p *UnionAll) Columns() []OutCol       { return p.Out }
func (p *Values) Columns() []OutCol         { return p.Out }
func (p *GenerateSeries) Columns() []OutCol { return p.Out }

func (p *Scan) Inputs() []Plan           { return nil }
func (p *Filter) Inputs() []Plan         { return []Plan{p.Input} }
func (p *Project) Inputs() []Plan        { return []Plan{p.Input} }
func (p *Aggregate) Inputs() []Plan      { return []Plan{p.Input} }
func (p *Join) Inputs() []Plan           { return []Plan{p.Left, p.Right} }
func (p *Sort) Inputs() []Plan           { return []Plan{p.Input} }
func (p *Limit) Inputs() []Plan          { return []Plan{p.Input} }
func (p *Distinct) Inputs() []Plan       { return []Plan{p.Input} }
func (p *UnionAll) Inputs() []Plan       { return p.Branches }
func (p *Values) Inputs() []Plan         { return nil }
func (p *GenerateSeries) Inputs() []Plan { return nil }

func exprList(es []Expr) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.String()
	}
	return strings.Join(s, ", ")
}

func (p *Scan) Explain() string {
	names := make([]string, len(p.Cols))
	for i, c := range p.Cols {
		switch c {
		case ScanFileOrdinal:
			names[i] = "<file>"
		case ScanRowPosition:
			names[i] = "<row>"
		default:
			names[i] = p.Schema.Field(c).Name
		}
	}
	s := fmt.Sprintf("Scan %s [%s]", p.Name, strings.Join(names, ", "))
	if len(p.Filters) > 0 {
		s += " filter=[" + exprList(p.Filters) + "]"
	}
	return s
}
func (p *Filter) Explain() string  { return "Filter " + p.Cond.String() }
func (p *Project) Explain() string { return "Project [" + exprList(p.Exprs) + "]" }
func (p *Aggregate) Explain() string {
	aggs := make([]string, len(p.Aggs))
	for i, a := range p.Aggs {
		aggs[i] = a.String()
	}
	return "Aggregate groups=[" + exprList(p.Groups) + "] aggs=[" + strings.Join(aggs, ", ") + "]"
}
func (p *Join) Explain() string {
	if p.Cond == nil {
		return p.Type.String() + "Join"
	}
	return p.Type.String() + "Join on " + p.Cond.String()
}
func (p *Sort) Explain() string {
	keys := make([]string, len(p.Keys))
	for i, k := range p.Keys {
		keys[i] = k.String()
	}
	return "Sort [" + strings.Join(keys, ", ") + "]"
}
func (p *Limit) Explain() string    { return fmt.Sprintf("Limit %d offset %d", p.Count, p.Offset) }
func (p *Distinct) Explain() string { return "Distinct" }
func (p *UnionAll) Explain() string { return "UnionAll" }
func (p *Values) Explain() string   { return fmt.Sprintf("Values %d rows", len(p.Rows)) }
func (p *GenerateSeries) Explain() string {
	return "GenerateSeries(" + exprList([]Expr{p.Start, p.Stop, p.Step}) + ")"
}

// Format renders a logical plan as an indented tree.
func Format(p Plan) string {
	var b strings.Builder
	var walk func(p Plan, depth int)
	walk = func(p Plan, depth int) {
		b.WriteString(strings.Repeat("  ", depth) + p.Explain() + "\n")
		for _, in := range p.Inputs() {
			walk(in, depth+1)
		}
	}
	walk(p, 0)
	return b.String()
}
