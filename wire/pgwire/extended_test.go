package pgwire

import (
	"testing"

	"github.com/jackc/pgproto3/v2"
)

func TestExtendedDescribeAndSuspend(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(
		&pgproto3.Parse{Query: "select rows"},
		&pgproto3.Describe{ObjectType: 'S'},
		&pgproto3.Bind{},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Sync{},
	)
	equalTrace(t, c.untilReady(), []string{
		"ParseComplete",
		"ParameterDescription []",
		"RowDescription n:23/4/-1/0/0 s:25/-1/-1/16384/2",
		"BindComplete",
		"RowDescription n:23/4/-1/0/0 s:25/-1/-1/16384/2",
		"DataRow 1|one", "DataRow NULL|two", "PortalSuspended",
		"DataRow 3|NULL", "DataRow 4|four", "PortalSuspended",
		"DataRow 5|five", "CommandComplete SELECT 1",
		"ReadyForQuery I",
	})
	if got := s.be.ran(); len(got) != 1 {
		t.Errorf("statement ran %d times, want once: %q", len(got), got)
	}
}

func TestExtendedExecuteWithoutDescribe(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(&pgproto3.Parse{Name: "s1", Query: "drop"}, &pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{"ParseComplete", "ReadyForQuery I"})
	// The named statement survives Sync and runs on each Bind.
	for range 2 {
		c.send(&pgproto3.Bind{PreparedStatement: "s1"}, &pgproto3.Execute{}, &pgproto3.Sync{})
		equalTrace(t, c.untilReady(), []string{
			"BindComplete", `NoticeResponse table "t" does not exist, skipping`, "CommandComplete DROP TABLE", "ReadyForQuery I",
		})
	}
	c.send(&pgproto3.Close{ObjectType: 'S', Name: "s1"}, &pgproto3.Bind{PreparedStatement: "s1"}, &pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{
		"CloseComplete", `ErrorResponse ERROR 26000 prepared statement "s1" does not exist`, "ReadyForQuery I",
	})
}

func TestExtendedErrorSkipsToSync(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(
		&pgproto3.Parse{Query: "fail"},
		&pgproto3.Bind{},
		&pgproto3.Execute{},
		&pgproto3.Parse{Query: "create"}, // discarded: after the error, before Sync
		&pgproto3.Bind{},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	equalTrace(t, c.untilReady(), []string{
		"ParseComplete", "BindComplete",
		`ErrorResponse ERROR 42601 syntax error at or near "fail" @1`,
		"ReadyForQuery I",
	})
	// Back in step after Sync.
	c.send(&pgproto3.Parse{Query: "create"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{"ParseComplete", "BindComplete", "CommandComplete CREATE TABLE", "ReadyForQuery I"})
}

func TestExtendedRejections(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	for _, tc := range []struct {
		msgs []pgproto3.FrontendMessage
		want string
	}{
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "parse error"}},
			`ErrorResponse ERROR 42601 syntax error at or near "parse"`},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "create; create"}},
			"ErrorResponse ERROR 42601 cannot insert multiple commands into a prepared statement"},
		{[]pgproto3.FrontendMessage{&pgproto3.Execute{Portal: "nope"}},
			`ErrorResponse ERROR 34000 portal "nope" does not exist`},
	} {
		c.send(append(tc.msgs, &pgproto3.Sync{})...)
		equalTrace(t, c.untilReady(), []string{tc.want, "ReadyForQuery I"})
	}
	c.send(&pgproto3.Parse{Query: "select rows"}, &pgproto3.Bind{ResultFormatCodes: []int16{1, 0, 1}}, &pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{
		"ParseComplete", "ErrorResponse ERROR 08P01 bind message has 3 result formats but query has 2 columns", "ReadyForQuery I",
	})
	c.send(&pgproto3.Parse{Query: "select rows", ParameterOIDs: []uint32{23}}, &pgproto3.Bind{}, &pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{
		"ParseComplete", `ErrorResponse ERROR 08P01 bind message supplies 0 parameters, but prepared statement "" requires 1`, "ReadyForQuery I",
	})
}

func TestExtendedEmptyAndFlush(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(&pgproto3.Parse{Query: ""}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Flush{})
	equalTrace(t, c.next(4), []string{"ParseComplete", "BindComplete", "NoData", "EmptyQueryResponse"})
	c.send(&pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{"ReadyForQuery I"})
}

func TestExtendedPortalDroppedAtSync(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(&pgproto3.Parse{Query: "select rows"}, &pgproto3.Bind{DestinationPortal: "p"},
		&pgproto3.Execute{Portal: "p", MaxRows: 1}, &pgproto3.Sync{},
		&pgproto3.Execute{Portal: "p"}, &pgproto3.Sync{})
	equalTrace(t, c.untilReady(), []string{"ParseComplete", "BindComplete", "DataRow 1|one", "PortalSuspended", "ReadyForQuery I"})
	equalTrace(t, c.untilReady(), []string{`ErrorResponse ERROR 34000 portal "p" does not exist`, "ReadyForQuery I"})
}

func TestScanSQL(t *testing.T) {
	for _, tc := range []struct {
		sql           string
		stmts, params int
	}{
		{"", 0, 0},
		{" ;; -- only a comment\n", 0, 0},
		{"select 1", 1, 0},
		{"select 1; select 2;", 2, 0},
		{"select ';' , \"a;b\" -- ;\n", 1, 0},
		{"select $1, $12 from t where a = $3", 1, 12},
		{"select '$1', e'\\'$2;', $$ $3; $$, $tag$ ; $4 $tag$ /* ; /* $5 */ ; */", 1, 0},
		{"select a$1 from t", 1, 0}, // $ inside an identifier
		{"select 'it''s; ok'; select 2", 2, 0},
	} {
		stmts, params := scanSQL(tc.sql)
		if stmts != tc.stmts || params != tc.params {
			t.Errorf("scanSQL(%q) = %d stmts, $%d; want %d, $%d", tc.sql, stmts, params, tc.stmts, tc.params)
		}
	}
}
