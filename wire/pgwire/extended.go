package pgwire

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
)

// The extended query protocol, in the interim form the engine allows today:
// Session offers only Query(sql), so
//
//   - Parse stores the text; it checks only what a lexer can (one statement,
//     no $n parameters);
//   - Describe of a statement reports its parameters and NoData: nothing runs,
//     so the columns are not known yet (pgx then describes the portal);
//   - Describe of a portal runs the statement eagerly and keeps its result,
//     which Execute then streams, honouring the row limit.
//
// TODO(prepare): Session.Prepare/Execute replace this — Parse plans the
// statement (columns and parameter types known at Describe), Execute runs it.
//
// Parameters ($1, …) are rejected with 0A000 rather than spliced into the
// text as literals: splicing is easy to get subtly wrong (types, quoting)
// and real binding comes with Session.Prepare. pgx's simple-protocol mode
// (client-side interpolation) works meanwhile.

type prepared struct {
	sql       string
	paramOIDs []uint32
}

type portal struct {
	stmt      *prepared
	res       *engine.Result // nil until the statement has run
	rec, row  int            // next row to send: Records[rec], row within it
	executed  bool           // an Execute already sent rows or completed
	completed bool           // CommandComplete sent; records released
}

// extended runs one extended-protocol step; an error is reported and then
// every message up to Sync is discarded, as the protocol prescribes.
func (c *conn) extended(ctx context.Context, f func(ctx context.Context) error) {
	if c.skipToSync {
		return
	}
	if err := c.run(ctx, f); err != nil {
		c.sendError(err)
		c.skipToSync = true
	}
}

func (c *conn) handleParse(m *pgproto3.Parse) error {
	if _, dup := c.stmts[m.Name]; dup && m.Name != "" {
		return sqlerr.New("42P05", "prepared statement %q already exists", m.Name)
	}
	n, params := scanSQL(m.Query)
	if n > 1 {
		return sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	if params > 0 {
		return &sqlerr.Error{Code: sqlerr.FeatureNotSupported,
			Message: "query parameters ($1, …) are not supported yet",
			Hint:    "Write the values into the statement, or use the simple query protocol (in pgx: QueryExecModeSimpleProtocol)."}
	}
	c.stmts[m.Name] = &prepared{sql: m.Query, paramOIDs: append([]uint32(nil), m.ParameterOIDs...)}
	c.out.send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) handleBind(m *pgproto3.Bind) error {
	st, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return sqlerr.New(sqlerr.InvalidSQLStatement, "prepared statement %q does not exist", m.PreparedStatement)
	}
	if _, dup := c.portals[m.DestinationPortal]; dup && m.DestinationPortal != "" {
		return sqlerr.New("42P03", "cursor %q already exists", m.DestinationPortal)
	}
	if len(m.Parameters) != len(st.paramOIDs) {
		return sqlerr.New(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(st.paramOIDs))
	}
	for _, f := range m.ResultFormatCodes {
		if f != pgproto3.TextFormat {
			return sqlerr.New(sqlerr.FeatureNotSupported, "binary result format is not supported yet")
		}
	}
	c.dropPortal(m.DestinationPortal)
	c.portals[m.DestinationPortal] = &portal{stmt: st}
	c.out.send(&pgproto3.BindComplete{})
	return nil
}

func (c *conn) handleDescribe(ctx context.Context, m *pgproto3.Describe) error {
	if m.ObjectType == 'S' {
		st, ok := c.stmts[m.Name]
		if !ok {
			return sqlerr.New(sqlerr.InvalidSQLStatement, "prepared statement %q does not exist", m.Name)
		}
		c.out.send(&pgproto3.ParameterDescription{ParameterOIDs: st.paramOIDs})
		c.out.send(&pgproto3.NoData{}) // interim: columns unknown until it runs
		return nil
	}
	p, err := c.portal(m.Name)
	if err != nil {
		return err
	}
	if err := c.runPortal(ctx, p); err != nil {
		return err
	}
	if p.res.Columns != nil {
		c.out.send(rowDescription(p.res.Columns))
	} else {
		c.out.send(&pgproto3.NoData{})
	}
	return nil
}

func (c *conn) handleExecute(ctx context.Context, m *pgproto3.Execute) error {
	p, err := c.portal(m.Portal)
	if err != nil {
		return err
	}
	if err := c.runPortal(ctx, p); err != nil {
		return err
	}
	res := p.res
	if res.EmptyQuery {
		c.out.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	limit := int64(m.MaxRows)
	var sent int64
	for !p.completed && p.rec < len(res.Records) {
		rec := res.Records[p.rec]
		end := int(rec.NumRows())
		if limit > 0 && int64(end-p.row) > limit-sent {
			end = p.row + int(limit-sent)
		}
		c.out.dataRows(rec, res.Columns, p.row, end, c.loc)
		sent += int64(end - p.row)
		p.row = end
		if p.row == int(rec.NumRows()) {
			p.rec, p.row = p.rec+1, 0
		}
		if limit > 0 && sent == limit && p.rec < len(res.Records) {
			p.executed = true
			c.out.send(&pgproto3.PortalSuspended{})
			return nil
		}
	}
	tag := res.Tag
	if p.executed && strings.HasPrefix(tag, "SELECT ") {
		// A resumed portal reports the rows of this Execute, as PostgreSQL does.
		tag = "SELECT " + strconv.FormatInt(sent, 10)
	}
	p.executed, p.completed = true, true
	res.Release()
	c.out.send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return nil
}

func (c *conn) handleClose(m *pgproto3.Close) error {
	if m.ObjectType == 'S' {
		delete(c.stmts, m.Name)
	} else {
		c.dropPortal(m.Name)
	}
	c.out.send(&pgproto3.CloseComplete{})
	return nil
}

func (c *conn) handleSync() {
	c.skipToSync = false
	if c.sess.TxStatus() == 'I' {
		// Outside a transaction block each Sync ends an implicit transaction,
		// and with it every portal.
		for name := range c.portals {
			c.dropPortal(name)
		}
	}
	c.syncParams()
	c.readyForQuery()
}

func (c *conn) portal(name string) (*portal, error) {
	p, ok := c.portals[name]
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidCursorName, "portal %q does not exist", name)
	}
	return p, nil
}

// runPortal runs the portal's statement once and keeps its result.
func (c *conn) runPortal(ctx context.Context, p *portal) error {
	if p.res != nil {
		return nil
	}
	results, err := c.sess.Query(ctx, p.stmt.sql)
	if err != nil {
		for _, r := range results {
			r.Release()
		}
		return err
	}
	if len(results) == 0 {
		p.res = &engine.Result{EmptyQuery: true}
		return nil
	}
	for _, r := range results[1:] { // Parse admits one statement; be safe anyway
		r.Release()
	}
	p.res = results[0]
	c.sendNotices(p.res)
	return nil
}

func (c *conn) dropPortal(name string) {
	if p, ok := c.portals[name]; ok {
		if p.res != nil {
			p.res.Release()
		}
		delete(c.portals, name)
	}
}
