package types

import (
	"strconv"
	"time"
)

// Civil splits days since 1970-01-01 into a proleptic Gregorian date
// (astronomical years: 0 is 1 BC).
func Civil(days int64) (y int64, m, d int) {
	z := days + 719468
	era, _ := FloorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return
}

// DaysFromCivil is the inverse of Civil.
func DaysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era, _ := FloorDiv(y, 400)
	yoe := y - era*400
	mm := int64(m)
	if m > 2 {
		mm -= 3
	} else {
		mm += 9
	}
	doy := (153*mm+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func appendPad(dst []byte, v int64, width int) []byte {
	var buf [24]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// appendYMD writes the date part and reports whether it is BC.
func appendYMD(dst []byte, days int64) ([]byte, bool) {
	y, m, d := Civil(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	dst = appendPad(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPad(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendPad(dst, int64(d), 2), bc
}

// AppendDate prints a date32 like date_out with DateStyle ISO.
func AppendDate(dst []byte, days int32) []byte {
	switch days {
	case DateInfinity:
		return append(dst, "infinity"...)
	case DateNegInfinity:
		return append(dst, "-infinity"...)
	}
	dst, bc := appendYMD(dst, int64(days))
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// FloorDiv divides rounding toward minus infinity; r is in [0, b).
func FloorDiv(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return
}

// appendDateTime writes "YYYY-MM-DD HH:MM:SS[.ffffff]" for local µs.
func appendDateTime(dst []byte, us int64) ([]byte, bool) {
	days, rem := FloorDiv(us, 86400_000000)
	dst, bc := appendYMD(dst, days)
	secs, frac := rem/1000000, rem%1000000
	dst = append(dst, ' ')
	dst = appendPad(dst, secs/3600, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, secs/60%60, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, secs%60, 2)
	if frac != 0 {
		var buf [8]byte
		f := appendPad(buf[:0], frac, 6)
		for f[len(f)-1] == '0' {
			f = f[:len(f)-1]
		}
		dst = append(dst, '.')
		dst = append(dst, f...)
	}
	return dst, bc
}

// AppendTimestamp prints a timestamp without time zone.
func AppendTimestamp(dst []byte, us int64) []byte {
	switch us {
	case TsInfinity:
		return append(dst, "infinity"...)
	case TsNegInfinity:
		return append(dst, "-infinity"...)
	}
	dst, bc := appendDateTime(dst, us)
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// ZoneOffset is loc's UTC offset in seconds at the instant us.
func ZoneOffset(us int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return 0
	}
	sec, _ := FloorDiv(us, 1000000)
	_, off := time.Unix(sec, 0).In(loc).Zone()
	return int64(off)
}

// AppendTimestampTZ prints a timestamptz in loc with PostgreSQL's offset
// style: +HH, +HH:MM or +HH:MM:SS.
func AppendTimestampTZ(dst []byte, us int64, loc *time.Location) []byte {
	switch us {
	case TsInfinity:
		return append(dst, "infinity"...)
	case TsNegInfinity:
		return append(dst, "-infinity"...)
	}
	off := ZoneOffset(us, loc)
	dst, bc := appendDateTime(dst, us+off*1000000)
	if off < 0 {
		dst = append(dst, '-')
		off = -off
	} else {
		dst = append(dst, '+')
	}
	dst = appendPad(dst, off/3600, 2)
	if off%3600 != 0 {
		dst = append(dst, ':')
		dst = appendPad(dst, off/60%60, 2)
		if off%60 != 0 {
			dst = append(dst, ':')
			dst = appendPad(dst, off%60, 2)
		}
	}
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}
