package planner

import (
	"fmt"
	"strings"

	"github.com/lodedb/lode/catalog/types"
)

// Expr is a bound scalar expression: names resolved to input column
// positions, every node typed. The binder inserts the casts needed so that
// operands of a binary operator share one type (see each op's contract in
// exec/expr), and evaluation never has to guess.
type Expr interface {
	Type() types.T
	String() string
}

// ColumnRef reads column Index of the operator's input.
type ColumnRef struct {
	Index int
	Name  string // for EXPLAIN and error messages
	T     types.T
}

// Literal is a constant. Value is nil (NULL) or, by kind:
// Bool bool; Int16/Int32/Int64 int64; Float32/Float64 float64;
// Numeric decimal128.Num scaled by T.Scale; Text/Varchar/Unknown string;
// Date int32 days since epoch; Timestamp/TimestampTZ int64 µs since epoch.
type Literal struct {
	Value any
	T     types.T
}

// Func is a call of an operator or function by its canonical name
// (see exec/expr's registry for the names and their operand contracts).
type Func struct {
	Name string
	Args []Expr
	T    types.T
}

// Cast converts Arg to T with PostgreSQL's cast semantics (errors 22P02,
// 22003, 22001 as PostgreSQL raises them; explicit casts to varchar(n)
// truncate, implicit ones on assignment raise 22001 — see Explicit).
type Cast struct {
	Arg      Expr
	T        types.T
	Explicit bool
}

// Case is a searched CASE: the first When whose Cond is true yields its
// Then; else Else (a NULL Literal when absent). Branches are evaluated only
// for the rows that reach them, so `CASE WHEN x = 0 THEN 0 ELSE 1/x END`
// never divides by zero.
type Case struct {
	Whens []When
	Else  Expr
	T     types.T
}

// When is one arm of a Case.
type When struct {
	Cond Expr
	Then Expr
}

// InList is `Arg [NOT] IN (List…)` with SQL NULL semantics. Every element
// has Arg's type.
type InList struct {
	Arg     Expr
	List    []Expr
	Negated bool
}

// Param is a $n placeholder of a prepared statement (1-based).
type Param struct {
	Index int
	T     types.T
}

func (e *ColumnRef) Type() types.T { return e.T }
func (e *Literal) Type() types.T   { return e.T }
func (e *Func) Type() types.T      { return e.T }
func (e *Cast) Type() types.T      { return e.T }
func (e *Case) Type() types.T      { return e.T }
func (e *InList) Type() types.T    { return types.TBool }
func (e *Param) Type() types.T     { return e.T }

func (e *ColumnRef) String() string {
	if e.Name != "" {
		return e.Name
	}
	return fmt.Sprintf("#%d", e.Index)
}

func (e *Literal) String() string {
	if e.Value == nil {
		return "NULL"
	}
	switch v := e.Value.(type) {
	case []any:
		return "'" + strings.ReplaceAll(types.FormatLiteral(v, e.T), "'", "''") + "'::" + e.T.String()
	case string:
		if e.T.Kind == types.Bytea { // raw bytes: show the hex text form
			return "'" + types.FormatLiteral(v, e.T) + "'::bytea"
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	default:
		if e.T.Kind == types.Numeric {
			if n, ok := e.Value.(interface{ ToString(int32) string }); ok {
				return n.ToString(e.T.Scale)
			}
		}
		return fmt.Sprint(v)
	}
}

var infixOps = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "||": true,
	"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true,
	"and": true, "or": true, "like": true, "not like": true, "ilike": true, "not ilike": true,
}

func (e *Func) String() string {
	if infixOps[e.Name] && len(e.Args) == 2 {
		return "(" + e.Args[0].String() + " " + strings.ToUpper(e.Name) + " " + e.Args[1].String() + ")"
	}
	if (strings.HasPrefix(e.Name, "any ") || strings.HasPrefix(e.Name, "all ")) && len(e.Args) == 2 {
		return "(" + e.Args[0].String() + " " + e.Name[4:] + " " + strings.ToUpper(e.Name[:3]) + " (" + e.Args[1].String() + "))"
	}
	switch e.Name {
	case "not":
		return "(NOT " + e.Args[0].String() + ")"
	case "neg":
		return "(- " + e.Args[0].String() + ")"
	case "is null":
		return "(" + e.Args[0].String() + " IS NULL)"
	case "is not null":
		return "(" + e.Args[0].String() + " IS NOT NULL)"
	}
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	return e.Name + "(" + strings.Join(args, ", ") + ")"
}

func (e *Cast) String() string { return "CAST(" + e.Arg.String() + " AS " + e.T.String() + ")" }

func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Then.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

func (e *InList) String() string {
	items := make([]string, len(e.List))
	for i, a := range e.List {
		items[i] = a.String()
	}
	op := " IN ("
	if e.Negated {
		op = " NOT IN ("
	}
	return e.Arg.String() + op + strings.Join(items, ", ") + ")"
}

func (e *Param) String() string { return fmt.Sprintf("$%d", e.Index) }
