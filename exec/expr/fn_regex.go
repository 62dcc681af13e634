package expr

import (
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

// POSIX regular expressions (~, ~*, regexp_*) on Go's RE2: PostgreSQL's
// ARE syntax for the common cases (classes, quantifiers, groups, \d \w \s,
// non-greedy); back-references and lookaround are rejected (2201B).
// Patterns are compiled once per batch and distinct pattern.

func init() {
	register(compileRegex, "~", "~*", "!~", "!~*", "regexp_like", "regexp_match",
		"regexp_replace", "regexp_count", "regexp_substr")
}

// reFlags is a parsed flags argument.
type reFlags struct {
	global, icase, newline bool
}

func parseReFlags(s string, allowG bool) (reFlags, error) {
	var f reFlags
	for _, c := range s {
		switch c {
		case 'g':
			if !allowG {
				return f, sqlerr.New(sqlerr.InvalidParameterValue, "%s does not support the \"global\" option", "regexp function")
			}
			f.global = true
		case 'i':
			f.icase = true
		case 'c':
			f.icase = false
		case 'n', 'm':
			f.newline = true
		case 's', 'p', 'w':
			f.newline = false
		default:
			return f, sqlerr.New(sqlerr.InvalidParameterValue, "invalid regular expression option: \"%c\"", c)
		}
	}
	return f, nil
}

type reCache map[string]*regexp.Regexp

func (c reCache) get(pat string, f reFlags) (*regexp.Regexp, error) {
	prefix := "(?s)"
	if f.newline {
		prefix = "(?m)"
	}
	if f.icase {
		prefix += "(?i)"
	}
	key := prefix + pat
	if re, ok := c[key]; ok {
		return re, nil
	}
	re, err := regexp.Compile(key)
	if err != nil {
		msg := err.Error()
		if k := strings.LastIndex(msg, ": "); k >= 0 {
			msg = msg[k+2:]
		}
		return nil, sqlerr.New("2201B", "invalid regular expression: %s", msg)
	}
	c[key] = re
	return re, nil
}

func compileRegex(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name := f.Name
	// Index of the flags argument, by function and arity.
	flagArg := -1
	switch name {
	case "regexp_like", "regexp_match":
		if len(args) == 3 {
			flagArg = 2
		}
	case "regexp_replace":
		if len(args) == 4 {
			flagArg = 3
		}
	case "regexp_count":
		if len(args) == 4 {
			flagArg = 3
		}
	case "regexp_substr":
		if len(args) == 5 {
			flagArg = 4
		}
	}
	flags := func(a []arrow.Array, i int) (reFlags, error) {
		if flagArg < 0 {
			return reFlags{icase: name == "~*" || name == "!~*"}, nil
		}
		return parseReFlags(strAt(a[flagArg], i), name == "regexp_replace")
	}
	// pattern compiles (through the batch's cache) row i's pattern with its flags.
	pattern := func(c reCache, a []arrow.Array, i int) (*regexp.Regexp, reFlags, error) {
		fl, err := flags(a, i)
		if err != nil {
			return nil, fl, err
		}
		re, err := c.get(strAt(a[1], i), fl)
		return re, fl, err
	}
	switch name {
	case "~", "~*", "!~", "!~*", "regexp_like":
		neg := strings.HasPrefix(name, "!")
		return &strictEval{args, func(ctx *Context, b batchT, a []arrow.Array) (arrow.Array, error) {
			c := reCache{}
			return mapBool(func(a []arrow.Array, i int) (bool, bool, error) {
				re, _, err := pattern(c, a, i)
				if err != nil {
					return false, false, err
				}
				return re.MatchString(strAt(a[0], i)) != neg, true, nil
			})(ctx, b, a)
		}}, nil
	case "regexp_match":
		return &strictEval{args, func(ctx *Context, b batchT, a []arrow.Array) (arrow.Array, error) {
			c := reCache{}
			return mapStr(func(a []arrow.Array, i int) (string, bool, error) {
				re, _, err := pattern(c, a, i)
				if err != nil {
					return "", false, err
				}
				s := strAt(a[0], i)
				m := re.FindStringSubmatchIndex(s)
				if m == nil {
					return "", false, nil
				}
				var elems []*string
				if len(m) == 2 {
					x := s[m[0]:m[1]]
					elems = append(elems, &x)
				}
				for g := 2; g < len(m); g += 2 {
					if m[g] < 0 {
						elems = append(elems, nil)
						continue
					}
					x := s[m[g]:m[g+1]]
					elems = append(elems, &x)
				}
				return textArray(elems), true, nil
			})(ctx, b, a)
		}}, nil
	case "regexp_replace":
		return &strictEval{args, func(ctx *Context, b batchT, a []arrow.Array) (arrow.Array, error) {
			c := reCache{}
			return strMap(func(a []arrow.Array, i int) (string, error) {
				re, fl, err := pattern(c, a, i)
				if err != nil {
					return "", err
				}
				return reReplace(re, strAt(a[0], i), strAt(a[2], i), fl.global), nil
			})(ctx, b, a)
		}}, nil
	case "regexp_count":
		return &strictEval{args, func(ctx *Context, b batchT, a []arrow.Array) (arrow.Array, error) {
			c := reCache{}
			return mapFixed(arrow.PrimitiveTypes.Int32, func(a []arrow.Array, i int) (int32, bool, error) {
				re, _, err := pattern(c, a, i)
				if err != nil {
					return 0, false, err
				}
				s, err := reStart(strAt(a[0], i), a, 2, i)
				if err != nil {
					return 0, false, err
				}
				return int32(len(re.FindAllStringIndex(s, -1))), true, nil
			})(ctx, b, a)
		}}, nil
	case "regexp_substr":
		return &strictEval{args, func(ctx *Context, b batchT, a []arrow.Array) (arrow.Array, error) {
			c := reCache{}
			return mapStr(func(a []arrow.Array, i int) (string, bool, error) {
				re, _, err := pattern(c, a, i)
				if err != nil {
					return "", false, err
				}
				s, err := reStart(strAt(a[0], i), a, 2, i)
				if err != nil {
					return "", false, err
				}
				nth := int64(1)
				if len(a) > 3 {
					if nth = intAt(a[3], i); nth <= 0 {
						return "", false, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"%s\": %d", "n", nth)
					}
				}
				ms := re.FindAllString(s, int(nth))
				if int64(len(ms)) < nth {
					return "", false, nil
				}
				return ms[nth-1], true, nil
			})(ctx, b, a)
		}}, nil
	}
	return nil, wrongArgs(f)
}

// reStart applies an optional 1-based start position argument.
func reStart(s string, a []arrow.Array, k, i int) (string, error) {
	if len(a) <= k {
		return s, nil
	}
	start := intAt(a[k], i)
	if start <= 0 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"%s\": %d", "start", start)
	}
	return substring(s, start, -1), nil
}

// reReplace substitutes the first (or every) match; the replacement
// understands \1..\9 and \& (the whole match), \\ for a backslash.
func reReplace(re *regexp.Regexp, s, rep string, global bool) string {
	var sb strings.Builder
	last := 0
	n := 1
	if global {
		n = -1
	}
	for _, m := range re.FindAllStringSubmatchIndex(s, n) {
		sb.WriteString(s[last:m[0]])
		for k := 0; k < len(rep); k++ {
			c := rep[k]
			if c != '\\' || k+1 == len(rep) {
				sb.WriteByte(c)
				continue
			}
			k++
			d := rep[k]
			switch {
			case d >= '1' && d <= '9':
				g := int(d - '0')
				if 2*g+1 < len(m) && m[2*g] >= 0 {
					sb.WriteString(s[m[2*g]:m[2*g+1]])
				}
			case d == '&':
				sb.WriteString(s[m[0]:m[1]])
			case d == '\\':
				sb.WriteByte('\\')
			default:
				sb.WriteByte('\\')
				sb.WriteByte(d)
			}
		}
		last = m[1]
	}
	sb.WriteString(s[last:])
	return sb.String()
}

// textArray prints a one-dimensional text[] as array_out does.
func textArray(elems []*string) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for k, e := range elems {
		if k > 0 {
			sb.WriteByte(',')
		}
		if e == nil {
			sb.WriteString("NULL")
			continue
		}
		v := *e
		quote := v == "" || strings.EqualFold(v, "NULL") || strings.ContainsAny(v, "{},\"\\ \t\n\r\v\f")
		if !quote {
			sb.WriteString(v)
			continue
		}
		sb.WriteByte('"')
		for _, c := range v {
			if c == '"' || c == '\\' {
				sb.WriteByte('\\')
			}
			sb.WriteRune(c)
		}
		sb.WriteByte('"')
	}
	sb.WriteByte('}')
	return sb.String()
}
