package delta

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
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

// logSegment is what a snapshot is replayed from: an optional checkpoint
// (the state at its version) and the commit versions to apply after it,
// in order.
type logSegment struct {
	version    int64
	checkpoint *checkpointRef // nil: replay from version 0
	commits    []int64
	// candidates are the checkpoints to start from, newest first; the
	// next one is tried when one cannot be read (see next).
	candidates []*checkpointRef
	all        []int64 // every commit version listed
	upTo       int64
}

// listLog finds the checkpoint and commits that make up version upTo
// (-1 = latest). The newest complete checkpoint at or below upTo is used;
// _last_checkpoint is only a hint (see readLastCheckpoint), since the
// listing already names every checkpoint.
func listLog(ctx context.Context, store objstore.Store, upTo int64) (logSegment, error) {
	objs, err := store.List(ctx, logDir)
	if err != nil {
		return logSegment{}, err
	}
	var versions []int64
	cps := map[string]*checkpointRef{} // by version + kind + id
	for _, o := range objs {
		if v, ok := parseCommitName(o.Name); ok {
			if upTo < 0 || v <= upTo {
				versions = append(versions, v)
			}
			continue
		}
		p, ok := parseCheckpointName(strings.TrimPrefix(o.Name, logDir))
		if !ok || (upTo >= 0 && p.version > upTo) {
			continue
		}
		key := fmt.Sprintf("%020d/%d/%s/%d", p.version, p.kind, p.id, p.parts)
		c := cps[key]
		if c == nil {
			c = &checkpointRef{version: p.version, kind: p.kind, parts: p.parts, files: make([]string, max(p.parts, 1))}
			cps[key] = c
		}
		c.files[max(p.part, 1)-1] = o.Name
	}
	versions = fillListingGaps(ctx, store, versions)
	var complete []*checkpointRef
	for _, c := range cps {
		if c.complete() {
			complete = append(complete, c)
		}
	}
	// Newest first; at one version prefer v2, then classic, then multi-part.
	sort.Slice(complete, func(i, j int) bool {
		if complete[i].version != complete[j].version {
			return complete[i].version > complete[j].version
		}
		return complete[i].kind < complete[j].kind
	})
	// _last_checkpoint can name a checkpoint a lagging listing does not
	// show yet (object stores): try it first, falling back to the listing.
	if hint, ok := readLastCheckpoint(ctx, store); ok && (upTo < 0 || hint.version <= upTo) &&
		(len(complete) == 0 || hint.version > complete[0].version) {
		complete = append([]*checkpointRef{hint}, complete...)
	}
	if len(versions) == 0 && len(complete) == 0 {
		if upTo >= 0 {
			return logSegment{}, fmt.Errorf("delta: version %d does not exist", upTo)
		}
		return logSegment{}, ErrNotATable
	}
	seg := logSegment{all: versions, candidates: complete, upTo: upTo}
	if err := seg.next(); err != nil {
		return logSegment{}, err
	}
	return seg, nil
}

// next moves to the next candidate checkpoint (or, after the last, to a
// replay from version 0) that the listed commits can complete.
func (seg *logSegment) next() error {
	var firstErr error
	for len(seg.candidates) > 0 {
		seg.checkpoint, seg.candidates = seg.candidates[0], seg.candidates[1:]
		err := seg.pickCommits(seg.upTo)
		if err == nil {
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	seg.checkpoint = nil
	if err := seg.pickCommits(seg.upTo); err != nil {
		if firstErr != nil {
			return firstErr
		}
		return err
	}
	return nil
}

// hasFallback reports whether next has anything left to try.
func (seg *logSegment) hasFallback() bool {
	return len(seg.candidates) > 0 || (seg.checkpoint != nil && len(seg.all) > 0 && seg.all[0] == 0)
}

// pickCommits fills commits and version for the current checkpoint.
func (seg *logSegment) pickCommits(upTo int64) error {
	start := int64(0)
	if seg.checkpoint != nil {
		start = seg.checkpoint.version + 1
	}
	seg.commits = seg.commits[:0]
	for _, v := range seg.all {
		if v >= start {
			seg.commits = append(seg.commits, v)
		}
	}
	// List returns names sorted; 20-digit names sort numerically.
	for i, v := range seg.commits {
		if v != start+int64(i) {
			if i == 0 && seg.checkpoint == nil {
				return fmt.Errorf("delta: the log starts at version %d, not 0, and has no checkpoint to start from", v)
			}
			return fmt.Errorf("delta: version %d is missing from the log", start+int64(i))
		}
	}
	seg.version = start - 1
	if n := len(seg.commits); n > 0 {
		seg.version = seg.commits[n-1]
	}
	if upTo >= 0 && seg.version != upTo {
		return fmt.Errorf("delta: version %d does not exist (latest is %d)", upTo, seg.version)
	}
	return nil
}

// readLastCheckpoint turns _last_checkpoint into the checkpoint it names;
// a missing or corrupt file is no error (the listing is authoritative).
func readLastCheckpoint(ctx context.Context, store objstore.Store) (*checkpointRef, bool) {
	data, err := store.Get(ctx, logDir+"_last_checkpoint")
	if err != nil {
		return nil, false
	}
	var lc struct {
		Version      *int64 `json:"version"`
		Parts        int    `json:"parts"`
		V2Checkpoint *struct {
			Path string `json:"path"`
		} `json:"v2Checkpoint"`
	}
	if json.Unmarshal(bytes.TrimSpace(data), &lc) != nil || lc.Version == nil || *lc.Version < 0 || lc.Parts < 0 {
		return nil, false
	}
	v := *lc.Version
	c := &checkpointRef{version: v, kind: checkpointClassic, files: []string{fmt.Sprintf("%s%020d.checkpoint.parquet", logDir, v)}}
	switch {
	case lc.V2Checkpoint != nil && lc.V2Checkpoint.Path != "" && !strings.Contains(lc.V2Checkpoint.Path, "/"):
		c.kind, c.files = checkpointV2, []string{logDir + lc.V2Checkpoint.Path}
	case lc.Parts > 0:
		c.kind, c.parts, c.files = checkpointMulti, lc.Parts, nil
		for i := 1; i <= lc.Parts; i++ {
			c.files = append(c.files, fmt.Sprintf("%s%020d.checkpoint.%010d.%010d.parquet", logDir, v, i, lc.Parts))
		}
	}
	return c, true
}

var checkpointRE = regexp.MustCompile(`^(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10})|\.([0-9a-fA-F-]{36}))?\.(parquet|json)$`)

type checkpointName struct {
	version     int64
	kind        checkpointKind
	part, parts int
	id          string
}

// parseCheckpointName recognizes the three checkpoint file names:
// N.checkpoint.parquet, N.checkpoint.PART.PARTS.parquet and
// N.checkpoint.UUID.(json|parquet).
func parseCheckpointName(base string) (checkpointName, bool) {
	m := checkpointRE.FindStringSubmatch(base)
	if m == nil {
		return checkpointName{}, false
	}
	v, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return checkpointName{}, false
	}
	c := checkpointName{version: v}
	switch {
	case m[2] != "":
		if m[5] != "parquet" {
			return checkpointName{}, false
		}
		c.kind = checkpointMulti
		c.part, _ = strconv.Atoi(m[2])
		c.parts, _ = strconv.Atoi(m[3])
		if c.part < 1 || c.part > c.parts {
			return checkpointName{}, false
		}
	case m[4] != "":
		c.kind, c.id = checkpointV2, m[4]
	default:
		if m[5] != "parquet" {
			return checkpointName{}, false
		}
		c.kind = checkpointClassic
	}
	return c, true
}

// readCommit parses one commit file.
func readCommit(ctx context.Context, store objstore.Store, v int64) ([]Action, error) {
	data, err := store.Get(ctx, commitName(v))
	if err != nil {
		return nil, fmt.Errorf("delta: reading version %d: %w", v, err)
	}
	actions, err := parseActions(data)
	if err != nil {
		return nil, fmt.Errorf("delta: version %d: %w", v, err)
	}
	return actions, nil
}

// parseActions parses newline-delimited JSON actions.
func parseActions(data []byte) ([]Action, error) {
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
			return nil, fmt.Errorf("bad action: %w", err)
		}
		actions = append(actions, a)
	}
	return actions, sc.Err()
}

// fillListingGaps adds commit versions a directory listing skipped. Commits
// are created in version order (a writer only tries version v+1 after v
// exists), so a gap below the newest listed version is an artifact of
// listing while other writers commit (readdir may miss names created
// during the scan); each gap is checked by reading the file by name. A
// version that truly does not exist stays missing, and replay reports it.
func fillListingGaps(ctx context.Context, store objstore.Store, versions []int64) []int64 {
	if len(versions) < 2 {
		return versions
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	out := make([]int64, 0, len(versions))
	for i, v := range versions {
		if i > 0 {
			for g := versions[i-1] + 1; g < v; g++ {
				if _, err := store.Get(ctx, commitName(g)); err == nil {
					out = append(out, g)
				}
			}
		}
		out = append(out, v)
	}
	return out
}
