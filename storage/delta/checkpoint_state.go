package delta

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Txn is the txn (set transaction) action: an application's last
// committed transaction version, kept so streaming writers stay
// idempotent across checkpoints.
type Txn struct {
	AppID       string `json:"appId"`
	Version     int64  `json:"version"`
	LastUpdated *int64 `json:"lastUpdated,omitempty"`
}

// DomainMetadata is the domainMetadata action: configuration of a named
// metadata domain; Removed marks a tombstone.
type DomainMetadata struct {
	Domain        string `json:"domain"`
	Configuration string `json:"configuration"`
	Removed       bool   `json:"removed"`
}

// checkpointState is everything a checkpoint of one version must hold,
// reconciled as the protocol says: the latest protocol and metaData, the
// live add actions (as written, stats and deletion vectors included), the
// remove tombstones, the latest txn per application and the latest
// domainMetadata per domain.
type checkpointState struct {
	version  int64
	protocol *Protocol
	metadata *Metadata
	adds     map[string]*AddFile
	addOrder []string
	removes  map[string]*RemoveFile
	txns     map[string]*Txn
	domains  map[string]*DomainMetadata
}

// loadCheckpointState replays the log up to version, starting from the
// newest readable checkpoint below it (its tombstones included, unlike a
// Snapshot, which drops them).
func (t *Table) loadCheckpointState(ctx context.Context, version int64) (*checkpointState, error) {
	st := &checkpointState{version: version, adds: map[string]*AddFile{}, removes: map[string]*RemoveFile{},
		txns: map[string]*Txn{}, domains: map[string]*DomainMetadata{}}
	if _, err := t.walkLog(ctx, version, st.apply, st.apply); err != nil {
		return nil, err
	}
	switch {
	case st.protocol == nil:
		return nil, errState(version, "the log has no protocol action")
	case st.metadata == nil:
		return nil, errState(version, "the log has no metaData action")
	}
	return st, nil
}

// apply reconciles actions in log order.
func (st *checkpointState) apply(actions []Action) error {
	for i := range actions {
		a := &actions[i]
		switch {
		case a.Protocol != nil:
			st.protocol = a.Protocol
		case a.MetaData != nil:
			st.metadata = a.MetaData
		case a.Txn != nil:
			st.txns[a.Txn.AppID] = a.Txn
		case a.DomainMetadata != nil:
			st.domains[a.DomainMetadata.Domain] = a.DomainMetadata
		case a.Add != nil:
			k, err := fileKey(a.Add.Path, a.Add.DeletionVector)
			if err != nil {
				return fmt.Errorf("add %s: %w", a.Add.Path, err)
			}
			if _, ok := st.adds[k]; !ok {
				st.addOrder = append(st.addOrder, k)
			}
			st.adds[k] = a.Add
			delete(st.removes, k)
		case a.Remove != nil:
			k, err := fileKey(a.Remove.Path, a.Remove.DeletionVector)
			if err != nil {
				return fmt.Errorf("remove %s: %w", a.Remove.Path, err)
			}
			delete(st.adds, k)
			st.removes[k] = a.Remove
		}
	}
	return nil
}

// liveAdds are the live files in first-added order.
func (st *checkpointState) liveAdds() []*AddFile {
	out := make([]*AddFile, 0, len(st.adds))
	seen := make(map[string]bool, len(st.adds))
	for _, k := range st.addOrder {
		if a, ok := st.adds[k]; ok && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// liveTombstones are the removes VACUUM may still need: deleted less than
// delta.deletedFileRetentionDuration before now. A remove without a
// deletionTimestamp counts as deleted at the epoch, so it has expired.
func (st *checkpointState) liveTombstones(now time.Time) []*RemoveFile {
	keep := retentionProperty(st.metadata.Configuration, PropDeletedFileRetention, defaultDeletedFileRetention)
	cutoff := now.Add(-keep).UnixMilli()
	var out []*RemoveFile
	for _, r := range st.removes {
		if r.DeletionTimestamp != nil && *r.DeletionTimestamp > cutoff {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
