package types

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		in   string
		t    T
		want any
		code string
		msg  string
	}{
		{" 42 ", TInt32, int64(42), "", ""},
		{"abc", TInt32, nil, sqlerr.InvalidTextRep, `invalid input syntax for type integer: "abc"`},
		{"99999999999", TInt32, nil, sqlerr.NumericOutOfRange, `value "99999999999" is out of range for type integer`},
		{"40000", TInt16, nil, sqlerr.NumericOutOfRange, `value "40000" is out of range for type smallint`},
		{"x", TInt64, nil, sqlerr.InvalidTextRep, `invalid input syntax for type bigint: "x"`},
		{"1.5e3", TFloat64, 1500.0, "", ""},
		{"-inf", TFloat64, nil, "", ""},
		{"zz", TFloat32, nil, sqlerr.InvalidTextRep, `invalid input syntax for type real: "zz"`},
		{"zz", TFloat64, nil, sqlerr.InvalidTextRep, `invalid input syntax for type double precision: "zz"`},
		{"1.005", NumericT(10, 2), decimal128.FromI64(101), "", ""},
		{"-1.005", NumericT(10, 2), decimal128.FromI64(-101), "", ""},
		{"1000", NumericT(5, 2), nil, sqlerr.NumericOutOfRange, "numeric field overflow"},
		{"1.2.3", NumericT(5, 2), nil, sqlerr.InvalidTextRep, `invalid input syntax for type numeric: "1.2.3"`},
		{"Yes", TBool, true, "", ""},
		{"of", TBool, false, "", ""},
		{"o", TBool, nil, sqlerr.InvalidTextRep, `invalid input syntax for type boolean: "o"`},
		{"abcde  ", VarcharT(5), "abcde", "", ""},
		{"abcdef", VarcharT(5), nil, sqlerr.StringTruncation, "value too long for type character varying(5)"},
		{"2024-01-31", TDate, int32(19753), "", ""},
		{"20240131", TDate, int32(19753), "", ""},
		{"2024-02-30", TDate, nil, sqlerr.DatetimeOverflow, `date/time field value out of range: "2024-02-30"`},
		{"nope", TDate, nil, sqlerr.InvalidDatetimeFormat, `invalid input syntax for type date: "nope"`},
		{"1970-01-01 00:00:01.5", TTimestamp, int64(1500000), "", ""},
		{"1970-01-01T01:00+01", TTimestampTZ, int64(0), "", ""},
		{"1970-01-01 00:00Z", TTimestampTZ, int64(0), "", ""},
		{"x", TTimestampTZ, nil, sqlerr.InvalidDatetimeFormat, `invalid input syntax for type timestamp with time zone: "x"`},
	}
	for _, tc := range tests {
		got, err := ParseText(tc.in, tc.t)
		if tc.code != "" {
			if err == nil || sqlerr.Code(err) != tc.code || err.Error() != tc.msg {
				t.Errorf("%q as %s: got %v, %v; want %s %s", tc.in, tc.t, got, err, tc.code, tc.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q as %s: %v", tc.in, tc.t, err)
			continue
		}
		if tc.want != nil && got != tc.want {
			t.Errorf("%q as %s: got %v (%T), want %v", tc.in, tc.t, got, got, tc.want)
		}
	}
}

func TestTimestampTZSessionZone(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Kolkata")
	v, err := ParseTextIn("2024-01-31 13:45:00", TTimestampTZ, loc)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(AppendTimestampTZ(nil, v.(int64), loc)); s != "2024-01-31 13:45:00+05:30" {
		t.Fatal(s)
	}
	if s := string(AppendTimestampTZ(nil, v.(int64), time.UTC)); s != "2024-01-31 08:15:00+00" {
		t.Fatal(s)
	}
}

func TestFormatFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		bits int
		want string
	}{
		{1e20, 64, "1e+20"}, {1.5e-7, 64, "1.5e-07"}, {0.1, 64, "0.1"}, {123456789012345, 64, "123456789012345"},
		{1e15, 64, "1e+15"}, {0.0001, 64, "0.0001"}, {100000, 32, "100000"}, {1000000, 32, "1e+06"},
	} {
		var got string
		if tc.bits == 32 {
			got = string(AppendFloat4(nil, float32(tc.f)))
		} else {
			got = string(AppendFloat8(nil, tc.f))
		}
		if got != tc.want {
			t.Errorf("%v: got %s want %s", tc.f, got, tc.want)
		}
	}
}
