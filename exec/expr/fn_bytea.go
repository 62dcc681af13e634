package expr

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// bytea and uuid functions (binder side: planner/funcs_bytea.go). bytea
// values are strings of raw bytes, so the string kernels (strMap) carry
// them; md5, octet_length and || reuse the text kernels.

func init() {
	register(compileByteaFn, "sha224", "sha256", "sha384", "sha512", "encode", "decode",
		"convert_to", "convert_from", "bytea_substring")
	register(compileGetByte, "get_byte")
	register(compileGenRandomUUID, "gen_random_uuid")
}

func compileByteaFn(f *planner.Func, args []Evaluator) (Evaluator, error) {
	var g func(a []arrow.Array, i int) (string, error)
	switch f.Name {
	case "sha224":
		g = func(a []arrow.Array, i int) (string, error) {
			s := sha256.Sum224([]byte(strAt(a[0], i)))
			return string(s[:]), nil
		}
	case "sha256":
		g = func(a []arrow.Array, i int) (string, error) {
			s := sha256.Sum256([]byte(strAt(a[0], i)))
			return string(s[:]), nil
		}
	case "sha384":
		g = func(a []arrow.Array, i int) (string, error) {
			s := sha512.Sum384([]byte(strAt(a[0], i)))
			return string(s[:]), nil
		}
	case "sha512":
		g = func(a []arrow.Array, i int) (string, error) {
			s := sha512.Sum512([]byte(strAt(a[0], i)))
			return string(s[:]), nil
		}
	case "encode":
		g = func(a []arrow.Array, i int) (string, error) { return encodeBytea(strAt(a[0], i), strAt(a[1], i)) }
	case "decode":
		g = func(a []arrow.Array, i int) (string, error) { return decodeBytea(strAt(a[0], i), strAt(a[1], i)) }
	case "convert_to":
		g = func(a []arrow.Array, i int) (string, error) {
			return strAt(a[0], i), checkUTF8Encoding(strAt(a[1], i))
		}
	case "convert_from":
		g = func(a []arrow.Array, i int) (string, error) {
			if err := checkUTF8Encoding(strAt(a[1], i)); err != nil {
				return "", err
			}
			s := strAt(a[0], i)
			return s, validUTF8(s)
		}
	case "bytea_substring":
		g = func(a []arrow.Array, i int) (string, error) {
			length := int64(-1)
			if len(a) == 3 {
				if length = intAt(a[2], i); length < 0 {
					return "", sqlerr.New("22011", "negative substring length not allowed")
				}
			}
			return byteaSubstring(strAt(a[0], i), intAt(a[1], i), length), nil
		}
	default:
		return nil, unsupportedOp(f)
	}
	return &strictEval{args, strMap(g)}, nil
}

// byteaSubstring is substring over bytes: 1-based, a start before 1 eats
// into the length, length -1 means to the end.
func byteaSubstring(s string, start, length int64) string {
	end := int64(len(s)) + 1 // exclusive, 1-based
	if length >= 0 && start+length < end {
		end = start + length
	}
	start = max(start, 1)
	if end <= start {
		return ""
	}
	return s[start-1 : end-1]
}

// checkUTF8Encoding accepts the names of the one encoding Lode stores.
func checkUTF8Encoding(name string) error {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	switch b.String() {
	case "utf8", "unicode":
		return nil
	}
	return sqlerr.New(sqlerr.FeatureNotSupported, "conversion to or from encoding \"%s\" is not supported (only UTF8)", name)
}

// encodeBytea is encode(bytes, format). base64 lines are broken after 76
// characters, as PostgreSQL's encoder does.
func encodeBytea(b, format string) (string, error) {
	switch strings.ToLower(format) {
	case "hex":
		return hex.EncodeToString([]byte(b)), nil
	case "escape":
		return string(types.AppendByteaEscape(nil, b)), nil
	case "base64":
		s := base64.StdEncoding.EncodeToString([]byte(b))
		var out strings.Builder
		for len(s) > 76 {
			out.WriteString(s[:76])
			out.WriteByte('\n')
			s = s[76:]
		}
		out.WriteString(s)
		return out.String(), nil
	}
	return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", format)
}

// decodeBytea is decode(text, format); white space between hex pairs and
// inside base64 is skipped.
func decodeBytea(s, format string) (string, error) {
	switch strings.ToLower(format) {
	case "hex":
		v, err := types.ParseBytea(`\x` + s)
		if err != nil {
			return "", err
		}
		return v, nil
	case "escape":
		return types.ParseByteaEscape(s)
	case "base64":
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
		v, err := base64.StdEncoding.DecodeString(clean)
		if err != nil {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid base64 data")
		}
		return string(v), nil
	}
	return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", format)
}

// get_byte(bytes, n): the n-th byte (0-based).
func compileGetByte(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, mapFixed(arrow.PrimitiveTypes.Int32, func(a []arrow.Array, i int) (int32, bool, error) {
		s, n := strAt(a[0], i), intAt(a[1], i)
		if n < 0 || n >= int64(len(s)) {
			return 0, false, sqlerr.New("2202E", "index %d out of valid range, 0..%d", n, len(s)-1)
		}
		return int32(s[n]), true, nil
	})}, nil
}

// gen_random_uuid() is a version 4 (random) uuid, one per row.
func compileGenRandomUUID(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{nil, func(ctx *Context, b batch.Batch, _ []arrow.Array) (arrow.Array, error) {
		bld := array.NewStringBuilder(ctx.Alloc)
		defer bld.Release()
		for i := 0; i < b.NumRows(); i++ {
			var u [16]byte
			_, _ = rand.Read(u[:])
			u[6] = u[6]&0x0f | 0x40 // version 4
			u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
			bld.Append(types.FormatUUID(u))
		}
		return bld.NewArray(), nil
	}}, nil
}
