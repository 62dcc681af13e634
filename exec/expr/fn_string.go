package expr

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// The string function family (binder side: planner/funcs_string.go).
// Functions are strict unless noted; characters, not bytes, are counted.

func init() {
	register(compileStrInt, "octet_length", "bit_length", "strpos", "position", "ascii")
	register(compileStrText, "initcap", "btrim", "ltrim", "rtrim", "replace", "split_part",
		"left", "right", "lpad", "rpad", "repeat", "reverse", "md5", "chr", "translate",
		"to_hex", "quote_ident", "quote_literal")
	register(compileStartsWith, "starts_with")
	register(compileConcat, "concat", "concat_ws", "format", "quote_nullable")
}

func textFn(args []Evaluator, f func(a []arrow.Array, i int) (string, error)) Evaluator {
	return &strictEval{args, strMap(f)}
}

func compileStrInt(f *planner.Func, args []Evaluator) (Evaluator, error) {
	var g func(a []arrow.Array, i int) int32
	switch f.Name {
	case "octet_length":
		g = func(a []arrow.Array, i int) int32 { return int32(len(strAt(a[0], i))) }
	case "bit_length":
		g = func(a []arrow.Array, i int) int32 { return int32(8 * len(strAt(a[0], i))) }
	case "strpos", "position":
		g = func(a []arrow.Array, i int) int32 {
			s, sub := strAt(a[0], i), strAt(a[1], i)
			k := strings.Index(s, sub)
			if k < 0 {
				return 0
			}
			return int32(utf8.RuneCountInString(s[:k])) + 1
		}
	case "ascii":
		g = func(a []arrow.Array, i int) int32 {
			r, _ := utf8.DecodeRuneInString(strAt(a[0], i))
			if r == utf8.RuneError {
				return 0
			}
			return int32(r)
		}
	}
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newVals[int32](ctx.Alloc, n)
		liveRows(b, func(i int) {
			if bothValid(i, a...) {
				out[i] = g(a, i)
			}
		})
		return makeArray(arrow.PrimitiveTypes.Int32, n, validity(ctx.Alloc, n, a...), buf), nil
	}}, nil
}

func compileStartsWith(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, mapBool(func(a []arrow.Array, i int) (bool, bool, error) {
		return strings.HasPrefix(strAt(a[0], i), strAt(a[1], i)), true, nil
	})}, nil
}

func compileStrText(f *planner.Func, args []Evaluator) (Evaluator, error) {
	s0 := func(a []arrow.Array, i int) string { return strAt(a[0], i) }
	switch f.Name {
	case "initcap":
		return textFn(args, func(a []arrow.Array, i int) (string, error) { return initcap(s0(a, i)), nil }), nil
	case "btrim", "ltrim", "rtrim":
		left, right := f.Name != "rtrim", f.Name != "ltrim"
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			cut := " "
			if len(a) == 2 {
				cut = strAt(a[1], i)
			}
			s := s0(a, i)
			if left {
				s = strings.TrimLeft(s, cut)
			}
			if right {
				s = strings.TrimRight(s, cut)
			}
			return s, nil
		}), nil
	case "replace":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			from := strAt(a[1], i)
			if from == "" {
				return s0(a, i), nil
			}
			return strings.ReplaceAll(s0(a, i), from, strAt(a[2], i)), nil
		}), nil
	case "split_part":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			return splitPart(s0(a, i), strAt(a[1], i), intAt(a[2], i))
		}), nil
	case "left", "right":
		isLeft := f.Name == "left"
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			r := []rune(s0(a, i))
			k := int(intAt(a[1], i))
			if k < 0 {
				k = max(len(r)+k, 0)
			}
			k = min(k, len(r))
			if isLeft {
				return string(r[:k]), nil
			}
			return string(r[len(r)-k:]), nil
		}), nil
	case "lpad", "rpad":
		isLeft := f.Name == "lpad"
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			fill := " "
			if len(a) == 3 {
				fill = strAt(a[2], i)
			}
			return pad(s0(a, i), intAt(a[1], i), fill, isLeft)
		}), nil
	case "repeat":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			k, s := intAt(a[1], i), s0(a, i)
			if k <= 0 || s == "" {
				return "", nil
			}
			if int64(len(s))*k > 1<<30-1 {
				return "", sqlerr.New("54000", "requested length too large")
			}
			return strings.Repeat(s, int(k)), nil
		}), nil
	case "reverse":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			r := []rune(s0(a, i))
			for x, y := 0, len(r)-1; x < y; x, y = x+1, y-1 {
				r[x], r[y] = r[y], r[x]
			}
			return string(r), nil
		}), nil
	case "md5":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			sum := md5.Sum([]byte(s0(a, i)))
			return hex.EncodeToString(sum[:]), nil
		}), nil
	case "chr":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			c := intAt(a[0], i)
			switch {
			case c == 0:
				return "", sqlerr.New("54000", "null character not permitted")
			case c < 0:
				return "", sqlerr.New("54000", "character number must be positive")
			case c > unicode.MaxRune || (c >= 0xD800 && c <= 0xDFFF):
				return "", sqlerr.New("54000", "requested character too large for encoding: %d", c)
			}
			return string(rune(c)), nil
		}), nil
	case "translate":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			return translate(s0(a, i), strAt(a[1], i), strAt(a[2], i)), nil
		}), nil
	case "to_hex":
		return textFn(args, func(a []arrow.Array, i int) (string, error) {
			v := intAt(a[0], i)
			if _, ok := a[0].(*array.Int32); ok {
				return strconv.FormatUint(uint64(uint32(v)), 16), nil
			}
			return strconv.FormatUint(uint64(v), 16), nil
		}), nil
	case "quote_ident":
		return textFn(args, func(a []arrow.Array, i int) (string, error) { return quoteIdent(s0(a, i)), nil }), nil
	case "quote_literal":
		return textFn(args, func(a []arrow.Array, i int) (string, error) { return quoteLiteral(s0(a, i)), nil }), nil
	}
	return nil, wrongArgs(f)
}

// initcap upper-cases the first letter of each alphanumeric run and
// lower-cases the rest. Letters are ASCII, as in PostgreSQL's C locale.
func initcap(s string) string {
	b := []byte(s)
	inWord := false
	for k, c := range b {
		isLower, isUpper := c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z'
		switch {
		case inWord && isUpper:
			b[k] = c + 'a' - 'A'
		case !inWord && isLower:
			b[k] = c - ('a' - 'A')
		}
		inWord = isLower || isUpper || c >= '0' && c <= '9'
	}
	return string(b)
}

func splitPart(s, delim string, n int64) (string, error) {
	if n == 0 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "field position must not be zero")
	}
	var parts []string
	if delim == "" {
		parts = []string{s}
		if s == "" {
			parts = nil
		}
	} else {
		parts = strings.Split(s, delim)
	}
	if n < 0 {
		n = int64(len(parts)) + n + 1
		if n <= 0 {
			return "", nil
		}
	}
	if n > int64(len(parts)) {
		return "", nil
	}
	return parts[n-1], nil
}

func pad(s string, length int64, fill string, left bool) (string, error) {
	if length <= 0 {
		return "", nil
	}
	if length > 1<<28 {
		return "", sqlerr.New("54000", "requested length too large")
	}
	r := []rune(s)
	if int64(len(r)) >= length {
		return string(r[:length]), nil
	}
	f := []rune(fill)
	if len(f) == 0 {
		return s, nil
	}
	need := int(length) - len(r)
	p := make([]rune, need)
	for k := range p {
		p[k] = f[k%len(f)]
	}
	if left {
		return string(p) + s, nil
	}
	return s + string(p), nil
}

func translate(s, from, to string) string {
	fr, tr := []rune(from), []rune(to)
	var sb strings.Builder
	for _, c := range s {
		k := -1
		for j, x := range fr {
			if x == c {
				k = j
				break
			}
		}
		switch {
		case k < 0:
			sb.WriteRune(c)
		case k < len(tr):
			sb.WriteRune(tr[k])
		}
	}
	return sb.String()
}

// quoteIdent quotes unless s is a plain lower-case identifier.
func quoteIdent(s string) string {
	plain := s != "" && !(s[0] >= '0' && s[0] <= '9') && !sqlKeywords[s]
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// sqlKeywords are the reserved words quote_ident must quote (the common
// ones; PostgreSQL's full list is longer).
var sqlKeywords = map[string]bool{
	"all": true, "and": true, "any": true, "as": true, "asc": true, "case": true, "check": true,
	"column": true, "constraint": true, "create": true, "default": true, "desc": true, "distinct": true,
	"do": true, "else": true, "end": true, "false": true, "for": true, "foreign": true, "from": true,
	"grant": true, "group": true, "having": true, "in": true, "into": true, "is": true, "join": true,
	"limit": true, "not": true, "null": true, "offset": true, "on": true, "or": true, "order": true,
	"primary": true, "references": true, "select": true, "table": true, "then": true, "to": true,
	"true": true, "union": true, "unique": true, "user": true, "using": true, "when": true,
	"where": true, "with": true,
}

func quoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

// compileConcat evaluates the non-strict text builders: concat skips
// NULLs, concat_ws skips NULL values (a NULL separator gives NULL),
// format renders NULL per conversion, quote_nullable prints NULL.
func compileConcat(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name := f.Name
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		var o strOut
		vbuf, bits := newBits(ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			if err != nil {
				return
			}
			var s string
			ok := true
			switch name {
			case "concat":
				var sb strings.Builder
				for _, x := range a {
					if isValid(x, i) {
						sb.WriteString(strAt(x, i))
					}
				}
				s = sb.String()
			case "concat_ws":
				if !isValid(a[0], i) {
					ok = false
					break
				}
				sep := strAt(a[0], i)
				var parts []string
				for _, x := range a[1:] {
					if isValid(x, i) {
						parts = append(parts, strAt(x, i))
					}
				}
				s = strings.Join(parts, sep)
			case "quote_nullable":
				s = "NULL"
				if isValid(a[0], i) {
					s = quoteLiteral(strAt(a[0], i))
				}
			case "format":
				if !isValid(a[0], i) {
					ok = false
					break
				}
				s, err = formatText(strAt(a[0], i), a[1:], i)
			}
			if ok {
				o.set(i, s)
				bitutil.SetBit(bits, i)
			}
		})
		if err != nil {
			vbuf.Release()
			return nil, err
		}
		return o.finish(ctx.Alloc, n, vbuf), nil
	}}, nil
}

// formatText implements format(): %s, %I, %L, %%, with optional n$
// positions and the - flag and width.
func formatText(fs string, args []arrow.Array, row int) (string, error) {
	var sb strings.Builder
	next := 0
	for k := 0; k < len(fs); k++ {
		c := fs[k]
		if c != '%' {
			sb.WriteByte(c)
			continue
		}
		k++
		if k >= len(fs) {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "unterminated format() type specifier")
		}
		if fs[k] == '%' {
			sb.WriteByte('%')
			continue
		}
		// [argpos$][flags][width]type
		j := k
		for j < len(fs) && fs[j] >= '0' && fs[j] <= '9' {
			j++
		}
		if j < len(fs) && fs[j] == '$' && j > k {
			p, _ := strconv.Atoi(fs[k:j])
			if p == 0 {
				return "", sqlerr.New(sqlerr.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1")
			}
			next = p - 1
			k = j + 1
		}
		minus := false
		if k < len(fs) && fs[k] == '-' {
			minus = true
			k++
		}
		j = k
		for j < len(fs) && fs[j] >= '0' && fs[j] <= '9' {
			j++
		}
		width := 0
		if j > k {
			width, _ = strconv.Atoi(fs[k:j])
		}
		k = j
		if k >= len(fs) {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "unterminated format() type specifier")
		}
		typ := fs[k]
		if typ != 's' && typ != 'I' && typ != 'L' {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized format() type specifier \"%c\"", typ)
		}
		if next >= len(args) {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "too few arguments for format()")
		}
		x := args[next]
		next++
		var v string
		null := !isValid(x, row)
		switch {
		case typ == 's':
			if !null {
				v = strAt(x, row)
			}
		case typ == 'I':
			if null {
				return "", sqlerr.New("22004", "null values cannot be formatted as an SQL identifier")
			}
			v = quoteIdent(strAt(x, row))
		default:
			v = "NULL"
			if !null {
				v = quoteLiteral(strAt(x, row))
			}
		}
		if padN := width - utf8.RuneCountInString(v); padN > 0 {
			if minus {
				v += strings.Repeat(" ", padN)
			} else {
				v = strings.Repeat(" ", padN) + v
			}
		}
		sb.WriteString(v)
	}
	return sb.String(), nil
}
