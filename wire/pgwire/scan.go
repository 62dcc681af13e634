package pgwire

// scanSQL is a small lexer over a query string that reports how many
// non-empty statements it holds and the highest $n parameter it references.
// The extended protocol needs both before anything runs (Parse must reject
// several statements and report its parameters), and the engine offers no
// Prepare yet. It understands exactly what can hide a ';' or a '$':
// quoted strings (with E'\n' escapes), quoted identifiers, dollar quoting and
// comments (nested, as PostgreSQL's are).
func scanSQL(sql string) (stmts, maxParam int) {
	inStmt := false // the current statement has a token in it
	n := len(sql)
	for i := 0; i < n; {
		ch := sql[i]
		switch {
		case ch == ';':
			if inStmt {
				stmts++
			}
			inStmt = false
			i++
			continue
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v':
			i++
			continue
		case ch == '-' && i+1 < n && sql[i+1] == '-':
			for i < n && sql[i] != '\n' {
				i++
			}
			continue
		case ch == '/' && i+1 < n && sql[i+1] == '*':
			i = skipBlockComment(sql, i)
			continue
		}
		inStmt = true
		switch {
		case ch == '\'':
			escapes := i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isIdentChar(sql[i-2]))
			i = skipQuoted(sql, i, '\'', escapes)
		case ch == '"':
			i = skipQuoted(sql, i, '"', false)
		case ch == '$':
			if j := i + 1; j < n && isDigit(sql[j]) && (i == 0 || !isIdentChar(sql[i-1])) {
				v := 0
				for j < n && isDigit(sql[j]) {
					if v < 1<<20 {
						v = v*10 + int(sql[j]-'0')
					}
					j++
				}
				maxParam = max(maxParam, v)
				i = j
			} else if end, ok := dollarTag(sql, i); ok && (i == 0 || !isIdentChar(sql[i-1])) {
				tag := sql[i:end]
				i = end
				for i < n && !(sql[i] == '$' && len(sql)-i >= len(tag) && sql[i:i+len(tag)] == tag) {
					i++
				}
				i = min(i+len(tag), n)
			} else {
				i++
			}
		default:
			i++
		}
	}
	if inStmt {
		stmts++
	}
	return stmts, maxParam
}

func skipBlockComment(sql string, i int) int {
	depth := 0
	for i < len(sql) {
		switch {
		case sql[i] == '/' && i+1 < len(sql) && sql[i+1] == '*':
			depth++
			i += 2
		case sql[i] == '*' && i+1 < len(sql) && sql[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// skipQuoted returns the index after the quote closing the one at i; a
// doubled quote is an escaped quote, and with escapes so is \'.
func skipQuoted(sql string, i int, q byte, escapes bool) int {
	for i++; i < len(sql); i++ {
		switch {
		case escapes && sql[i] == '\\':
			i++
		case sql[i] == q:
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return i
}

// dollarTag reports whether a dollar-quote opening tag ($$ or $name$)
// starts at i, and the index after it.
func dollarTag(sql string, i int) (int, bool) {
	for j := i + 1; j < len(sql); j++ {
		c := sql[j]
		if c == '$' {
			return j + 1, true
		}
		if !isIdentChar(c) || (j == i+1 && isDigit(c)) {
			return 0, false
		}
	}
	return 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentChar(c byte) bool {
	return c == '_' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}
