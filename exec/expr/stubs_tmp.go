package expr

import (
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

func compileInList(c *planner.InList) (Evaluator, error) {
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "IN not implemented yet: %s", c)
}
