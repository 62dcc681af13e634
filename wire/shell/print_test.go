package shell

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
)

type fakeSession struct{ rec arrow.Record }

func (f fakeSession) Query(_ context.Context, sql string) ([]*engine.Result, error) {
	switch {
	case strings.Contains(sql, "bad"):
		return nil, &sqlerr.Error{Code: sqlerr.UndefinedTable, Message: `relation "bad" does not exist`}
	case strings.Contains(sql, "select"):
		f.rec.Retain()
		cols := []engine.Column{{Name: "id", Type: types.TInt32}, {Name: "name", Type: types.TText}}
		return []*engine.Result{{Tag: "SELECT 2", Columns: cols, Records: []arrow.Record{f.rec}}}, nil
	}
	return []*engine.Result{{Tag: "CREATE TABLE"}}, nil
}

func TestExecPrintsAlignedTable(t *testing.T) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{
		types.Field("id", types.TInt32, true), types.Field("name", types.TText, true)}, nil))
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{7, 1000}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"seven", ""}, []bool{true, false})
	s := fakeSession{rec: b.NewRecord()}

	var out, errOut strings.Builder
	if err := Run(context.Background(), s, strings.NewReader("create;\nselect\n  2;\nbad;\n"), &out, &errOut, false); err == nil {
		t.Error("Run returned nil after a failing statement")
	}
	want := `CREATE TABLE
  id  | name
------+-------
    7 | seven
 1000 |
(2 rows)

`
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out.String(), want)
	}
	if got := errOut.String(); got != "ERROR:  relation \"bad\" does not exist\n" {
		t.Errorf("errOut %q", got)
	}
}
