package types

import (
	"math"
	"strings"
	"time"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// A hand-written reader for the ISO subset of PostgreSQL's datetime input:
//   [Y]YYY-MM-DD | YYYYMMDD | MM-DD-YYYY   then optionally
//   ( ' '+ | 'T' ) HH:MM[:SS[.ffffff]]      then optionally
//   ' '* ( Z | UTC | GMT | ±HH[[:]MM[[:]SS]] | Region/City ) and ' BC'/' AD'
// plus the specials epoch, infinity and -infinity.

// Range limits PostgreSQL enforces (4713 BC-11-24 .. 5874897-12-31 for
// dates; timestamps end at 294276-12-31).
var (
	minDays     = DaysFromCivil(-4713, 11, 24)
	maxDateDays = DaysFromCivil(5874897, 12, 31)
	// µs since 1970 in an int64 end in 294247 (PostgreSQL, counting from
	// 2000, reaches 294276): Lode's timestamps stop a little earlier.
	maxTsDays = int64(math.MaxInt64/86400_000000) - 1
)

type dtParts struct {
	year       int64
	month, day int
	hour, min  int
	sec, usec  int
	hasTime    bool
	hasZone    bool
	zoneOff    int // seconds east of UTC
	zone       *time.Location
	special    int // 0, +1 infinity, -1 -infinity, 2 epoch
}

type dtErr int

const (
	dtOK dtErr = iota
	dtSyntax
	dtRange
)

func digitsAt(s string, i int) int {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return j - i
}

func atoiN(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
		if n > 1e12 {
			return 1e12
		}
	}
	return n
}

func parseDT(s string) (p dtParts, e dtErr) {
	v := strings.ToLower(trimSpace(s))
	switch v {
	case "epoch":
		p.special = 2
		return
	case "infinity", "+infinity":
		p.special = 1
		return
	case "-infinity":
		p.special = -1
		return
	}
	// BC / AD suffix.
	bc := false
	if strings.HasSuffix(v, " bc") {
		bc, v = true, strings.TrimRight(v[:len(v)-3], " ")
	} else if strings.HasSuffix(v, " ad") {
		v = strings.TrimRight(v[:len(v)-3], " ")
	}
	i := 0
	n := digitsAt(v, 0)
	switch {
	case n == 8 && (len(v) == 8 || v[8] == ' ' || v[8] == 't'):
		p.year, p.month, p.day = atoiN(v[0:4]), int(atoiN(v[4:6])), int(atoiN(v[6:8]))
		i = 8
	case n >= 1 && n+1 < len(v) && v[n] == '-':
		a := v[:n]
		i = n + 1
		m := digitsAt(v, i)
		if m == 0 || i+m >= len(v) || v[i+m] != '-' {
			return p, dtSyntax
		}
		b := v[i : i+m]
		i += m + 1
		k := digitsAt(v, i)
		if k == 0 {
			return p, dtSyntax
		}
		c := v[i : i+k]
		i += k
		if len(a) >= 3 {
			p.year, p.month, p.day = atoiN(a), int(atoiN(b)), int(atoiN(c))
		} else {
			// DateStyle ISO, MDY reads a short first field as the month.
			p.month, p.day, p.year = int(atoiN(a)), int(atoiN(b)), atoiN(c)
			if len(c) == 2 {
				if p.year < 70 {
					p.year += 2000
				} else {
					p.year += 1900
				}
			}
		}
	default:
		return p, dtSyntax
	}
	// Time.
	if i < len(v) && (v[i] == ' ' || v[i] == 't') {
		j := i + 1
		for j < len(v) && v[j] == ' ' {
			j++
		}
		if h := digitsAt(v, j); h >= 1 && h <= 2 && j+h < len(v) && v[j+h] == ':' {
			p.hasTime = true
			p.hour = int(atoiN(v[j : j+h]))
			j += h + 1
			m := digitsAt(v, j)
			if m != 2 {
				return p, dtSyntax
			}
			p.min = int(atoiN(v[j : j+2]))
			j += 2
			if j < len(v) && v[j] == ':' {
				j++
				if digitsAt(v, j) != 2 {
					return p, dtSyntax
				}
				p.sec = int(atoiN(v[j : j+2]))
				j += 2
				if j < len(v) && v[j] == '.' {
					j++
					f := digitsAt(v, j)
					frac := v[j : j+f]
					j += f
					us := 0
					for k := 0; k < 6; k++ {
						us *= 10
						if k < len(frac) {
							us += int(frac[k] - '0')
						}
					}
					if len(frac) > 6 && frac[6] >= '5' {
						us++
					}
					p.usec = us
				}
			}
			i = j
		} else if v[i] == 't' {
			return p, dtSyntax
		}
	}
	// Zone.
	for i < len(v) && v[i] == ' ' {
		i++
	}
	if i < len(v) {
		z := v[i:]
		switch {
		case z == "z" || z == "utc" || z == "gmt" || z == "zulu":
			p.hasZone = true
		case z[0] == '+' || z[0] == '-':
			off, ok := parseOffset(z[1:])
			if !ok {
				return p, dtSyntax
			}
			if z[0] == '-' {
				off = -off
			}
			p.hasZone, p.zoneOff = true, off
		default:
			loc, err := time.LoadLocation(zoneName(strings.TrimSpace(s)[i:]))
			if err != nil || strings.ContainsAny(z, " ") {
				return p, dtSyntax
			}
			p.hasZone, p.zone = true, loc
		}
	}
	if bc {
		if p.year < 1 {
			return p, dtRange
		}
		p.year = 1 - p.year
	} else if p.year == 0 {
		return p, dtRange
	}
	if p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysIn(p.year, p.month) ||
		p.hour > 24 || p.min > 59 || p.sec > 60 ||
		(p.hour == 24 && (p.min != 0 || p.sec != 0 || p.usec != 0)) {
		return p, dtRange
	}
	return p, dtOK
}

// zoneName recovers the original spelling of a zone name (IANA names are
// case-sensitive on disk), dropping a trailing BC/AD.
func zoneName(s string) string {
	l := strings.ToLower(s)
	if strings.HasSuffix(l, " bc") || strings.HasSuffix(l, " ad") {
		s = strings.TrimRight(s[:len(s)-3], " ")
	}
	return s
}

func parseOffset(z string) (int, bool) {
	z = strings.ReplaceAll(z, ":", "")
	if digitsAt(z, 0) != len(z) || len(z) == 0 || len(z) > 6 || len(z)%2 == 1 && len(z) != 1 {
		return 0, false
	}
	if len(z) == 1 {
		z = "0" + z
	}
	h := int(atoiN(z[:2]))
	m, sec := 0, 0
	if len(z) >= 4 {
		m = int(atoiN(z[2:4]))
	}
	if len(z) == 6 {
		sec = int(atoiN(z[4:6]))
	}
	if h > 15 || m > 59 || sec > 59 {
		return 0, false
	}
	return h*3600 + m*60 + sec, true
}

func daysIn(y int64, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func dtError(e dtErr, t T, s string) error {
	if e == dtRange {
		return sqlerr.New(sqlerr.DatetimeOverflow, "date/time field value out of range: %q", s)
	}
	return sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type %s: %q", t, s)
}

// ParseDate parses date input into days since 1970-01-01. A time part is
// accepted and ignored, as date_in does.
func ParseDate(s string) (int32, error) {
	p, e := parseDT(s)
	if e != dtOK {
		return 0, dtError(e, TDate, s)
	}
	switch p.special {
	case 1:
		return DateInfinity, nil
	case -1:
		return DateNegInfinity, nil
	case 2:
		return 0, nil
	}
	d := DaysFromCivil(p.year, p.month, p.day)
	if d < minDays || d > maxDateDays {
		return 0, sqlerr.New(sqlerr.DatetimeOverflow, "date out of range: %q", s)
	}
	return int32(d), nil
}

// ParseTimestamp parses timestamp (tz=false; a zone is ignored) or
// timestamptz (tz=true; no zone means loc) input into µs since the epoch.
func ParseTimestamp(s string, tz bool, loc *time.Location) (int64, error) {
	t := TTimestamp
	if tz {
		t = TTimestampTZ
	}
	p, e := parseDT(s)
	if e != dtOK {
		return 0, dtError(e, t, s)
	}
	switch p.special {
	case 1:
		return TsInfinity, nil
	case -1:
		return TsNegInfinity, nil
	case 2:
		return 0, nil
	}
	d := DaysFromCivil(p.year, p.month, p.day)
	if d < minDays || d >= maxTsDays {
		return 0, sqlerr.New(sqlerr.DatetimeOverflow, "timestamp out of range: %q", s)
	}
	local := d*86400_000000 + int64(p.hour*3600+p.min*60+p.sec)*1000000 + int64(p.usec)
	if !tz {
		return local, nil
	}
	switch {
	case p.zone != nil:
		return LocalToUTC(local, p.zone), nil
	case p.hasZone:
		return local - int64(p.zoneOff)*1000000, nil
	}
	return LocalToUTC(local, loc), nil
}

// LocalToUTC converts a wall-clock time in loc (µs) to an instant.
func LocalToUTC(local int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return local
	}
	// Like PostgreSQL: in a spring-forward gap use the offset from before
	// the change; in a fall-back overlap use the one from after it.
	const day = 86400_000000
	before := ZoneOffset(local-day, loc)
	after := ZoneOffset(local+day, loc)
	if before == after {
		return local - before*1000000
	}
	tb, ta := local-before*1000000, local-after*1000000
	okB, okA := ZoneOffset(tb, loc) == before, ZoneOffset(ta, loc) == after
	switch {
	case okA:
		return ta
	case okB:
		return tb
	}
	return tb
}
