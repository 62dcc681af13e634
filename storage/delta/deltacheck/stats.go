package deltacheck

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// fileStats is an add's stats, decoded with json.Number.
type fileStats struct {
	NumRecords json.Number    `json:"numRecords"`
	MinValues  map[string]any `json:"minValues"`
	MaxValues  map[string]any `json:"maxValues"`
	NullCount  map[string]any `json:"nullCount"`
	// TightBounds is false when deletion vectors make the bounds loose.
	TightBounds *bool `json:"tightBounds"`
}

func decodeStats(s string) (*fileStats, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var fs fileStats
	if err := dec.Decode(&fs); err != nil {
		return nil, err
	}
	return &fs, nil
}

// checkStatsSyntax: stats parse, numRecords is a non-negative integer and
// the per-column maps name columns of the schema (by physical name).
func checkStatsSyntax(loc reportf, s string, st *state) {
	fs, err := decodeStats(s)
	if err != nil {
		loc("stats are not valid JSON: %v", err)
		return
	}
	if n, err := fs.NumRecords.Int64(); err != nil || n < 0 {
		loc("stats.numRecords %q is not a non-negative integer", fs.NumRecords)
	}
	mode := columnMappingMode(st)
	known := map[string]*Field{}
	for _, f := range st.schema.Fields {
		known[f.Physical(mode)] = f
	}
	for what, m := range map[string]map[string]any{"minValues": fs.MinValues, "maxValues": fs.MaxValues, "nullCount": fs.NullCount} {
		for k, v := range m {
			f := known[k]
			switch {
			case f == nil && st.dropped[k]:
				// a dropped column's stats, from before the drop
			case f == nil:
				loc("stats.%s names %q, which is not a (physical) column name", what, k)
			case what == "nullCount" && f.TypeName() != "struct" && !isInteger(v):
				loc("stats.nullCount.%s is %s, not an integer", k, typeName(v))
			}
		}
	}
}

// checkFileStats compares an add's stats with the data recomputed from
// its file: numRecords exactly, null counts exactly, and min/max as the
// protocol allows them to be loose (strings truncated to a prefix,
// timestamps truncated to milliseconds).
func checkFileStats(r *Report, name string, a map[string]any, st *state, tbl arrow.Table) {
	s, ok := a["stats"].(string)
	if !ok || st.schema == nil {
		return
	}
	fs, err := decodeStats(s)
	if err != nil {
		return // reported by checkStatsSyntax
	}
	if n, err := fs.NumRecords.Int64(); err == nil && n != tbl.NumRows() {
		r.addf(name, 0, "stats.numRecords is %d, the file has %d rows", n, tbl.NumRows())
	}
	mode := columnMappingMode(st)
	sch := tbl.Schema()
	for _, f := range st.schema.Fields {
		phys := f.Physical(mode)
		idx := sch.FieldIndices(phys)
		if len(idx) != 1 {
			if nc, ok := fs.NullCount[phys]; ok && isInteger(nc) && intOf(nc) != tbl.NumRows() {
				r.addf(name, 0, "column %s is not in the file, yet stats.nullCount says %d of %d rows are null", phys, intOf(nc), tbl.NumRows())
			}
			continue
		}
		col := tbl.Column(idx[0])
		nulls := int64(col.NullN())
		if nc, ok := fs.NullCount[phys]; ok && isInteger(nc) && intOf(nc) != nulls {
			r.addf(name, 0, "stats.nullCount.%s is %d, the file has %d nulls", phys, intOf(nc), nulls)
		}
		lo, hi, ok := columnMinMax(col.Data().Chunks())
		if !ok {
			continue
		}
		if v, present := fs.MinValues[phys]; present {
			if msg := checkBound(f.TypeName(), v, lo, false); msg != "" {
				r.addf(name, 0, "stats.minValues.%s: %s", phys, msg)
			}
		}
		if v, present := fs.MaxValues[phys]; present {
			if msg := checkBound(f.TypeName(), v, hi, true); msg != "" {
				r.addf(name, 0, "stats.maxValues.%s: %s", phys, msg)
			}
		}
	}
}

// value is a column value in a comparable form: int64, float64, *big.Rat
// (decimals), string, time.Time (dates, timestamps) or bool.
type value = any

// columnMinMax recomputes the min and max non-null value of a column;
// ok=false for types stats do not bound or when every value is null (or a
// float column holds NaN, which has no order).
func columnMinMax(chunks []arrow.Array) (lo, hi value, ok bool) {
	for _, c := range chunks {
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				continue
			}
			v, supported := cellValue(c, i)
			if !supported {
				return nil, nil, false
			}
			if f, isF := v.(float64); isF && math.IsNaN(f) {
				return nil, nil, false
			}
			if lo == nil || compare(v, lo) < 0 {
				lo = v
			}
			if hi == nil || compare(v, hi) > 0 {
				hi = v
			}
		}
	}
	return lo, hi, lo != nil
}

func cellValue(a arrow.Array, i int) (value, bool) {
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i)), true
	case *array.Int16:
		return int64(a.Value(i)), true
	case *array.Int32:
		return int64(a.Value(i)), true
	case *array.Int64:
		return a.Value(i), true
	case *array.Float32:
		return float64(a.Value(i)), true
	case *array.Float64:
		return a.Value(i), true
	case *array.Decimal128:
		r, _ := new(big.Rat).SetString(a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale))
		return r, r != nil
	case *array.String:
		return a.Value(i), true
	case *array.LargeString:
		return a.Value(i), true
	case *array.Date32:
		return a.Value(i).ToTime().UTC(), true
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC(), true
	case *array.Boolean:
		return a.Value(i), true
	}
	return nil, false
}

func compare(a, b value) int {
	switch a := a.(type) {
	case int64:
		b := b.(int64)
		return cmpOrdered(a, b)
	case float64:
		return cmpOrdered(a, b.(float64))
	case *big.Rat:
		return a.Cmp(b.(*big.Rat))
	case string:
		return strings.Compare(a, b.(string))
	case time.Time:
		return a.Compare(b.(time.Time))
	case bool:
		bb := b.(bool)
		switch {
		case a == bb:
			return 0
		case !a:
			return -1
		}
		return 1
	}
	return 0
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkBound checks one stats bound against the recomputed value; it
// returns a description of the violation, or "".
func checkBound(deltaType string, stat any, actual value, isMax bool) string {
	bad := func(format string, args ...any) string {
		return fmt.Sprintf("%s (recomputed %v): ", formatStat(stat), actual) + fmt.Sprintf(format, args...)
	}
	switch a := actual.(type) {
	case int64:
		n, ok := stat.(json.Number)
		v, err := n.Int64()
		if !ok || err != nil || v != a {
			return bad("an integer column's bound must be exact")
		}
	case float64:
		n, ok := stat.(json.Number)
		v, err := n.Float64()
		if !ok || err != nil {
			return bad("not a number")
		}
		if deltaType == "float" {
			if float32(v) != float32(a) {
				return bad("differs")
			}
		} else if v != a {
			return bad("differs")
		}
	case *big.Rat:
		n, ok := stat.(json.Number)
		v, good := new(big.Rat).SetString(string(n))
		if !ok || !good || v.Cmp(a) != 0 {
			return bad("a decimal column's bound must be exact, written as a JSON number")
		}
	case string:
		v, ok := stat.(string)
		switch {
		case !ok:
			return bad("not a string")
		case !isMax && (v > a || !strings.HasPrefix(a, v)):
			return bad("a string min must be the min or a prefix of it")
		case isMax && v < a:
			return bad("a string max must be at least the max")
		}
	case time.Time:
		return checkTimeBound(deltaType, stat, a, isMax, bad)
	case bool:
		if v, ok := stat.(bool); !ok || v != a {
			return bad("differs")
		}
	}
	return ""
}

// checkTimeBound: dates exactly as YYYY-MM-DD; timestamps in ISO 8601
// (with a zone for timestamp, without for timestamp_ntz), within the
// millisecond the value truncates to.
func checkTimeBound(deltaType string, stat any, a time.Time, isMax bool, bad func(string, ...any) string) string {
	s, ok := stat.(string)
	if !ok {
		return bad("not a string")
	}
	var layouts []string
	switch deltaType {
	case "date":
		if s != a.Format("2006-01-02") {
			return bad("a date bound must be exact, as YYYY-MM-DD")
		}
		return ""
	case "timestamp_ntz":
		layouts = []string{"2006-01-02T15:04:05.999999", "2006-01-02 15:04:05.999999"}
	default:
		layouts = []string{time.RFC3339Nano}
	}
	var t time.Time
	var err error
	for _, l := range layouts {
		if t, err = time.Parse(l, s); err == nil {
			break
		}
	}
	if err != nil {
		return bad("not an ISO 8601 %s", deltaType)
	}
	want := a.Truncate(time.Millisecond)
	if d := t.Sub(want); d != 0 && !(isMax && d > 0 && d <= time.Millisecond) {
		return bad("differs from the value truncated to milliseconds (%s)", want.Format(time.RFC3339Nano))
	}
	return ""
}

func formatStat(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
