package exec

import (
	"context"
	"fmt"
	"path/filepath"
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
	Files   []delta.DataFile
	Columns []string      // physical column names read, in output order
	schema  *arrow.Schema // output schema
	read    *arrow.Schema // the stored fields read (storage names and types)
	workers int
	Filters []planner.Expr // for EXPLAIN (applied by a Filter above)
	Skipped int            // files skipped by statistics at plan time
}

func (bd *Builder) buildScan(n *planner.Scan) (PhysicalPlan, error) {
	files := n.Snapshot.Files()
	kept, skipped := pruneFiles(n, files)
	p := &ScanPlan{
		Name: n.Name.String(), Dir: n.Table.Dir(), Files: kept, Skipped: skipped,
		schema: SchemaOf(n.Out), workers: max(bd.Workers, 1), Filters: n.Filters,
	}
	var fields []arrow.Field
	for _, c := range n.Cols {
		p.Columns = append(p.Columns, n.Schema.Field(c).Name)
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

// listMorsels opens each file's footer to learn its row groups.
func (p *ScanPlan) listMorsels() ([]morsel, error) {
	var out []morsel
	for i, f := range p.Files {
		pf, err := parquet.OpenFile(p.path(f))
		if err != nil {
			return nil, fmt.Errorf("table %s: data file %s: %w", p.Name, f.Path, err)
		}
		for g := 0; g < pf.NumRowGroups(); g++ {
			out = append(out, morsel{file: i, rowGroup: g})
		}
		pf.Close()
	}
	return out, nil
}

func (p *ScanPlan) path(f delta.DataFile) string {
	if filepath.IsAbs(f.Path) {
		return f.Path
	}
	return filepath.Join(p.Dir, filepath.FromSlash(f.Path))
}

type scanOp struct {
	p    *ScanPlan
	tc   *TaskContext
	st   *scanState
	cur  arrow.Record // the row group being sliced into batches
	off  int64
	file *parquet.File
	fidx int
}

func (o *scanOp) Next(ctx context.Context) (batch.Batch, error) {
	for {
		if o.cur != nil && o.off < o.cur.NumRows() {
			n := min(int64(o.tc.BatchSize), o.cur.NumRows()-o.off)
			b := o.cur.NewSlice(o.off, o.off+n)
			o.off += n
			return batch.Batch{Rec: b}, nil
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
			}
			f, err := parquet.OpenFile(o.p.path(o.p.Files[m.file]))
			if err != nil {
				return batch.Batch{}, err
			}
			o.file, o.fidx = f, m.file
		}
		if len(o.p.Columns) == 0 {
			// Nothing to decode (count(*)): only the row count matters.
			o.cur = array.NewRecord(o.p.schema, nil, o.file.RowGroupNumRows(m.rowGroup))
			o.off = 0
			continue
		}
		rec, err := o.file.ReadRowGroup(m.rowGroup, o.p.Columns, o.p.read, o.tc.Eval.Alloc)
		if err != nil {
			return batch.Batch{}, fmt.Errorf("table %s: %w", o.p.Name, err)
		}
		// Label the columns with the names the query uses (aliases).
		o.cur = array.NewRecord(o.p.schema, rec.Columns(), rec.NumRows())
		rec.Release()
		o.off = 0
	}
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
