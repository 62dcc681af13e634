package tpch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/go-tpc/tpch/dbgen"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// GenOptions tune Generate. The zero value is the default.
type GenOptions struct {
	// Catalog and Schema hold the tables (default main.public).
	Catalog, Schema string
	// Writers is the number of goroutines encoding Parquet per table
	// (default GOMAXPROCS). dbgen itself is sequential: its random
	// streams are package state.
	Writers int
	// BatchRows is the size of the Arrow records handed to the writers
	// (default 65,536); RowGroupRows the Parquet row group size (default
	// 1,048,576).
	BatchRows    int
	RowGroupRows int64
	// Log receives one line per table (nil: silent).
	Log io.Writer
}

func (o *GenOptions) defaults() {
	if o.Catalog == "" {
		o.Catalog = catalog.DefaultCatalog
	}
	if o.Schema == "" {
		o.Schema = catalog.DefaultSchema
	}
	if o.Writers <= 0 {
		o.Writers = runtime.GOMAXPROCS(0)
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 1 << 16
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = 1 << 20
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Manifest is written to <warehouse>/tpch.json once every table is
// committed: its presence means the data is complete.
type Manifest struct {
	ScaleFactor float64          `json:"scale_factor"`
	Catalog     string           `json:"catalog"`
	Schema      string           `json:"schema"`
	Rows        map[string]int64 `json:"rows"`
	LoadSeconds float64          `json:"load_seconds"`
}

// ManifestPath is where the manifest of a warehouse lives.
func ManifestPath(warehouse string) string { return filepath.Join(warehouse, "tpch.json") }

// ReadManifest returns the manifest of warehouse (os.ErrNotExist when the
// data was never completely loaded).
func ReadManifest(warehouse string) (*Manifest, error) {
	b, err := os.ReadFile(ManifestPath(warehouse))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestPath(warehouse), err)
	}
	return &m, nil
}

// dbgen's state is package-global: one generation at a time per process.
var genMu sync.Mutex

// Generate creates the eight TPC-H tables at scale factor sf in cat
// (replacing tables of those names) and fills each with one Delta commit,
// then writes the manifest. It returns the manifest.
func Generate(ctx context.Context, cat *catalog.Catalog, sf float64, opt GenOptions) (*Manifest, error) {
	opt.defaults()
	genMu.Lock()
	defer genMu.Unlock()
	start := time.Now()
	os.Remove(ManifestPath(cat.Root()))
	if err := initDbgen(sf); err != nil {
		return nil, err
	}
	if !cat.SchemaExists(opt.Catalog, opt.Schema) {
		return nil, fmt.Errorf("tpch: schema %s.%s does not exist", opt.Catalog, opt.Schema)
	}
	sinks := map[string]*sink{}
	for _, t := range Tables {
		name := catalog.Name{Catalog: opt.Catalog, Schema: opt.Schema, Table: t.Name}
		if _, err := cat.DropTable(name, true); err != nil {
			return nil, err
		}
		tab, _, err := cat.CreateTable(ctx, name, t.Schema(), false)
		if err != nil {
			return nil, err
		}
		s, err := newSink(ctx, t, tab, opt)
		if err != nil {
			return nil, err
		}
		sinks[t.Name] = s
	}
	abortAll := func() {
		for _, s := range sinks {
			s.abort()
		}
	}
	loaders := map[dbgen.Table]dbgen.Loader{
		dbgen.TRegion: sinks["region"], dbgen.TNation: sinks["nation"],
		dbgen.TSupp: sinks["supplier"], dbgen.TCust: sinks["customer"],
		dbgen.TPart: sinks["part"], dbgen.TPsupp: sinks["partsupp"],
		dbgen.TOrder: sinks["orders"], dbgen.TLine: sinks["lineitem"],
	}
	// One table (or pair: part with partsupp, orders with lineitem) at a
	// time, so each one's commit happens as soon as it is complete.
	steps := []struct {
		gen    dbgen.Table
		tables []string
	}{
		{dbgen.TRegion, []string{"region"}},
		{dbgen.TNation, []string{"nation"}},
		{dbgen.TSupp, []string{"supplier"}},
		{dbgen.TCust, []string{"customer"}},
		{dbgen.TPartPsupp, []string{"part", "partsupp"}},
		{dbgen.TOrderLine, []string{"orders", "lineitem"}},
	}
	m := &Manifest{ScaleFactor: sf, Catalog: opt.Catalog, Schema: opt.Schema, Rows: map[string]int64{}}
	for _, st := range steps {
		t0 := time.Now()
		if err := runDbgen(loaders, st.gen); err != nil {
			abortAll()
			return nil, err
		}
		for _, name := range st.tables {
			s := sinks[name]
			if err := s.finish(); err != nil {
				abortAll()
				return nil, fmt.Errorf("tpch: %s: %w", name, err)
			}
			m.Rows[name] = s.rows
			fmt.Fprintf(opt.Log, "tpch: %-8s %10d rows  %6.1fs\n", name, s.rows, time.Since(t0).Seconds())
		}
	}
	m.LoadSeconds = time.Since(start).Seconds()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(ManifestPath(cat.Root()), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return m, nil
}

// runDbgen runs dbgen for one table with os.Stdout silenced (dbgen prints
// progress lines there).
func runDbgen(loaders map[dbgen.Table]dbgen.Loader, t dbgen.Table) error {
	if null, err := os.Open(os.DevNull); err == nil {
		saved := os.Stdout
		os.Stdout = null
		defer func() { os.Stdout = saved; null.Close() }()
	}
	return dbgen.DbGen(loaders, []dbgen.Table{t})
}

// sink is a dbgen.Loader that turns generated rows into Arrow records and
// hands them to a pool of Parquet writers of one Delta append.
type sink struct {
	ctx    context.Context
	t      *Table
	opt    GenOptions
	app    *delta.Append
	b      *array.RecordBuilder
	n      int // rows in b
	rows   int64
	ch     chan arrow.Record
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
	closed bool
}

func newSink(ctx context.Context, t *Table, tab *delta.Table, opt GenOptions) (*sink, error) {
	snap, err := tab.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	app := tab.NewAppend(snap)
	app.RowGroupRows = opt.RowGroupRows
	s := &sink{ctx: ctx, t: t, opt: opt, app: app,
		b:  array.NewRecordBuilder(memory.DefaultAllocator, t.Schema()),
		ch: make(chan arrow.Record, opt.Writers)}
	for range opt.Writers {
		w := app.NewFileWriter()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for rec := range s.ch {
				if s.failed() == nil {
					if err := w.Write(rec); err != nil {
						s.fail(err)
					}
				}
				rec.Release()
			}
			if err := w.Close(); err != nil {
				s.fail(err)
			}
		}()
	}
	return s, nil
}

func (s *sink) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

func (s *sink) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Load appends the rows of one generated item (dbgen.Loader).
func (s *sink) Load(item any) error {
	if err := s.failed(); err != nil {
		return err
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	s.n += appendRows(s.t.Name, s.b, item)
	if s.n >= s.opt.BatchRows {
		s.send()
	}
	return nil
}

// Flush is called by dbgen at the end of a table; the rows are sent on
// finish.
func (s *sink) Flush() error { return s.failed() }

func (s *sink) send() {
	if s.n == 0 {
		return
	}
	rec := s.b.NewRecord()
	s.rows += int64(s.n)
	s.n = 0
	s.ch <- rec
}

func (s *sink) closeWriters() {
	if !s.closed {
		s.closed = true
		close(s.ch)
		s.wg.Wait()
	}
}

// finish sends the last rows, closes the writers and commits.
func (s *sink) finish() error {
	s.send()
	s.closeWriters()
	s.b.Release()
	if err := s.failed(); err != nil {
		return err
	}
	_, err := s.app.Commit(s.ctx, "WRITE", nil)
	return err
}

func (s *sink) abort() {
	s.closeWriters()
	s.app.Abort()
}

// appendRows appends the rows of a generated item to b and returns how
// many it appended. Money is in cents (numeric(15,2) unscaled), quantities
// are whole numbers (scaled by 100 for numeric(15,2)).
func appendRows(table string, b *array.RecordBuilder, item any) int {
	i32 := func(c int, v int64) { b.Field(c).(*array.Int32Builder).Append(int32(v)) }
	i64 := func(c int, v int64) { b.Field(c).(*array.Int64Builder).Append(v) }
	str := func(c int, v string) { b.Field(c).(*array.StringBuilder).Append(v) }
	dec := func(c int, cents int64) { b.Field(c).(*array.Decimal128Builder).Append(decimal128.FromI64(cents)) }
	day := func(c int, v string) { b.Field(c).(*array.Date32Builder).Append(parseDate(v)) }
	switch table {
	case "region":
		r := item.(*dbgen.Region)
		i32(0, int64(r.Code))
		str(1, r.Text)
		str(2, r.Comment)
	case "nation":
		n := item.(*dbgen.Nation)
		i32(0, int64(n.Code))
		str(1, n.Text)
		i32(2, int64(n.Join))
		str(3, n.Comment)
	case "supplier":
		s := item.(*dbgen.Supp)
		i32(0, int64(s.SuppKey))
		str(1, s.Name)
		str(2, s.Address)
		i32(3, int64(s.NationCode))
		str(4, s.Phone)
		dec(5, int64(s.Acctbal))
		str(6, s.Comment)
	case "customer":
		c := item.(*dbgen.Cust)
		i32(0, int64(c.CustKey))
		str(1, c.Name)
		str(2, c.Address)
		i32(3, int64(c.NationCode))
		str(4, c.Phone)
		dec(5, int64(c.Acctbal))
		str(6, c.MktSegment)
		str(7, c.Comment)
	case "part":
		p := item.(*dbgen.Part)
		i32(0, int64(p.PartKey))
		str(1, p.Name)
		str(2, p.Mfgr)
		str(3, p.Brand)
		str(4, p.Type)
		i32(5, int64(p.Size))
		str(6, p.Container)
		dec(7, int64(p.RetailPrice))
		str(8, p.Comment)
	case "partsupp":
		p := item.(*dbgen.Part)
		for _, ps := range p.S {
			i32(0, int64(ps.PartKey))
			i32(1, int64(ps.SuppKey))
			i32(2, int64(ps.Qty))
			dec(3, int64(ps.SCost))
			str(4, ps.Comment)
		}
		return len(p.S)
	case "orders":
		o := item.(*dbgen.Order)
		i64(0, int64(o.OKey))
		i32(1, int64(o.CustKey))
		str(2, o.Status)
		dec(3, int64(o.TotalPrice))
		day(4, o.Date)
		str(5, o.OrderPriority)
		str(6, o.Clerk)
		i32(7, o.ShipPriority)
		str(8, o.Comment)
	case "lineitem":
		o := item.(*dbgen.Order)
		for i := range o.Lines {
			l := &o.Lines[i]
			i64(0, int64(l.OKey))
			i32(1, int64(l.PartKey))
			i32(2, int64(l.SuppKey))
			i32(3, int64(l.LCnt))
			dec(4, int64(l.Quantity)*100)
			dec(5, int64(l.EPrice))
			dec(6, int64(l.Discount))
			dec(7, int64(l.Tax))
			str(8, l.RFlag)
			str(9, l.LStatus)
			day(10, l.SDate)
			day(11, l.CDate)
			day(12, l.RDate)
			str(13, l.ShipInstruct)
			str(14, l.ShipMode)
			str(15, l.Comment)
		}
		return len(o.Lines)
	default:
		panic("tpch: unknown table " + table)
	}
	return 1
}

// parseDate reads dbgen's yyyy-mm-dd.
func parseDate(s string) arrow.Date32 {
	if len(s) != 10 {
		panic(errors.New("tpch: bad dbgen date " + s))
	}
	num := func(a, b int) int {
		n := 0
		for _, c := range s[a:b] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	return arrow.Date32(types.DaysFromCivil(int64(num(0, 4)), num(5, 7), num(8, 10)))
}
