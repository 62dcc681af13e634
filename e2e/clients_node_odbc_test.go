package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const nodeClient = `
const { Client } = require('pg');
(async () => {
  const c = new Client({ host: process.argv[2], port: +process.argv[3], user: 'lode', database: 'main' });
  await c.connect();
  await c.query('CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, amount numeric(10,2))');
  await c.query('INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)', [1, 'a', '1.50', 2, 'b', null]);
  const r = await c.query('SELECT id, name, amount FROM t WHERE id >= $1 ORDER BY id', [1]);
  console.log('rows ' + JSON.stringify(r.rows));
  const named = { name: 'by-id', text: 'SELECT name FROM t WHERE id = $1', values: [2] };
  for (let i = 0; i < 3; i++) console.log('named ' + (await c.query(named)).rows[0].name);
  const tables = await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  console.log('tables ' + tables.rows.map(x => x.table_name).join(','));
  try { await c.query('SELECT * FROM missing'); } catch (e) { console.log('error ' + e.code); }
  console.log('version ' + (await c.query('SHOW server_version')).rows[0].server_version);
  await c.end();
})().catch(e => { console.error(e); process.exit(1); });
`

// TestNodePostgres: node-postgres (npm pg) with parameters, a named
// prepared statement and an error. pg is installed with npm into a
// temporary directory (LODE_NODE_MODULES points at an existing one).
func TestNodePostgres(t *testing.T) {
	dir := t.TempDir()
	mods := nodePgModules(t, dir)
	s := startServer(t, "")
	script := writeFile(t, dir, "client.js", nodeClient)
	cmd := []string{script, s.Host, s.Port}
	t.Setenv("NODE_PATH", mods)
	out := runClient(t, 2*time.Minute, "node", cmd...)
	wantLines(t, out,
		`rows [{"id":1,"name":"a","amount":"1.50"},{"id":2,"name":"b","amount":null}]`,
		"named b", "named b", "named b",
		"tables t",
		"error 42P01",
		"version 15")
}

// nodePgModules finds node and node-postgres (npm-installing pg into dir
// unless LODE_NODE_MODULES names an existing node_modules), or skips.
func nodePgModules(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	if mods := os.Getenv("LODE_NODE_MODULES"); mods != "" {
		return mods
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed, so node-postgres cannot be")
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--silent", "pg@8")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("npm install pg failed (offline?): %v\n%s", err, out)
	}
	return filepath.Join(dir, "node_modules")
}

// TestPsqlODBC: psqlODBC through unixODBC's isql, with a DSN-less
// connection string naming the driver library.
func TestPsqlODBC(t *testing.T) {
	if _, err := exec.LookPath("isql"); err != nil {
		t.Skip("isql is not installed (apt-get install unixodbc)")
	}
	var driver string
	for _, p := range []string{"/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so", "/usr/lib/aarch64-linux-gnu/odbc/psqlodbcw.so"} {
		if _, err := os.Stat(p); err == nil {
			driver = p
		}
	}
	if driver == "" {
		t.Skip("psqlODBC is not installed (apt-get install odbc-postgresql)")
	}
	s := startServer(t, "")
	dir := t.TempDir()
	// isql reads its DSN from odbc.ini; point ODBCINI/ODBCSYSINI at ours.
	writeFile(t, dir, "odbcinst.ini", "[PostgreSQL Unicode]\nDriver="+driver+"\n")
	writeFile(t, dir, "odbc.ini", "[lode]\nDriver=PostgreSQL Unicode\nServername="+s.Host+"\nPort="+s.Port+
		"\nDatabase=main\nUsername=lode\nUseServerSidePrepare=1\n")
	t.Setenv("ODBCSYSINI", dir)
	t.Setenv("ODBCINI", filepath.Join(dir, "odbc.ini"))
	sql := strings.Join([]string{
		"CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL)",
		"INSERT INTO t VALUES (1, 'odbc'), (2, 'isql')",
		"SELECT id, name FROM t ORDER BY id",
		"SELECT count(*) FROM information_schema.columns WHERE table_name = 't'",
	}, "\n") + "\n"
	in := writeFile(t, dir, "in.sql", sql)
	cmd := exec.Command("isql", "-b", "-d|", "-v", "lode")
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdin = f
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("isql: %v\n%s", err, out)
	}
	wantLines(t, string(out), "1|odbc", "2|isql", "2")
	if strings.Contains(string(out), "[ISQL]ERROR") || strings.Contains(string(out), "SQLSTATE") {
		t.Fatalf("isql reported an error:\n%s", out)
	}
}
