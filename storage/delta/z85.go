package delta

import (
	"fmt"

	"github.com/google/uuid"
)

// z85Alphabet is Z85 (ZeroMQ's base85), which Delta uses for deletion
// vector ids and inline bitmaps.
const z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

var z85Value = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(z85Alphabet); i++ {
		t[z85Alphabet[i]] = int8(i)
	}
	return t
}()

// z85Decode decodes Z85 text (a multiple of 5 characters) into 4 bytes per
// 5 characters, big-endian.
func z85Decode(s string) ([]byte, error) {
	if len(s)%5 != 0 {
		return nil, fmt.Errorf("z85: length %d is not a multiple of 5", len(s))
	}
	out := make([]byte, 0, len(s)/5*4)
	for i := 0; i < len(s); i += 5 {
		var v uint64
		for j := 0; j < 5; j++ {
			d := z85Value[s[i+j]]
			if d < 0 {
				return nil, fmt.Errorf("z85: invalid character %q", s[i+j])
			}
			v = v*85 + uint64(d)
		}
		if v > 0xFFFFFFFF {
			return nil, fmt.Errorf("z85: group %q overflows", s[i:i+5])
		}
		out = append(out, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return out, nil
}

// z85UUID decodes the 20-character Z85 form of a UUID.
func z85UUID(s string) (uuid.UUID, error) {
	b, err := z85Decode(s)
	if err != nil {
		return uuid.UUID{}, err
	}
	if len(b) != 16 {
		return uuid.UUID{}, fmt.Errorf("z85: %d bytes is not a UUID", len(b))
	}
	return uuid.FromBytes(b)
}

// z85Encode encodes bytes (a multiple of 4) as Z85 text, 5 characters per
// 4 bytes.
func z85Encode(b []byte) string {
	out := make([]byte, 0, len(b)/4*5)
	for i := 0; i+4 <= len(b); i += 4 {
		v := uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])
		var group [5]byte
		for j := 4; j >= 0; j-- {
			group[j] = z85Alphabet[v%85]
			v /= 85
		}
		out = append(out, group[:]...)
	}
	return string(out)
}
