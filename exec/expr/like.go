package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileLike, "like", "not like", "ilike", "not ilike")
}

// matcher tests one string against a compiled LIKE pattern.
type matcher func(s string) bool

// likeToken is a literal run, '_' (any one char) or '%' (any run).
type likeToken struct {
	kind byte // 'l' literal, '_', '%'
	lit  string
}

func parseLike(p string, esc rune) ([]likeToken, error) {
	var toks []likeToken
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, likeToken{kind: 'l', lit: cur.String()})
			cur.Reset()
		}
	}
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case esc != 0 && r == esc:
			if i+1 == len(rs) {
				return nil, sqlerr.New("22025", "LIKE pattern must not end with escape character")
			}
			i++
			cur.WriteRune(rs[i])
		case r == '%':
			flush()
			if len(toks) == 0 || toks[len(toks)-1].kind != '%' {
				toks = append(toks, likeToken{kind: '%'})
			}
		case r == '_':
			flush()
			toks = append(toks, likeToken{kind: '_'})
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return toks, nil
}

// compileMatcher picks the cheapest test for the pattern shape: exact,
// prefix, suffix, contains, or a general backtracking matcher.
func compileMatcher(p string, esc rune, fold bool) (matcher, error) {
	if fold {
		p = strings.ToLower(p)
	}
	toks, err := parseLike(p, esc)
	if err != nil {
		return nil, err
	}
	var m matcher
	hasUnderscore := false
	for _, t := range toks {
		if t.kind == '_' {
			hasUnderscore = true
		}
	}
	switch {
	case hasUnderscore:
		m = func(s string) bool { return likeMatch(toks, s) }
	case len(toks) == 0:
		m = func(s string) bool { return s == "" }
	case len(toks) == 1 && toks[0].kind == 'l':
		lit := toks[0].lit
		m = func(s string) bool { return s == lit }
	case len(toks) == 1:
		m = func(string) bool { return true }
	case len(toks) == 2 && toks[0].kind == 'l':
		lit := toks[0].lit
		m = func(s string) bool { return strings.HasPrefix(s, lit) }
	case len(toks) == 2:
		lit := toks[1].lit
		m = func(s string) bool { return strings.HasSuffix(s, lit) }
	case len(toks) == 3 && toks[0].kind == '%' && toks[2].kind == '%':
		lit := toks[1].lit
		m = func(s string) bool { return strings.Contains(s, lit) }
	default:
		m = func(s string) bool { return percentMatch(toks, s) }
	}
	if fold {
		inner := m
		m = func(s string) bool { return inner(strings.ToLower(s)) }
	}
	return m, nil
}

// percentMatch matches a pattern of literals and '%' only (TPC-H's
// '%special%requests%') without backtracking: a leading literal must be a
// prefix, a trailing one a suffix, and each literal between '%'s is best
// taken at its leftmost place after the one before, which leaves the most
// room for the rest.
func percentMatch(toks []likeToken, s string) bool {
	if len(toks) > 0 && toks[0].kind == 'l' {
		if !strings.HasPrefix(s, toks[0].lit) {
			return false
		}
		s, toks = s[len(toks[0].lit):], toks[1:]
		if len(toks) == 0 {
			return s == ""
		}
	}
	if n := len(toks); n > 0 && toks[n-1].kind == 'l' {
		if !strings.HasSuffix(s, toks[n-1].lit) {
			return false
		}
		s, toks = s[:len(s)-len(toks[n-1].lit)], toks[:n-1]
	}
	if len(toks) == 0 {
		return s == ""
	}
	for _, t := range toks {
		if t.kind != 'l' {
			continue
		}
		i := strings.Index(s, t.lit)
		if i < 0 {
			return false
		}
		s = s[i+len(t.lit):]
	}
	return true
}

// likeMatch matches tokens greedily with backtracking on the last '%'.
func likeMatch(toks []likeToken, s string) bool {
	if len(toks) == 0 {
		return s == ""
	}
	switch t := toks[0]; t.kind {
	case 'l':
		return strings.HasPrefix(s, t.lit) && likeMatch(toks[1:], s[len(t.lit):])
	case '_':
		if s == "" {
			return false
		}
		_, w := utf8.DecodeRuneInString(s)
		return likeMatch(toks[1:], s[w:])
	}
	// '%': try every split point.
	if len(toks) == 1 {
		return true
	}
	for i := 0; i <= len(s); {
		if likeMatch(toks[1:], s[i:]) {
			return true
		}
		if i == len(s) {
			break
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return false
}

func compileLike(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, wrongArgs(f)
	}
	neg := strings.HasPrefix(f.Name, "not ")
	fold := strings.HasSuffix(f.Name, "ilike")
	esc := '\\'
	escConst := true
	if len(f.Args) == 3 {
		l, ok := f.Args[2].(*planner.Literal)
		if !ok || l.Value == nil {
			escConst = false
		} else {
			rs := []rune(l.Value.(string))
			switch len(rs) {
			case 0:
				esc = 0
			case 1:
				esc = rs[0]
			default:
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid escape string")
			}
		}
	}
	if pl, ok := f.Args[1].(*planner.Literal); ok && escConst {
		if pl.Value == nil {
			return &constEval{t: f.T}, nil
		}
		m, err := compileMatcher(pl.Value.(string), esc, fold)
		if err != nil {
			return nil, err
		}
		return &strictEval{args[:1], func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
			n := b.NumRows()
			buf, out := newBits(ctx.Alloc, n)
			s := a[0].(*array.String)
			liveRows(b, func(i int) {
				if m(s.Value(i)) != neg {
					bitutil.SetBit(out, i)
				}
			})
			return boolResult(n, validity(ctx.Alloc, n, a[0]), buf), nil
		}}, nil
	}
	// Per-row patterns: compile each distinct pattern once per batch.
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newBits(ctx.Alloc, n)
		s, p := a[0].(*array.String), a[1].(*array.String)
		cache := map[string]matcher{}
		var err error
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, a...) {
				return
			}
			e := esc
			if len(a) == 3 {
				rs := []rune(a[2].(*array.String).Value(i))
				e = 0
				if len(rs) > 0 {
					e = rs[0]
				}
			}
			m, ok := cache[p.Value(i)]
			if !ok {
				if m, err = compileMatcher(p.Value(i), e, fold); err != nil {
					return
				}
				cache[p.Value(i)] = m
			}
			if m(s.Value(i)) != neg {
				bitutil.SetBit(out, i)
			}
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return boolResult(n, validity(ctx.Alloc, n, a...), buf), nil
	}}, nil
}
