package types

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestArrayTextIO(t *testing.T) {
	text := ArrayOf(TText)
	cases := []struct {
		in, out string
		t       T
	}{
		{"{1,2,3}", "{1,2,3}", ArrayOf(TInt32)},
		{" { 1 , NULL ,3 } ", "{1,NULL,3}", ArrayOf(TInt32)},
		{"{}", "{}", ArrayOf(TInt64)},
		{`{a,"b c","",NULL,"NULL",null}`, `{a,"b c","",NULL,"NULL",NULL}`, text},
		{`{"a\"b","c\\d",e\,f}`, `{"a\"b","c\\d","e,f"}`, text},
		{`{ x y ,"{}"}`, `{"x y","{}"}`, text},
		{"[1:2]={t,f}", "{t,f}", ArrayOf(TBool)},
		{"{1.5,NaN}", "{1.5,NaN}", ArrayOf(TFloat64)},
		{"{2024-01-02}", "{2024-01-02}", ArrayOf(TDate)},
		{`{"2024-01-02 03:04:05"}`, `{"2024-01-02 03:04:05"}`, ArrayOf(TTimestamp)},
	}
	for _, c := range cases {
		v, err := ParseText(c.in, c.t)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := FormatLiteral(v, c.t); got != c.out {
			t.Errorf("%q: FormatLiteral %q, want %q", c.in, got, c.out)
		}
		// The Arrow path (AppendText over a list) prints the same.
		b := array.NewBuilder(memory.NewGoAllocator(), c.t.ArrowType())
		appendListLit(b.(*array.ListBuilder), v.([]any))
		arr := b.NewArray()
		if got := string(AppendText(nil, arr, 0, c.t, nil)); got != c.out {
			t.Errorf("%q: AppendText %q, want %q", c.in, got, c.out)
		}
		arr.Release()
		b.Release()
	}
	for _, bad := range []string{"", "1,2", "{1,2", "{1,,2}", "{1}x", `{"a"b}`, "{{1},{2}}", "{a,}"} {
		if _, err := ParseText(bad, ArrayOf(TInt32)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := ParseText("{1,x}", ArrayOf(TInt32)); err == nil {
		t.Error("{1,x} as int[]: no error")
	}
}

func TestArrayNames(t *testing.T) {
	for _, c := range []struct {
		name string
		want T
		oid  uint32
		str  string
	}{
		{"integer[]", ArrayOf(TInt32), 1007, "integer[]"},
		{"_int8", ArrayOf(TInt64), 1016, "bigint[]"},
		{"text[]", ArrayOf(TText), 1009, "text[]"},
		{"varchar[]", ArrayOf(VarcharT(0)), 1015, "character varying[]"},
		{"float8[]", ArrayOf(TFloat64), 1022, "double precision[]"},
		{"timestamptz[]", ArrayOf(TTimestampTZ), 1185, "timestamp with time zone[]"},
	} {
		got, err := FromName(c.name, nil)
		if err != nil || got != c.want || got.OID() != c.oid || got.String() != c.str {
			t.Errorf("%s: %v %v oid %d %q", c.name, got, err, got.OID(), got.String())
		}
		if back, err := ParseName(got.String()); err != nil || back != got {
			t.Errorf("ParseName(%q) = %v, %v", got.String(), back, err)
		}
		if o, ok := FromOID(c.oid); !ok || o.OID() != c.oid {
			t.Errorf("FromOID(%d) = %v", c.oid, o)
		}
	}
	n := ArrayOf(NumericT(10, 2))
	if n.ElemT() != NumericT(10, 2) || n.Typmod() != NumericT(10, 2).Typmod() || n.OID() != 1231 {
		t.Errorf("numeric(10,2)[]: %v", n)
	}
}

// appendListLit appends an array literal for the test's element types.
func appendListLit(b *array.ListBuilder, vals []any) {
	b.Append(true)
	vb := b.ValueBuilder()
	for _, v := range vals {
		if v == nil {
			vb.AppendNull()
			continue
		}
		switch x := vb.(type) {
		case *array.Int32Builder:
			x.Append(int32(v.(int64)))
		case *array.Int64Builder:
			x.Append(v.(int64))
		case *array.StringBuilder:
			x.Append(v.(string))
		case *array.BooleanBuilder:
			x.Append(v.(bool))
		case *array.Float64Builder:
			x.Append(v.(float64))
		case *array.Date32Builder:
			x.Append(arrowDate(v.(int32)))
		case *array.TimestampBuilder:
			x.Append(arrowTs(v.(int64)))
		}
	}
}

func arrowDate(d int32) arrow.Date32   { return arrow.Date32(d) }
func arrowTs(us int64) arrow.Timestamp { return arrow.Timestamp(us) }
