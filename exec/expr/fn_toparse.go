package expr

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// to_date / to_timestamp(text, pattern): the inverse of to_char for the
// common template patterns; to_char over numbers (9, 0, ., ',', FM, S, MI).

func init() {
	register(compileToDate, "to_date")
	register(compileToTimestampDispatch, "to_timestamp")
	register(compileToCharDispatch, "to_char")
}

func compileToTimestampDispatch(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(f.Args) == 2 {
		return parsedTime(args, true), nil
	}
	return compileToTimestamp(f, args)
}

func compileToDate(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return parsedTime(args, false), nil
}

func parsedTime(args []Evaluator, ts bool) Evaluator {
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		live := make([]bool, n)
		liveRows(b, func(i int) { live[i] = true })
		var bld array.Builder
		if ts {
			bld = array.NewTimestampBuilder(ctx.Alloc, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
		} else {
			bld = array.NewDate32Builder(ctx.Alloc)
		}
		defer bld.Release()
		for i := 0; i < n; i++ {
			if !live[i] || !bothValid(i, a...) {
				bld.AppendNull()
				continue
			}
			tm, err := parseWithPattern(strAt(a[0], i), strAt(a[1], i), ctx.TimeZone)
			if err != nil {
				return nil, err
			}
			if ts {
				bld.(*array.TimestampBuilder).Append(arrow.Timestamp(tm.UnixMicro()))
			} else {
				days := tm.Unix() / 86400
				if tm.Unix() < 0 && tm.Unix()%86400 != 0 {
					days--
				}
				y, m, d := tm.Date()
				days = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
				bld.(*array.Date32Builder).Append(arrow.Date32(days))
			}
		}
		return bld.NewArray(), nil
	}}
}

// parseWithPattern reads s according to a to_char-style pattern.
func parseWithPattern(s, pat string, loc *time.Location) (time.Time, error) {
	y, mo, d, h, mi, sec, us := 1, 1, 1, 0, 0, 0, 0
	pm, ampm := false, false
	si := 0
	bad := func() (time.Time, error) {
		return time.Time{}, sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid value %q for pattern %q", s, pat)
	}
	digits := func(max int) (int, bool) {
		for si < len(s) && s[si] == ' ' {
			si++
		}
		start := si
		for si < len(s) && si-start < max && s[si] >= '0' && s[si] <= '9' {
			si++
		}
		if si == start {
			return 0, false
		}
		v, _ := strconv.Atoi(s[start:si])
		return v, true
	}
	for k := 0; k < len(pat); {
		rest := pat[k:]
		if strings.HasPrefix(strings.ToUpper(rest), "FM") {
			k += 2
			continue
		}
		up := strings.ToUpper(rest)
		var ok bool
		switch {
		case strings.HasPrefix(up, "YYYY"):
			y, ok = digits(4)
			k += 4
		case strings.HasPrefix(up, "YY"):
			y, ok = digits(2)
			y += 2000
			if y > 2069 {
				y -= 100
			}
			k += 2
		case strings.HasPrefix(up, "MONTH"), strings.HasPrefix(up, "MON"):
			ok = false
			for m, name := range monthNames {
				cand := name
				if !strings.HasPrefix(up, "MONTH") {
					cand = name[:3]
				}
				if len(s)-si >= len(cand) && strings.EqualFold(s[si:si+len(cand)], cand) {
					mo, ok = m+1, true
					si += len(cand)
					break
				}
			}
			if strings.HasPrefix(up, "MONTH") {
				k += 5
			} else {
				k += 3
			}
		case strings.HasPrefix(up, "MM"):
			mo, ok = digits(2)
			k += 2
		case strings.HasPrefix(up, "DD"):
			d, ok = digits(2)
			k += 2
		case strings.HasPrefix(up, "HH24"):
			h, ok = digits(2)
			k += 4
		case strings.HasPrefix(up, "HH12"):
			h, ok = digits(2)
			ampm = true
			k += 4
		case strings.HasPrefix(up, "HH"):
			h, ok = digits(2)
			ampm = true
			k += 2
		case strings.HasPrefix(up, "MI"):
			mi, ok = digits(2)
			k += 2
		case strings.HasPrefix(up, "SS"):
			sec, ok = digits(2)
			k += 2
		case strings.HasPrefix(up, "MS"):
			var ms int
			ms, ok = digits(3)
			us = ms * 1000
			k += 2
		case strings.HasPrefix(up, "US"):
			us, ok = digits(6)
			k += 2
		case strings.HasPrefix(up, "AM"), strings.HasPrefix(up, "PM"):
			ok = si+2 <= len(s)
			if ok {
				pm = strings.EqualFold(s[si:si+2], "PM")
				si += 2
			}
			k += 2
		default:
			// A separator in the pattern skips one character of input.
			k++
			if si < len(s) {
				si++
			}
			continue
		}
		if !ok {
			return bad()
		}
	}
	if ampm && pm && h < 12 {
		h += 12
	} else if ampm && !pm && h == 12 {
		h = 0
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, sqlerr.New(sqlerr.DatetimeOverflow, "date/time field value out of range: %q", s)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, us*1000, loc)
	if t.Day() != d {
		return time.Time{}, sqlerr.New(sqlerr.DatetimeOverflow, "date/time field value out of range: %q", s)
	}
	return t, nil
}

func compileToCharDispatch(f *planner.Func, args []Evaluator) (Evaluator, error) {
	switch f.Args[0].Type().Kind {
	case types.Timestamp, types.TimestampTZ:
		return compileToChar(f, args)
	}
	scale := f.Args[0].Type().Scale
	kind := f.Args[0].Type().Kind
	return &strictEval{args, strMap(func(a []arrow.Array, i int) (string, error) {
		var v float64
		var exact string
		switch x := a[0].(type) {
		case *array.Int64:
			v = float64(x.Value(i))
			exact = strconv.FormatInt(x.Value(i), 10)
		case *array.Float64:
			v = x.Value(i)
		case *array.Decimal128:
			n := x.Value(i)
			v = n.ToFloat64(scale)
			exact = decimalString(n, scale)
		}
		_ = kind
		return formatNumberPattern(v, exact, strAt(a[1], i)), nil
	})}, nil
}

func decimalString(n decimal128.Num, scale int32) string { return n.ToString(scale) }

// formatNumberPattern implements to_char's numeric patterns: 9 (digit,
// blank when a leading zero), 0 (digit), . or D (decimal point), , or G
// (group separator), FM (no padding), S / MI (sign).
func formatNumberPattern(v float64, exact, pat string) string {
	fm := strings.HasPrefix(strings.ToUpper(pat), "FM")
	if fm {
		pat = pat[2:]
	}
	upper := strings.ToUpper(pat)
	intDigits, fracDigits, seenPoint := 0, 0, false
	for _, c := range upper {
		switch c {
		case '9', '0':
			if seenPoint {
				fracDigits++
			} else {
				intDigits++
			}
		case '.', 'D':
			seenPoint = true
		}
	}
	neg := v < 0 || strings.HasPrefix(exact, "-")
	av := math.Abs(v)
	rounded := strconv.FormatFloat(av, 'f', fracDigits, 64)
	intPart, fracPart, _ := strings.Cut(rounded, ".")
	if len(intPart) > intDigits {
		// Overflow: PostgreSQL prints # for every digit position.
		return strings.Map(func(r rune) rune {
			if r == '9' || r == '0' {
				return '#'
			}
			return r
		}, pat)
	}
	var out []byte
	firstSignificant := intDigits - len(intPart)
	pos := 0
	fi := 0
	afterPoint := false
	for _, c := range upper {
		switch c {
		case '9', '0':
			if afterPoint {
				if fi < len(fracPart) {
					out = append(out, fracPart[fi])
				}
				fi++
				continue
			}
			k := pos - firstSignificant
			pos++
			if k >= 0 {
				out = append(out, intPart[k])
			} else if c == '0' {
				out = append(out, '0')
			} else if !fm {
				out = append(out, ' ')
			}
		case '.', 'D':
			afterPoint = true
			out = append(out, '.')
		case ',', 'G':
			if pos > firstSignificant {
				out = append(out, ',')
			} else if !fm {
				out = append(out, ' ')
			}
		case 'S':
			if neg {
				out = append(out, '-')
			} else {
				out = append(out, '+')
			}
		case 'M':
			// MI: minus for negatives, blank otherwise.
			if neg {
				out = append(out, '-')
			} else if !fm {
				out = append(out, ' ')
			}
		case 'I':
		default:
			out = append(out, byte(c))
		}
	}
	s := string(out)
	if !strings.ContainsAny(upper, "SM") {
		// PostgreSQL reserves a sign position in front.
		if neg {
			s = "-" + strings.TrimLeft(s, " ")
			if !fm {
				s = strings.Repeat(" ", len(out)-len(s)+1) + s
			}
		} else if !fm {
			s = " " + s
		}
	}
	if fm {
		s = strings.TrimSpace(s)
		// FM drops trailing zeros in fraction positions written as 9.
		if _, frac, ok := strings.Cut(upper, "."); ok && !strings.Contains(frac, "0") && strings.Contains(s, ".") {
			s = strings.TrimRight(s, "0")
		}
	}
	return s
}
