package planner

import "regexp"

// DescribeDetailStmt is DESCRIBE DETAIL name: one row describing a Delta
// table (format, id, location, files, size, properties, protocol), as
// Databricks has it.
type DescribeDetailStmt struct {
	Name []string
}

var reDescribeDetail = regexp.MustCompile(`(?is)^\s*describe\s+detail\s+(\S+)\s*$`)

// parseDescribeDetail recognizes DESCRIBE DETAIL name.
func parseDescribeDetail(text string) (stmt any, ok bool, err error) {
	m := reDescribeDetail.FindStringSubmatch(text)
	if m == nil {
		return nil, false, nil
	}
	parts, err := nameParts(m[1])
	return &DescribeDetailStmt{Name: parts}, true, err
}
