package deltacheck

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// localPath is where an add's path points on the local file system.
func localPath(dir, p string) (string, error) {
	u, err := url.Parse(p)
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "":
		if strings.HasPrefix(u.Path, "/") {
			return u.Path, nil
		}
		return filepath.Join(dir, filepath.FromSlash(u.Path)), nil
	case "file":
		return u.Path, nil
	}
	return "", fmt.Errorf("scheme %q is not a local file", u.Scheme)
}

// readParquet reads a whole data file with arrow-go's Parquet reader.
func readParquet(path string) (arrow.Table, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	return fr.ReadTable(context.Background())
}

// checkDataFile checks an added file: it exists (when live) with the
// size the add says, pqarrow reads it, its stats match its data, and its
// deletion vector (if any) reads with the cardinality its descriptor
// says. A removed file may be gone (VACUUM); if it is still there it is
// checked all the same.
func checkDataFile(r *Report, dir string, a map[string]any, st *state, live bool) {
	p, _ := a["path"].(string)
	lp, err := localPath(dir, p)
	if err != nil {
		r.addf(p, 0, "cannot resolve: %v", err)
		return
	}
	fi, err := os.Stat(lp)
	if err != nil {
		if live {
			r.addf(p, 0, "live data file is missing: %v", err)
		}
		return
	}
	if fi.Size() != intOf(a["size"]) {
		r.addf(p, 0, "add.size is %d, the file has %d bytes", intOf(a["size"]), fi.Size())
	}
	tbl, err := readParquet(lp)
	if err != nil {
		r.addf(p, 0, "arrow-go cannot read it: %v", err)
		return
	}
	defer tbl.Release()
	checkFileStats(r, p, a, st, tbl)
	// A replaced deletion vector's file may be vacuumed while the data
	// file lives on with a newer one: only live vectors must read.
	if live && a["deletionVector"] != nil {
		if _, err := deletedRows(dir, a, tbl.NumRows()); err != nil {
			r.addf(p, 0, "deletion vector: %v", err)
		}
	}
}

// PhysicalName is the name field f has in data files, stats and
// partition values under the table's column mapping mode.
func (r *Report) PhysicalName(f *Field) string {
	mode := r.Configuration["delta.columnMapping.mode"]
	if mode == "" {
		mode = "none"
	}
	return f.Physical(mode)
}

// LiveColumns are the columns of one live file in the table's logical
// schema order: Cols[i] is nil when the file lacks column i (added later,
// so NULL) or when i is a partition column (its value is in Partition).
type LiveColumns struct {
	Path      string
	Cols      []arrow.Array
	Rows      int
	Deleted   map[int64]bool     // rows a deletion vector removes
	Partition map[string]*string // raw partition values by physical name
}

// ReadLive reads every live file of the report's version with pqarrow and
// hands its columns, mapped from physical to logical names, to fn.
func (r *Report) ReadLive(fn func(LiveColumns) error) error {
	if r.Schema == nil {
		return fmt.Errorf("deltacheck: no schema")
	}
	for _, a := range r.Live {
		p, _ := a["path"].(string)
		lp, err := localPath(r.dir, p)
		if err != nil {
			return err
		}
		tbl, err := readParquet(lp)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		lc := LiveColumns{Path: p, Rows: int(tbl.NumRows()), Partition: map[string]*string{}}
		if pv, ok := a["partitionValues"].(map[string]any); ok {
			for k, v := range pv {
				if s, ok := v.(string); ok {
					lc.Partition[k] = &s
				} else {
					lc.Partition[k] = nil
				}
			}
		}
		for _, f := range r.Schema.Fields {
			idx := tbl.Schema().FieldIndices(r.PhysicalName(f))
			if len(idx) != 1 {
				lc.Cols = append(lc.Cols, nil)
				continue
			}
			chunks := tbl.Column(idx[0]).Data().Chunks()
			if len(chunks) == 1 {
				lc.Cols = append(lc.Cols, chunks[0])
			} else {
				cat, err := concatChunks(chunks)
				if err != nil {
					tbl.Release()
					return err
				}
				lc.Cols = append(lc.Cols, cat)
			}
		}
		if a["deletionVector"] != nil {
			del, err := deletedRows(r.dir, a, tbl.NumRows())
			if err != nil {
				tbl.Release()
				return fmt.Errorf("%s: %w", p, err)
			}
			lc.Deleted = del
		}
		err = fn(lc)
		tbl.Release()
		if err != nil {
			return err
		}
	}
	return nil
}
