package parquet

import "encoding/binary"

// putBE128 writes a 128-bit two's complement integer big-endian, the byte
// order Parquet uses for decimals stored as byte arrays.
func putBE128(b []byte, hi int64, lo uint64) {
	binary.BigEndian.PutUint64(b[0:8], uint64(hi))
	binary.BigEndian.PutUint64(b[8:16], lo)
}

// beToDecimal reads a big-endian two's complement integer of 1..16 bytes,
// sign-extending it to 128 bits.
func beToDecimal(b []byte) (hi int64, lo uint64) {
	if len(b) > 16 { // wider than 128 bits: keep the low bytes (the value must fit)
		b = b[len(b)-16:]
	}
	var buf [16]byte
	if len(b) > 0 && b[0]&0x80 != 0 {
		for i := range buf {
			buf[i] = 0xff
		}
	}
	copy(buf[16-len(b):], b)
	return int64(binary.BigEndian.Uint64(buf[0:8])), binary.BigEndian.Uint64(buf[8:16])
}
