package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
)

// SequenceDef is a stored sequence (CREATE SEQUENCE, serial columns).
type SequenceDef struct {
	Name      string `json:"name"`
	Start     int64  `json:"start"`
	Increment int64  `json:"increment"`
	Min       int64  `json:"min"`
	Max       int64  `json:"max"`
	Cycle     bool   `json:"cycle,omitempty"`
}

const kindSequence = "sequence"

// CreateSequence stores a sequence definition; its counter starts unset.
func (c *Catalog) CreateSequence(n Name, d SequenceDef, ifNotExists bool) (existed bool, err error) {
	if err := ValidateName("sequence", n.Table); err != nil {
		return false, err
	}
	if !c.SchemaExists(n.Catalog, n.Schema) {
		return false, sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", n.Schema)
	}
	if c.RelationExists(n) || c.SequenceExists(n) {
		if ifNotExists {
			return true, nil
		}
		return true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	err = c.putObject(n.Catalog, n.Schema, kindSequence, n.Table, d, false)
	if errors.Is(err, errObjectExists) {
		if ifNotExists {
			return true, nil
		}
		return true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	return false, err
}

// SequenceExists reports whether cat.schema.name is a sequence.
func (c *Catalog) SequenceExists(n Name) bool {
	var d SequenceDef
	return c.getObject(n.Catalog, n.Schema, kindSequence, n.Table, &d)
}

// DropSequence removes a sequence and its counter.
func (c *Catalog) DropSequence(n Name, ifExists bool) (bool, error) {
	if !c.deleteObject(n.Catalog, n.Schema, kindSequence, n.Table) {
		if ifExists {
			return false, nil
		}
		return false, sqlerr.New(sqlerr.UndefinedTable, "sequence \"%s\" does not exist", n.Table)
	}
	os.Remove(c.sequenceState(n))
	return true, nil
}

func (c *Catalog) sequenceState(n Name) string {
	return filepath.Join(c.schemaDir(n.Catalog, n.Schema), "_objects", "sequence."+n.Table+".value")
}

// NextValues reserves count consecutive values of a sequence. The counter
// file is read and rewritten under an exclusive lock, so sessions and
// processes sharing the warehouse never get the same value; a reserved
// value is never handed out again, even if the statement fails (as in
// PostgreSQL, sequences are not transactional).
func (c *Catalog) NextValues(n Name, count int) ([]int64, error) {
	var d SequenceDef
	if !c.getObject(n.Catalog, n.Schema, kindSequence, n.Table, &d) {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", n.Table)
	}
	lock, err := os.OpenFile(c.sequenceState(n)+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	last, called := int64(0), false
	if data, err := os.ReadFile(c.sequenceState(n)); err == nil {
		if v, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			last, called = v, true
		}
	}
	out := make([]int64, count)
	for i := range out {
		var v int64
		if !called {
			v, called = d.Start, true
		} else {
			v = last + d.Increment
		}
		if (d.Increment > 0 && (v > d.Max || v < last)) || (d.Increment < 0 && (v < d.Min || v > last)) {
			if !d.Cycle {
				return nil, sqlerr.New("2200H", "nextval: reached maximum value of sequence \"%s\" (%d)", n.Table, d.Max)
			}
			if d.Increment > 0 {
				v = d.Min
			} else {
				v = d.Max
			}
		}
		out[i], last = v, v
	}
	if err := objstore.WriteFileAtomic(c.sequenceState(n), []byte(strconv.FormatInt(last, 10)), true); err != nil {
		return nil, err
	}
	return out, nil
}

// SetSequence sets a sequence's last value (setval).
func (c *Catalog) SetSequence(n Name, v int64) error {
	if !c.SequenceExists(n) {
		return sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", n.Table)
	}
	return objstore.WriteFileAtomic(c.sequenceState(n), []byte(strconv.FormatInt(v, 10)), true)
}
