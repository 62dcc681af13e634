package delta

import (
	"fmt"
	"slices"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// readerFeatures are the reader features Lode reads tables with.
var readerFeatures = []string{
	"columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint",
	"vacuumProtocolCheck", "typeWidening", "typeWidening-preview",
}

// checkRead fails with SQLSTATE 0A000 if reading needs a reader version or
// feature Lode lacks. Reader version 2 is column mapping, which Lode reads;
// version 3 lists its features explicitly.
func checkRead(p *Protocol) error {
	switch p.MinReaderVersion {
	case 1, 2:
		return nil
	case 3:
		for _, f := range p.ReaderFeatures {
			if !slices.Contains(readerFeatures, f) {
				return sqlerr.New(sqlerr.FeatureNotSupported,
					"delta: table needs reader feature %q, which Lode does not support", f)
			}
		}
		return nil
	}
	return sqlerr.New(sqlerr.FeatureNotSupported,
		"delta: table needs reader version %d, Lode reads versions 1 to 3", p.MinReaderVersion)
}

// errState is a state reconstruction failure: the log does not describe a
// table Lode can trust.
func errState(version int64, format string, args ...any) error {
	return fmt.Errorf("delta: cannot reconstruct the table state at version %d: %s", version, fmt.Sprintf(format, args...))
}
