package delta

import (
	"context"
	"sort"
	"time"
)

// HistoryEntry is one commit's commitInfo, as DESCRIBE HISTORY shows it.
type HistoryEntry struct {
	Version    int64
	Timestamp  time.Time
	Operation  string
	Parameters map[string]any
	Metrics    map[string]any
	Engine     string
}

// History lists the table's commits, newest first, from the commit files
// still in the log (older ones may have been cleaned up after a
// checkpoint). A commit without commitInfo is listed with its file time.
func (t *Table) History(ctx context.Context) ([]HistoryEntry, error) {
	objs, err := t.store.List(ctx, logDir)
	if err != nil {
		return nil, err
	}
	var out []HistoryEntry
	for _, o := range objs {
		v, ok := parseCommitName(o.Name)
		if !ok {
			continue
		}
		actions, err := readCommit(ctx, t.store, v)
		if err != nil {
			return nil, err
		}
		e := HistoryEntry{Version: v, Timestamp: o.ModTime}
		for _, a := range actions {
			ci := a.CommitInfo
			if ci == nil {
				continue
			}
			if ts, ok := ci["timestamp"].(float64); ok {
				e.Timestamp = time.UnixMilli(int64(ts)).UTC()
			}
			e.Operation, _ = ci["operation"].(string)
			e.Parameters, _ = ci["operationParameters"].(map[string]any)
			e.Metrics, _ = ci["operationMetrics"].(map[string]any)
			e.Engine, _ = ci["engineInfo"].(string)
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	return out, nil
}

// VersionAt is the latest version committed at or before ts (by commit
// timestamps), or -1 when the table did not exist yet.
func (t *Table) VersionAt(ctx context.Context, ts time.Time) (int64, error) {
	h, err := t.History(ctx)
	if err != nil {
		return 0, err
	}
	for _, e := range h {
		if !e.Timestamp.After(ts) {
			return e.Version, nil
		}
	}
	return -1, nil
}
