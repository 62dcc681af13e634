package engine

import (
	"context"
	"encoding/json"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// runDescribeHistory lists a table's commits, newest first: version,
// commit time, operation, its parameters and metrics (JSON), engine.
func (s *Session) runDescribeHistory(ctx context.Context, st planner.Statement, d *planner.DescribeHistoryStmt) (*Result, error) {
	rv := nameToRangeVar(d.Name)
	name := s.binder(st).ResolveTable(rv)
	tab, err := s.eng.cat.OpenTable(name)
	if err != nil {
		return nil, err
	}
	hist, err := tab.History(ctx)
	if err != nil {
		return nil, err
	}
	cols := []Column{
		{Name: "version", Type: types.TInt64}, {Name: "timestamp", Type: types.TTimestampTZ},
		{Name: "operation", Type: types.TText}, {Name: "operationParameters", Type: types.TText},
		{Name: "operationMetrics", Type: types.TText}, {Name: "engineInfo", Type: types.TText},
	}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = types.Field(c.Name, c.Type, true)
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	jsonText := func(m map[string]any) string {
		if m == nil {
			return "{}"
		}
		data, _ := json.Marshal(m)
		return string(data)
	}
	for _, h := range hist {
		b.Field(0).(*array.Int64Builder).Append(h.Version)
		b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(h.Timestamp.UnixMicro()))
		b.Field(2).(*array.StringBuilder).Append(h.Operation)
		b.Field(3).(*array.StringBuilder).Append(jsonText(h.Parameters))
		b.Field(4).(*array.StringBuilder).Append(jsonText(h.Metrics))
		b.Field(5).(*array.StringBuilder).Append(h.Engine)
	}
	rec := b.NewRecord()
	r := &Result{Columns: cols, Records: []arrow.Record{rec}}
	r.Tag = tagf("SELECT %d", len(hist)).Tag
	return r, nil
}
