package delta

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/storage/parquet"
)

// statsPrefixLen is how many characters of a string min/max are kept, as
// Delta Spark's default (dataSkippingStringPrefixLength) does.
const statsPrefixLen = 32

// maxRune is appended to a truncated max so it still bounds every string
// with that prefix in UTF-8 byte order.
const maxRune = '\U0010FFFF'

type fileStatsJSON struct {
	NumRecords int64            `json:"numRecords"`
	MinValues  map[string]any   `json:"minValues"`
	MaxValues  map[string]any   `json:"maxValues"`
	NullCount  map[string]int64 `json:"nullCount"`
}

// encodeStats renders a data file's statistics in the protocol's JSON.
func encodeStats(schema *arrow.Schema, st parquet.FileStats) (string, error) {
	out := fileStatsJSON{NumRecords: st.NumRecords, MinValues: map[string]any{}, MaxValues: map[string]any{}, NullCount: map[string]int64{}}
	for i, c := range st.Columns {
		f := schema.Field(i)
		out.NullCount[f.Name] = c.NullCount
		if c.Min == nil || c.Max == nil {
			continue
		}
		mn, okMin := statValue(f.Type, c.Min, false)
		mx, okMax := statValue(f.Type, c.Max, true)
		if okMin {
			out.MinValues[f.Name] = mn
		}
		if okMax {
			out.MaxValues[f.Name] = mx
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// statValue renders one min or max in its JSON form; ok=false leaves it
// out (booleans, which Delta does not skip on, and infinities, which JSON
// cannot hold).
func statValue(dt arrow.DataType, v any, isMax bool) (any, bool) {
	switch v := v.(type) {
	case int16, int32, int64:
		return v, true
	case float32:
		if math.IsInf(float64(v), 0) {
			return nil, false
		}
		return v, true
	case float64:
		if math.IsInf(v, 0) {
			return nil, false
		}
		return v, true
	case decimal128.Num:
		return json.Number(v.ToString(dt.(*arrow.Decimal128Type).Scale)), true
	case string:
		return truncateString(v, isMax)
	case arrow.Date32:
		return v.ToTime().Format("2006-01-02"), true
	case arrow.Timestamp:
		// Truncated down to milliseconds, as the protocol specifies for
		// both bounds; readers widen max by 1 ms.
		t := time.UnixMicro(int64(v)).UTC().Truncate(time.Millisecond) // floors, also before 1970
		if dt.(*arrow.TimestampType).TimeZone == "" {
			return t.Format("2006-01-02T15:04:05.000"), true
		}
		return t.Format("2006-01-02T15:04:05.000Z"), true
	}
	return nil, false
}

// truncateString keeps a prefix of statsPrefixLen characters. A prefix is
// a valid min; a max needs a high code point appended to stay an upper
// bound (and is dropped in the one case where even that would not be).
func truncateString(s string, isMax bool) (any, bool) {
	if utf8.RuneCountInString(s) <= statsPrefixLen {
		return s, true
	}
	cut, n := 0, 0
	for i := range s {
		if n == statsPrefixLen {
			cut = i
			break
		}
		n++
	}
	if !isMax {
		return s[:cut], true
	}
	if r, _ := utf8.DecodeRuneInString(s[cut:]); r == maxRune {
		return nil, false
	}
	return s[:cut] + string(maxRune), true
}

// parseStats fills df's NumRecords and per-column statistics from the
// stats JSON of an add action, typing min/max by the table schema. keys
// are the names the stats use per schema field (physical names under
// column mapping); nil means the field names.
func parseStats(s string, schema *arrow.Schema, keys []string, df *DataFile) error {
	var raw struct {
		NumRecords *int64                     `json:"numRecords"`
		MinValues  map[string]json.RawMessage `json:"minValues"`
		MaxValues  map[string]json.RawMessage `json:"maxValues"`
		NullCount  map[string]json.RawMessage `json:"nullCount"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw.NumRecords != nil {
		df.NumRecords = *raw.NumRecords
	}
	df.Columns = make(map[string]ColumnStats, schema.NumFields())
	for i, f := range schema.Fields() {
		key := f.Name
		if keys != nil {
			key = keys[i]
		}
		cs := ColumnStats{NullCount: -1}
		if nestedDeltaType(f) != "" {
			// Never prune on nested columns: their stats (if any) are
			// per leaf, not about the value Lode shows.
			df.Columns[f.Name] = cs
			continue
		}
		if b, ok := raw.NullCount[key]; ok {
			var n int64
			if json.Unmarshal(b, &n) == nil { // nested columns hold objects
				cs.NullCount = n
			}
		}
		cs.Min = parseStatValue(f.Type, raw.MinValues[key])
		cs.Max = parseStatValue(f.Type, raw.MaxValues[key])
		df.Columns[f.Name] = cs
	}
	return nil
}

// parseStatValue decodes one JSON min/max; anything unexpected yields nil
// (unknown), which only costs skipping, never correctness.
func parseStatValue(dt arrow.DataType, b json.RawMessage) any {
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	var num json.Number
	var str string
	isStr := json.Unmarshal(b, &str) == nil
	if !isStr {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if d.Decode(&num) != nil {
			return nil
		}
	}
	switch t := dt.(type) {
	case *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type:
		n, err := num.Int64()
		if err != nil || isStr {
			return nil
		}
		switch dt.ID() {
		case arrow.INT16:
			return int16(n)
		case arrow.INT32:
			return int32(n)
		}
		return n
	case *arrow.Float32Type, *arrow.Float64Type:
		f, err := num.Float64()
		if err != nil || isStr {
			return nil
		}
		if dt.ID() == arrow.FLOAT32 {
			return float32(f)
		}
		return f
	case *arrow.Decimal128Type:
		text := string(num)
		if isStr {
			text = str
		}
		d, err := decimal128.FromString(text, t.Precision, t.Scale)
		if err != nil {
			return nil
		}
		return d
	case *arrow.StringType:
		if !isStr {
			return nil
		}
		return str
	case *arrow.Date32Type:
		tm, err := time.Parse("2006-01-02", str)
		if err != nil {
			return nil
		}
		return arrow.Date32FromTime(tm)
	case *arrow.TimestampType:
		return parseStatTimestamp(str)
	}
	return nil
}

// parseStatTimestamp accepts the timestamp spellings writers use in stats:
// ISO-8601 with or without a zone, any fraction.
func parseStatTimestamp(s string) any {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if tm, err := time.Parse(layout, s); err == nil {
			return arrow.Timestamp(tm.UnixMicro())
		}
	}
	return nil
}
