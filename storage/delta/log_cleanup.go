package delta

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lodedb/lode/storage/objstore"
)

// crcOrCompactedRE matches the other per-version log files cleanup
// removes with the commits: N.crc checksums and X.Y.compacted.json log
// compactions (by their end version Y).
var crcOrCompactedRE = regexp.MustCompile(`^(?:(\d{20})\.crc|\d{20}\.(\d{20})\.compacted\.json)$`)

// CleanupExpiredLogs deletes the log files no version within
// delta.logRetentionDuration (default 30 days) needs, following the
// protocol's metadata cleanup: find the newest complete checkpoint whose
// commit is older than now minus the retention, and delete the commits,
// checkpoints, checksums and compactions of versions strictly below it.
// Every version from that checkpoint on stays reconstructible (the
// checkpoint plus the commits after it), so time travel to any version
// committed within the retention keeps working. Files go oldest first, so
// a crash part way leaves a log without gaps. Temporary files crashed
// writers left behind go once they are as old as the retention. It returns
// the number of files deleted; delta.enableExpiredLogCleanup = false turns
// it off.
func (t *Table) CleanupExpiredLogs(ctx context.Context, conf map[string]string, now time.Time) (int, error) {
	if strings.EqualFold(strings.TrimSpace(conf[PropEnableExpiredLogCleanup]), "false") {
		return 0, nil
	}
	cutoff := now.Add(-retentionProperty(conf, PropLogRetentionDuration, defaultLogRetentionDuration))
	objs, err := t.store.List(ctx, logDir)
	if err != nil {
		return 0, err
	}
	type logFile struct {
		name    string
		version int64
	}
	var files []logFile
	commitTime := map[int64]time.Time{}
	parts := map[string]int{} // checkpoint key → parts listed
	cpTime := map[string]time.Time{}
	cpVersion := map[string]int64{}
	cpParts := map[string]int{}
	for _, o := range objs {
		base := strings.TrimPrefix(o.Name, logDir)
		if v, ok := parseCommitName(o.Name); ok {
			commitTime[v] = o.ModTime
			files = append(files, logFile{o.Name, v})
			continue
		}
		if p, ok := parseCheckpointName(base); ok {
			key := fmt.Sprintf("%020d/%d/%s/%d", p.version, p.kind, p.id, p.parts)
			parts[key]++
			cpVersion[key], cpParts[key] = p.version, max(p.parts, 1)
			if o.ModTime.After(cpTime[key]) {
				cpTime[key] = o.ModTime
			}
			files = append(files, logFile{o.Name, p.version})
			continue
		}
		if strings.HasPrefix(base, objstore.TempPrefix) && !o.ModTime.After(cutoff) {
			// A commit or checkpoint a crashed writer staged and never
			// published; a live one exists for milliseconds, not days.
			files = append(files, logFile{o.Name, -1})
			continue
		}
		if m := crcOrCompactedRE.FindStringSubmatch(base); m != nil {
			v, err := strconv.ParseInt(m[1]+m[2], 10, 64)
			if err == nil {
				files = append(files, logFile{o.Name, v})
			}
		}
	}
	// The cleanup boundary: the newest complete checkpoint committed at or
	// before the cutoff (by its commit file's time, or its own when the
	// commit is gone).
	boundary := int64(-1)
	for key, v := range cpVersion {
		if parts[key] != cpParts[key] || v <= boundary {
			continue
		}
		ts, ok := commitTime[v]
		if !ok {
			ts = cpTime[key]
		}
		if !ts.After(cutoff) {
			boundary = v
		}
	}
	if boundary <= 0 {
		return 0, nil
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].version != files[j].version {
			return files[i].version < files[j].version
		}
		return files[i].name < files[j].name
	})
	deleted := 0
	for _, f := range files {
		if f.version >= boundary {
			break
		}
		if err := ctx.Err(); err != nil {
			return deleted, err
		}
		if err := t.store.Delete(ctx, f.name); err != nil {
			return deleted, fmt.Errorf("delta: deleting expired log file %s: %w", f.name, err)
		}
		deleted++
	}
	return deleted, nil
}
