package delta

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lodedb/lode/storage/objstore"
)

const logDir = "_delta_log/"

// commitName is the log file of a version: 20 zero-padded digits.
func commitName(v int64) string { return fmt.Sprintf("%s%020d.json", logDir, v) }

// parseCommitName returns the version of a commit file name, ok=false for
// anything else (checkpoints, _last_checkpoint, temp files of crashed
// writers, .crc files).
func parseCommitName(name string) (int64, bool) {
	base := strings.TrimPrefix(name, logDir)
	if len(base) != 25 || !strings.HasSuffix(base, ".json") {
		return 0, false
	}
	v, err := strconv.ParseInt(base[:20], 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}

// logSegment is what a snapshot is replayed from: the commit versions to
// apply in order. A checkpoint (a later issue) will add the state to start
// from; commits then begin after it.
type logSegment struct {
	version int64
	commits []int64
}

// listLog finds the commits that make up version upTo (-1 = latest).
func listLog(ctx context.Context, store objstore.Store, upTo int64) (logSegment, error) {
	objs, err := store.List(ctx, logDir)
	if err != nil {
		return logSegment{}, err
	}
	var versions []int64
	checkpoint := false
	for _, o := range objs {
		if v, ok := parseCommitName(o.Name); ok {
			if upTo < 0 || v <= upTo {
				versions = append(versions, v)
			}
		} else if strings.Contains(o.Name, ".checkpoint.") {
			checkpoint = true
		}
	}
	if len(versions) == 0 {
		if upTo >= 0 {
			return logSegment{}, fmt.Errorf("delta: version %d does not exist", upTo)
		}
		return logSegment{}, ErrNotATable
	}
	// List returns names sorted; 20-digit names sort numerically.
	if versions[0] != 0 {
		if checkpoint {
			return logSegment{}, fmt.Errorf("delta: the log starts at version %d after a checkpoint; reading checkpoints is not supported yet", versions[0])
		}
		return logSegment{}, fmt.Errorf("delta: the log starts at version %d, not 0", versions[0])
	}
	for i, v := range versions {
		if v != int64(i) {
			return logSegment{}, fmt.Errorf("delta: version %d is missing from the log", i)
		}
	}
	last := versions[len(versions)-1]
	if upTo >= 0 && last != upTo {
		return logSegment{}, fmt.Errorf("delta: version %d does not exist (latest is %d)", upTo, last)
	}
	return logSegment{version: last, commits: versions}, nil
}

// readCommit parses one commit file.
func readCommit(ctx context.Context, store objstore.Store, v int64) ([]Action, error) {
	data, err := store.Get(ctx, commitName(v))
	if err != nil {
		return nil, fmt.Errorf("delta: reading version %d: %w", v, err)
	}
	var actions []Action
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<30)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var a Action
		if err := json.Unmarshal(line, &a); err != nil {
			return nil, fmt.Errorf("delta: version %d: bad action: %w", v, err)
		}
		actions = append(actions, a)
	}
	return actions, sc.Err()
}
