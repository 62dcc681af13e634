package planner

import (
	"github.com/lodedb/lode/catalog/sqlerr"
)

// scope is the set of columns a name can refer to: the output of the FROM
// clause being bound.
type scope struct {
	cols []OutCol
}

// resolve finds qual.name (qual may be empty). loc is the 0-based byte
// offset of the reference, for the error position.
func (s *scope) resolve(b *Binder, qual, name string, loc int32) (int, error) {
	found := -1
	// Visible columns first; hidden ones (e.g. the two sides' copies of a
	// USING column, reachable only by qualified name) only if none match.
	for pass := 0; pass < 2 && found < 0; pass++ {
		for i, c := range s.cols {
			if c.Name != name || (qual != "" && c.Qual != qual) || c.Hidden != (pass == 1) {
				continue
			}
			if found >= 0 {
				return 0, b.errAt(sqlerr.New(sqlerr.AmbiguousColumn, "column reference \"%s\" is ambiguous", name), loc)
			}
			found = i
		}
	}
	if found < 0 {
		if qual != "" {
			if !s.hasQual(qual) {
				return 0, b.errAt(sqlerr.New(sqlerr.UndefinedTable,
					"missing FROM-clause entry for table \"%s\"", qual), loc)
			}
			return 0, b.errAt(sqlerr.New(sqlerr.UndefinedColumn, "column %s.%s does not exist", qual, name), loc)
		}
		return 0, b.errAt(sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" does not exist", name), loc)
	}
	return found, nil
}

func (s *scope) hasQual(q string) bool {
	for _, c := range s.cols {
		if c.Qual == q {
			return true
		}
	}
	return false
}
