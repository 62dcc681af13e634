package delta

import (
	"context"
	"time"
)

// maintenanceErrorHook, when set (by tests), is told about checkpoint and
// log cleanup failures, which never fail the commit that triggered them.
var maintenanceErrorHook func(version int64, err error)

// afterCommit is the log maintenance that follows a successful commit of
// version: with conf the table configuration as of that version, a
// checkpoint every delta.checkpointInterval versions, then the cleanup of
// expired log files. The commit is already durable and visible, so a
// failure here is only reported (readers fall back to older checkpoints
// or the commits), never returned.
func (t *Table) afterCommit(ctx context.Context, conf map[string]string, version int64) {
	if version <= 0 || version%checkpointInterval(conf) != 0 {
		return
	}
	if err := t.WriteCheckpoint(ctx, version); err != nil {
		reportMaintenanceError(version, err)
		return
	}
	if _, err := t.CleanupExpiredLogs(ctx, conf, time.Now()); err != nil {
		reportMaintenanceError(version, err)
	}
}

func reportMaintenanceError(version int64, err error) {
	if h := maintenanceErrorHook; h != nil {
		h(version, err)
	}
}

// configAt is the table configuration after a commit of actions on top
// of read: the commit's own metaData when it has one.
func configAt(read *Snapshot, actions []Action) map[string]string {
	conf := read.metadata.Configuration
	for _, a := range actions {
		if a.MetaData != nil {
			conf = a.MetaData.Configuration
		}
	}
	return conf
}
