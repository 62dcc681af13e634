package types

import (
	"github.com/lodedb/lode/catalog/sqlerr"
)

// uuid values are carried as their canonical text (36 lower-case
// characters, hyphens after the 8th, 12th, 16th and 20th digit). The
// canonical form sorts exactly as the 16 bytes do, so text comparison and
// hashing are uuid comparison and hashing.

// ParseUUID is uuid_in: 32 hex digits, optionally in braces, with a hyphen
// allowed after any group of four digits; the result is canonical.
func ParseUUID(s string) (string, error) {
	b, ok := uuidBytes(s)
	if !ok {
		return "", sqlerr.New(sqlerr.InvalidTextRep, "invalid input syntax for type uuid: \"%s\"", s)
	}
	return FormatUUID(b), nil
}

func uuidBytes(s string) (b [16]byte, ok bool) {
	if len(s) > 0 && s[0] == '{' {
		if s[len(s)-1] != '}' {
			return b, false
		}
		s = s[1 : len(s)-1]
	}
	n := 0 // hex digits read
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			// A hyphen may only follow a complete group of four digits.
			if n == 0 || n%4 != 0 || n == 32 || i+1 < len(s) && s[i+1] == '-' {
				return b, false
			}
			continue
		}
		v, isHex := hexValue(s[i])
		if !isHex || n == 32 {
			return b, false
		}
		b[n/2] |= v << (4 * (1 - n%2))
		n++
	}
	return b, n == 32 && (len(s) == 0 || s[len(s)-1] != '-')
}

// FormatUUID is uuid_out: the canonical text of 16 bytes.
func FormatUUID(b [16]byte) string {
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&15])
	}
	return string(out)
}

// UUIDBytes is uuid_send: the 16 bytes of a canonical uuid text.
func UUIDBytes(s string) [16]byte {
	b, _ := uuidBytes(s)
	return b
}

// UUIDFromBytes is uuid_recv.
func UUIDFromBytes(v []byte) (string, error) {
	if len(v) != 16 {
		return "", sqlerr.New("22P03", "incorrect binary data format in bind parameter of type uuid")
	}
	return FormatUUID([16]byte(v)), nil
}
