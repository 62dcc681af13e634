package delta

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/lodedb/lode/catalog/types"
)

// TestNestedSchemaRoundTrip checks how nested Delta types surface as Lode
// types, and that a schema Lode writes back (ALTER TABLE) keeps them.
func TestNestedSchemaRoundTrip(t *testing.T) {
	const in = `{"type":"struct","fields":[` +
		`{"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},` +
		`{"name":"a","type":{"type":"array","elementType":"byte","containsNull":true},"nullable":true,"metadata":{}},` +
		`{"name":"aa","type":{"type":"array","elementType":{"type":"array","elementType":"long","containsNull":true},"containsNull":true},"nullable":true,"metadata":{}},` +
		`{"name":"m","type":{"type":"map","keyType":"string","valueType":"decimal(5,2)","valueContainsNull":true},"nullable":true,"metadata":{}},` +
		`{"name":"n","type":"long","nullable":true,"metadata":{}}]}`
	schema, err := parseSchema(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []types.T{types.TText, types.ArrayOf(types.TInt16), types.TText, types.TText, types.TInt64}
	for i, f := range schema.Fields() {
		got, err := types.FromField(f)
		if err != nil || got != want[i] {
			t.Errorf("column %s: type %v (%v), want %v", f.Name, got, err, want[i])
		}
	}
	out, err := schemaString(schema)
	if err != nil {
		t.Fatal(err)
	}
	var a, b structType
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatal(err)
	}
	for i := range a.Fields {
		var ta, tb any
		json.Unmarshal(a.Fields[i].Type, &ta)
		json.Unmarshal(b.Fields[i].Type, &tb)
		if !reflect.DeepEqual(ta, tb) {
			t.Errorf("column %s written back as %s, was %s", a.Fields[i].Name, b.Fields[i].Type, a.Fields[i].Type)
		}
	}
	if got := simpleTypeString(a.Fields[0].Type); got != "struct<x:int>" {
		t.Errorf("simple type %q", got)
	}
}
