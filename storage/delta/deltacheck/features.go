package deltacheck

import (
	"slices"
	"strings"
)

// readerWriterFeatures must be listed as reader and writer features;
// writerOnlyFeatures as writer features only (PROTOCOL.md "Valid Feature
// Names in Table Features").
var (
	readerWriterFeatures = []string{"columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint",
		"vacuumProtocolCheck", "typeWidening", "typeWidening-preview", "variantType", "variantType-preview"}
	writerOnlyFeatures = []string{"appendOnly", "invariants", "checkConstraints", "changeDataFeed",
		"generatedColumns", "identityColumns", "rowTracking", "domainMetadata", "icebergCompatV1",
		"icebergCompatV2", "clustering", "allowColumnDefaults", "inCommitTimestamp"}
)

// legacyWriterFeatures are the features each legacy writer version
// (below 7) implies.
var legacyWriterFeatures = map[int64][]string{
	2: {"appendOnly", "invariants"},
	3: {"appendOnly", "invariants", "checkConstraints"},
	4: {"appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns"},
	5: {"appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns", "columnMapping"},
	6: {"appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns", "columnMapping", "identityColumns"},
}

// checkFeatures checks that the latest protocol supports every feature
// the latest table state uses, and names only valid features.
func checkFeatures(r *Report, st *state) {
	if st.protocol == nil || st.metadata == nil {
		r.addf("_delta_log", 0, "the log has no protocol or no metaData")
		return
	}
	rv, wv := intOf(st.protocol["minReaderVersion"]), intOf(st.protocol["minWriterVersion"])
	rf, wf := stringList(st.protocol["readerFeatures"]), stringList(st.protocol["writerFeatures"])
	for _, f := range wf {
		if !slices.Contains(readerWriterFeatures, f) && !slices.Contains(writerOnlyFeatures, f) {
			r.addf("_delta_log", 0, "protocol names unknown writer feature %q", f)
		}
	}
	for _, f := range rf {
		if slices.Contains(writerOnlyFeatures, f) {
			r.addf("_delta_log", 0, "writer-only feature %q is listed as a reader feature", f)
		} else if !slices.Contains(readerWriterFeatures, f) {
			r.addf("_delta_log", 0, "protocol names unknown reader feature %q", f)
		}
	}
	if rv == 3 {
		for _, f := range wf {
			if slices.Contains(readerWriterFeatures, f) && !slices.Contains(rf, f) {
				r.addf("_delta_log", 0, "reader-writer feature %q is missing from readerFeatures", f)
			}
		}
	}
	writerHas := func(f string) bool {
		if wv == 7 {
			return slices.Contains(wf, f)
		}
		return slices.Contains(legacyWriterFeatures[wv], f)
	}
	readerHas := func(f string) bool {
		switch rv {
		case 3:
			return slices.Contains(rf, f)
		case 2:
			return f == "columnMapping"
		}
		return false
	}
	need := func(feature string, reader bool, why string) {
		if !writerHas(feature) {
			r.addf("_delta_log", 0, "%s, but the protocol (writer %d %v) lacks writer feature %s", why, wv, wf, feature)
		}
		if reader && !readerHas(feature) {
			r.addf("_delta_log", 0, "%s, but the protocol (reader %d %v) lacks reader feature %s", why, rv, rf, feature)
		}
	}

	conf := stringMap(st.metadata["configuration"])
	for k := range conf {
		if strings.HasPrefix(k, "delta.constraints.") {
			need("checkConstraints", false, "the table has CHECK constraint "+k)
			break
		}
	}
	if strings.EqualFold(conf["delta.appendOnly"], "true") {
		need("appendOnly", false, "delta.appendOnly is true")
	}
	if strings.EqualFold(conf["delta.enableChangeDataFeed"], "true") {
		need("changeDataFeed", false, "delta.enableChangeDataFeed is true")
	}
	if strings.EqualFold(conf["delta.enableDeletionVectors"], "true") {
		need("deletionVectors", true, "delta.enableDeletionVectors is true")
	}
	if mode := columnMappingMode(st); mode != "none" {
		need("columnMapping", true, "column mapping mode is "+mode)
	}
	if st.schema != nil {
		if st.schema.usesType("timestamp_ntz") {
			need("timestampNtz", true, "the schema has a timestamp_ntz column")
		}
		walkFields(st.schema.Fields, func(f *Field) {
			switch {
			case f.Metadata["CURRENT_DEFAULT"] != nil:
				need("allowColumnDefaults", false, "column "+f.Name+" has a default")
			case f.Metadata["delta.generationExpression"] != nil:
				need("generatedColumns", false, "column "+f.Name+" is generated")
			case f.Metadata["delta.identity.start"] != nil:
				need("identityColumns", false, "column "+f.Name+" is an identity column")
			case f.Metadata["delta.invariants"] != nil:
				need("invariants", false, "column "+f.Name+" has an invariant")
			}
			if mode := columnMappingMode(st); mode != "none" {
				if _, ok := f.Metadata["delta.columnMapping.physicalName"].(string); !ok {
					r.addf("_delta_log", 0, "column %s has no physical name under column mapping mode %s", f.Name, mode)
				}
				if !isInteger(f.Metadata["delta.columnMapping.id"]) {
					r.addf("_delta_log", 0, "column %s has no column mapping id", f.Name)
				}
			}
		})
	}
	for _, a := range st.live {
		if a["deletionVector"] != nil {
			need("deletionVectors", true, "a live file has a deletion vector")
			break
		}
	}
}
