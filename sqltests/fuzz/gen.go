// Package fuzz generates random SQL (expressions, joins, aggregates over
// NULL-heavy tables) for differential testing of Lode against PostgreSQL.
package fuzz

import (
	"fmt"
	"math/rand"
	"strings"
)

// Table is a generated table: integer columns a, b, c and text column s.
type Table struct {
	Name string
	Rows int
}

// Gen produces SQL deterministically from a seed.
type Gen struct {
	r      *rand.Rand
	Tables []Table
}

// New returns a generator for a seed.
func New(seed int64) *Gen {
	return &Gen{r: rand.New(rand.NewSource(seed)), Tables: []Table{{"t1", 40}, {"t2", 25}, {"t3", 10}}}
}

// Setup returns the statements creating and filling the tables.
func (g *Gen) Setup() []string {
	var out []string
	for _, t := range g.Tables {
		out = append(out, fmt.Sprintf("CREATE TABLE %s (a integer, b integer, c bigint, s text)", t.Name))
		var rows []string
		for i := 0; i < t.Rows; i++ {
			rows = append(rows, fmt.Sprintf("(%s, %s, %s, %s)", g.intVal(), g.intVal(), g.intVal(), g.strVal()))
		}
		out = append(out, fmt.Sprintf("INSERT INTO %s VALUES %s", t.Name, strings.Join(rows, ", ")))
	}
	return out
}

func (g *Gen) intVal() string {
	if g.r.Intn(4) == 0 {
		return "NULL"
	}
	return fmt.Sprint(g.r.Intn(21) - 10)
}

func (g *Gen) strVal() string {
	if g.r.Intn(4) == 0 {
		return "NULL"
	}
	words := []string{"a", "b", "ab", "ba", "abc", "", "x", "A"}
	return "'" + words[g.r.Intn(len(words))] + "'"
}

// col picks a column of one of the given range variables.
func (g *Gen) intCol(rels []string) string {
	return rels[g.r.Intn(len(rels))] + "." + []string{"a", "b", "c"}[g.r.Intn(3)]
}

// IntExpr is a random integer expression of bounded depth.
func (g *Gen) IntExpr(rels []string, depth int) string {
	if depth <= 0 || g.r.Intn(3) == 0 {
		if g.r.Intn(3) == 0 {
			return fmt.Sprint(g.r.Intn(11) - 5)
		}
		return g.intCol(rels)
	}
	switch g.r.Intn(8) {
	case 0, 1:
		op := []string{"+", "-", "*"}[g.r.Intn(3)]
		return "(" + g.IntExpr(rels, depth-1) + " " + op + " " + g.IntExpr(rels, depth-1) + ")"
	case 2:
		return "(CASE WHEN " + g.BoolExpr(rels, depth-1) + " THEN " + g.IntExpr(rels, depth-1) + " ELSE " + g.IntExpr(rels, depth-1) + " END)"
	case 3:
		return "COALESCE(" + g.IntExpr(rels, depth-1) + ", " + g.IntExpr(rels, depth-1) + ")"
	case 4:
		return "NULLIF(" + g.IntExpr(rels, depth-1) + ", " + g.IntExpr(rels, depth-1) + ")"
	case 5:
		return "abs(" + g.IntExpr(rels, depth-1) + ")"
	case 6:
		return "(- " + g.IntExpr(rels, depth-1) + ")"
	default:
		return "length(" + rels[g.r.Intn(len(rels))] + ".s)"
	}
}

// BoolExpr is a random predicate.
func (g *Gen) BoolExpr(rels []string, depth int) string {
	if depth <= 0 || g.r.Intn(3) == 0 {
		switch g.r.Intn(5) {
		case 0:
			return g.intCol(rels) + " IS NULL"
		case 1:
			return rels[g.r.Intn(len(rels))] + ".s LIKE '" + []string{"a%", "%b", "_", "%"}[g.r.Intn(4)] + "'"
		}
		op := []string{"=", "<>", "<", "<=", ">", ">="}[g.r.Intn(6)]
		return g.IntExpr(rels, 0) + " " + op + " " + g.IntExpr(rels, 0)
	}
	switch g.r.Intn(7) {
	case 0:
		return "(" + g.BoolExpr(rels, depth-1) + " AND " + g.BoolExpr(rels, depth-1) + ")"
	case 1:
		return "(" + g.BoolExpr(rels, depth-1) + " OR " + g.BoolExpr(rels, depth-1) + ")"
	case 2:
		return "NOT (" + g.BoolExpr(rels, depth-1) + ")"
	case 3:
		return g.IntExpr(rels, depth-1) + " BETWEEN " + g.IntExpr(rels, 0) + " AND " + g.IntExpr(rels, 0)
	case 4:
		return g.IntExpr(rels, depth-1) + " IN (" + g.IntExpr(rels, 0) + ", " + g.IntExpr(rels, 0) + ", NULL)"
	case 5:
		t := g.Tables[g.r.Intn(len(g.Tables))].Name
		return g.IntExpr(rels, 0) + " IN (SELECT a FROM " + t + " WHERE b > " + fmt.Sprint(g.r.Intn(11)-5) + ")"
	default:
		op := []string{"=", "<>", "<", ">"}[g.r.Intn(4)]
		return g.IntExpr(rels, depth-1) + " " + op + " " + g.IntExpr(rels, depth-1)
	}
}

// Query is a random SELECT over one to three tables.
func (g *Gen) Query() string {
	n := 1 + g.r.Intn(3)
	var rels, from []string
	for i := 0; i < n; i++ {
		t := g.Tables[g.r.Intn(len(g.Tables))].Name
		alias := fmt.Sprintf("r%d", i)
		rels = append(rels, alias)
		item := t + " " + alias
		if i == 0 {
			from = append(from, item)
			continue
		}
		switch g.r.Intn(4) {
		case 0:
			from = append(from, "LEFT JOIN "+item+" ON "+g.BoolExpr(rels, 1))
		case 1:
			from = append(from, "JOIN "+item+" ON "+g.intCol(rels[:i])+" = "+alias+"."+[]string{"a", "b"}[g.r.Intn(2)])
		case 2:
			from = append(from, "FULL JOIN "+item+" ON "+g.intCol(rels[:i])+" = "+alias+".a")
		default:
			from = append(from, "CROSS JOIN "+item)
		}
	}
	where := ""
	if g.r.Intn(3) > 0 {
		where = " WHERE " + g.BoolExpr(rels, 2)
	}
	if g.r.Intn(2) == 0 {
		// Aggregate query.
		key := g.IntExpr(rels, 1)
		aggs := []string{"count(*)", "count(" + g.intCol(rels) + ")", "sum(" + g.IntExpr(rels, 1) + ")",
			"min(" + g.IntExpr(rels, 1) + ")", "max(" + rels[0] + ".s)", "count(DISTINCT " + g.intCol(rels) + ")"}
		g.r.Shuffle(len(aggs), func(i, j int) { aggs[i], aggs[j] = aggs[j], aggs[i] })
		having := ""
		if g.r.Intn(3) == 0 {
			having = " HAVING count(*) > " + fmt.Sprint(g.r.Intn(3))
		}
		return "SELECT " + key + " AS k, " + strings.Join(aggs[:2+g.r.Intn(3)], ", ") + " FROM " + strings.Join(from, " ") + where + " GROUP BY 1" + having
	}
	var cols []string
	for i := 0; i < 1+g.r.Intn(3); i++ {
		cols = append(cols, g.IntExpr(rels, 2))
	}
	if g.r.Intn(3) == 0 {
		cols = append(cols, rels[0]+".s")
	}
	distinct := ""
	if g.r.Intn(5) == 0 {
		distinct = "DISTINCT "
	}
	return "SELECT " + distinct + strings.Join(cols, ", ") + " FROM " + strings.Join(from, " ") + where
}
