package delta

import (
	"context"
	"fmt"
	"testing"
)

// syntheticLog writes a table of commits versions after version 0, each
// adding filesPer files (log only: snapshot loading and checkpointing
// never open data files), with stats like an INSERT writes.
func syntheticLog(b *testing.B, commits, filesPer int) *Table {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	// An interval beyond the log, so the setup itself writes no checkpoint.
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Configuration: map[string]string{PropCheckpointInterval: "1000000"}})
	if err != nil {
		b.Fatal(err)
	}
	for v := 1; v <= commits; v++ {
		actions := []Action{{CommitInfo: map[string]any{"operation": "WRITE", "timestamp": v}}}
		for f := range filesPer {
			actions = append(actions, Action{Add: &AddFile{
				Path:            fmt.Sprintf("part-%05d-%08d-c000.snappy.parquet", f, v),
				PartitionValues: map[string]*string{}, Size: 4096, ModificationTime: int64(v), DataChange: true,
				Stats: fmt.Sprintf(`{"numRecords":100,"minValues":{"id":%d,"name":"n%d"},"maxValues":{"id":%d,"name":"n%d"},"nullCount":{"id":0,"name":3}}`,
					v*1000, v, v*1000+99, v+99),
			}})
		}
		data, err := encodeActions(actions)
		if err != nil {
			b.Fatal(err)
		}
		if err := tbl.store.PutIfAbsent(ctx, commitName(int64(v)), data); err != nil {
			b.Fatal(err)
		}
	}
	return tbl
}

// BenchmarkWriteCheckpoint checkpoints a table of files live files added
// by 100 commits (replayed from the JSON log, then written in one pass).
func BenchmarkWriteCheckpoint(b *testing.B) {
	const commits = 100
	for _, files := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			tbl := syntheticLog(b, commits, files/commits)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				if err := tbl.store.Delete(ctx, classicCheckpointName(commits)); err != nil {
					b.Fatal(err)
				}
				if err := tbl.WriteCheckpoint(ctx, commits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSnapshotLoad loads the latest snapshot of a 1,000-commit table
// by replaying every commit, and from a checkpoint at version 1,000.
func BenchmarkSnapshotLoad(b *testing.B) {
	const commits = 1000
	for _, withCheckpoint := range []bool{false, true} {
		b.Run(fmt.Sprintf("checkpoint=%v", withCheckpoint), func(b *testing.B) {
			tbl := syntheticLog(b, commits, 1)
			ctx := context.Background()
			if withCheckpoint {
				if err := tbl.WriteCheckpoint(ctx, commits); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				snap, err := tbl.Snapshot(ctx)
				if err != nil || len(snap.Files()) != commits {
					b.Fatalf("%v, %v", snap, err)
				}
			}
		})
	}
}
