package planner

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// The lakehouse statements PostgreSQL's grammar lacks are recognised here,
// before pg_query sees them. Each is a small hand-written grammar.

// CreateCatalogStmt is CREATE CATALOG [IF NOT EXISTS] name.
type CreateCatalogStmt struct {
	Name        string
	IfNotExists bool
}

// DropCatalogStmt is DROP CATALOG [IF EXISTS] name [CASCADE|RESTRICT].
type DropCatalogStmt struct {
	Name     string
	IfExists bool
	Cascade  bool
}

// OptimizeStmt is OPTIMIZE name [WHERE predicate] [ZORDER BY (cols)].
type OptimizeStmt struct {
	Name   []string
	Where  string   // SQL text of the predicate; "" for none
	ZOrder []string // Z-order columns; nil for plain compaction
}

// VacuumStmt is VACUUM name [RETAIN n HOURS] [DRY RUN].
type VacuumStmt struct {
	Name        []string
	RetainHours float64 // -1: the default retention
	DryRun      bool
}

// RestoreStmt is RESTORE [TABLE] name TO VERSION|TIMESTAMP AS OF value.
type RestoreStmt struct {
	Name  []string
	Kind  string // "version" or "timestamp"
	Value string
}

// DescribeHistoryStmt is DESCRIBE HISTORY name.
type DescribeHistoryStmt struct {
	Name []string
}

// CreateExternalStmt is CREATE [EXTERNAL] TABLE [IF NOT EXISTS] name
// USING DELTA LOCATION 'path': register an existing Delta table.
type CreateExternalStmt struct {
	Name        []string // 1 to 3 parts
	Location    string
	IfNotExists bool
}

// AlterTablePropertiesStmt is ALTER TABLE name SET TBLPROPERTIES ('k' =
// 'v', …) or UNSET TBLPROPERTIES [IF EXISTS] ('k', …).
type AlterTablePropertiesStmt struct {
	Name     []string
	Set      map[string]string
	Unset    []string
	IfExists bool // UNSET … IF EXISTS: unknown keys are no error
}

var (
	reAlterSetProps   = regexp.MustCompile(`(?is)^\s*alter\s+table\s+(\S+)\s+set\s+tblproperties\s*\((.*)\)\s*$`)
	reAlterUnsetProps = regexp.MustCompile(`(?is)^\s*alter\s+table\s+(\S+)\s+unset\s+tblproperties\s+(if\s+exists\s+)?\((.*)\)\s*$`)
	reQuotedKey       = regexp.MustCompile(`(?s)^\s*'((?:[^']|'')*)'\s*$`)
	reCreateExternal  = regexp.MustCompile(`(?is)^\s*create\s+(?:external\s+)?table\s+(if\s+not\s+exists\s+)?([^\s(]+)\s+using\s+delta\s+location\s+'((?:[^']|'')*)'\s*$`)
	reOptimize        = regexp.MustCompile(`(?is)^\s*optimize\s+(\S+)(?:\s+where\s+(.*?))?(?:\s+zorder\s+by\s*\((.*)\))?\s*$`)
	reVacuum          = regexp.MustCompile(`(?is)^\s*vacuum\s+(\S+)(?:\s+retain\s+([0-9.]+)\s+hours?)?(\s+dry\s+run)?\s*$`)
	reRestore         = regexp.MustCompile(`(?is)^\s*restore\s+(?:table\s+)?(\S+)\s+to\s+(version|timestamp)\s+as\s+of\s+('(?:[^']|'')*'|\d+)\s*$`)
	reDescribeHistory = regexp.MustCompile(`(?is)^\s*describe\s+history\s+(\S+)\s*$`)
	reAsOf            = regexp.MustCompile(`(?i)\b([a-z_"][\w."]*)\s+(version|timestamp)\s+as\s+of\s+('(?:[^']|'')*'|\d+)`)
	reDeltaPath       = regexp.MustCompile("(?i)\\bdelta\\.`([^`]+)`")
	reCreateCatalog   = regexp.MustCompile(`(?is)^\s*create\s+catalog\s+(if\s+not\s+exists\s+)?(\S+)\s*$`)
	reDropCatalog     = regexp.MustCompile(`(?is)^\s*drop\s+catalog\s+(if\s+exists\s+)?(\S+?)(\s+cascade|\s+restrict)?\s*$`)
	reExtLead         = regexp.MustCompile(`(?is)^\s*((create|drop)\s+catalog\b|create\s+(external\s+)?table\s+\S+\s+using\s+delta\b|describe\s+(history|detail)\b|restore\b|optimize\b|vacuum\s+\S+\s*(retain|dry|$)|alter\s+table\s+\S+\s+(set|unset)\s+tblproperties\b)`)
)

// parseExtension reports whether text is an extension statement (ok) and
// parses it.
func parseExtension(text string) (stmt any, ok bool, err error) {
	text = stripComments(text)
	if !reExtLead.MatchString(text) {
		return nil, false, nil
	}
	if m := reOptimize.FindStringSubmatch(text); m != nil {
		parts, err := nameParts(m[1])
		if err != nil {
			return nil, true, err
		}
		o := &OptimizeStmt{Name: parts, Where: strings.TrimSpace(m[2])}
		if m[3] != "" || strings.Contains(strings.ToLower(m[0]), "zorder") {
			for _, c := range strings.Split(m[3], ",") {
				id, err := identifier(strings.TrimSpace(c))
				if err != nil {
					return nil, true, err
				}
				o.ZOrder = append(o.ZOrder, id)
			}
		}
		return o, true, nil
	}
	if m := reVacuum.FindStringSubmatch(text); m != nil {
		parts, err := nameParts(m[1])
		v := &VacuumStmt{Name: parts, RetainHours: -1, DryRun: m[3] != ""}
		if m[2] != "" {
			if v.RetainHours, err = strconv.ParseFloat(m[2], 64); err != nil {
				return nil, true, sqlerr.New(sqlerr.SyntaxError, "invalid RETAIN hours %q", m[2])
			}
		}
		return v, true, err
	}
	if m := reRestore.FindStringSubmatch(text); m != nil {
		parts, err := nameParts(m[1])
		val := strings.ReplaceAll(strings.Trim(m[3], "'"), "''", "'")
		return &RestoreStmt{Name: parts, Kind: strings.ToLower(m[2]), Value: val}, true, err
	}
	if m := reDescribeHistory.FindStringSubmatch(text); m != nil {
		parts, err := nameParts(m[1])
		return &DescribeHistoryStmt{Name: parts}, true, err
	}
	if st, ok, err := parseDescribeDetail(text); ok {
		return st, true, err
	}
	if m := reCreateExternal.FindStringSubmatch(text); m != nil {
		var parts []string
		for _, p := range strings.Split(m[2], ".") {
			id, err := identifier(p)
			if err != nil {
				return nil, true, err
			}
			parts = append(parts, id)
		}
		return &CreateExternalStmt{Name: parts, Location: strings.ReplaceAll(m[3], "''", "'"), IfNotExists: m[1] != ""}, true, nil
	}
	if m := reAlterSetProps.FindStringSubmatch(text); m != nil {
		parts, err := nameParts(m[1])
		if err != nil {
			return nil, true, err
		}
		props, err := parseProperties(m[2])
		return &AlterTablePropertiesStmt{Name: parts, Set: props}, true, err
	}
	if m := reAlterUnsetProps.FindStringSubmatch(text); m != nil {
		parts, err := nameParts(m[1])
		if err != nil {
			return nil, true, err
		}
		st := &AlterTablePropertiesStmt{Name: parts, IfExists: m[2] != ""}
		for _, k := range strings.Split(m[3], ",") {
			km := reQuotedKey.FindStringSubmatch(k)
			if km == nil {
				return nil, true, sqlerr.New(sqlerr.SyntaxError, "UNSET TBLPROPERTIES expects quoted keys")
			}
			st.Unset = append(st.Unset, strings.ReplaceAll(km[1], "''", "'"))
		}
		return st, true, nil
	}
	if m := reCreateCatalog.FindStringSubmatch(text); m != nil {
		name, err := identifier(m[2])
		return &CreateCatalogStmt{Name: name, IfNotExists: m[1] != ""}, true, err
	}
	if m := reDropCatalog.FindStringSubmatch(text); m != nil {
		name, err := identifier(m[2])
		return &DropCatalogStmt{Name: name, IfExists: m[1] != "",
			Cascade: strings.EqualFold(strings.TrimSpace(m[3]), "cascade")}, true, err
	}
	return nil, true, sqlerr.New(sqlerr.SyntaxError, "syntax error in %s", strings.TrimSpace(text))
}

// identifier applies PostgreSQL's identifier rules: quoted keeps case,
// unquoted folds to lower case.
func identifier(s string) (string, error) {
	if strings.HasPrefix(s, `"`) {
		if len(s) < 2 || !strings.HasSuffix(s, `"`) {
			return "", sqlerr.New(sqlerr.SyntaxError, "unterminated quoted identifier %s", s)
		}
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`), nil
	}
	for _, r := range s {
		if !(r == '_' || r == '$' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127) {
			return "", sqlerr.New(sqlerr.SyntaxError, "syntax error at or near \"%s\"", s)
		}
	}
	return strings.ToLower(s), nil
}

var reLineComment = regexp.MustCompile(`--[^\n]*`)

func stripComments(s string) string { return reLineComment.ReplaceAllString(s, "") }

// rewriteDeltaPaths turns Databricks' delta.`/path` table references into
// the delta_scan('/path') table function PostgreSQL's grammar accepts.
func rewriteDeltaPaths(sql string) string {
	if !strings.Contains(sql, "`") {
		return sql
	}
	return reDeltaPath.ReplaceAllStringFunc(sql, func(m string) string {
		path := reDeltaPath.FindStringSubmatch(m)[1]
		return "delta_scan('" + strings.ReplaceAll(path, "'", "''") + "')"
	})
}

func nameParts(s string) ([]string, error) {
	var parts []string
	for _, p := range strings.Split(s, ".") {
		id, err := identifier(p)
		if err != nil {
			return nil, err
		}
		parts = append(parts, id)
	}
	return parts, nil
}

// rewriteTimeTravel turns `t VERSION AS OF 3` and `t TIMESTAMP AS OF '…'`
// (Delta time travel, not PostgreSQL grammar) into the table function
// lode_as_of('t', 'version', '3') the binder resolves to that snapshot.
func rewriteTimeTravel(sql string) string {
	if !containsFold(sql, " as of ") {
		return sql
	}
	return reAsOf.ReplaceAllStringFunc(sql, func(m string) string {
		g := reAsOf.FindStringSubmatch(m)
		if strings.EqualFold(g[1], "to") {
			return m // RESTORE … TO VERSION AS OF n: the pre-parser's
		}
		val := strings.Trim(g[3], "'")
		val = strings.ReplaceAll(val, "''", "'")
		q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
		return "lode_as_of(" + q(g[1]) + ", " + q(strings.ToLower(g[2])) + ", " + q(val) + ")"
	})
}

// containsFold reports whether s contains sub (lower-case ASCII) ignoring
// ASCII case, without the copy strings.ToLower makes: the pre-parser runs
// it on every query text.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
