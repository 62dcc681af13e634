package delta

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Table properties (metaData.configuration keys) that steer log
// maintenance, with the defaults Delta Lake uses.
const (
	PropCheckpointInterval       = "delta.checkpointInterval"
	PropLogRetentionDuration     = "delta.logRetentionDuration"
	PropDeletedFileRetention     = "delta.deletedFileRetentionDuration"
	PropEnableExpiredLogCleanup  = "delta.enableExpiredLogCleanup"
	defaultCheckpointInterval    = 10
	defaultLogRetentionDuration  = 30 * 24 * time.Hour
	defaultDeletedFileRetention  = 7 * 24 * time.Hour
	maxReasonableCheckpointEvery = 1 << 30
)

// checkpointInterval is delta.checkpointInterval: a checkpoint is written
// after every commit whose version is a multiple of it. A missing or
// invalid value (not a positive integer) falls back to the default rather
// than stopping checkpoints or failing commits.
func checkpointInterval(conf map[string]string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(conf[PropCheckpointInterval]), 10, 64)
	if err != nil || n <= 0 || n > maxReasonableCheckpointEvery {
		return defaultCheckpointInterval
	}
	return n
}

// retentionProperty reads a duration property written as Delta writes
// them ("interval 30 days"), falling back to def when absent or invalid.
func retentionProperty(conf map[string]string, key string, def time.Duration) time.Duration {
	v, ok := conf[key]
	if !ok {
		return def
	}
	d, err := ParseDeltaInterval(v)
	if err != nil || d < 0 {
		return def
	}
	return d
}

// intervalUnits are the units Delta's interval strings use.
var intervalUnits = map[string]time.Duration{
	"nanosecond": time.Nanosecond, "microsecond": time.Microsecond,
	"millisecond": time.Millisecond, "second": time.Second, "minute": time.Minute,
	"hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
}

// ParseDeltaInterval parses a Delta duration property: "interval 30 days",
// "30 days", "interval 1 day 12 hours"; units from nanosecond to week,
// singular or plural.
func ParseDeltaInterval(s string) (time.Duration, error) {
	words := strings.Fields(strings.ToLower(s))
	if len(words) > 0 && words[0] == "interval" {
		words = words[1:]
	}
	if len(words) == 0 || len(words)%2 != 0 {
		return 0, fmt.Errorf("invalid interval %q: expected pairs of a number and a unit", s)
	}
	var total time.Duration
	for i := 0; i < len(words); i += 2 {
		n, err := strconv.ParseInt(words[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid interval %q: %q is not a whole number", s, words[i])
		}
		unit, ok := intervalUnits[strings.TrimSuffix(words[i+1], "s")]
		if !ok {
			return 0, fmt.Errorf("invalid interval %q: unknown unit %q", s, words[i+1])
		}
		total += time.Duration(n) * unit
	}
	return total, nil
}
