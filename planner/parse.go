package planner

import (
	"regexp"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// Statement is one parsed statement of a query string.
type Statement struct {
	Node *pg.Node // the PostgreSQL AST; nil for a lakehouse extension statement
	Ext  any      // an extension statement (see extparse.go) when Node is nil
	Text string   // the statement's own text
	// Source is the text the Node's locations are relative to, and Offset
	// the byte offset of Source within the whole query string.
	Source string
	Offset int
	// Overwrite marks INSERT OVERWRITE (rewritten to INSERT INTO for the
	// parser): the statement replaces the table's rows.
	Overwrite bool
	// TableProperties are CREATE TABLE … TBLPROPERTIES ('k' = 'v', …),
	// cut off before parsing; they become the Delta table configuration.
	TableProperties map[string]string
	// PartitionBy are CREATE TABLE … PARTITIONED BY (cols), cut off before
	// parsing; they become the Delta table's partition columns.
	PartitionBy []string
}

// Parse splits and parses a query string. Statements PostgreSQL's grammar
// does not know (the lakehouse extensions) are parsed by the pre-parser.
// A syntax error is 42601 with its position in the whole string.
func Parse(sql string) ([]Statement, error) {
	sql = rewriteMergeStars(rewriteTimeTravel(rewriteDeltaPaths(sql)))
	tree, err := pg.Parse(sql)
	if err == nil {
		return fromTree(tree, sql, 0), nil
	}
	// Fall back to statement-by-statement: some may be extensions.
	pieces, serr := splitStatements(sql)
	if serr != nil {
		return nil, syntaxError(err, sql, 0)
	}
	var out []Statement
	for _, p := range pieces {
		text := sql[p.start:p.end]
		if ext, ok, xerr := parseExtension(text); ok {
			if xerr != nil {
				return nil, xerr
			}
			out = append(out, Statement{Ext: ext, Text: strings.TrimSpace(text), Source: text, Offset: p.start})
			continue
		}
		overwrite := false
		props, rest, perr := cutTableProperties(text)
		if perr != nil {
			return nil, perr
		}
		text = rest
		partBy, rest, perr := cutPartitionedBy(text)
		if perr != nil {
			return nil, perr
		}
		text = rest
		if m := reInsertOverwrite.FindStringIndex(text); m != nil {
			text = text[:m[0]] + "INSERT INTO " + text[m[1]:]
			overwrite = true
		}
		tree, perr := pg.Parse(text)
		if perr != nil {
			return nil, syntaxError(perr, sql, p.start)
		}
		stmts := fromTree(tree, text, p.start)
		for i := range stmts {
			stmts[i].Overwrite = overwrite
			stmts[i].TableProperties = props
			stmts[i].PartitionBy = partBy
		}
		out = append(out, stmts...)
	}
	return out, nil
}

func fromTree(tree *pg.ParseResult, src string, offset int) []Statement {
	out := make([]Statement, 0, len(tree.Stmts))
	for _, rs := range tree.Stmts {
		start := int(rs.StmtLocation)
		end := len(src)
		if rs.StmtLen > 0 {
			end = start + int(rs.StmtLen)
		}
		out = append(out, Statement{Node: rs.Stmt, Text: strings.TrimSpace(src[start:end]), Source: src, Offset: offset})
	}
	return out
}

type span struct{ start, end int }

// splitStatements cuts sql at top-level semicolons using PostgreSQL's own
// scanner, so semicolons in strings, comments and identifiers are safe.
func splitStatements(sql string) ([]span, error) {
	res, err := pg.Scan(sql)
	if err != nil {
		return nil, err
	}
	var out []span
	start := 0
	for _, t := range res.Tokens {
		if t.Token == pg.Token_ASCII_59 {
			if strings.TrimSpace(sql[start:t.Start]) != "" {
				out = append(out, span{start, int(t.Start)})
			}
			start = int(t.End)
		}
	}
	if strings.TrimSpace(sql[start:]) != "" {
		out = append(out, span{start, len(sql)})
	}
	return out, nil
}

func syntaxError(err error, sql string, offset int) error {
	e := &sqlerr.Error{Code: sqlerr.SyntaxError, Message: err.Error()}
	if pe, ok := err.(*parser.Error); ok && pe.Cursorpos > 0 {
		e.Position = len([]rune(sql[:offset])) + pe.Cursorpos
	}
	return e
}

// reInsertOverwrite matches Databricks' INSERT OVERWRITE [TABLE].
var reInsertOverwrite = regexp.MustCompile(`(?is)^\s*insert\s+overwrite\s+(?:table\s+)?`)

var (
	reTblProps = regexp.MustCompile(`(?is)^(\s*create\s.*?)\s+tblproperties\s*\((.*)\)\s*$`)
	reProp     = regexp.MustCompile(`(?s)^\s*'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'\s*$`)
)

var rePartitionedBy = regexp.MustCompile(`(?is)^(\s*create\s.*?)\s+partitioned\s+by\s*\(([^)]*)\)(.*)$`)

// cutPartitionedBy removes Databricks' PARTITIONED BY (col, …) from a
// CREATE TABLE (PostgreSQL's grammar has only its own PARTITION BY).
func cutPartitionedBy(text string) ([]string, string, error) {
	m := rePartitionedBy.FindStringSubmatch(text)
	if m == nil {
		return nil, text, nil
	}
	var cols []string
	for _, c := range strings.Split(m[2], ",") {
		id, err := identifier(strings.TrimSpace(c))
		if err != nil {
			return nil, "", err
		}
		cols = append(cols, id)
	}
	return cols, m[1] + m[3], nil
}

// cutTableProperties removes a trailing TBLPROPERTIES ('k' = 'v', …) from
// a CREATE TABLE statement and returns the properties.
func cutTableProperties(text string) (map[string]string, string, error) {
	m := reTblProps.FindStringSubmatch(text)
	if m == nil {
		return nil, text, nil
	}
	props, err := parseProperties(m[2])
	return props, m[1], err
}

// parseProperties reads 'key' = 'value' pairs separated by commas.
func parseProperties(list string) (map[string]string, error) {
	props := map[string]string{}
	for _, kv := range strings.Split(list, ",") {
		p := reProp.FindStringSubmatch(kv)
		if p == nil {
			return nil, &sqlerr.Error{Code: sqlerr.SyntaxError, Message: "TBLPROPERTIES expects 'key' = 'value' pairs"}
		}
		props[strings.ReplaceAll(p[1], "''", "'")] = strings.ReplaceAll(p[2], "''", "'")
	}
	return props, nil
}
