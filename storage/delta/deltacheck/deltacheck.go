// Package deltacheck validates a Delta table's files against the Delta
// transaction protocol (PROTOCOL.md), independently of the code that wrote
// them: every commit line is parsed as generic JSON and checked for the
// action names, fields and types the protocol requires; the log is
// replayed by hand; stats are recomputed from the data files with arrow-go's
// Parquet reader; the protocol versions and features are checked against
// what the table uses; checkpoints and _last_checkpoint are checked for
// the checkpoint schema. Tests point it at tables Lode wrote.
package deltacheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Violation is one way a table breaks the protocol.
type Violation struct {
	File string // log or data file, relative to the table root
	Line int    // 1-based line of a commit file; 0 when not about a line
	Msg  string
}

func (v Violation) String() string {
	if v.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", v.File, v.Line, v.Msg)
	}
	return fmt.Sprintf("%s: %s", v.File, v.Msg)
}

// Report is the outcome of Validate.
type Report struct {
	Violations []Violation
	// Version is the latest version; Live the files live at it (the
	// replay's add actions, as written).
	Version int64
	Live    []map[string]any
	// Schema is the latest schemaString, parsed.
	Schema *Schema
	// PartitionColumns and Configuration are from the latest metaData.
	PartitionColumns []string
	Configuration    map[string]string
	// Checkpoints are the checkpoint versions checked.
	Checkpoints []int64
	dir         string
}

func (r *Report) addf(file string, line int, format string, args ...any) {
	r.Violations = append(r.Violations, Violation{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// Err is nil when there are no violations, else one error listing them.
func (r *Report) Err() error {
	if len(r.Violations) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d protocol violations in %s:", len(r.Violations), r.dir)
	for _, v := range r.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return fmt.Errorf("%s", b.String())
}

var commitRE = regexp.MustCompile(`^(\d{20})\.json$`)

// state is the hand replay of the log.
type state struct {
	protocol map[string]any
	metadata map[string]any
	schema   *Schema
	live     map[string]map[string]any // by path + DV id
	order    []string
	everAdd  map[string]bool // paths ever added (to catch removes of unknown files)
	// added is the last add of every file ever added, in order: files no
	// longer live are still checked against their stats while they exist.
	added      map[string]map[string]any
	addedOrder []string
	// dropped are physical names of columns an earlier schema had: files
	// written before a DROP COLUMN keep their stats for them.
	dropped map[string]bool
}

// Validate checks the table in dir and returns every violation found; the
// error is for tables it cannot read at all.
func Validate(dir string) (*Report, error) {
	r := &Report{dir: dir, Version: -1}
	logPath := filepath.Join(dir, "_delta_log")
	ents, err := os.ReadDir(logPath)
	if err != nil {
		return nil, err
	}
	var versions []int64
	for _, e := range ents {
		if m := commitRE.FindStringSubmatch(e.Name()); m != nil {
			v, _ := strconv.ParseInt(m[1], 10, 64)
			versions = append(versions, v)
		}
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	if len(versions) == 0 {
		return nil, fmt.Errorf("deltacheck: %s has no commit files", dir)
	}
	st := &state{live: map[string]map[string]any{}, everAdd: map[string]bool{}, added: map[string]map[string]any{}}
	first := versions[0]
	if first != 0 {
		// The log was cleaned up: start from the checkpoint at first
		// (the oldest retained version must have one).
		if err := loadCheckpointState(r, dir, first, st); err != nil {
			r.addf("_delta_log", 0, "the log starts at version %d and its checkpoint is unusable: %v", first, err)
			return r, nil
		}
		versions = versions[1:]
	}
	for i, v := range versions {
		if want := first + int64(i) + boolInt(first != 0); v != want {
			r.addf("_delta_log", 0, "version %d is missing (next is %d)", want, v)
			break
		}
		validateCommit(r, dir, v, st)
		if isCheckpointed(dir, v) {
			validateCheckpoint(r, dir, v, st)
		}
	}
	r.Version = versions[len(versions)-1]
	if first != 0 && len(versions) == 0 {
		r.Version = first
	}
	listed := map[string]bool{}
	for _, k := range st.order {
		if a, ok := st.live[k]; ok && !listed[k] {
			listed[k] = true
			r.Live = append(r.Live, a)
		}
	}
	r.Schema = st.schema
	if st.metadata != nil {
		r.PartitionColumns = stringList(st.metadata["partitionColumns"])
		r.Configuration = stringMap(st.metadata["configuration"])
	}
	checkFeatures(r, st)
	validateLastCheckpoint(r, dir)
	for _, k := range st.addedOrder {
		_, live := st.live[k]
		checkDataFile(r, dir, st.added[k], st, live)
	}
	return r, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func isCheckpointed(dir string, v int64) bool {
	_, err := os.Stat(filepath.Join(dir, "_delta_log", fmt.Sprintf("%020d.checkpoint.parquet", v)))
	return err == nil
}

// validateCommit checks one commit file line by line and applies it.
func validateCommit(r *Report, dir string, v int64, st *state) {
	name := fmt.Sprintf("_delta_log/%020d.json", v)
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		r.addf(name, 0, "unreadable: %v", err)
		return
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		r.addf(name, 0, "the last action is not terminated by a newline")
	}
	counts := map[string]int{}
	// dataChange=false promises the added records are the removed ones
	// rearranged (PROTOCOL.md, add action): their record counts must match.
	var rearranged, removedRecords int64
	anyRearranged, allCounted := false, true
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<30)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		if len(bytes.TrimSpace(raw)) == 0 {
			r.addf(name, line, "empty line")
			continue
		}
		obj, err := decodeObject(raw)
		if err != nil {
			r.addf(name, line, "not a JSON object: %v", err)
			continue
		}
		if len(obj) != 1 {
			r.addf(name, line, "a line must hold exactly one action, found %d keys", len(obj))
			continue
		}
		for kind, body := range obj {
			act, ok := body.(map[string]any)
			if !ok {
				r.addf(name, line, "%s is not an object", kind)
				continue
			}
			counts[kind]++
			if (kind == "add" || kind == "remove") && act["dataChange"] == true {
				counts["dataChange"+kind]++
			}
			if kind == "commitInfo" && act["operation"] == "OPTIMIZE" {
				counts["optimize"]++
			}
			loc := func(format string, args ...any) { r.addf(name, line, kind+": "+format, args...) }
			switch kind {
			case "commitInfo":
				checkCommitInfo(loc, act)
			case "protocol":
				checkProtocol(loc, act)
				st.protocol = act
			case "metaData":
				if sch := checkMetadata(loc, act); sch != nil {
					st.noteDropped(sch, act)
					st.schema = sch
				}
				st.metadata = act
			case "add":
				checkAdd(loc, act, st)
				if act["dataChange"] == false {
					anyRearranged = true
					n, ok := statsRecords(act)
					rearranged += n
					allCounted = allCounted && ok
				}
				st.applyAdd(act)
			case "remove":
				checkRemove(loc, act)
				if !st.everAdd[fileKey(act)] {
					loc("removes %v, which no earlier action added", act["path"])
				}
				if prev, ok := st.live[fileKey(act)]; ok {
					n, counted := statsRecords(prev)
					removedRecords += n
					allCounted = allCounted && counted
				}
				st.applyRemove(act)
			case "txn":
				requireField(loc, act, "appId", isString)
				requireField(loc, act, "version", isInteger)
				optionalField(loc, act, "lastUpdated", isInteger)
			case "domainMetadata":
				requireField(loc, act, "domain", isString)
				requireField(loc, act, "configuration", isString)
				requireField(loc, act, "removed", isBool)
			case "cdc":
				requireField(loc, act, "path", isString)
				requireField(loc, act, "partitionValues", isStringMap)
				requireField(loc, act, "size", isInteger)
				requireField(loc, act, "dataChange", isBool)
			default:
				r.addf(name, line, "unknown action %q", kind)
			}
		}
	}
	if err := sc.Err(); err != nil {
		r.addf(name, 0, "reading: %v", err)
	}
	for _, kind := range []string{"metaData", "protocol", "commitInfo"} {
		if counts[kind] > 1 {
			r.addf(name, 0, "%d %s actions; at most one is allowed", counts[kind], kind)
		}
	}
	if anyRearranged && allCounted && counts["add"] > 0 && rearranged != removedRecords && counts["dataChangeadd"] == 0 {
		r.addf(name, 0, "adds with dataChange=false hold %d records, the files removed held %d", rearranged, removedRecords)
	}
	// Not the protocol's letter but Delta's contract with streaming
	// readers: a compaction changes no data, so its actions say so.
	if counts["optimize"] > 0 && counts["dataChangeadd"]+counts["dataChangeremove"] > 0 {
		r.addf(name, 0, "OPTIMIZE writes %d add/remove actions with dataChange=true; a rearrangement must say dataChange=false",
			counts["dataChangeadd"]+counts["dataChangeremove"])
	}
	if v == 0 && (counts["metaData"] != 1 || counts["protocol"] != 1) {
		r.addf(name, 0, "version 0 must have a protocol and a metaData action")
	}
}

// decodeObject parses a JSON object keeping numbers as json.Number, so
// integers and fractions can be told apart.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the object")
	}
	return obj, nil
}

// fileKey identifies a logical file: its decoded path plus its deletion
// vector's unique id.
func fileKey(a map[string]any) string {
	p, _ := a["path"].(string)
	dp, err := urlDecode(p)
	if err == nil {
		p = dp
	}
	return p + "\x00" + dvID(a["deletionVector"])
}

func (st *state) applyAdd(a map[string]any) {
	k := fileKey(a)
	if _, ok := st.live[k]; !ok {
		st.order = append(st.order, k)
	}
	st.live[k] = a
	st.everAdd[k] = true
	if _, ok := st.added[k]; !ok {
		st.addedOrder = append(st.addedOrder, k)
	}
	st.added[k] = a
}

func (st *state) applyRemove(a map[string]any) {
	delete(st.live, fileKey(a))
}

// statsRecords is an add's stats.numRecords; ok=false without stats.
func statsRecords(a map[string]any) (int64, bool) {
	s, ok := a["stats"].(string)
	if !ok {
		return 0, false
	}
	fs, err := decodeStats(s)
	if err != nil {
		return 0, false
	}
	n, err := fs.NumRecords.Int64()
	return n, err == nil
}

// noteDropped records the columns a new schema no longer has (by physical
// name, under the old and new mapping modes).
func (st *state) noteDropped(next *Schema, nextMeta map[string]any) {
	if st.schema == nil {
		return
	}
	oldMode := columnMappingMode(st)
	newMode := columnMappingMode(&state{metadata: nextMeta})
	keep := map[string]bool{}
	for _, f := range next.Fields {
		keep[f.Physical(newMode)] = true
	}
	for _, f := range st.schema.Fields {
		if p := f.Physical(oldMode); !keep[p] {
			if st.dropped == nil {
				st.dropped = map[string]bool{}
			}
			st.dropped[p] = true
		}
	}
}
