package delta

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/parquet"
)

// TestNestedColumnMappingNames reads the nested columns of the golden
// table whose struct fields (also inside arrays and maps) are stored
// under column-mapping physical names, and checks the JSON carries the
// logical names and the values of expected/. The whole table cannot be
// read yet (it has a binary column), so the nested columns are read
// directly with their Lode fields.
func TestNestedColumnMappingNames(t *testing.T) {
	dir := filepath.Join(goldenRoot(t), "table-with-columnmapping-mode-name")
	logFile, err := os.ReadFile(filepath.Join(dir, "delta", "_delta_log", "00000000000000000000.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schemaString string
	for _, line := range strings.Split(string(logFile), "\n") {
		var a struct {
			MetaData *struct{ SchemaString string } `json:"metaData"`
		}
		if json.Unmarshal([]byte(line), &a) == nil && a.MetaData != nil {
			schemaString = a.MetaData.SchemaString
		}
	}
	var st structType
	if err := json.Unmarshal([]byte(schemaString), &st); err != nil {
		t.Fatal(err)
	}
	var fields []arrow.Field
	var physical, logical []string
	for _, f := range st.Fields {
		var prim string
		if json.Unmarshal(f.Type, &prim) == nil {
			continue
		}
		lt, keys, vals, err := nestedColumnType(f.Type)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		fields = append(fields, withDeltaMetadata(types.Field(f.Name, lt, true), f, keys, vals))
		physical = append(physical, f.Metadata[metaPhysicalName].(string))
		logical = append(logical, f.Name)
	}
	if len(fields) != 7 {
		t.Fatalf("%d nested columns, want 7", len(fields))
	}
	schema := arrow.NewSchema(fields, nil)
	files, _ := filepath.Glob(filepath.Join(dir, "delta", "*.parquet"))
	var got []string
	for _, path := range files {
		pf, err := parquet.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for g := 0; g < pf.NumRowGroups(); g++ {
			rec, err := pf.ReadRowGroup(g, physical, schema, memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			for r := 0; r < int(rec.NumRows()); r++ {
				cells := make([]string, rec.NumCols())
				for c := range cells {
					cells[c] = cellText(rec.Column(c), r)
				}
				got = append(got, strings.Join(cells, " | "))
			}
			rec.Release()
		}
		pf.Close()
	}
	want, cols, err := readExpected(filepath.Join(dir, "expected"))
	if err != nil {
		t.Fatal(err)
	}
	// Keep the nested columns of the expected rows.
	var wantRows []string
	for _, row := range want {
		cells := strings.Split(row, " | ")
		var keep []string
		for _, name := range logical {
			keep = append(keep, cells[slices.Index(cols, name)])
		}
		wantRows = append(wantRows, strings.Join(keep, " | "))
	}
	slices.Sort(got)
	slices.Sort(wantRows)
	if !slices.Equal(got, wantRows) {
		t.Fatalf("rows differ:\n%s", diffRows(got, wantRows))
	}
	if !strings.Contains(strings.Join(got, "\n"), `{"aa":"0","ac":{"aca":0}}`) {
		t.Fatalf("logical names missing from %v", got)
	}
}
