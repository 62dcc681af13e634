package planner

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// MergeStarColumn is the column name the pre-parser puts in place of
// Databricks' `UPDATE SET *` and `INSERT *` inside MERGE, which
// PostgreSQL's grammar lacks: `UPDATE SET "*" = DEFAULT` and
// `INSERT ("*") VALUES (DEFAULT)`. The MERGE binder expands it to every
// target column, taken by name from the source. (A real column named "*"
// cannot be assigned in MERGE because of this.)
const MergeStarColumn = "*"

// rewriteMergeStars rewrites the star forms of MERGE actions, token by
// token (so a '*' in a string literal or an expression is left alone).
func rewriteMergeStars(sql string) string {
	if !strings.Contains(sql, "*") || !containsFold(sql, "merge") {
		return sql
	}
	res, err := pg.Scan(sql)
	if err != nil {
		return sql
	}
	toks := res.Tokens
	var out strings.Builder
	last, inMerge := 0, false
	for i, t := range toks {
		switch t.Token {
		case pg.Token_MERGE:
			inMerge = true
		case pg.Token_ASCII_59: // ';' ends the statement
			inMerge = false
		}
		if !inMerge || t.Token != pg.Token_ASCII_42 || i == 0 {
			continue
		}
		var repl string
		switch {
		case toks[i-1].Token == pg.Token_SET && i >= 2 && toks[i-2].Token == pg.Token_UPDATE:
			repl = `"*" = DEFAULT`
		case toks[i-1].Token == pg.Token_INSERT:
			repl = `("*") VALUES (DEFAULT)`
		default:
			continue
		}
		out.WriteString(sql[last:t.Start])
		out.WriteString(repl)
		last = int(t.End)
	}
	if last == 0 {
		return sql
	}
	out.WriteString(sql[last:])
	return out.String()
}
