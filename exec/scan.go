package exec

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
	"github.com/lodedb/lode/storage/parquet"
)

// ScanPlan reads a Delta snapshot. Its morsels are (file, row group)
// pairs; every partition pulls the next morsel from a shared counter, so
// fast workers take more and no partition idles while work remains.
type ScanPlan struct {
	Name    string
	Dir     string // table root; file paths are relative to it
	Table   *delta.Table
	Files   []delta.DataFile
	Columns []string      // physical column names, in output order
	schema  *arrow.Schema // output schema
	read    *arrow.Schema // the stored fields read (storage names and types)
	readCol []string      // physical names of the stored columns read
	// src maps output column k to field src[k] of read, or, when
	// negative, to partition column part[-src[k]-1] (a constant per file).
	src     []int
	part    []arrow.Field // logical partition fields output
	workers int
	Filters []planner.Expr // for EXPLAIN (applied by a Filter above)
	Skipped int            // files skipped by statistics at plan time
	// RowGroupsSkipped counts row groups skipped by Parquet footer
	// statistics in the last execution.
	RowGroupsSkipped atomic.Int64
	conds            []pruneCond
	tableCols        []int        // output column k is table column tableCols[k]
	cache            *ColumnCache // decoded column chunks; nil = decode every time
	// ordinals[i] is Files[i]'s index in the planner scan's file list
	// (before pruning): the value of the file ordinal column.
	ordinals []int64
	excluded map[string][]int64 // planner.Scan.Excluded
}

// Sources of output columns that are neither stored nor partition
// columns: the row identity (see planner.ScanFileOrdinal).
const (
	srcFileOrdinal = -1 << 30
	srcRowPosition = srcFileOrdinal - 1
)

func (bd *Builder) buildScan(n *planner.Scan) (PhysicalPlan, error) {
	files := n.ScanFiles()
	kept, skipped := pruneFiles(n, files)
	p := &ScanPlan{
		Name: n.Name.String(), Dir: n.Table.Dir(), Table: n.Table, Files: kept, Skipped: skipped,
		schema: SchemaOf(n.Out), workers: max(bd.Workers, 1), Filters: n.Filters,
		conds: pruneConds(n), tableCols: n.Cols, excluded: n.Excluded,
		cache: bd.ColumnCache,
	}
	if slices.Contains(n.Cols, planner.ScanFileOrdinal) {
		p.ordinals = fileOrdinals(files, kept) // only DML reads them
	}
	var fields []arrow.Field
	for _, c := range n.Cols {
		switch c {
		case planner.ScanFileOrdinal:
			p.Columns = append(p.Columns, "<file>")
			p.src = append(p.src, srcFileOrdinal)
			continue
		case planner.ScanRowPosition:
			p.Columns = append(p.Columns, "<row>")
			p.src = append(p.src, srcRowPosition)
			continue
		}
		phys := n.Snapshot.PhysicalName(c)
		p.Columns = append(p.Columns, phys)
		if n.Snapshot.IsPartitionColumn(c) {
			p.part = append(p.part, n.Schema.Field(c))
			p.src = append(p.src, -len(p.part))
			continue
		}
		p.src = append(p.src, len(fields))
		p.readCol = append(p.readCol, phys)
		fields = append(fields, n.Schema.Field(c))
	}
	p.read = arrow.NewSchema(fields, nil)
	// Label output fields with the scan's column names but the storage
	// field names are what the Parquet reader matches on.
	var out PhysicalPlan = p
	if len(n.Filters) > 0 {
		var cond planner.Expr
		for _, f := range n.Filters {
			if cond == nil {
				cond = f
			} else {
				cond = &planner.Func{Name: "and", Args: []planner.Expr{cond, f}, T: f.Type()}
			}
		}
		f, err := NewFilter(p, cond)
		if err != nil {
			return nil, err
		}
		out = f
	}
	return out, nil
}

// fileOrdinals maps each kept file to its index in files (kept is files
// with some left out, in order).
func fileOrdinals(files, kept []delta.DataFile) []int64 {
	out := make([]int64, len(kept))
	j := 0
	for i := range kept {
		for j < len(files) && files[j].Path != kept[i].Path {
			j++
		}
		out[i] = int64(j)
		j++
	}
	return out
}

func (p *ScanPlan) Schema() *arrow.Schema    { return p.schema }
func (p *ScanPlan) Children() []PhysicalPlan { return nil }
func (p *ScanPlan) Partitions() int {
	// No more partitions than files: a small table stays in order.
	return max(1, min(p.workers, len(p.Files)))
}
func (p *ScanPlan) String() string {
	s := fmt.Sprintf("Scan %s [%s] files=%d", p.Name, strings.Join(p.Columns, ", "), len(p.Files))
	if p.Skipped > 0 {
		s += fmt.Sprintf(" skipped=%d", p.Skipped)
	}
	return s
}

// scanState is shared by the partitions of one execution of a scan.
type scanState struct {
	once    sync.Once
	err     error
	morsels []morsel
	next    atomic.Int64
}

type morsel struct {
	file     int
	rowGroup int
	firstRow int64 // file-wide position of the row group's first row
}

type openFiles struct {
	mu    sync.Mutex
	files map[int]*parquet.File
}

func (p *ScanPlan) Open(tc *TaskContext, part int) (Operator, error) {
	st := tc.Shared(p, func() any { return &scanState{} }).(*scanState)
	st.once.Do(func() { st.morsels, st.err = p.listMorsels() })
	if st.err != nil {
		return nil, st.err
	}
	return &scanOp{p: p, tc: tc, st: st}, nil
}

// listMorsels opens each file's footer to learn its row groups, leaving
// out those whose footer statistics prove no row passes the filters.
func (p *ScanPlan) listMorsels() ([]morsel, error) {
	var out []morsel
	skipped := int64(0)
	for i, f := range p.Files {
		pf, err := parquet.OpenFile(p.path(f))
		if err != nil {
			return nil, fmt.Errorf("table %s: data file %s: %w", p.Name, f.Path, err)
		}
		var statIdx map[int]int // table column → index into RowGroupStats
		if len(p.conds) > 0 {
			statIdx = p.statIndexes(pf)
		}
		first := int64(0)
		for g := 0; g < pf.NumRowGroups(); g++ {
			rows := pf.RowGroupNumRows(g)
			if len(p.conds) > 0 {
				st := pf.RowGroupStats(g)
				ok := mayMatch(p.conds, func(col int) pruneStats {
					if v, isPart := f.Partition[p.tableField(col).Name]; isPart {
						return pruneStats{min: v, max: v, allNull: v == nil, nullCount: -1}
					}
					idx, found := statIdx[col]
					if !found {
						idx = -1
					}
					return rowGroupStats(st, rows, idx)
				})
				if !ok {
					skipped++
					first += rows
					continue
				}
			}
			out = append(out, morsel{file: i, rowGroup: g, firstRow: first})
			first += rows
		}
		pf.Close()
	}
	p.RowGroupsSkipped.Store(skipped)
	return out, nil
}

// tableField is the table schema field of a table column the scan outputs.
func (p *ScanPlan) tableField(col int) arrow.Field {
	for k, c := range p.tableCols {
		if c == col {
			if p.src[k] < 0 {
				return p.part[-p.src[k]-1]
			}
			return p.read.Field(p.src[k])
		}
	}
	return arrow.Field{}
}

// statIndexes maps the table columns the conditions use to the file's
// statistics columns, where the file stores the column in the table's
// type (a widened column's older files are left unpruned).
func (p *ScanPlan) statIndexes(pf *parquet.File) map[int]int {
	out := map[int]int{}
	fs := pf.Schema()
	for _, c := range p.conds {
		for k, col := range p.tableCols {
			if col != c.col || p.src[k] < 0 {
				continue
			}
			want := p.read.Field(p.src[k])
			for j, ff := range fs.Fields() {
				if ff.Name == p.readCol[p.src[k]] && arrow.TypeEqual(ff.Type, want.Type) {
					out[col] = j
				}
			}
		}
	}
	return out
}

func (p *ScanPlan) path(f delta.DataFile) string {
	if filepath.IsAbs(f.Path) {
		return f.Path
	}
	return filepath.Join(p.Dir, filepath.FromSlash(f.Path))
}

type scanOp struct {
	p       *ScanPlan
	tc      *TaskContext
	st      *scanState
	cur     arrow.Record // the row group being sliced into batches
	off     int64
	file    *parquet.File
	fidx    int
	deleted []int64 // the open file's deleted rows (deletion vector), ascending
	first   int64   // file-wide position of cur's first row
}

func (o *scanOp) Next(ctx context.Context) (batch.Batch, error) {
	for {
		if o.cur != nil && o.off < o.cur.NumRows() {
			n := min(int64(o.tc.BatchSize), o.cur.NumRows()-o.off)
			lo := o.off
			o.off += n
			sel, all := o.live(o.first+lo, n)
			if !all && len(sel) == 0 {
				continue // every row of the slice is deleted
			}
			b := o.cur.NewSlice(lo, lo+n)
			return batch.Batch{Rec: b, Sel: sel}, nil
		}
		if o.cur != nil {
			o.cur.Release()
			o.cur = nil
		}
		if err := ctx.Err(); err != nil {
			return batch.Batch{}, cancelErr(err)
		}
		i := o.st.next.Add(1) - 1
		if i >= int64(len(o.st.morsels)) {
			return batch.Batch{}, nil
		}
		m := o.st.morsels[i]
		if o.file == nil || o.fidx != m.file {
			if o.file != nil {
				o.file.Close()
				o.file = nil
			}
			df := &o.p.Files[m.file]
			f, err := parquet.OpenFile(o.p.path(*df))
			if err != nil {
				return batch.Batch{}, err
			}
			o.file, o.fidx = f, m.file
			if o.deleted, err = o.p.Table.DeletedRows(ctx, df); err != nil {
				return batch.Batch{}, fmt.Errorf("table %s: %w", o.p.Name, err)
			}
			if ex := o.p.excluded[df.Path]; len(ex) > 0 {
				o.deleted = mergeSorted(o.deleted, ex)
			}
		}
		o.first, o.off = m.firstRow, 0
		n := o.file.RowGroupNumRows(m.rowGroup)
		if len(o.p.schema.Fields()) == 0 {
			// Nothing to decode (count(*)): only the row count matters.
			o.cur = array.NewRecord(o.p.schema, nil, n)
			continue
		}
		var stored arrow.Record
		if len(o.p.readCol) > 0 {
			df := &o.p.Files[m.file]
			rec, err := o.p.readStored(o.file, o.p.path(*df), df.Size, m.rowGroup, o.tc)
			if err != nil {
				return batch.Batch{}, fmt.Errorf("table %s: %w", o.p.Name, err)
			}
			stored = rec
		}
		cur, err := o.p.assemble(stored, m, n, o.tc)
		if stored != nil {
			stored.Release()
		}
		if err != nil {
			return batch.Batch{}, fmt.Errorf("table %s: %w", o.p.Name, err)
		}
		o.cur = cur
	}
}

// assemble builds the output record of a row group: the stored columns
// read, and each partition column as a constant; fields are labelled with
// the names the query uses (aliases).
func (p *ScanPlan) assemble(stored arrow.Record, m morsel, n int64, tc *TaskContext) (arrow.Record, error) {
	f := &p.Files[m.file]
	cols := make([]arrow.Array, len(p.src))
	var made []arrow.Array
	defer func() {
		for _, a := range made {
			a.Release()
		}
	}()
	for k, s := range p.src {
		switch {
		case s >= 0:
			cols[k] = stored.Column(s)
			continue
		case s == srcFileOrdinal || s == srcRowPosition:
			a := rowIdentity(s, p.ordinals[m.file], m.firstRow, n, tc)
			made = append(made, a)
			cols[k] = a
			continue
		}
		pf := p.part[-s-1]
		a, err := delta.ConstantArray(pf.Type, f.Partition[pf.Name], int(n), tc.Eval.Alloc)
		if err != nil {
			return nil, err
		}
		made = append(made, a)
		cols[k] = a
	}
	return array.NewRecord(p.schema, cols, n), nil
}

// live returns the selection of the n rows from file position pos that
// the deletion vector keeps; all=true (and a nil selection) when no row
// in the range is deleted.
func (o *scanOp) live(pos, n int64) (sel []int32, all bool) {
	d := o.deleted
	i, _ := slices.BinarySearch(d, pos)
	if i == len(d) || d[i] >= pos+n {
		return nil, true
	}
	sel = make([]int32, 0, n)
	for r := int64(0); r < n; r++ {
		if i < len(d) && d[i] == pos+r {
			i++
			continue
		}
		sel = append(sel, int32(r))
	}
	return sel, false
}

func (o *scanOp) Close() error {
	if o.cur != nil {
		o.cur.Release()
		o.cur = nil
	}
	if o.file != nil {
		o.file.Close()
		o.file = nil
	}
	return nil
}
