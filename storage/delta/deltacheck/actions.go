package deltacheck

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// reportf reports a violation at the current action.
type reportf func(format string, args ...any)

// Field type predicates over values decoded with json.Number.

func isString(v any) bool { _, ok := v.(string); return ok }
func isBool(v any) bool   { _, ok := v.(bool); return ok }
func isObject(v any) bool { _, ok := v.(map[string]any); return ok }

func isInteger(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := n.Int64()
	return err == nil
}

func isStringList(v any) bool {
	l, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range l {
		if !isString(e) {
			return false
		}
	}
	return true
}

// isStringMap is a map of strings to strings; a null value is allowed
// (a NULL partition value).
func isStringMap(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for _, e := range m {
		if e != nil && !isString(e) {
			return false
		}
	}
	return true
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number " + v.(json.Number).String()
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func requireField(loc reportf, act map[string]any, name string, ok func(any) bool) {
	v, present := act[name]
	switch {
	case !present:
		loc("required field %q is missing", name)
	case !ok(v):
		loc("field %q has the wrong type (%s)", name, typeName(v))
	}
}

func optionalField(loc reportf, act map[string]any, name string, ok func(any) bool) {
	if v, present := act[name]; present && v != nil && !ok(v) {
		loc("field %q has the wrong type (%s)", name, typeName(v))
	}
}

func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, _ := e.(string)
		out[k] = s
	}
	return out
}

func checkCommitInfo(loc reportf, act map[string]any) {
	// commitInfo is free-form; these are what readers (DESCRIBE HISTORY,
	// timestamp time travel) rely on.
	optionalField(loc, act, "timestamp", isInteger)
	optionalField(loc, act, "operation", isString)
	optionalField(loc, act, "operationParameters", isObject)
	optionalField(loc, act, "readVersion", isInteger)
	optionalField(loc, act, "isBlindAppend", isBool)
	if m, ok := act["operationMetrics"].(map[string]any); ok {
		for k, v := range m {
			if !isString(v) {
				loc("operationMetrics.%s is %s; Delta writes metrics as strings", k, typeName(v))
			}
		}
	}
}

func checkProtocol(loc reportf, act map[string]any) {
	requireField(loc, act, "minReaderVersion", isInteger)
	requireField(loc, act, "minWriterVersion", isInteger)
	optionalField(loc, act, "readerFeatures", isStringList)
	optionalField(loc, act, "writerFeatures", isStringList)
	rv, wv := intOf(act["minReaderVersion"]), intOf(act["minWriterVersion"])
	if rv < 1 || rv > 3 || wv < 1 || wv > 7 {
		loc("versions reader %d / writer %d are out of range (1-3 / 1-7)", rv, wv)
	}
	_, hasRF := act["readerFeatures"]
	_, hasWF := act["writerFeatures"]
	if hasRF != (rv == 3) {
		loc("readerFeatures must be present exactly when minReaderVersion is 3 (reader %d)", rv)
	}
	if hasWF != (wv == 7) {
		loc("writerFeatures must be present exactly when minWriterVersion is 7 (writer %d)", wv)
	}
	wf := map[string]bool{}
	for _, f := range stringList(act["writerFeatures"]) {
		wf[f] = true
	}
	for _, f := range stringList(act["readerFeatures"]) {
		if hasWF && !wf[f] {
			loc("reader feature %q is not also a writer feature", f)
		}
	}
}

func intOf(v any) int64 {
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return i
}

// checkMetadata checks a metaData action and returns its parsed schema.
func checkMetadata(loc reportf, act map[string]any) *Schema {
	requireField(loc, act, "id", isString)
	optionalField(loc, act, "name", isString)
	optionalField(loc, act, "description", isString)
	requireField(loc, act, "format", isObject)
	if f, ok := act["format"].(map[string]any); ok {
		if f["provider"] != "parquet" {
			loc("format.provider is %v, want parquet", f["provider"])
		}
		optionalField(loc, f, "options", isStringMap)
	}
	requireField(loc, act, "schemaString", isString)
	requireField(loc, act, "partitionColumns", isStringList)
	requireField(loc, act, "configuration", isStringMap)
	optionalField(loc, act, "createdTime", isInteger)
	ss, _ := act["schemaString"].(string)
	sch, err := ParseSchema(ss)
	if err != nil {
		loc("schemaString is not a valid Delta schema: %v", err)
		return nil
	}
	for _, p := range stringList(act["partitionColumns"]) {
		if sch.Field(p) == nil {
			loc("partition column %q is not in the schema", p)
		}
	}
	return sch
}

// checkAdd checks an add action's fields, path and stats syntax.
func checkAdd(loc reportf, act map[string]any, st *state) {
	requireField(loc, act, "path", isString)
	requireField(loc, act, "partitionValues", isStringMap)
	requireField(loc, act, "size", isInteger)
	requireField(loc, act, "modificationTime", isInteger)
	requireField(loc, act, "dataChange", isBool)
	optionalField(loc, act, "stats", isString)
	optionalField(loc, act, "tags", isStringMap)
	optionalField(loc, act, "baseRowId", isInteger)
	optionalField(loc, act, "defaultRowCommitVersion", isInteger)
	if p, ok := act["path"].(string); ok {
		checkPath(loc, p)
	}
	if intOf(act["size"]) < 0 {
		loc("negative size")
	}
	if dv, ok := act["deletionVector"]; ok && dv != nil {
		checkDVDescriptor(loc, dv)
	}
	if st.metadata != nil {
		checkPartitionValues(loc, act["partitionValues"], st)
	}
	if s, ok := act["stats"].(string); ok && st.schema != nil {
		checkStatsSyntax(loc, s, st)
	}
}

func checkRemove(loc reportf, act map[string]any) {
	requireField(loc, act, "path", isString)
	optionalField(loc, act, "deletionTimestamp", isInteger)
	requireField(loc, act, "dataChange", isBool)
	optionalField(loc, act, "extendedFileMetadata", isBool)
	optionalField(loc, act, "partitionValues", isStringMap)
	optionalField(loc, act, "size", isInteger)
	optionalField(loc, act, "stats", isString)
	optionalField(loc, act, "tags", isStringMap)
	if p, ok := act["path"].(string); ok {
		checkPath(loc, p)
	}
	if act["extendedFileMetadata"] == true {
		if _, ok := act["partitionValues"]; !ok {
			loc("extendedFileMetadata is true but partitionValues is missing")
		}
		if _, ok := act["size"]; !ok {
			loc("extendedFileMetadata is true but size is missing")
		}
	}
	if dv, ok := act["deletionVector"]; ok && dv != nil {
		checkDVDescriptor(loc, dv)
	}
}

// checkPath: a path is an RFC 2396 URI, relative to the table root (or
// absolute, with a scheme). Characters outside the URI character set, a
// '%' not starting an escape, and '?' or '#' (which would end the path
// part) must be percent-encoded.
func checkPath(loc reportf, p string) {
	if p == "" {
		loc("empty path")
		return
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				loc("path %q has a '%%' that does not start an escape", p)
				return
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("-_.!~*'();/:@&=+$,", c) >= 0:
		default:
			loc("path %q is not URL-encoded (byte %q at %d)", p, c, i)
			return
		}
	}
	u, err := url.Parse(p)
	if err != nil {
		loc("path %q is not a URI: %v", p, err)
		return
	}
	if u.Scheme == "" {
		dec, _ := urlDecode(p)
		for _, seg := range strings.Split(dec, "/") {
			if seg == ".." {
				loc("path %q leaves the table directory", p)
			}
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func urlDecode(p string) (string, error) { return url.PathUnescape(p) }

// checkPartitionValues: an add names a value (or null) for exactly the
// partition columns, by physical name.
func checkPartitionValues(loc reportf, v any, st *state) {
	pv, _ := v.(map[string]any)
	want := map[string]bool{}
	for _, c := range stringList(st.metadata["partitionColumns"]) {
		name := c
		if st.schema != nil && st.schema.Field(c) != nil {
			name = st.schema.Field(c).Physical(columnMappingMode(st))
		}
		want[name] = true
		if _, ok := pv[name]; !ok {
			loc("partitionValues lacks partition column %q", name)
		}
	}
	for k := range pv {
		if !want[k] {
			loc("partitionValues names %q, which is not a partition column", k)
		}
	}
}

func columnMappingMode(st *state) string {
	if st.metadata == nil {
		return "none"
	}
	m := stringMap(st.metadata["configuration"])["delta.columnMapping.mode"]
	if m == "" {
		return "none"
	}
	return m
}
