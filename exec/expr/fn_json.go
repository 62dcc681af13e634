package expr

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// JSON values are carried as text (json/jsonb columns are text columns in
// Lode). The operators navigate the document per row, keeping sub-values'
// original text as json's -> does.

func init() {
	register(compileJSONGet, "json ->", "json ->>", "json_extract_path", "json_extract_path_text")
	register(compileJSONLen, "json_array_length")
	register(compileJSONTypeof, "json_typeof")
}

// jsonStep descends one key (objects) or index (arrays, negative from the
// end for ->); ok is false when the path does not exist.
func jsonStep(doc []byte, key string, isIndex bool, idx int64) (json.RawMessage, bool, error) {
	doc = bytes.TrimSpace(doc)
	if len(doc) == 0 {
		return nil, false, nil
	}
	switch doc[0] {
	case '{':
		if isIndex {
			return nil, false, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(doc, &m); err != nil {
			return nil, false, badJSON(doc)
		}
		v, ok := m[key]
		return v, ok, nil
	case '[':
		if !isIndex {
			k, err := strconv.ParseInt(key, 10, 64)
			if err != nil {
				return nil, false, nil
			}
			idx = k
		}
		var a []json.RawMessage
		if err := json.Unmarshal(doc, &a); err != nil {
			return nil, false, badJSON(doc)
		}
		if idx < 0 {
			idx += int64(len(a))
		}
		if idx < 0 || idx >= int64(len(a)) {
			return nil, false, nil
		}
		return a[idx], true, nil
	}
	if !json.Valid(doc) {
		return nil, false, badJSON(doc)
	}
	return nil, false, nil
}

func badJSON(doc []byte) error {
	s := string(doc)
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return sqlerr.New(sqlerr.InvalidTextRep, "invalid input syntax for type json: %q", s)
}

// asText renders a JSON value as ->> does: strings unquoted, null → NULL.
func asText(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if string(v) == "null" {
		return "", false
	}
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s, true
		}
	}
	return string(v), true
}

func compileJSONGet(f *planner.Func, args []Evaluator) (Evaluator, error) {
	text := f.Name == "json ->>" || f.Name == "json_extract_path_text"
	return &jsonEval{args: args, text: text, intIdx: f.Name == "json ->" || f.Name == "json ->>"}, nil
}

type jsonEval struct {
	args   []Evaluator
	text   bool
	intIdx bool // the key operand may be an integer index
}

func (e *jsonEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	arrs, err := evalAll(ctx, b, e.args)
	if err != nil {
		return nil, err
	}
	defer releaseAll(arrs...)
	bld := array.NewStringBuilder(ctx.Alloc)
	defer bld.Release()
	live := make([]bool, b.NumRows())
	liveRows(b, func(i int) { live[i] = true })
	for i := 0; i < b.NumRows(); i++ {
		if !live[i] || !bothValid(i, arrs...) {
			bld.AppendNull()
			continue
		}
		cur := json.RawMessage(arrs[0].(*array.String).Value(i))
		found := true
		for _, k := range arrs[1:] {
			var v json.RawMessage
			var ok bool
			var err error
			switch ka := k.(type) {
			case *array.String:
				v, ok, err = jsonStep(cur, ka.Value(i), false, 0)
			case *array.Int32:
				v, ok, err = jsonStep(cur, "", true, int64(ka.Value(i)))
			case *array.Int64:
				v, ok, err = jsonStep(cur, "", true, ka.Value(i))
			default:
				return nil, sqlerr.New(sqlerr.DatatypeMismatch, "JSON path elements must be text or integer")
			}
			if err != nil {
				return nil, err
			}
			if !ok {
				found = false
				break
			}
			cur = v
		}
		if !found {
			bld.AppendNull()
			continue
		}
		if e.text {
			s, ok := asText(cur)
			if !ok {
				bld.AppendNull()
				continue
			}
			bld.Append(s)
		} else {
			bld.Append(string(bytes.TrimSpace(cur)))
		}
	}
	return bld.NewArray(), nil
}

func compileJSONLen(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		bld := array.NewInt32Builder(ctx.Alloc)
		defer bld.Release()
		var err error
		for i := 0; i < b.NumRows(); i++ {
			if a[0].IsNull(i) || err != nil {
				bld.AppendNull()
				continue
			}
			var arr []json.RawMessage
			if e := json.Unmarshal([]byte(a[0].(*array.String).Value(i)), &arr); e != nil {
				err = sqlerr.New(sqlerr.InvalidParameterValue, "cannot get array length of a non-array")
				bld.AppendNull()
				continue
			}
			bld.Append(int32(len(arr)))
		}
		if err != nil {
			return nil, err
		}
		return bld.NewArray(), nil
	}}, nil
}

func compileJSONTypeof(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, strMap(func(a []arrow.Array, i int) (string, error) {
		v := bytes.TrimSpace([]byte(strAt(a[0], i)))
		if len(v) == 0 || !json.Valid(v) {
			return "", badJSON(v)
		}
		switch v[0] {
		case '{':
			return "object", nil
		case '[':
			return "array", nil
		case '"':
			return "string", nil
		case 't', 'f':
			return "boolean", nil
		case 'n':
			return "null", nil
		}
		return "number", nil
	})}, nil
}
