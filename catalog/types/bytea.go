package types

import (
	"github.com/lodedb/lode/catalog/sqlerr"
)

// bytea values are Go strings holding the raw bytes (the Literal value
// convention and the Arrow string array both carry them). Their text form
// is byteaout's with bytea_output = hex: \x followed by two lower-case hex
// digits per byte. Ordering is bytewise (memcmp), which string comparison
// already is.

const hexDigits = "0123456789abcdef"

// AppendByteaHex appends the hex text form of b.
func AppendByteaHex(dst []byte, b string) []byte {
	dst = append(dst, '\\', 'x')
	for i := 0; i < len(b); i++ {
		dst = append(dst, hexDigits[b[i]>>4], hexDigits[b[i]&15])
	}
	return dst
}

// ParseBytea is byteain: "\x" followed by hex digit pairs (white space
// allowed between pairs), else the escape format, where \\ is a backslash,
// \ooo an octal byte and every other byte stands for itself.
func ParseBytea(s string) (string, error) {
	if len(s) >= 2 && s[0] == '\\' && (s[1] == 'x' || s[1] == 'X') {
		return parseByteaHex(s[2:])
	}
	return ParseByteaEscape(s)
}

// ParseByteaEscape reads the escape format (also decode(s, 'escape')).
func ParseByteaEscape(s string) (string, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && isOctal(s[i+1]) && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
		default:
			return "", sqlerr.New(sqlerr.InvalidTextRep, "invalid input syntax for type bytea")
		}
	}
	return string(out), nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func parseByteaHex(s string) (string, error) {
	out := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		hi, ok := hexValue(c)
		if !ok {
			return "", sqlerr.New(sqlerr.InvalidTextRep, "invalid hexadecimal digit: \"%c\"", c)
		}
		if i+1 >= len(s) {
			return "", sqlerr.New(sqlerr.InvalidTextRep, "invalid hexadecimal data: odd number of digits")
		}
		lo, ok := hexValue(s[i+1])
		if !ok {
			if s[i+1] == ' ' || s[i+1] == '\t' || s[i+1] == '\n' || s[i+1] == '\r' {
				return "", sqlerr.New(sqlerr.InvalidTextRep, "invalid hexadecimal data: odd number of digits")
			}
			return "", sqlerr.New(sqlerr.InvalidTextRep, "invalid hexadecimal digit: \"%c\"", s[i+1])
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return string(out), nil
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// AppendByteaEscape appends encode(b, 'escape'): printable ASCII stays,
// a backslash doubles, NUL and bytes >= 0x80 become \ooo.
func AppendByteaEscape(dst []byte, b string) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == 0 || c >= 0x80:
			dst = append(dst, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
