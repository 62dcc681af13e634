package engine

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// describeDetailColumns are DESCRIBE DETAIL's columns, as Databricks names
// them. properties is a map there; PostgreSQL has no map type, so it is
// the JSON object of the table properties here.
var describeDetailColumns = []Column{
	{Name: "format", Type: types.TText}, {Name: "id", Type: types.TText}, {Name: "name", Type: types.TText},
	{Name: "description", Type: types.TText}, {Name: "location", Type: types.TText},
	{Name: "createdAt", Type: types.TTimestampTZ}, {Name: "lastModified", Type: types.TTimestampTZ},
	{Name: "partitionColumns", Type: types.ArrayOf(types.TText)}, {Name: "numFiles", Type: types.TInt64},
	{Name: "sizeInBytes", Type: types.TInt64}, {Name: "properties", Type: types.TText},
	{Name: "minReaderVersion", Type: types.TInt32}, {Name: "minWriterVersion", Type: types.TInt32},
	{Name: "tableFeatures", Type: types.ArrayOf(types.TText)},
}

// runDescribeDetail describes a table's current version in one row.
func (s *Session) runDescribeDetail(ctx context.Context, st planner.Statement, d *planner.DescribeDetailStmt) (*Result, error) {
	name := s.binder(st).ResolveTable(nameToRangeVar(d.Name))
	tab, snap, err := s.openSnapshot(ctx, name)
	if err != nil {
		return nil, err
	}
	lastModified, err := tab.CommitTime(ctx, snap.Version())
	if err != nil {
		return nil, err
	}
	md, proto := snap.Metadata(), snap.Protocol()
	var size int64
	for _, f := range snap.Files() {
		size += f.Size
	}
	props := md.Configuration
	if props == nil {
		props = map[string]string{}
	}
	var propsJSON strings.Builder
	enc := json.NewEncoder(&propsJSON)
	enc.SetEscapeHTML(false)                  // constraint text like "id > 0" stays readable
	if err := enc.Encode(props); err != nil { // keys sorted
		return nil, err
	}
	location, err := filepath.Abs(tab.Dir())
	if err != nil {
		location = tab.Dir()
	}

	fields := make([]arrow.Field, len(describeDetailColumns))
	for i, c := range describeDetailColumns {
		fields[i] = types.Field(c.Name, c.Type, true)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	ts := func(i int, t time.Time) { b.Field(i).(*array.TimestampBuilder).Append(arrow.Timestamp(t.UnixMicro())) }
	list := func(i int, l []string) {
		lb := b.Field(i).(*array.ListBuilder)
		lb.Append(true)
		for _, v := range l {
			lb.ValueBuilder().(*array.StringBuilder).Append(v)
		}
	}
	str(0, "delta")
	str(1, md.ID)
	str(2, name.String())
	if md.Description != "" {
		str(3, md.Description)
	} else {
		b.Field(3).AppendNull()
	}
	str(4, location)
	if md.CreatedTime != nil {
		ts(5, time.UnixMilli(*md.CreatedTime))
	} else {
		b.Field(5).AppendNull()
	}
	ts(6, lastModified)
	list(7, md.PartitionColumns)
	b.Field(8).(*array.Int64Builder).Append(int64(len(snap.Files())))
	b.Field(9).(*array.Int64Builder).Append(size)
	str(10, strings.TrimSuffix(propsJSON.String(), "\n"))
	b.Field(11).(*array.Int32Builder).Append(int32(proto.MinReaderVersion))
	b.Field(12).(*array.Int32Builder).Append(int32(proto.MinWriterVersion))
	list(13, proto.TableFeatures())
	r := &Result{Columns: describeDetailColumns, Records: []arrow.Record{b.NewRecord()}}
	r.Tag = tagf("SELECT 1").Tag
	return r, nil
}
