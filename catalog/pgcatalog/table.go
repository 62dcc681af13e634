// Package pgcatalog computes PostgreSQL's system catalogs (pg_catalog.*)
// and information_schema.* from Lode's catalog, as virtual relations, so
// clients' metadata queries (psql's \d, JDBC's DatabaseMetaData, SQLAlchemy's
// inspector, Power BI's navigator) work.
//
// OID columns are bigint (Lode has no oid type yet; the text form is the
// same), and array columns (oidvector, text[]) are text in PostgreSQL's
// array text form.
package pgcatalog

import (
	"context"
	"hash/fnv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
)

// col is one column of a virtual relation.
type col struct {
	name string
	t    types.T
}

var (
	oidT  = types.TOID
	nameT = types.TText
	boolT = types.TBool
	i16   = types.TInt16
	i32   = types.TInt32
)

// rel is a virtual relation given by its columns and a row generator.
type rel struct {
	cols []col
	rows func(env *catalog.VirtualEnv) [][]any
}

func (r *rel) Schema() *arrow.Schema {
	fs := make([]arrow.Field, len(r.cols))
	for i, c := range r.cols {
		fs[i] = types.Field(c.name, c.t, true)
	}
	return arrow.NewSchema(fs, nil)
}

func (r *rel) Rows(ctx context.Context, env *catalog.VirtualEnv) ([]arrow.Record, error) {
	rows := r.rows(env)
	if len(rows) == 0 {
		// No record at all: Arrow builders leave a zero-row record's
		// boolean columns without buffers, which kernels do not expect.
		return nil, nil
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, r.Schema())
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			appendAny(b.Field(i), v)
		}
	}
	return []arrow.Record{b.NewRecord()}, nil
}

func appendAny(fb array.Builder, v any) {
	if v == nil {
		fb.AppendNull()
		return
	}
	switch b := fb.(type) {
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.Int16Builder:
		b.Append(int16(toInt(v)))
	case *array.Int32Builder:
		b.Append(int32(toInt(v)))
	case *array.Int64Builder:
		b.Append(toInt(v))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.Float32Builder:
		b.Append(float32(toFloat(v)))
	case *array.Float64Builder:
		b.Append(toFloat(v))
	default:
		fb.AppendNull()
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	}
	return float64(toInt(v))
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint32:
		return int64(x)
	}
	return 0
}

// registered lists the relations of this package as {schema, name}.
var registered [][2]string

func register(schema, name string, cols []col, rows func(env *catalog.VirtualEnv) [][]any) {
	registered = append(registered, [2]string{schema, name})
	catalog.RegisterVirtual(schema, name, &rel{cols: cols, rows: rows})
}

// Well-known OIDs, PostgreSQL's own.
const (
	oidPgCatalog   = 11
	oidPublic      = 2200
	oidInfoSchema  = 13000
	oidBootstrap   = 10
	oidHeapAM      = 2
	oidDatabaseTpl = 1
)

// nsOID gives a schema its OID: PostgreSQL's for the built-in ones, a
// stable hash for the rest.
func nsOID(schema string) int64 {
	switch schema {
	case "pg_catalog":
		return oidPgCatalog
	case "public":
		return oidPublic
	case "information_schema":
		return oidInfoSchema
	}
	h := fnv.New32a()
	h.Write([]byte("schema:" + schema))
	return int64(h.Sum32()%1000000000) + 16384
}

// table is one user table with its columns.
type table struct {
	schema, name string
	oid          int64
	cols         []arrow.Field
	colTypes     []types.T
	view         bool
}

// tables lists the session database's tables (and views).
func tables(env *catalog.VirtualEnv) []table {
	var out []table
	schemas, _ := env.Cat.Schemas(env.Database)
	for _, s := range schemas {
		names, _ := env.Cat.Tables(env.Database, s)
		for _, n := range names {
			name := catalog.Name{Catalog: env.Database, Schema: s, Table: n}
			t := table{schema: s, name: n, oid: int64(name.OID())}
			if tab, err := env.Cat.OpenTable(name); err == nil {
				if snap, err := tab.Snapshot(context.Background()); err == nil {
					t.cols = snap.Schema().Fields()
					for _, f := range t.cols {
						ty, _ := types.FromField(f)
						t.colTypes = append(t.colTypes, ty)
					}
				}
			}
			out = append(out, t)
		}
		for _, v := range env.Cat.Views(env.Database, s) {
			name := catalog.Name{Catalog: env.Database, Schema: s, Table: v}
			out = append(out, table{schema: s, name: v, oid: int64(name.OID()), view: true})
		}
	}
	return out
}

func schemaNames(env *catalog.VirtualEnv) []string {
	s, _ := env.Cat.Schemas(env.Database)
	return s
}
