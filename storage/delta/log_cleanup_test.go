package delta

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// ageLog sets the modification time of every log file of versions below
// upTo to when, as if they had been written then.
func ageLog(t *testing.T, dir string, upTo int64, when time.Time) {
	t.Helper()
	for _, n := range logNames(t, dir) {
		v, ok := parseCommitName(logDir + n)
		if p, isCP := parseCheckpointName(n); isCP {
			v, ok = p.version, true
		}
		if ok && v < upTo {
			if err := os.Chtimes(filepath.Join(dir, "_delta_log", n), when, when); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestExpiredLogCleanup: after the checkpoint at 20, with commits 0..14
// older than the 1-day retention and 15.. recent, only the files below
// checkpoint 10 (the newest checkpoint old enough) go; every version from
// 10 on still reads, including by time travel, and versions below 10
// report that they are gone.
func TestExpiredLogCleanup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Configuration: map[string]string{
		PropLogRetentionDuration: "interval 1 day"}})
	if err != nil {
		t.Fatal(err)
	}
	rowsAt := map[int64]int{}
	for i := 1; i <= 19; i++ {
		commitRows(t, tbl, i*10, 3)
		rowsAt[int64(i)] = 3 * i
	}
	old := time.Now().Add(-48 * time.Hour)
	ageLog(t, dir, 15, old)
	// Version 20 writes a checkpoint and runs the cleanup.
	commitRows(t, tbl, 200, 3)
	rowsAt[20] = 60
	names := logNames(t, dir)
	for _, n := range names {
		if v, ok := parseCommitName(logDir + n); ok && v < 10 {
			t.Errorf("expired commit %s was kept", n)
		}
	}
	for _, want := range []string{"00000000000000000010.json", "00000000000000000010.checkpoint.parquet",
		"00000000000000000014.json", "00000000000000000020.checkpoint.parquet", "_last_checkpoint"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s was deleted; log is %v", want, names)
		}
	}
	for v := int64(10); v <= 20; v++ {
		snap, err := tbl.SnapshotAt(ctx, v)
		if err != nil {
			t.Fatalf("version %d after cleanup: %v", v, err)
		}
		if got := len(readTable(t, snap, dir)); got != rowsAt[v] {
			t.Errorf("version %d has %d rows, want %d", v, got, rowsAt[v])
		}
	}
	if _, err := tbl.SnapshotAt(ctx, 9); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("version 9 after cleanup: %v", err)
	}
	h, err := tbl.History(ctx)
	if err != nil || len(h) != 11 || h[len(h)-1].Version != 10 {
		t.Errorf("history after cleanup: %d entries, %v", len(h), err)
	}
}

// TestLogCleanupKeepsRetainedVersions: nothing goes while no checkpoint is
// older than the retention, and enableExpiredLogCleanup=false turns the
// cleanup off even when everything has expired.
func TestLogCleanupKeepsRetainedVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Configuration: map[string]string{PropCheckpointInterval: "5"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 12; i++ {
		commitRows(t, tbl, i*10, 2)
	}
	before := logNames(t, dir)
	conf := map[string]string{}
	n, err := tbl.CleanupExpiredLogs(ctx, conf, time.Now())
	if err != nil || n != 0 || !slices.Equal(logNames(t, dir), before) {
		t.Fatalf("fresh log: deleted %d, %v", n, err)
	}
	// 29 days later (default retention 30 days) nothing has expired yet.
	if n, _ := tbl.CleanupExpiredLogs(ctx, conf, time.Now().Add(29*24*time.Hour)); n != 0 {
		t.Errorf("deleted %d files within the default retention", n)
	}
	// A temp file a crashed writer left, written long ago.
	stale := filepath.Join(dir, "_delta_log", ".tmp-123456")
	os.WriteFile(stale, []byte("{}"), 0o644)
	os.Chtimes(stale, time.Now().Add(-31*24*time.Hour), time.Now().Add(-31*24*time.Hour))
	later := time.Now().Add(31 * 24 * time.Hour)
	if n, _ := tbl.CleanupExpiredLogs(ctx, map[string]string{PropEnableExpiredLogCleanup: "false"}, later); n != 0 {
		t.Errorf("deleted %d files with cleanup disabled", n)
	}
	// 31 days later the checkpoint at 10 is the boundary: 0..9, the
	// checkpoint at 5 and the stale temp file go.
	n, err = tbl.CleanupExpiredLogs(ctx, conf, later)
	if err != nil || n != 12 {
		t.Errorf("deleted %d files, want 12 (%v); log %v", n, err, logNames(t, dir))
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("the stale temp file was kept")
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil || snap.Version() != 12 || len(readTable(t, snap, dir)) != 24 {
		t.Errorf("latest after cleanup: %v, %v", snap, err)
	}
}

func TestParseDeltaInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"interval 30 days": 30 * 24 * time.Hour, "1 day": 24 * time.Hour, "INTERVAL 2 weeks": 14 * 24 * time.Hour,
		"interval 1 hour 30 minutes": 90 * time.Minute, "interval 500 milliseconds": 500 * time.Millisecond,
	} {
		if got, err := ParseDeltaInterval(in); err != nil || got != want {
			t.Errorf("%q = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "interval", "30", "interval x days", "interval 3 fortnights"} {
		if _, err := ParseDeltaInterval(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if checkpointInterval(map[string]string{PropCheckpointInterval: "0"}) != 10 || checkpointInterval(map[string]string{PropCheckpointInterval: "7"}) != 7 {
		t.Errorf("checkpointInterval mishandles its property")
	}
}
