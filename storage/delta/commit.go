package delta

import (
	"context"
	"errors"
	"fmt"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
)

// maxCommitAttempts bounds how many concurrent commits a writer steps over
// before giving up.
const maxCommitAttempts = 1000

// commit publishes actions as the version after readVersion. When another
// writer got there first, the winners are checked for conflicts: an append
// (blind, adding new files only) conflicts only with changes to the
// protocol or metadata, so it moves on to the next version by itself.
// It returns the version written; log maintenance (checkpoints, cleanup)
// follows a successful commit and cannot fail it.
func (t *Table) commit(ctx context.Context, read *Snapshot, actions []Action) (int64, error) {
	readVersion := read.version
	// Files this commit removes: a concurrent commit that removed any of
	// them too (a DELETE/UPDATE/OPTIMIZE of the same data) is a conflict.
	removing := map[string]bool{}
	for _, a := range actions {
		if a.Remove != nil {
			removing[canonicalPath(a.Remove.Path)] = true
		}
	}
	data, err := encodeActions(actions)
	if err != nil {
		return 0, err
	}
	v := readVersion + 1
	for range maxCommitAttempts {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		err := t.store.PutIfAbsent(ctx, commitName(v), data)
		if err == nil {
			t.afterCommit(ctx, configAt(read, actions), v)
			return v, nil
		}
		if !errors.Is(err, objstore.ErrExists) {
			return 0, fmt.Errorf("delta: committing version %d: %w", v, err)
		}
		winner, err := readCommit(ctx, t.store, v)
		if err != nil {
			return 0, err
		}
		for _, a := range winner {
			if a.Remove != nil && removing[canonicalPath(a.Remove.Path)] {
				return 0, sqlerr.New(sqlerr.SerializationFailure,
					"could not serialize access: a concurrent transaction rewrote file %s of table %s (version %d)", a.Remove.Path, t.dir, v)
			}
			if a.MetaData != nil || a.Protocol != nil {
				return 0, sqlerr.New(sqlerr.SerializationFailure,
					"could not serialize access: a concurrent transaction changed the metadata of table %s (version %d)", t.dir, v)
			}
		}
		v++
	}
	return 0, sqlerr.New(sqlerr.SerializationFailure, "could not commit to table %s: too many concurrent commits", t.dir)
}
