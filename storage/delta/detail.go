package delta

import (
	"context"
	"slices"
	"time"
)

// CommitTime is when version was committed: its commitInfo timestamp, or
// the commit file's modification time when it has none.
func (t *Table) CommitTime(ctx context.Context, version int64) (time.Time, error) {
	actions, err := readCommit(ctx, t.store, version)
	if err != nil {
		return time.Time{}, err
	}
	for _, a := range actions {
		if ts, ok := a.CommitInfo["timestamp"].(float64); ok {
			return time.UnixMilli(int64(ts)).UTC(), nil
		}
	}
	objs, err := t.store.List(ctx, commitName(version))
	if err != nil || len(objs) == 0 {
		return time.Time{}, err
	}
	return objs[0].ModTime.UTC(), nil
}

// legacyFeatures are the table features each legacy protocol version
// implies (PROTOCOL.md "Table Features"): writer versions 2-6 and reader
// version 2.
var legacyFeatures = map[int][]string{
	2: {"appendOnly", "invariants"},
	3: {"appendOnly", "invariants", "checkConstraints"},
	4: {"appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns"},
	5: {"appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns", "columnMapping"},
	6: {"appendOnly", "invariants", "checkConstraints", "changeDataFeed", "generatedColumns", "columnMapping", "identityColumns"},
}

// TableFeatures are the features the protocol enables: the listed reader
// and writer features from reader 3 / writer 7, else those the legacy
// versions imply. Sorted, without duplicates.
func (p Protocol) TableFeatures() []string {
	var out []string
	if p.MinWriterVersion == 7 {
		out = append(out, p.WriterFeatures...)
	} else {
		out = append(out, legacyFeatures[p.MinWriterVersion]...)
	}
	if p.MinReaderVersion == 3 {
		out = append(out, p.ReaderFeatures...)
	} else if p.MinReaderVersion == 2 {
		out = append(out, "columnMapping")
	}
	slices.Sort(out)
	return slices.Compact(out)
}
