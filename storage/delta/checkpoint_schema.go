package delta

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The checkpoint schema of PROTOCOL.md ("Checkpoint Schema"): one nullable
// struct column per action kind, each row setting exactly one of them.
// Every field is nullable, as Delta Lake writes them; map keys are not.

func nullable(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

var (
	cpStringMap  = arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String)
	cpStringList = arrow.ListOf(arrow.BinaryTypes.String)

	// cpDeletionVector is the DeletionVectorDescriptor struct.
	cpDeletionVector = arrow.StructOf(
		nullable("storageType", arrow.BinaryTypes.String),
		nullable("pathOrInlineDv", arrow.BinaryTypes.String),
		nullable("offset", arrow.PrimitiveTypes.Int32),
		nullable("sizeInBytes", arrow.PrimitiveTypes.Int32),
		nullable("cardinality", arrow.PrimitiveTypes.Int64),
	)
	cpTxn = arrow.StructOf(
		nullable("appId", arrow.BinaryTypes.String),
		nullable("version", arrow.PrimitiveTypes.Int64),
		nullable("lastUpdated", arrow.PrimitiveTypes.Int64),
	)
	cpAdd = arrow.StructOf(
		nullable("path", arrow.BinaryTypes.String),
		nullable("partitionValues", cpStringMap),
		nullable("size", arrow.PrimitiveTypes.Int64),
		nullable("modificationTime", arrow.PrimitiveTypes.Int64),
		nullable("dataChange", arrow.FixedWidthTypes.Boolean),
		nullable("stats", arrow.BinaryTypes.String),
		nullable("tags", cpStringMap),
		nullable("deletionVector", cpDeletionVector),
	)
	cpRemove = arrow.StructOf(
		nullable("path", arrow.BinaryTypes.String),
		nullable("deletionTimestamp", arrow.PrimitiveTypes.Int64),
		nullable("dataChange", arrow.FixedWidthTypes.Boolean),
		nullable("extendedFileMetadata", arrow.FixedWidthTypes.Boolean),
		nullable("partitionValues", cpStringMap),
		nullable("size", arrow.PrimitiveTypes.Int64),
		nullable("deletionVector", cpDeletionVector),
	)
	cpMetaData = arrow.StructOf(
		nullable("id", arrow.BinaryTypes.String),
		nullable("name", arrow.BinaryTypes.String),
		nullable("description", arrow.BinaryTypes.String),
		nullable("format", arrow.StructOf(
			nullable("provider", arrow.BinaryTypes.String),
			nullable("options", cpStringMap),
		)),
		nullable("schemaString", arrow.BinaryTypes.String),
		nullable("partitionColumns", cpStringList),
		nullable("configuration", cpStringMap),
		nullable("createdTime", arrow.PrimitiveTypes.Int64),
	)
	cpProtocol = arrow.StructOf(
		nullable("minReaderVersion", arrow.PrimitiveTypes.Int32),
		nullable("minWriterVersion", arrow.PrimitiveTypes.Int32),
		nullable("readerFeatures", cpStringList),
		nullable("writerFeatures", cpStringList),
	)
	cpDomainMetadata = arrow.StructOf(
		nullable("domain", arrow.BinaryTypes.String),
		nullable("configuration", arrow.BinaryTypes.String),
		nullable("removed", arrow.FixedWidthTypes.Boolean),
	)
)

// checkpointSchema is the schema of a classic checkpoint; the
// domainMetadata column is only present when the table uses domains.
func checkpointSchema(withDomains bool) *arrow.Schema {
	fields := []arrow.Field{
		nullable("txn", cpTxn),
		nullable("add", cpAdd),
		nullable("remove", cpRemove),
		nullable("metaData", cpMetaData),
		nullable("protocol", cpProtocol),
	}
	if withDomains {
		fields = append(fields, nullable("domainMetadata", cpDomainMetadata))
	}
	return arrow.NewSchema(fields, nil)
}

// Small typed appenders for the builders of the checkpoint schema.

func putString(b array.Builder, s string) { b.(*array.StringBuilder).Append(s) }

func putOptString(b array.Builder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	putString(b, s)
}

func putInt64(b array.Builder, v int64) { b.(*array.Int64Builder).Append(v) }

func putOptInt64(b array.Builder, v *int64) {
	if v == nil {
		b.AppendNull()
		return
	}
	putInt64(b, *v)
}

func putInt32(b array.Builder, v int32) { b.(*array.Int32Builder).Append(v) }

func putBool(b array.Builder, v bool) { b.(*array.BooleanBuilder).Append(v) }

// putStringList appends a list; nil appends null, as an absent JSON field.
func putStringList(b array.Builder, l []string) {
	lb := b.(*array.ListBuilder)
	if l == nil {
		lb.AppendNull()
		return
	}
	lb.Append(true)
	for _, s := range l {
		putString(lb.ValueBuilder(), s)
	}
}

// putStringMap appends a map with sorted keys; a nil value is a null
// item (a NULL partition value). A nil map appends an empty map when
// required, else null.
func putStringMap(b array.Builder, m map[string]*string, required bool) {
	mb := b.(*array.MapBuilder)
	if m == nil && !required {
		mb.AppendNull()
		return
	}
	mb.Append(true)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		putString(mb.KeyBuilder(), k)
		if v := m[k]; v != nil {
			putString(mb.ItemBuilder(), *v)
		} else {
			mb.ItemBuilder().AppendNull()
		}
	}
}

// plainMap turns a map of strings into the pointer form putStringMap takes.
func plainMap(m map[string]string) map[string]*string {
	if m == nil {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}

// putDeletionVector appends a descriptor, or null for a file without one.
func putDeletionVector(b array.Builder, dv *DeletionVector) {
	sb := b.(*array.StructBuilder)
	if dv == nil {
		sb.AppendNull()
		return
	}
	sb.Append(true)
	putString(sb.FieldBuilder(0), dv.StorageType)
	putString(sb.FieldBuilder(1), dv.PathOrInlineDv)
	if dv.Offset != nil {
		putInt32(sb.FieldBuilder(2), int32(*dv.Offset))
	} else {
		sb.FieldBuilder(2).AppendNull()
	}
	putInt32(sb.FieldBuilder(3), int32(dv.SizeInBytes))
	putInt64(sb.FieldBuilder(4), dv.Cardinality)
}
