package engine

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/catalog/types"
)

// textResult builds a one-text-column result (EXPLAIN, SHOW).
func textResult(column string, lines []string, tag string) *Result {
	schema := arrow.NewSchema([]arrow.Field{types.Field(column, types.TText, true)}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(lines, nil)
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecord(schema, []arrow.Array{col}, int64(len(lines)))
	return &Result{Tag: tag, Columns: []Column{{Name: column, Type: types.TText}}, Records: []arrow.Record{rec}}
}

func splitLines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
