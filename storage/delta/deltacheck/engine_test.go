package deltacheck_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/storage/delta/deltacheck"
)

// lodeTable runs statements through the engine's SQL front door and
// returns the warehouse and a session.
func lodeTable(t *testing.T, stmts ...string) (string, *engine.Session) {
	t.Helper()
	wh := t.TempDir()
	eng, err := engine.Open(engine.Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	s, err := eng.NewSession("lode", "main")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := s.Query(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return wh, s
}

// selectText is SELECT * FROM table as sorted lines of PostgreSQL text,
// and the column types.
func selectText(t *testing.T, s *engine.Session, table string) ([]string, []types.T) {
	t.Helper()
	res, err := s.Query(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	var ts []types.T
	for _, c := range res[0].Columns {
		ts = append(ts, c.Type)
	}
	var out []string
	for _, rec := range res[0].Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			var vals []string
			for c := 0; c < int(rec.NumCols()); c++ {
				if rec.Column(c).IsNull(i) {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, string(types.AppendText(nil, rec.Column(c), i, ts[c], time.UTC)))
				}
			}
			out = append(out, strings.Join(vals, "|"))
		}
	}
	sort.Strings(out)
	return out, ts
}

// liveText reads the live files the validator replayed, with pqarrow, as
// sorted lines of text in the same form.
func liveText(t *testing.T, rep *deltacheck.Report, ts []types.T) []string {
	t.Helper()
	var out []string
	err := rep.ReadLive(func(lc deltacheck.LiveColumns) error {
		for i := 0; i < lc.Rows; i++ {
			if lc.Deleted[int64(i)] {
				continue
			}
			var vals []string
			for c, col := range lc.Cols {
				switch {
				case col == nil:
					if v := lc.Partition[rep.PhysicalName(rep.Schema.Fields[c])]; v != nil {
						vals = append(vals, *v)
					} else {
						vals = append(vals, "NULL")
					}
				case col.IsNull(i):
					vals = append(vals, "NULL")
				default:
					vals = append(vals, string(types.AppendText(nil, col, i, ts[c], time.UTC)))
				}
			}
			out = append(out, strings.Join(vals, "|"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func validate(t *testing.T, dir string) *deltacheck.Report {
	t.Helper()
	rep, err := deltacheck.Validate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Error(err)
	}
	return rep
}

func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: pqarrow read %d rows from the live files, SELECT returned %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: row %d differs:\npqarrow: %s\nSELECT:  %s", what, i, got[i], want[i])
		}
	}
}

// TestLodeTablesFollowTheProtocol writes tables through SQL with every
// statement kind Lode commits (CREATE with TBLPROPERTIES and a CHECK
// constraint, INSERT, UPDATE, DELETE, ALTER TABLE ADD COLUMN, OPTIMIZE)
// over many types with NULLs, past two checkpoints, and validates every
// commit, both checkpoints and _last_checkpoint; the live files read with
// pqarrow must hold exactly the rows SELECT returns.
func TestLodeTablesFollowTheProtocol(t *testing.T) {
	stmts := []string{
		`CREATE TABLE v (id integer NOT NULL, amount numeric(12,2), big numeric(30,10), ratio double precision, r real,
			small smallint, n8 bigint, name text, code varchar(10), day date, at timestamptz, local timestamp, flag boolean,
			CHECK (id > 0))
			TBLPROPERTIES ('delta.checkpointInterval' = '5', 'owner.team' = 'data')`,
		`INSERT INTO v VALUES
			(1, 12.50, 12345678901234567890.0123456789, 0.5, 1.25, 7, 9000000000, 'alpha', 'a', '2024-02-29', '2024-02-29 12:34:56.789+02', '2024-02-29 12:34:56.789', true),
			(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
			(3, -0.01, -1, -1e300, -0.5, -32768, -1, '', 'zz', '1969-12-31', '1969-12-31 23:59:59.999999+00', '1900-01-01 00:00:00', false)`,
		`INSERT INTO v SELECT x, x * 1.5, x / 7.0, x / 3.0, x, x % 100, x * 1000, 'row ' || x || repeat('é', x % 40), 'c' || x % 10,
			DATE '2020-01-01' + x, TIMESTAMPTZ '2020-01-01 00:00:00+00' + x * INTERVAL '1 minute 0.0015 seconds',
			TIMESTAMP '2020-01-01' + x * INTERVAL '1 second', x % 2 = 0 FROM generate_series(4, 3000) g(x)`,
		`UPDATE v SET amount = amount * 2, name = upper(name) WHERE id % 3 = 0`,
		`DELETE FROM v WHERE id % 7 = 0`,
		`ALTER TABLE v ADD COLUMN extra integer`,
		`INSERT INTO v (id, name, extra) VALUES (5001, 'with extra', 42), (5002, NULL, NULL)`,
		`OPTIMIZE v`,
		`UPDATE v SET extra = id WHERE id > 2990`,
		`DELETE FROM v WHERE id = 2`,
		`INSERT INTO v (id) VALUES (6000)`,
		`INSERT INTO v (id, day) VALUES (6001, '2000-01-01')`,
	}
	wh, s := lodeTable(t, stmts...)
	dir := filepath.Join(wh, "main", "public", "v")
	rep := validate(t, dir)
	if rep.Version != int64(len(stmts)-1) {
		t.Errorf("validated up to version %d, want %d", rep.Version, len(stmts)-1)
	}
	if got := len(rep.Checkpoints); got != 2 {
		t.Errorf("checked %d checkpoints (%v), want 2 (versions 5 and 10)", got, rep.Checkpoints)
	}
	want, ts := selectText(t, s, "v")
	sameRows(t, "v", liveText(t, rep, ts), want)
}

// TestLodeDefaultsAndNtzFollowTheProtocol: column defaults and timestamps
// without time zone need table features, which the validator checks.
func TestLodeDefaultsAndNtzFollowTheProtocol(t *testing.T) {
	wh, s := lodeTable(t,
		`CREATE TABLE d (id bigint, status text DEFAULT 'new', at timestamp DEFAULT '2001-02-03 04:05:06')`,
		`INSERT INTO d (id) VALUES (1), (2)`,
		`INSERT INTO d VALUES (3, NULL, NULL)`,
		`ALTER TABLE d ADD COLUMN score integer`,
		`INSERT INTO d (id, score) VALUES (4, 10)`,
	)
	rep := validate(t, filepath.Join(wh, "main", "public", "d"))
	want, ts := selectText(t, s, "d")
	sameRows(t, "d", liveText(t, rep, ts), want)
}

// TestLodeMaintenanceCommitsFollowTheProtocol covers the other commit
// kinds: CREATE TABLE AS SELECT, INSERT OVERWRITE, TRUNCATE, RESTORE (which
// re-adds old files) and VACUUM, at a checkpoint interval of 2.
func TestLodeMaintenanceCommitsFollowTheProtocol(t *testing.T) {
	wh, s := lodeTable(t,
		`CREATE TABLE src (k integer, label text, at timestamptz)`,
		`INSERT INTO src SELECT x, 'l' || x, TIMESTAMPTZ '2024-01-01 00:00:00+00' + x * INTERVAL '1 hour' FROM generate_series(1, 500) g(x)`,
		`CREATE TABLE c AS SELECT * FROM src WHERE k % 2 = 0`,
		`CREATE TABLE m (k integer, label text, at timestamptz) TBLPROPERTIES ('delta.checkpointInterval' = '2')`,
		`INSERT INTO m SELECT * FROM c`,
		`INSERT INTO m SELECT * FROM src WHERE k % 5 = 0`,
		`INSERT OVERWRITE m SELECT * FROM src WHERE k < 100`,
		`UPDATE m SET label = NULL WHERE k < 10`,
		`TRUNCATE m`,
		`INSERT INTO m VALUES (1, 'one', NULL)`,
		`RESTORE TABLE m TO VERSION AS OF 4`,
		`DELETE FROM m WHERE k > 90`,
	)
	crep := validate(t, filepath.Join(wh, "main", "public", "c"))
	cwant, cts := selectText(t, s, "c")
	sameRows(t, "c", liveText(t, crep, cts), cwant)
	rep := validate(t, filepath.Join(wh, "main", "public", "m"))
	if len(rep.Checkpoints) < 3 {
		t.Errorf("checked checkpoints %v, want at least 3", rep.Checkpoints)
	}
	want, ts := selectText(t, s, "m")
	if len(want) == 0 {
		t.Fatal("the table is empty; the scenario did not do what it meant to")
	}
	sameRows(t, "m", liveText(t, rep, ts), want)
}

// TestValidatorCatchesViolations breaks a valid table in the ways the
// validator exists to catch, one at a time, and checks each is reported:
// the validator is not a check that cannot fail.
func TestValidatorCatchesViolations(t *testing.T) {
	wh, _ := lodeTable(t,
		`CREATE TABLE x (id integer, name text, CHECK (id > 0))`,
		`INSERT INTO x VALUES (1, 'a'), (2, NULL), (3, 'c')`,
		`INSERT INTO x VALUES (4, 'd')`,
		`OPTIMIZE x`,
	)
	dir := filepath.Join(wh, "main", "public", "x")
	if err := validate(t, dir).Err(); err != nil {
		t.Fatalf("the untouched table is invalid: %v", err)
	}
	commit1 := filepath.Join(dir, "_delta_log", "00000000000000000001.json")
	commit0 := filepath.Join(dir, "_delta_log", "00000000000000000000.json")
	commit3 := filepath.Join(dir, "_delta_log", "00000000000000000003.json")
	orig1, _ := os.ReadFile(commit1)
	orig0, _ := os.ReadFile(commit0)
	orig3, _ := os.ReadFile(commit3)
	// The OPTIMIZE commit without its first remove: the compacted file
	// then holds more records than the files it claims to replace.
	lines3 := strings.SplitAfter(string(orig3), "\n")
	var firstRemove string
	for _, l := range lines3 {
		if strings.HasPrefix(l, `{"remove":`) {
			firstRemove = l
			break
		}
	}
	cases := []struct {
		name, file, old, new, want string
	}{
		{"wrong numRecords", commit1, `\"numRecords\":3`, `\"numRecords\":4`, "stats.numRecords is 4"},
		{"wrong nullCount", commit1, `\"name\":1}`, `\"name\":0}`, "stats.nullCount.name is 0"},
		{"wrong min", commit1, `\"minValues\":{\"id\":1`, `\"minValues\":{\"id\":0`, "stats.minValues.id"},
		{"no partitionValues", commit1, `"partitionValues":{},`, ``, `required field "partitionValues" is missing`},
		{"unknown action", commit1, `{"add":`, `{"addFile":`, `unknown action "addFile"`},
		{"two actions on a line", commit1, "}}\n{\"add\":", "},\"add\":", "exactly one action"},
		{"size is a string", commit1, `"size":`, `"size":"1","x":`, `field "size" has the wrong type`},
		{"unencoded path", commit1, `"path":"part-`, `"path":"a b/part-`, "is not URL-encoded"},
		{"remove of an unknown file", commit1, `{"add":{"path":"`, `{"remove":{"dataChange":true,"path":"nope.parquet"}}` + "\n" + `{"add":{"path":"`, "which no earlier action added"},
		{"CHECK without checkConstraints", commit0, `"writerFeatures":["checkConstraints"]`, `"writerFeatures":[]`, "lacks writer feature checkConstraints"},
		{"OPTIMIZE claiming a data change", commit3, `"dataChange":false`, `"dataChange":true`, "a rearrangement must say dataChange=false"},
		{"rearrangement adding records", commit3, firstRemove, "", "adds with dataChange=false hold 4 records, the files removed held 1"},
		{"bad schemaString", commit0, `\"type\":\"integer\"`, `\"type\":\"int4\"`, "not a valid Delta schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orig := map[string][]byte{commit0: orig0, commit1: orig1, commit3: orig3}[c.file]
			if !strings.Contains(string(orig), c.old) {
				t.Fatalf("the commit does not contain %q:\n%s", c.old, orig)
			}
			os.WriteFile(c.file, []byte(strings.Replace(string(orig), c.old, c.new, 1)), 0o644)
			defer os.WriteFile(c.file, orig, 0o644)
			rep, err := deltacheck.Validate(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("validator missed %s: got %v, want a report containing %q", c.name, err, c.want)
			}
		})
	}
}
