package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// to_char(timestamp, pattern) and to_timestamp(double precision).

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}
var dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

func compileToChar(f *planner.Func, args []Evaluator) (Evaluator, error) {
	t := f.Args[0].Type()
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		return strMap(func(a []arrow.Array, i int) (string, error) {
			us := vals[int64](a[0])[i]
			if us == types.TsInfinity || us == types.TsNegInfinity {
				return "", nil
			}
			return formatTsPattern(splitTs(localUs(ctx, t, a[0], i)), strAt(a[1], i)), nil
		})(ctx, b, a)
	}}, nil
}

// casePick renders name as the pattern's case (Month, MONTH, month).
func casePick(pat, name string) string {
	switch {
	case pat[1] >= 'A' && pat[1] <= 'Z':
		return strings.ToUpper(name)
	case pat[0] >= 'a' && pat[0] <= 'z':
		return strings.ToLower(name)
	}
	return name
}

// formatTsPattern implements the common to_char template patterns.
func formatTsPattern(p tsParts, pat string) string {
	var sb strings.Builder
	num := func(v int64, width int, fm bool) {
		s := strconv.FormatInt(v, 10)
		if !fm {
			for len(s) < width {
				s = "0" + s
			}
		}
		sb.WriteString(s)
	}
	h12 := p.h % 12
	if h12 == 0 {
		h12 = 12
	}
	for k := 0; k < len(pat); {
		rest := pat[k:]
		fm := false
		if strings.HasPrefix(rest, "FM") || strings.HasPrefix(rest, "fm") {
			fm = true
			k += 2
			rest = pat[k:]
		}
		up := strings.ToUpper(rest)
		match := func(s string) bool { return strings.HasPrefix(up, s) }
		switch {
		case rest == "":
		case rest[0] == '"':
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				sb.WriteString(rest[1:])
				k = len(pat)
			} else {
				sb.WriteString(rest[1 : end+1])
				k += end + 2
			}
			continue
		case rest[0] == '\\' && len(rest) > 1:
			sb.WriteByte(rest[1])
			k += 2
			continue
		case match("YYYY"):
			num(p.y, 4, fm)
			k += 4
		case match("YYY"):
			num(p.y%1000, 3, fm)
			k += 3
		case match("YY"):
			num(p.y%100, 2, fm)
			k += 2
		case match("HH24"):
			num(int64(p.h), 2, fm)
			k += 4
		case match("HH12"):
			num(int64(h12), 2, fm)
			k += 4
		case match("HH"):
			num(int64(h12), 2, fm)
			k += 2
		case match("MI"):
			num(int64(p.mi), 2, fm)
			k += 2
		case match("SS"):
			num(int64(p.sec), 2, fm)
			k += 2
		case match("MS"):
			num(p.us/1000, 3, fm)
			k += 2
		case match("US"):
			num(p.us, 6, fm)
			k += 2
		case match("AM") || match("PM"):
			s := "AM"
			if p.h >= 12 {
				s = "PM"
			}
			if rest[0] >= 'a' {
				s = strings.ToLower(s)
			}
			sb.WriteString(s)
			k += 2
		case match("A.M.") || match("P.M."):
			s := "A.M."
			if p.h >= 12 {
				s = "P.M."
			}
			if rest[0] >= 'a' {
				s = strings.ToLower(s)
			}
			sb.WriteString(s)
			k += 4
		case match("MONTH"):
			s := casePick(rest, monthNames[p.mo-1])
			if !fm {
				s += strings.Repeat(" ", 9-len(s))
			}
			sb.WriteString(s)
			k += 5
		case match("MON"):
			sb.WriteString(casePick(rest, monthNames[p.mo-1][:3]))
			k += 3
		case match("MM"):
			num(int64(p.mo), 2, fm)
			k += 2
		case match("DAY"):
			s := casePick(rest, dayNames[p.dow()])
			if !fm {
				s += strings.Repeat(" ", 9-len(s))
			}
			sb.WriteString(s)
			k += 3
		case match("DY"):
			sb.WriteString(casePick(rest, dayNames[p.dow()][:3]))
			k += 2
		case match("DDD"):
			num(p.doy(), 3, fm)
			k += 3
		case match("DD"):
			num(int64(p.d), 2, fm)
			k += 2
		case match("D"):
			num(p.dow()+1, 1, fm)
			k++
		case match("IW"):
			_, w := p.isoWeek()
			num(w, 2, fm)
			k += 2
		case match("WW"):
			num((p.doy()-1)/7+1, 2, fm)
			k += 2
		case match("Q"):
			num(int64((p.mo-1)/3+1), 1, fm)
			k++
		case match("J"):
			num(p.days+2440588, 1, fm)
			k++
		case match("Y"):
			num(p.y%10, 1, fm)
			k++
		default:
			sb.WriteByte(rest[0])
			k++
		}
	}
	return sb.String()
}

// to_timestamp(double precision): seconds since the epoch.
func compileToTimestamp(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, mapFixed(f.T.ArrowType(), func(a []arrow.Array, i int) (int64, bool, error) {
		x := floatAt(a[0], i)
		switch {
		case math.IsInf(x, 1):
			return types.TsInfinity, true, nil
		case math.IsInf(x, -1):
			return types.TsNegInfinity, true, nil
		case math.IsNaN(x) || math.Abs(x) > 9.2e12:
			return 0, false, sqlerr.New(sqlerr.DatetimeOverflow, "timestamp out of range: \"%g\"", x)
		}
		return int64(math.Round(x * 1e6)), true, nil
	})}, nil
}
