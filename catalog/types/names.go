package types

import (
	"fmt"
	"strconv"
	"strings"
)

// baseNames maps every spelling PostgreSQL accepts (and its parser emits,
// e.g. pg_catalog.int4 for INTEGER) to a kind.
var baseNames = map[string]Kind{
	"bool": Bool, "boolean": Bool,
	"int2": Int16, "smallint": Int16,
	"int4": Int32, "int": Int32, "integer": Int32,
	"int8": Int64, "bigint": Int64,
	"float4": Float32, "real": Float32,
	"float8": Float64, "double precision": Float64, "float": Float64,
	"numeric": Numeric, "decimal": Numeric,
	"text": Text, "string": Text,
	"bytea": Bytea, "uuid": UUID,
	"varchar": Varchar, "character varying": Varchar,
	"bpchar": Varchar, "char": Varchar, "character": Varchar,
	"date":      Date,
	"timestamp": Timestamp, "timestamp without time zone": Timestamp, "timestamp_ntz": Timestamp,
	"timestamptz": TimestampTZ, "timestamp with time zone": TimestampTZ,
	"interval": Interval,
}

// FromName resolves a type name and its typmods (as written in SQL, e.g.
// numeric(10,2) → "numeric", [10 2]).
func FromName(name string, mods []int32) (T, error) {
	name = strings.TrimPrefix(strings.ToLower(name), "pg_catalog.")
	if strings.HasSuffix(name, "[]") {
		e, err := FromName(strings.TrimSpace(strings.TrimSuffix(name, "[]")), mods)
		if err != nil {
			return TUnknown, err
		}
		return ArrayOf(e), nil
	}
	if len(name) > 1 && name[0] == '_' { // _int4: the array type's internal name
		if e, err := FromName(name[1:], mods); err == nil {
			return ArrayOf(e), nil
		}
	}
	if t, ok := aliasNames[name]; ok { // oid, json, jsonb: see alias.go
		if len(mods) > 0 {
			return TUnknown, fmt.Errorf("type modifier is not allowed for type %s", name)
		}
		return t, nil
	}
	k, ok := baseNames[name]
	if !ok {
		return TUnknown, fmt.Errorf("type %q does not exist", name)
	}
	t := T{Kind: k}
	switch k {
	case Numeric:
		if len(mods) > 2 {
			return TUnknown, fmt.Errorf("invalid NUMERIC type modifier")
		}
		if len(mods) >= 1 {
			if mods[0] < 1 || mods[0] > NumericMaxPrecision {
				return TUnknown, fmt.Errorf("NUMERIC precision %d must be between 1 and %d", mods[0], NumericMaxPrecision)
			}
			t.Precision = mods[0]
		}
		if len(mods) == 2 {
			if mods[1] < 0 || mods[1] > t.Precision {
				return TUnknown, fmt.Errorf("NUMERIC scale %d must be between 0 and precision %d", mods[1], t.Precision)
			}
			t.Scale = mods[1]
		}
		if len(mods) == 0 {
			t.Scale = NumericDefaultScale
		}
	case Varchar:
		if len(mods) > 1 {
			return TUnknown, fmt.Errorf("invalid type modifier for %s", name)
		}
		if len(mods) == 1 {
			if mods[0] < 1 {
				return TUnknown, fmt.Errorf("length for type varchar must be at least 1")
			}
			t.Length = mods[0]
		}
		// char without a length is char(1); Lode stores it as varchar(1).
		if (name == "bpchar" || name == "char" || name == "character") && len(mods) == 0 {
			t.Length = 1
		}
	case Interval:
		// interval(fields[, precision]): the field mask decides what a bare
		// number means ('1' day); see ParseIntervalIn.
		if len(mods) >= 1 && mods[0] != intervalFullRange {
			t.Length = mods[0]
		}
	case Int16, Int32, Int64, Bool, Text, Date, Timestamp, TimestampTZ, Float32, Bytea, UUID:
		// timestamp(p) precision is accepted and ignored: storage is µs.
	case Float64:
		// float(p) with p <= 24 is real, as in PostgreSQL.
		if name == "float" && len(mods) == 1 && mods[0] <= 24 {
			t = TFloat32
		}
	}
	return t, nil
}

// ParseName parses the output of T.String (as stored in field metadata).
func ParseName(s string) (T, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "[]") {
		e, err := ParseName(strings.TrimSuffix(s, "[]"))
		if err != nil {
			return TUnknown, err
		}
		return ArrayOf(e), nil
	}
	var mods []int32
	if i := strings.IndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		for _, part := range strings.Split(s[i+1:len(s)-1], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil {
				return TUnknown, fmt.Errorf("bad type modifier in %q", s)
			}
			mods = append(mods, int32(n))
		}
		s = strings.TrimSpace(s[:i])
	}
	t, err := FromName(s, mods)
	if err != nil {
		return t, err
	}
	if t.Kind == Varchar && len(mods) == 0 {
		t.Length = 0 // "character varying" with no length is unlimited
	}
	return t, nil
}
