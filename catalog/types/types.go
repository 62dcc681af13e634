// Package types is Lode's SQL type system: PostgreSQL type identities (names,
// OIDs, typmods) paired with the Arrow types that carry their values.
// It is a leaf package: storage, planner, exec, engine and wire all use it.
package types

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Kind is the family of a SQL type.
type Kind uint8

const (
	Unknown     Kind = iota // untyped NULL or an untyped string literal before coercion
	Bool                    // boolean
	Int16                   // smallint
	Int32                   // integer
	Int64                   // bigint
	Float32                 // real
	Float64                 // double precision
	Numeric                 // numeric(p,s): exact, decimal128 with a fixed scale
	Text                    // text
	Varchar                 // varchar(n)
	Date                    // date: days since 1970-01-01 (date32)
	Timestamp               // timestamp without time zone: µs since epoch
	TimestampTZ             // timestamp with time zone: µs since epoch, UTC
	Interval                // interval: months, days, µs (Arrow month_day_nano, ns = µs*1000)
	Array                   // one-dimensional array of Elem (Arrow list<elem>); see array.go
	Bytea                   // bytea: any bytes, carried in an Arrow string array (see bytea.go)
	UUID                    // uuid: carried as its canonical lowercase text (see uuid.go)
)

// NumericMaxPrecision is the widest decimal128 precision.
const NumericMaxPrecision = 38

// NumericDefaultScale is the scale given to numerics whose scale is not
// declared (unconstrained `numeric`, results of division and avg).
const NumericDefaultScale = 16

// T is a SQL type. The zero value is Unknown.
type T struct {
	Kind      Kind
	Precision int32 // Numeric: total digits (0 = unconstrained)
	Scale     int32 // Numeric: digits after the point
	Length    int32 // Varchar: max characters (0 = unlimited)
	// Elem is an Array's element kind; Precision, Scale and Length then
	// describe the element (see ArrayOf and T.ElemT), so T stays comparable.
	Elem Kind
	// Alias names a PostgreSQL type Lode carries as Kind (oid as bigint,
	// json/jsonb as text): same values and kernels, its own name, OID and
	// wire encodings (see alias.go). For an Array it describes the element.
	Alias Alias
}

var (
	TUnknown     = T{Kind: Unknown}
	TBool        = T{Kind: Bool}
	TInt16       = T{Kind: Int16}
	TInt32       = T{Kind: Int32}
	TInt64       = T{Kind: Int64}
	TFloat32     = T{Kind: Float32}
	TFloat64     = T{Kind: Float64}
	TText        = T{Kind: Text}
	TDate        = T{Kind: Date}
	TTimestamp   = T{Kind: Timestamp}
	TTimestampTZ = T{Kind: TimestampTZ}
	TInterval    = T{Kind: Interval}
	TBytea       = T{Kind: Bytea}
	TUUID        = T{Kind: UUID}
	TOID         = T{Kind: Int64, Alias: AliasOID}
	TJSON        = T{Kind: Text, Alias: AliasJSON}
	TJSONB       = T{Kind: Text, Alias: AliasJSONB}
)

// NumericT returns numeric(p,s); p = 0 means unconstrained precision.
func NumericT(p, s int32) T { return T{Kind: Numeric, Precision: p, Scale: s} }

// VarcharT returns varchar(n); n = 0 means no limit.
func VarcharT(n int32) T { return T{Kind: Varchar, Length: n} }

// PostgreSQL type OIDs (pg_type.oid) for the types Lode returns.
const (
	OIDBool        uint32 = 16
	OIDInt8        uint32 = 20
	OIDInt2        uint32 = 21
	OIDInt4        uint32 = 23
	OIDText        uint32 = 25
	OIDFloat4      uint32 = 700
	OIDFloat8      uint32 = 701
	OIDUnknown     uint32 = 705
	OIDVarchar     uint32 = 1043
	OIDDate        uint32 = 1082
	OIDTimestamp   uint32 = 1114
	OIDTimestampTZ uint32 = 1184
	OIDNumeric     uint32 = 1700
	OIDInterval    uint32 = 1186
	OIDBytea       uint32 = 17
	OIDOid         uint32 = 26
	OIDJSON        uint32 = 114
	OIDJSONB       uint32 = 3802
	OIDUUID        uint32 = 2950
)

// OID is the pg_type OID clients see in RowDescription.
func (t T) OID() uint32 {
	if t.Alias != AliasNone && t.Kind != Array {
		return t.Alias.oid()
	}
	switch t.Kind {
	case Bool:
		return OIDBool
	case Int16:
		return OIDInt2
	case Int32:
		return OIDInt4
	case Int64:
		return OIDInt8
	case Float32:
		return OIDFloat4
	case Float64:
		return OIDFloat8
	case Numeric:
		return OIDNumeric
	case Text:
		return OIDText
	case Varchar:
		return OIDVarchar
	case Date:
		return OIDDate
	case Timestamp:
		return OIDTimestamp
	case TimestampTZ:
		return OIDTimestampTZ
	case Interval:
		return OIDInterval
	case Bytea:
		return OIDBytea
	case UUID:
		return OIDUUID
	case Array:
		return t.ElemT().arrayOID()
	}
	// An untyped literal that survives to the output is text, as in PostgreSQL.
	return OIDText
}

// Typmod is the atttypmod PostgreSQL reports (-1 when none).
func (t T) Typmod() int32 {
	if t.Kind == Array {
		t = t.ElemT()
	}
	switch t.Kind {
	case Numeric:
		if t.Precision == 0 {
			return -1
		}
		return (t.Precision<<16 | t.Scale) + 4
	case Varchar:
		if t.Length == 0 {
			return -1
		}
		return t.Length + 4
	}
	return -1
}

// Size is pg_type.typlen (-1 for variable length).
func (t T) Size() int16 {
	if t.Alias == AliasOID && t.Kind == Int64 {
		return 4
	}
	switch t.Kind {
	case Bool:
		return 1
	case Int16:
		return 2
	case Int32, Float32, Date:
		return 4
	case Int64, Float64, Timestamp, TimestampTZ:
		return 8
	case Interval, UUID:
		return 16
	}
	return -1
}

// String is the name format_type() gives.
func (t T) String() string {
	if t.Alias != AliasNone && t.Kind != Array {
		return t.Alias.name()
	}
	switch t.Kind {
	case Unknown:
		return "unknown"
	case Bool:
		return "boolean"
	case Int16:
		return "smallint"
	case Int32:
		return "integer"
	case Int64:
		return "bigint"
	case Float32:
		return "real"
	case Float64:
		return "double precision"
	case Numeric:
		if t.Precision == 0 {
			return "numeric"
		}
		return fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale)
	case Text:
		return "text"
	case Varchar:
		if t.Length == 0 {
			return "character varying"
		}
		return fmt.Sprintf("character varying(%d)", t.Length)
	case Date:
		return "date"
	case Timestamp:
		return "timestamp without time zone"
	case TimestampTZ:
		return "timestamp with time zone"
	case Interval:
		return "interval"
	case Bytea:
		return "bytea"
	case UUID:
		return "uuid"
	case Array:
		return t.ElemT().String() + "[]"
	}
	return fmt.Sprintf("kind%d", t.Kind)
}

// IsNumeric reports whether t is an integer, float or numeric type.
func (t T) IsNumeric() bool {
	switch t.Kind {
	case Int16, Int32, Int64, Float32, Float64, Numeric:
		return true
	}
	return false
}

// IsInteger reports whether t is smallint, integer or bigint.
func (t T) IsInteger() bool { return t.Kind == Int16 || t.Kind == Int32 || t.Kind == Int64 }

// IsString reports whether t is text or varchar.
func (t T) IsString() bool { return t.Kind == Text || t.Kind == Varchar }

// IsTemporal reports whether t is date, timestamp or timestamptz.
func (t T) IsTemporal() bool {
	return t.Kind == Date || t.Kind == Timestamp || t.Kind == TimestampTZ
}

// DecimalPrecision is the decimal128 precision used to carry a numeric.
func (t T) DecimalPrecision() int32 {
	if t.Precision == 0 {
		return NumericMaxPrecision
	}
	return t.Precision
}

// ArrowType is the Arrow type that carries values of t.
func (t T) ArrowType() arrow.DataType {
	switch t.Kind {
	case Bool:
		return arrow.FixedWidthTypes.Boolean
	case Int16:
		return arrow.PrimitiveTypes.Int16
	case Int32:
		return arrow.PrimitiveTypes.Int32
	case Int64:
		return arrow.PrimitiveTypes.Int64
	case Float32:
		return arrow.PrimitiveTypes.Float32
	case Float64:
		return arrow.PrimitiveTypes.Float64
	case Numeric:
		return &arrow.Decimal128Type{Precision: t.DecimalPrecision(), Scale: t.Scale}
	case Text, Varchar, Unknown, Bytea, UUID:
		// bytea and uuid ride on string arrays (Go strings hold any bytes),
		// so every string kernel (take, hash, sort, compare) serves them;
		// storage writes bytea as Parquet BYTE_ARRAY without the UTF8
		// annotation (Delta "binary").
		return arrow.BinaryTypes.String
	case Date:
		return arrow.FixedWidthTypes.Date32
	case Timestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case TimestampTZ:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case Interval:
		return arrow.FixedWidthTypes.MonthDayNanoInterval
	case Array:
		return arrow.ListOf(t.ElemT().ArrowType())
	}
	panic(fmt.Sprintf("types: no arrow type for %v", t))
}

// Metadata keys that record the SQL type on an Arrow field, so a schema
// round-trips through storage without losing varchar lengths or
// numeric(p,s) declared as unconstrained.
const (
	MetaSQLType = "lode.sql_type"
)

// Field builds an Arrow field carrying t.
func Field(name string, t T, nullable bool) arrow.Field {
	md := arrow.NewMetadata([]string{MetaSQLType}, []string{t.String()})
	return arrow.Field{Name: name, Type: t.ArrowType(), Nullable: nullable, Metadata: md}
}

// FromField recovers the SQL type of an Arrow field: from its metadata when
// Lode wrote it, else from the Arrow type alone (tables written elsewhere).
func FromField(f arrow.Field) (T, error) {
	if i := f.Metadata.FindKey(MetaSQLType); i >= 0 {
		if t, err := ParseName(f.Metadata.Values()[i]); err == nil {
			return t, nil
		}
	}
	return FromArrow(f.Type)
}

// FromArrow maps an Arrow type to the closest SQL type.
func FromArrow(dt arrow.DataType) (T, error) {
	switch d := dt.(type) {
	case *arrow.BooleanType:
		return TBool, nil
	case *arrow.Int8Type, *arrow.Int16Type:
		return TInt16, nil
	case *arrow.Int32Type:
		return TInt32, nil
	case *arrow.Int64Type:
		return TInt64, nil
	case *arrow.Float32Type:
		return TFloat32, nil
	case *arrow.Float64Type:
		return TFloat64, nil
	case *arrow.Decimal128Type:
		return NumericT(d.Precision, d.Scale), nil
	case *arrow.StringType, *arrow.LargeStringType:
		return TText, nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return TBytea, nil
	case *arrow.Date32Type:
		return TDate, nil
	case *arrow.TimestampType:
		if d.TimeZone != "" {
			return TTimestampTZ, nil
		}
		return TTimestamp, nil
	case *arrow.MonthDayNanoIntervalType:
		return TInterval, nil
	case *arrow.ListType:
		e, err := FromArrow(d.Elem())
		if err != nil {
			return TUnknown, err
		}
		return ArrayOf(e), nil
	}
	return TUnknown, fmt.Errorf("unsupported Arrow type %s", dt)
}
