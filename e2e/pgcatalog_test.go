package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
)

// TestCatalogFunctions checks the answers of the catalog relations and
// functions clients rely on, in-process (the replay test only checks that
// the clients' statements run).
func TestCatalogFunctions(t *testing.T) {
	eng, err := engine.Open(engine.Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	s, _ := eng.NewSession("lode", "main")
	defer s.Close()
	q := func(sql string) string {
		t.Helper()
		rs, err := s.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		var out []string
		for _, r := range rs {
			for _, rec := range r.Records {
				for i := 0; i < int(rec.NumRows()); i++ {
					var cells []string
					for j, c := range r.Columns {
						col := rec.Column(j)
						if col.IsNull(i) {
							cells = append(cells, "NULL")
							continue
						}
						cells = append(cells, string(types.AppendText(nil, col, i, c.Type, time.UTC)))
					}
					out = append(out, strings.Join(cells, "|"))
				}
			}
			r.Release()
		}
		return strings.Join(out, "\n")
	}
	q("CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) NOT NULL, amount numeric(10,2))")
	q("CREATE INDEX t_name_idx ON t (name)")
	for _, tc := range []struct{ sql, want string }{
		{"SELECT 't'::regclass::oid = c.oid FROM pg_class c WHERE relname = 't'", "t"},
		{"SELECT c.oid::regclass, 'public.t'::regclass::regclass FROM pg_class c WHERE relname = 't'", "t|t"},
		{"SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 't'::regclass ORDER BY attnum",
			"integer\ncharacter varying(20)\nnumeric(10,2)"},
		// A name cast to a reg* type is its OID (bigint); an OID cast to one is the name.
		{"SELECT 23::regtype::text, 'int4'::regtype::oid, '_text'::regtype, 1009::regtype", "integer|23|1009|text[]"},
		{"SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = 't'::regclass ORDER BY 1",
			"CREATE INDEX t_name_idx ON public.t USING btree (name)\nCREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)"},
		{"SELECT conname, pg_get_constraintdef(oid), conkey FROM pg_constraint WHERE conrelid = 't'::regclass", "t_pkey|PRIMARY KEY (id)|{1}"},
		{"SELECT a.attname FROM pg_attribute a, pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY(i.indkey) AND i.indisprimary", "id"},
		{"SELECT unnest(indkey), generate_subscripts(indkey, 1) FROM pg_index WHERE indisprimary", "1|1"},
		{"SELECT (current_schemas(true))[1], (current_schemas(true))[2], array_to_string(current_schemas(true), ',')", "pg_catalog|public|pg_catalog,public"},
		{"SELECT pg_get_userbyid(10), pg_encoding_to_char(6), quote_ident('Select'), has_table_privilege('t', 'SELECT')", "lode|UTF8|\"Select\"|t"},
		{"SELECT relname FROM pg_class WHERE relname COLLATE \"C\" = 't' AND relname OPERATOR(pg_catalog.~) '^t$'", "t"},
		{"SELECT count(*) > 60 FROM pg_type t JOIN pg_proc p ON p.oid = t.typreceive", "t"},
		{"SELECT typname, typelem::regtype FROM pg_type t JOIN pg_proc p ON p.oid = t.typreceive WHERE p.proname = 'array_recv' AND typname = '_int4'", "_int4|integer"},
		{"SELECT table_name, constraint_type FROM information_schema.table_constraints WHERE constraint_type = 'PRIMARY KEY'", "t|PRIMARY KEY"},
		{"SELECT column_name, ordinal_position FROM information_schema.key_column_usage", "id|1"},
		{"SELECT array(SELECT relname FROM pg_class WHERE relkind = 'i' ORDER BY 1)", "{t_name_idx,t_pkey}"},
		{"SELECT count(*) > 50 FROM pg_get_keywords()", "t"},
		{"SELECT generate_series(1, 3)", "1\n2\n3"},
	} {
		if got := q(tc.sql); got != tc.want {
			t.Errorf("%s\n got: %q\nwant: %q", tc.sql, got, tc.want)
		}
	}
}
