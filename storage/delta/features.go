package delta

import (
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// protocolFor is the lowest protocol that carries what a table with this
// schema and configuration uses: reader 1 / writer 2 for plain tables,
// table features (reader 3 / writer 7) as soon as one is needed.
func protocolFor(schema *arrow.Schema, conf map[string]string) *Protocol {
	var reader, writer []string
	for _, f := range schema.Fields() {
		if ts, ok := f.Type.(*arrow.TimestampType); ok && ts.TimeZone == "" && !slices.Contains(reader, "timestampNtz") {
			reader = append(reader, "timestampNtz")
			writer = append(writer, "timestampNtz")
		}
		if f.Metadata.FindKey(MetaColumnDefault) >= 0 && !slices.Contains(writer, "allowColumnDefaults") {
			writer = append(writer, "allowColumnDefaults") // writer-only
		}
	}
	for k := range conf {
		if strings.HasPrefix(k, "delta.constraints.") && !slices.Contains(writer, "checkConstraints") {
			writer = append(writer, "checkConstraints") // writer-only
		}
	}
	if ColumnMappingEnabled(conf) {
		reader = append(reader, "columnMapping")
		writer = append(writer, "columnMapping")
	}
	if DeletionVectorsEnabled(conf) {
		reader = append(reader, "deletionVectors")
		writer = append(writer, "deletionVectors")
	}
	p := &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}
	if len(writer) > 0 {
		p.MinWriterVersion, p.WriterFeatures = 7, writer
	}
	if len(reader) > 0 {
		p.MinReaderVersion, p.ReaderFeatures = 3, reader
	}
	return p
}

// DeletionVectorsEnabled reports whether the table property asks DELETE,
// UPDATE and MERGE to mark rows deleted instead of rewriting files.
func DeletionVectorsEnabled(conf map[string]string) bool {
	return strings.EqualFold(conf["delta.enableDeletionVectors"], "true")
}

// DeletionVectors reports whether DML on the snapshot's table writes
// deletion vectors.
func (s *Snapshot) DeletionVectors() bool {
	return DeletionVectorsEnabled(s.metadata.Configuration) &&
		slices.Contains(s.protocol.WriterFeatures, "deletionVectors")
}

// upgradeProtocol returns the protocol a commit must set so that cur also
// covers need (versions and features only ever grow), or nil when cur
// already does.
func upgradeProtocol(cur, need *Protocol) *Protocol {
	out := *cur
	out.ReaderFeatures = append([]string{}, cur.ReaderFeatures...)
	out.WriterFeatures = append([]string{}, cur.WriterFeatures...)
	changed := false
	if need.MinReaderVersion > out.MinReaderVersion {
		out.MinReaderVersion, changed = need.MinReaderVersion, true
	}
	if need.MinWriterVersion > out.MinWriterVersion {
		out.MinWriterVersion, changed = need.MinWriterVersion, true
	}
	add := func(list []string, f string) []string {
		if !slices.Contains(list, f) {
			changed = true
			return append(list, f)
		}
		return list
	}
	if out.MinReaderVersion == 3 {
		for _, f := range need.ReaderFeatures {
			out.ReaderFeatures = add(out.ReaderFeatures, f)
		}
	}
	if out.MinWriterVersion == 7 {
		for _, f := range need.WriterFeatures {
			out.WriterFeatures = add(out.WriterFeatures, f)
		}
	}
	if !changed {
		return nil
	}
	return &out
}
