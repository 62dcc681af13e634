package planner

import (
	"github.com/lodedb/lode/catalog/types"
)

// JSON operators and functions over json/jsonb values, which Lode carries
// as text (the type names json and jsonb resolve to text).
func init() {
	RegisterBinaryOp(bindJSONOp, "->", "->>", "#>", "#>>")
	RegisterScalar(bindJSONPath, "json_extract_path", "json_extract_path_text", "jsonb_extract_path", "jsonb_extract_path_text")
	RegisterSimple("json_array_length", Signature{Args: []types.T{types.TText}, Result: types.TInt32})
	RegisterSimple("jsonb_array_length", Signature{Args: []types.T{types.TText}, Result: types.TInt32})
	RegisterSimple("json_typeof", Signature{Args: []types.T{types.TText}, Result: types.TText})
	RegisterSimple("jsonb_typeof", Signature{Args: []types.T{types.TText}, Result: types.TText})
}

func bindJSONOp(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
	if !(l.Type().IsString() || l.Type().Kind == types.Unknown) {
		return nil, nil
	}
	var err error
	if l, err = b.Coerce(l, types.TText, loc); err != nil {
		return nil, err
	}
	name := "json ->"
	if op == "->>" || op == "#>>" {
		name = "json ->>"
	}
	if op == "#>" || op == "#>>" {
		// Path given as a text array literal '{a,b,1}'.
		lit, ok := r.(*Literal)
		if !ok || lit.Value == nil {
			return nil, nil
		}
		s, _ := lit.Value.(string)
		args := []Expr{l}
		for _, p := range splitPGArray(s) {
			args = append(args, &Literal{Value: p, T: types.TText})
		}
		return &Func{Name: name, Args: args, T: types.TText}, nil
	}
	if r.Type().IsInteger() {
		if r, err = b.Coerce(r, types.TInt64, loc); err != nil {
			return nil, err
		}
	} else if r, err = b.Coerce(r, types.TText, loc); err != nil {
		return nil, err
	}
	return &Func{Name: name, Args: []Expr{l, r}, T: types.TText}, nil
}

func bindJSONPath(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
	if len(args) < 1 {
		return nil, b.noFunction(name, args, loc)
	}
	out := make([]Expr, len(args))
	for i, a := range args {
		e, err := b.Coerce(a, types.TText, loc)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	fn := "json_extract_path"
	if name == "json_extract_path_text" || name == "jsonb_extract_path_text" {
		fn = "json_extract_path_text"
	}
	return &Func{Name: fn, Args: out, T: types.TText}, nil
}

// splitPGArray splits a one-dimensional PostgreSQL array literal {a,b}.
func splitPGArray(s string) []string {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return []string{s}
	}
	var out []string
	cur := ""
	inQuote := false
	for _, c := range s[1 : len(s)-1] {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			out = append(out, cur)
			cur = ""
		default:
			cur += string(c)
		}
	}
	return append(out, cur)
}
