package deltacheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Schema is a parsed Delta schemaString (a struct type).
type Schema struct {
	Fields []*Field
}

// Field is one field of a struct type.
type Field struct {
	Name     string
	Type     any // a primitive type name, or the object of a struct/array/map
	Nullable bool
	Metadata map[string]any
}

// Field finds a top-level field by name, ignoring case as Delta does.
func (s *Schema) Field(name string) *Field {
	for _, f := range s.Fields {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// Physical is the name the field has in data files, stats and partition
// values under the column mapping mode.
func (f *Field) Physical(mode string) string {
	if mode != "none" {
		if p, ok := f.Metadata["delta.columnMapping.physicalName"].(string); ok && p != "" {
			return p
		}
	}
	return f.Name
}

// TypeName is the primitive type name, or struct/array/map.
func (f *Field) TypeName() string {
	if s, ok := f.Type.(string); ok {
		return s
	}
	m, _ := f.Type.(map[string]any)
	s, _ := m["type"].(string)
	return s
}

var (
	primitiveTypes = map[string]bool{
		"string": true, "long": true, "integer": true, "short": true, "byte": true, "float": true,
		"double": true, "boolean": true, "binary": true, "date": true, "timestamp": true,
		"timestamp_ntz": true, "variant": true,
	}
	decimalRE = regexp.MustCompile(`^decimal\((\d+),\s*(\d+)\)$`)
)

// ParseSchema parses and checks a schemaString: a struct whose fields all
// have a name, a valid type, nullable and metadata, with names unique
// ignoring case at each level.
func ParseSchema(s string) (*Schema, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	if root["type"] != "struct" {
		return nil, fmt.Errorf("the top level is %v, not a struct", root["type"])
	}
	fields, err := parseFields(root, "")
	if err != nil {
		return nil, err
	}
	return &Schema{Fields: fields}, nil
}

func parseFields(st map[string]any, at string) ([]*Field, error) {
	raw, ok := st["fields"].([]any)
	if !ok {
		return nil, fmt.Errorf("struct%s has no fields array", at)
	}
	seen := map[string]bool{}
	var out []*Field
	for i, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("field %d%s is not an object", i, at)
		}
		name, ok := m["name"].(string)
		if !ok || name == "" {
			return nil, fmt.Errorf("field %d%s has no name", i, at)
		}
		where := at + "." + name
		if seen[strings.ToLower(name)] {
			return nil, fmt.Errorf("duplicate field %q%s (names are case-insensitive)", name, at)
		}
		seen[strings.ToLower(name)] = true
		nullable, ok := m["nullable"].(bool)
		if !ok {
			return nil, fmt.Errorf("field %s has no boolean nullable", where)
		}
		md, ok := m["metadata"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("field %s has no metadata object", where)
		}
		if err := checkType(m["type"], where); err != nil {
			return nil, err
		}
		out = append(out, &Field{Name: name, Type: m["type"], Nullable: nullable, Metadata: md})
	}
	return out, nil
}

func checkType(t any, where string) error {
	switch t := t.(type) {
	case string:
		if primitiveTypes[t] {
			return nil
		}
		if m := decimalRE.FindStringSubmatch(t); m != nil {
			p, _ := strconv.Atoi(m[1])
			s, _ := strconv.Atoi(m[2])
			if p < 1 || p > 38 || s < 0 || s > p {
				return fmt.Errorf("%s: %s is out of range (precision 1-38, scale 0-precision)", where, t)
			}
			return nil
		}
		return fmt.Errorf("%s: unknown type %q", where, t)
	case map[string]any:
		switch t["type"] {
		case "struct":
			_, err := parseFields(t, " in "+where)
			return err
		case "array":
			if _, ok := t["containsNull"].(bool); !ok {
				return fmt.Errorf("%s: array without containsNull", where)
			}
			return checkType(t["elementType"], where+"[]")
		case "map":
			if _, ok := t["valueContainsNull"].(bool); !ok {
				return fmt.Errorf("%s: map without valueContainsNull", where)
			}
			if err := checkType(t["keyType"], where+".key"); err != nil {
				return err
			}
			return checkType(t["valueType"], where+".value")
		}
		return fmt.Errorf("%s: unknown complex type %v", where, t["type"])
	}
	return fmt.Errorf("%s: type is %s", where, typeName(t))
}

// walkFields calls fn for every field at any depth of struct nesting.
func walkFields(fields []*Field, fn func(*Field)) {
	for _, f := range fields {
		fn(f)
		walkType(f.Type, fn)
	}
}

func walkType(t any, fn func(*Field)) {
	m, ok := t.(map[string]any)
	if !ok {
		return
	}
	switch m["type"] {
	case "struct":
		fs, _ := parseFields(m, "")
		walkFields(fs, fn)
	case "array":
		walkType(m["elementType"], fn)
	case "map":
		walkType(m["keyType"], fn)
		walkType(m["valueType"], fn)
	}
}

// usesType reports whether any field, at any depth, has primitive type t.
func (s *Schema) usesType(t string) bool {
	found := false
	var visit func(any)
	visit = func(ty any) {
		switch ty := ty.(type) {
		case string:
			if ty == t {
				found = true
			}
		case map[string]any:
			switch ty["type"] {
			case "array":
				visit(ty["elementType"])
			case "map":
				visit(ty["keyType"])
				visit(ty["valueType"])
			}
		}
	}
	walkFields(s.Fields, func(f *Field) { visit(f.Type) })
	return found
}
