package expr

import (
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

func compileCast(c *planner.Cast) (Evaluator, error) {
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cast not implemented yet: %s", c)
}
func compileCase(c *planner.Case) (Evaluator, error) {
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "CASE not implemented yet: %s", c)
}
func compileInList(c *planner.InList) (Evaluator, error) {
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "IN not implemented yet: %s", c)
}
