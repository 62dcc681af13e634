package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// IntervalValue is an interval value (the planner.Literal convention for
// Interval): months, days and microseconds kept apart, as PostgreSQL does,
// because a month and a day have no fixed length.
type IntervalValue struct {
	Months int32
	Days   int32
	Micros int64
}

// UsPerDay and friends are the fixed conversions interval arithmetic uses.
const (
	UsPerSec  int64 = 1000000
	UsPerMin        = 60 * UsPerSec
	UsPerHour       = 60 * UsPerMin
	UsPerDay        = 24 * UsPerHour
)

// ToArrow carries iv as Arrow's month_day_nano.
func (iv IntervalValue) ToArrow() arrow.MonthDayNanoInterval {
	return arrow.MonthDayNanoInterval{Months: iv.Months, Days: iv.Days, Nanoseconds: iv.Micros * 1000}
}

// IntervalFromArrow reads a month_day_nano value (sub-µs nanoseconds drop).
func IntervalFromArrow(v arrow.MonthDayNanoInterval) IntervalValue {
	return IntervalValue{Months: v.Months, Days: v.Days, Micros: v.Nanoseconds / 1000}
}

// Key is a total order consistent with PostgreSQL's interval comparison
// (a month is 30 days, a day 24 hours), as a 128-bit (hi, lo) pair.
func (iv IntervalValue) Key() (hi int64, lo uint64) {
	days := int64(iv.Months)*30 + int64(iv.Days)
	q, r := FloorDiv(iv.Micros, UsPerDay)
	days += q
	return days, uint64(r)
}

// Compare orders two intervals as PostgreSQL does.
func (iv IntervalValue) Compare(o IntervalValue) int {
	ah, al := iv.Key()
	bh, bl := o.Key()
	switch {
	case ah < bh || ah == bh && al < bl:
		return -1
	case ah > bh || ah == bh && al > bl:
		return 1
	}
	return 0
}

// AppendInterval appends the text form in PostgreSQL's default
// IntervalStyle (postgres): `1 year 2 mons 3 days 04:05:06`, `-00:00:01`.
func AppendInterval(dst []byte, iv IntervalValue) []byte {
	zero, before := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !zero {
			dst = append(dst, ' ')
		}
		if before && v > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, v, 10)
		dst = append(dst, ' ')
		dst = append(dst, unit...)
		if v != 1 {
			dst = append(dst, 's')
		}
		before, zero = v < 0, false
	}
	part(int64(iv.Months/12), "year")
	part(int64(iv.Months%12), "mon")
	part(int64(iv.Days), "day")
	us := iv.Micros
	if zero || us != 0 {
		if !zero {
			dst = append(dst, ' ')
		}
		neg := us < 0
		if neg {
			dst = append(dst, '-')
		} else if before {
			dst = append(dst, '+')
		}
		u := uint64(us)
		if neg {
			u = uint64(-us)
		}
		h := u / uint64(UsPerHour)
		u -= h * uint64(UsPerHour)
		m := u / uint64(UsPerMin)
		u -= m * uint64(UsPerMin)
		s := u / uint64(UsPerSec)
		frac := u - s*uint64(UsPerSec)
		dst = appendPad(dst, int64(h), 2)
		dst = append(dst, ':')
		dst = appendPad(dst, int64(m), 2)
		dst = append(dst, ':')
		dst = appendPad(dst, int64(s), 2)
		if frac != 0 {
			f := strconv.AppendUint(nil, frac+uint64(UsPerSec), 10)[1:]
			dst = append(dst, '.')
			dst = append(dst, strings.TrimRight(string(f), "0")...)
		}
	}
	return dst
}

// FormatInterval is AppendInterval as a string.
func FormatInterval(iv IntervalValue) string { return string(AppendInterval(nil, iv)) }

// Interval field masks (PostgreSQL's INTERVAL_MASK bits) in typmods.
const (
	intervalMonth     = 1 << 1
	intervalYear      = 1 << 2
	intervalDay       = 1 << 3
	intervalHour      = 1 << 10
	intervalMinute    = 1 << 11
	intervalSecond    = 1 << 12
	intervalFullRange = 0x7FFF
)

// ParseInterval reads PostgreSQL interval input: `1 day`, `2 hours 30
// minutes`, `1 year 2 mons -3 days 04:05:06.5`, `@ 1 day ago`, `1-2`
// (years-months), ISO 8601 `P1Y2M3DT4H5M6S`.
func ParseInterval(s string) (IntervalValue, error) { return ParseIntervalIn(s, 0) }

// ParseIntervalIn is ParseInterval where a bare number counts in the
// lowest field of mask (interval '1' day); 0 means seconds.
func ParseIntervalIn(s string, mask int32) (IntervalValue, error) {
	bad := func() (IntervalValue, error) {
		return IntervalValue{}, sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type interval: %q", s)
	}
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return bad()
	}
	if in[0] == 'p' {
		iv, ok := parseISOInterval(in[1:])
		if !ok {
			return bad()
		}
		return iv, nil
	}
	in = strings.TrimPrefix(in, "@")
	fields := strings.Fields(in)
	var months, days float64
	var micros float64
	ago := false
	for k := 0; k < len(fields); k++ {
		f := fields[k]
		if f == "ago" && k == len(fields)-1 {
			ago = true
			continue
		}
		// hh:mm[:ss[.f]] with an optional sign.
		if strings.Contains(f, ":") {
			us, ok := parseClock(f)
			if !ok {
				return bad()
			}
			micros += us
			continue
		}
		// y-m
		if j := strings.IndexByte(f[1:], '-'); j >= 0 && !strings.ContainsAny(f, "abcdefghijklmnopqrstuvwxyz") {
			j++
			y, e1 := strconv.Atoi(f[:j])
			m, e2 := strconv.Atoi(f[j+1:])
			if e1 != nil || e2 != nil {
				return bad()
			}
			if y < 0 {
				m = -m
			}
			months += float64(y*12 + m)
			continue
		}
		// number, then a unit (same token or the next).
		j := 0
		for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.' || f[j] == '-' || f[j] == '+' || (j > 0 && f[j] == 'e' && j+1 < len(f) && (f[j+1] >= '0' && f[j+1] <= '9' || f[j+1] == '-'))) {
			j++
		}
		if j == 0 {
			return bad()
		}
		num, err := strconv.ParseFloat(f[:j], 64)
		if err != nil {
			return bad()
		}
		unit := f[j:]
		if unit == "" && k+1 < len(fields) && fields[k+1] != "ago" && !strings.ContainsAny(fields[k+1][:1], "0123456789-+.") {
			k++
			unit = fields[k]
		}
		if unit == "" {
			unit = bareUnit(mask)
		}
		switch unit {
		case "microsecond", "microseconds", "us", "usec", "usecs":
			micros += num
		case "millisecond", "milliseconds", "ms", "msec", "msecs":
			micros += num * 1000
		case "second", "seconds", "s", "sec", "secs":
			micros += num * float64(UsPerSec)
		case "minute", "minutes", "m", "min", "mins":
			micros += num * float64(UsPerMin)
		case "hour", "hours", "h", "hr", "hrs":
			micros += num * float64(UsPerHour)
		case "day", "days", "d":
			days += num
		case "week", "weeks", "w":
			days += num * 7
		case "month", "months", "mon", "mons":
			months += num
		case "year", "years", "y", "yr", "yrs":
			months += num * 12
		case "decade", "decades":
			months += num * 120
		case "century", "centuries":
			months += num * 1200
		case "millennium", "millennia", "millenniums":
			months += num * 12000
		default:
			return bad()
		}
	}
	iv, ok := spill(months, days, micros)
	if !ok {
		return IntervalValue{}, sqlerr.New(sqlerr.DatetimeOverflow, "interval field value out of range: %q", s)
	}
	if ago {
		iv = IntervalValue{-iv.Months, -iv.Days, -iv.Micros}
	}
	return iv, nil
}

func bareUnit(mask int32) string {
	switch {
	case mask == 0 || mask&intervalSecond != 0:
		return "second"
	case mask&intervalMinute != 0:
		return "minute"
	case mask&intervalHour != 0:
		return "hour"
	case mask&intervalDay != 0:
		return "day"
	case mask&intervalMonth != 0:
		return "month"
	case mask&intervalYear != 0:
		return "year"
	}
	return "second"
}

// spill moves fractional months into days (30 per month) and fractional
// days into microseconds, as PostgreSQL's interval input does.
func spill(months, days, micros float64) (IntervalValue, bool) {
	wm := math.Trunc(months)
	days += (months - wm) * 30
	wd := math.Trunc(days)
	micros += (days - wd) * float64(UsPerDay)
	if math.Abs(wm) > math.MaxInt32 || math.Abs(wd) > math.MaxInt32 || math.Abs(micros) > 9.2e18 {
		return IntervalValue{}, false
	}
	return IntervalValue{Months: int32(wm), Days: int32(wd), Micros: int64(math.Round(micros))}, true
}

func parseClock(f string) (float64, bool) {
	neg := false
	if f[0] == '-' || f[0] == '+' {
		neg = f[0] == '-'
		f = f[1:]
	}
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, e1 := strconv.ParseUint(parts[0], 10, 32)
	m, e2 := strconv.ParseUint(parts[1], 10, 32)
	if e1 != nil || e2 != nil || m > 59 {
		return 0, false
	}
	us := float64(h)*float64(UsPerHour) + float64(m)*float64(UsPerMin)
	if len(parts) == 3 {
		sec, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || sec < 0 || sec >= 60 {
			return 0, false
		}
		us += math.Round(sec * float64(UsPerSec))
	}
	if neg {
		us = -us
	}
	return us, true
}

// parseISOInterval reads the part after P: nYnMnWnD[TnHnMnS].
func parseISOInterval(s string) (IntervalValue, bool) {
	var months, days, micros float64
	inTime := false
	for s != "" {
		if s[0] == 't' {
			inTime = true
			s = s[1:]
			continue
		}
		j := 0
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == '-') {
			j++
		}
		if j == 0 || j == len(s) {
			return IntervalValue{}, false
		}
		v, err := strconv.ParseFloat(s[:j], 64)
		if err != nil {
			return IntervalValue{}, false
		}
		switch u := s[j]; {
		case u == 'y' && !inTime:
			months += v * 12
		case u == 'm' && !inTime:
			months += v
		case u == 'w' && !inTime:
			days += v * 7
		case u == 'd' && !inTime:
			days += v
		case u == 'h' && inTime:
			micros += v * float64(UsPerHour)
		case u == 'm' && inTime:
			micros += v * float64(UsPerMin)
		case u == 's' && inTime:
			micros += v * float64(UsPerSec)
		default:
			return IntervalValue{}, false
		}
		s = s[j+1:]
	}
	return spill(months, days, micros)
}
