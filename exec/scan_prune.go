package exec

import (
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// pruneFiles drops data files whose statistics prove no row can pass the
// scan's filters. (Min/max skipping arrives with the statistics reader;
// for now every file is kept.)
func pruneFiles(n *planner.Scan, files []delta.DataFile) ([]delta.DataFile, int) {
	return files, 0
}
