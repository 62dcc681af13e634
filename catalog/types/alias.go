package types

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// Alias is a PostgreSQL type that Lode carries as one of its kinds because
// its values, operators and kernels are that kind's: oid is a bigint that
// never exceeds 2^32-1, json and jsonb are text holding a JSON document.
// An alias only changes what clients see: the type's name, its pg_type OID
// and its wire encodings (oid's binary form is 4 bytes, jsonb's has a
// leading version byte). Casting between an alias and its kind is free.
type Alias uint8

const (
	AliasNone  Alias = iota
	AliasOID         // oid (26), carried as Int64
	AliasJSON        // json (114), carried as Text
	AliasJSONB       // jsonb (3802), carried as Text
)

func (a Alias) name() string {
	switch a {
	case AliasOID:
		return "oid"
	case AliasJSON:
		return "json"
	case AliasJSONB:
		return "jsonb"
	}
	return ""
}

func (a Alias) oid() uint32 {
	switch a {
	case AliasOID:
		return OIDOid
	case AliasJSON:
		return OIDJSON
	case AliasJSONB:
		return OIDJSONB
	}
	return 0
}

func (a Alias) arrayOID() uint32 {
	switch a {
	case AliasOID:
		return 1028
	case AliasJSON:
		return 199
	case AliasJSONB:
		return 3807
	}
	return 0
}

// aliasNames maps each alias's SQL name to its type.
var aliasNames = map[string]T{"oid": TOID, "json": TJSON, "jsonb": TJSONB}

// Base is t without its alias: the type whose kernels run its values.
func (t T) Base() T {
	t.Alias = AliasNone
	return t
}

// parseAlias is the input function of an alias type.
func parseAlias(s string, t T) (any, error) {
	switch t.Alias {
	case AliasOID:
		return ParseOID(s)
	case AliasJSON:
		if !json.Valid([]byte(s)) {
			return nil, badJSON()
		}
		return s, nil
	case AliasJSONB:
		return NormalizeJSONB(s)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cannot parse values of type %s", t)
}

// ParseOID is oidin: an integer in [-2^31, 2^32-1], negative values
// wrapping to their unsigned 32-bit form as PostgreSQL's do.
func ParseOID(s string) (int64, error) {
	v := trimSpace(s)
	n, err := strconv.ParseInt(v, 10, 64)
	if v == "" || err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, badSyntax(TOID, s)
	}
	if err != nil || n < math.MinInt32 || n > math.MaxUint32 {
		return 0, sqlerr.New(sqlerr.NumericOutOfRange, "value \"%s\" is out of range for type oid", s)
	}
	return int64(uint32(n)), nil
}

// CarriesString reports whether t's values are Go strings in the Literal
// convention (text-like types, bytea, uuid).
func (t T) CarriesString() bool {
	switch t.Kind {
	case Text, Varchar, Unknown, Bytea, UUID:
		return true
	}
	return false
}
