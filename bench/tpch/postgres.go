package tpch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/parquet"
)

// pgType is the PostgreSQL spelling of a column type.
func pgType(t types.T) string {
	switch t.Kind {
	case types.Int32:
		return "integer"
	case types.Int64:
		return "bigint"
	case types.Numeric:
		return fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale)
	case types.Date:
		return "date"
	case types.Varchar:
		return fmt.Sprintf("varchar(%d)", t.Length)
	}
	return t.String()
}

// loadPostgres creates the tables on conn, fills them with COPY from the
// Parquet files Lode wrote (files per table), adds primary keys and the
// indexes on the join columns, and analyzes.
func loadPostgres(ctx context.Context, conn *pgx.Conn, files map[string][]string, log io.Writer) error {
	for _, t := range Tables {
		t0 := time.Now()
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, c.Name+" "+pgType(c.Type)+" NOT NULL")
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s; CREATE TABLE %s (%s)", t.Name, t.Name, strings.Join(cols, ", "))); err != nil {
			return err
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeCopyText(pw, t, files[t.Name])) }()
		tag, err := conn.PgConn().CopyFrom(ctx, pr, fmt.Sprintf("COPY %s FROM STDIN", t.Name))
		pr.Close()
		if err != nil {
			return fmt.Errorf("postgres: COPY %s: %w", t.Name, err)
		}
		stmts := []string{fmt.Sprintf("ALTER TABLE %s ADD PRIMARY KEY (%s)", t.Name, strings.Join(t.PrimaryKey, ", "))}
		for _, ix := range t.Indexes {
			stmts = append(stmts, fmt.Sprintf("CREATE INDEX ON %s (%s)", t.Name, strings.Join(ix, ", ")))
		}
		stmts = append(stmts, "VACUUM ANALYZE "+t.Name)
		for _, s := range stmts {
			if _, err := conn.Exec(ctx, s); err != nil {
				return fmt.Errorf("postgres: %s: %w", s, err)
			}
		}
		fmt.Fprintf(log, "postgres: %-8s %10d rows  %6.1fs\n", t.Name, tag.RowsAffected(), time.Since(t0).Seconds())
	}
	return nil
}

// writeCopyText writes the rows of the Parquet files in COPY's text format.
func writeCopyText(w io.Writer, t *Table, files []string) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	schema := t.Schema()
	var line []byte
	for _, path := range files {
		f, err := parquet.OpenFile(path)
		if err != nil {
			return err
		}
		for g := 0; g < f.NumRowGroups(); g++ {
			rec, err := f.ReadRowGroup(g, nil, schema, memory.DefaultAllocator)
			if err != nil {
				f.Close()
				return err
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				line = line[:0]
				for c, col := range t.Columns {
					if c > 0 {
						line = append(line, '\t')
					}
					start := len(line)
					line = types.AppendText(line, rec.Column(c), i, col.Type, nil)
					if col.Type.IsString() {
						line = append(line[:start], escapeCopy(line[start:])...)
					}
				}
				line = append(line, '\n')
				if _, err := bw.Write(line); err != nil {
					rec.Release()
					f.Close()
					return err
				}
			}
			rec.Release()
		}
		f.Close()
	}
	return bw.Flush()
}

// escapeCopy escapes what COPY's text format treats specially.
func escapeCopy(b []byte) []byte {
	if !strings.ContainsAny(string(b), "\\\t\n\r") {
		return b
	}
	r := strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n", "\r", "\\r")
	return []byte(r.Replace(string(b)))
}

// pgQuery runs sql with the simple protocol and returns the rows of its
// last result as text.
func pgQuery(ctx context.Context, conn *pgx.Conn, sql string) ([][]string, error) {
	results, err := conn.PgConn().Exec(ctx, sql).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("no result")
	}
	r := results[len(results)-1]
	if r.Err != nil {
		return nil, r.Err
	}
	rows := make([][]string, len(r.Rows))
	for i, raw := range r.Rows {
		row := make([]string, len(raw))
		for c, v := range raw {
			if v == nil {
				row[c] = "NULL"
			} else {
				row[c] = string(v)
			}
		}
		rows[i] = row
	}
	return rows, nil
}

// liveFiles lists the absolute paths of the live data files of a table.
func liveFiles(tableDir string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if filepath.IsAbs(p) {
			out[i] = p
		} else {
			out[i] = filepath.Join(tableDir, p)
		}
	}
	return out
}
