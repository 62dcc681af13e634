package expr

import (
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Casts to the types with their own input function but another kind's
// carrier: bytea and uuid (strings), oid (bigint), json/jsonb (text).

// parsesOnCast reports whether a cast to t from its own kind still checks
// the value: text to json/jsonb validates the document, bigint to oid the
// range. (Casting an alias back to its kind is free.)
func parsesOnCast(t types.T) bool {
	return t.Alias != types.AliasNone
}

// castPgType handles casts to bytea, uuid and the alias types; ok is false
// for the casts castFunc's general rules cover.
func castPgType(from, to types.T) (castRow, bool, error) {
	switch {
	case to.Kind == types.Bytea, to.Kind == types.UUID,
		to.Alias != types.AliasNone && to.Kind != types.Array:
	default:
		return nil, false, nil
	}
	if from.IsString() || from.Kind == types.Unknown {
		return func(ctx *Context, in arrow.Array, i int, out array.Builder) error {
			v, err := types.ParseTextIn(in.(*array.String).Value(i), to, ctx.loc())
			if err != nil {
				return err
			}
			switch x := v.(type) {
			case string:
				out.(*array.StringBuilder).Append(x)
			case int64:
				out.(*array.Int64Builder).Append(x)
			}
			return nil
		}, true, nil
	}
	if to.Alias == types.AliasOID && from.IsInteger() {
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			n := intAt(in, i)
			if n < -1<<31 || n > 1<<32-1 {
				return sqlerr.New(sqlerr.NumericOutOfRange, "OID out of range")
			}
			out.(*array.Int64Builder).Append(int64(uint32(n)))
			return nil
		}, true, nil
	}
	return nil, true, cannotCast(from, to)
}

// validUTF8 is convert_from's check of bytes claimed to be UTF-8.
func validUTF8(s string) error {
	if !utf8.ValidString(s) {
		return sqlerr.New("22021", "invalid byte sequence for encoding \"UTF8\"")
	}
	return nil
}
