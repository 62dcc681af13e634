package engine

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// Session runs statements for one client; it is not safe for concurrent use
// (one connection runs one statement at a time), but Cancel may be called
// from any goroutine.
type Session struct {
	eng      *Engine
	user     string
	database string
	set      *settings

	txStatus byte // 'I', 'T' or 'E'

	// params and paramTypes hold the arguments of the prepared statement
	// being executed (nil otherwise).
	params     []any
	paramTypes []types.T

	pg *pgState // PREPARE, cursors, backend pid (pgcmd.go)

	mu       sync.Mutex
	cancel   context.CancelFunc // of the running statement
	currvals map[string]int64   // currval per sequence, this session
}

func newSession(e *Engine, user, database string) *Session {
	s := &Session{eng: e, user: user, database: database, set: newSettings(user), txStatus: 'I'}
	s.applySystemSettings()
	return s
}

// Query runs every statement of sql in order. It returns the results of the
// statements that completed and, if one failed, its error (an *sqlerr.Error);
// the statements after a failing one do not run.
func (s *Session) Query(ctx context.Context, sql string) ([]*Result, error) {
	stmts, err := planner.Parse(sql)
	if err != nil {
		s.failTx()
		return nil, err
	}
	if len(stmts) == 0 {
		return []*Result{{EmptyQuery: true}}, nil
	}
	var results []*Result
	for _, st := range stmts {
		r, err := s.runStatement(ctx, st)
		if err != nil {
			s.failTx()
			return results, positionInQuery(err, sql, st)
		}
		results = append(results, r)
	}
	return results, nil
}

// positionInQuery shifts an error position relative to a statement's
// source text to one relative to the whole query string.
func positionInQuery(err error, sql string, st planner.Statement) error {
	e := sqlerr.As(err)
	if e.Position > 0 && st.Offset > 0 {
		c := *e
		c.Position += utf8.RuneCountInString(sql[:st.Offset])
		return &c
	}
	return e
}

func (s *Session) failTx() {
	if s.txStatus == 'T' {
		s.txStatus = 'E'
	}
}

// runStatement runs one statement, turning a panic into an internal error
// so one bad statement never takes the server down.
func (s *Session) runStatement(ctx context.Context, st planner.Statement) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = sqlerr.New(sqlerr.Internal, "internal error: %v", r)
			debug.PrintStack()
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	if ms, _ := strconv.Atoi(s.set.vals["statement_timeout"]); ms > 0 {
		ctx, cancel = context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
	}
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
		cancel()
	}()
	if s.txStatus == 'E' && !isTxEnd(st) {
		return nil, sqlerr.New(sqlerr.InFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	if st.Ext != nil {
		return s.runExtension(ctx, st)
	}
	return s.dispatch(ctx, st)
}

func isTxEnd(st planner.Statement) bool {
	if st.Node == nil {
		return false
	}
	t := st.Node.GetTransactionStmt()
	if t == nil {
		return false
	}
	switch t.Kind {
	case pg.TransactionStmtKind_TRANS_STMT_COMMIT, pg.TransactionStmtKind_TRANS_STMT_ROLLBACK,
		pg.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO, pg.TransactionStmtKind_TRANS_STMT_PREPARE:
		return true
	}
	return false
}

// Cancel cancels the statement running now, if any (57014 to its client).
func (s *Session) Cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// TxStatus is the ReadyForQuery status: 'I' idle, 'T' in a transaction
// block, 'E' in a failed transaction block.
func (s *Session) TxStatus() byte { return s.txStatus }

// ParameterStatus lists the settings reported to the client at start-up.
func (s *Session) ParameterStatus() map[string]string {
	out := map[string]string{}
	for _, d := range settingDefs {
		if d.reported {
			out[d.name] = s.set.vals[d.name]
		}
	}
	return out
}

// Close ends the session.
func (s *Session) Close() { s.Cancel() }

func (s *Session) binder(st planner.Statement) *planner.Binder {
	b := &planner.Binder{Cat: s.eng.cat, Database: s.database, SearchPath: s.searchPath(), SQL: st.Source,
		AutoMergeSchema: s.settingOn("lode.schema_auto_merge") || s.settingOn("spark.databricks.delta.schema.automerge.enabled")}
	if s.paramTypes != nil {
		b.ParamTypes = append([]types.T{}, s.paramTypes...)
	}
	return b
}

func (s *Session) searchPath() []string {
	p := s.set.searchPath()
	if len(p) == 0 {
		return []string{"public"}
	}
	return p
}

func (s *Session) evalContext() *expr.Context {
	ec := expr.NewContext()
	if loc, err := loadLocation(s.set.vals["TimeZone"]); err == nil {
		ec.TimeZone = loc
	}
	ec.Params = s.params
	ec.Sequences = &sessionSequences{s}
	ec.Session = s
	return ec
}

func (s *Session) workers() int {
	if n, err := strconv.Atoi(s.set.vals["lode.workers"]); err == nil && n > 0 {
		return n
	}
	return s.eng.cfg.Workers
}

func (s *Session) batchSize() int {
	if n, err := strconv.Atoi(s.set.vals["lode.batch_size"]); err == nil && n > 0 {
		return n
	}
	return s.eng.cfg.BatchSize
}

func tagf(format string, args ...any) *Result { return &Result{Tag: fmt.Sprintf(format, args...)} }

// settingOn reports whether a boolean session setting is on.
func (s *Session) settingOn(name string) bool {
	switch strings.ToLower(s.set.vals[name]) {
	case "on", "true", "1", "yes":
		return true
	}
	return false
}
