package types

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// jsonb keeps a document in PostgreSQL's normalized form, so what Lode
// stores and prints is what jsonb_out prints: object keys sorted (shorter
// first, then bytewise) with the last of duplicate keys kept, ", " and
// ": " separators, strings re-escaped, numbers as numeric_out shows them.

// NormalizeJSONB parses s as JSON and returns its jsonb text.
func NormalizeJSONB(s string) (string, error) {
	if !json.Valid([]byte(s)) {
		return "", badJSON()
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", badJSON()
	}
	var b bytes.Buffer
	if err := appendJSONB(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func badJSON() error {
	return sqlerr.New(sqlerr.InvalidTextRep, "invalid input syntax for type json")
}

func appendJSONB(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		n, err := jsonbNumber(string(x))
		if err != nil {
			return err
		}
		b.WriteString(n)
	case string:
		return appendJSONString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := appendJSONB(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if len(keys[i]) != len(keys[j]) {
				return len(keys[i]) < len(keys[j])
			}
			return keys[i] < keys[j]
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := appendJSONString(b, k); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := appendJSONB(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	return nil
}

// appendJSONString quotes s as escape_json does; jsonb cannot hold NUL.
func appendJSONString(b *bytes.Buffer, s string) error {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case 0:
			return sqlerr.New("22P05", "unsupported Unicode escape sequence")
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&15])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return nil
}

// jsonbNumber prints a JSON number as numeric_out prints numeric_in's
// value: exponents expanded, display scale max(0, fraction digits -
// exponent), no negative zero.
func jsonbNumber(s string) (string, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := parseSmallInt(s[i+1:])
		if err != nil {
			return "", sqlerr.New(sqlerr.NumericOutOfRange, "value overflows numeric format")
		}
		exp, s = e, s[:i]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := max(0, len(frac)-exp)
	// value = digits × 10^(exp - len(frac)); print it with `scale` decimals.
	shift := exp - len(frac) + scale // digits × 10^shift is the value × 10^scale
	if digits != "" {
		digits += strings.Repeat("0", shift)
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	out := digits[:len(digits)-scale]
	if scale > 0 {
		out += "." + digits[len(digits)-scale:]
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out, nil
}

func parseSmallInt(s string) (int, error) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || len(s) > 4 {
		return 0, sqlerr.New(sqlerr.NumericOutOfRange, "exponent out of range")
	}
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}
