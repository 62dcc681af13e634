package planner

import (
	"strconv"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// bindAsOf binds lode_as_of('t', 'version'|'timestamp', value), what the
// pre-parser makes of `t VERSION AS OF n` / `t TIMESTAMP AS OF '…'`: a
// scan of the table at that snapshot.
func (b *Binder) bindAsOf(fc *pg.FuncCall, rf *pg.RangeFunction) (Plan, error) {
	var args []string
	for _, a := range fc.Args {
		c := a.GetAConst()
		if c == nil || c.GetSval() == nil {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "time travel needs a constant version or timestamp"), fc.Location)
		}
		args = append(args, c.GetSval().Sval)
	}
	if len(args) != 3 {
		return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "malformed time travel clause"), fc.Location)
	}
	parts, err := nameParts(args[0])
	if err != nil {
		return nil, err
	}
	rv := &pg.RangeVar{Relname: parts[len(parts)-1], Location: fc.Location}
	if len(parts) >= 2 {
		rv.Schemaname = parts[len(parts)-2]
	}
	if len(parts) == 3 {
		rv.Catalogname = parts[0]
	}
	name := b.ResolveTable(rv)
	tab, err := b.Cat.OpenTable(name)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	var version int64
	if args[1] == "version" {
		if version, err = strconv.ParseInt(args[2], 10, 64); err != nil || version < 0 {
			return nil, b.errAt(sqlerr.New(sqlerr.InvalidParameterValue, "invalid version %q", args[2]), fc.Location)
		}
	} else {
		v, err := types.ParseText(args[2], types.TTimestampTZ)
		if err != nil {
			return nil, b.errAt(sqlerr.As(err), fc.Location)
		}
		ts := timeFromMicros(v.(int64))
		if version, err = tab.VersionAt(b.ctx(), ts); err != nil {
			return nil, err
		}
		if version < 0 {
			return nil, b.errAt(sqlerr.New(sqlerr.InvalidParameterValue,
				"table %s did not exist at %s", name.Table, args[2]), fc.Location)
		}
	}
	snap, err := tab.SnapshotAt(b.ctx(), version)
	if err != nil {
		if strings.Contains(err.Error(), "version") || strings.Contains(err.Error(), "not") {
			return nil, b.errAt(sqlerr.New(sqlerr.InvalidParameterValue, "cannot time travel %s to version %d: %v", name.Table, version, err), fc.Location)
		}
		return nil, err
	}
	qual := name.Table
	var colNames []*pg.Node
	if rf.Alias != nil {
		qual, colNames = rf.Alias.Aliasname, rf.Alias.Colnames
	}
	return scanOf(name, tab, snap, qual, colNames)
}

func timeFromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
