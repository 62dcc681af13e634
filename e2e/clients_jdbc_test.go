package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const jdbcClient = `
import java.sql.*;
import java.util.*;

public class LodeJdbc {
    public static void main(String[] a) throws Exception {
        String url = "jdbc:postgresql://" + a[0] + ":" + a[1] + "/main?user=lode&prepareThreshold=3";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, ts timestamptz)");
                s.execute("INSERT INTO t SELECT g, 'n' || g, now() FROM generate_series(1, 50) g");
            }
            DatabaseMetaData md = c.getMetaData();
            System.out.println("product " + md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());
            try (ResultSet rs = md.getTables(null, "public", "%", new String[]{"TABLE"})) {
                while (rs.next()) System.out.println("table " + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + " " + rs.getString("TABLE_TYPE"));
            }
            try (ResultSet rs = md.getColumns(null, "public", "t", "%")) {
                while (rs.next()) System.out.println("column " + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("DATA_TYPE") + " " + rs.getString("IS_NULLABLE"));
            }
            try (ResultSet rs = md.getPrimaryKeys(null, "public", "t")) {
                while (rs.next()) System.out.println("pk " + rs.getString("COLUMN_NAME") + " " + rs.getInt("KEY_SEQ") + " " + rs.getString("PK_NAME"));
            }
            // Past prepareThreshold the driver switches to a named server-side statement (and binary results).
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, ts FROM t WHERE id > ? ORDER BY id LIMIT 2")) {
                long sum = 0;
                for (int i = 0; i < 6; i++) {
                    ps.setInt(1, i * 5);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) { sum += rs.getInt(1); rs.getTimestamp(3); }
                    }
                }
                System.out.println("prepared " + sum);
            }
            // setFetchSize inside a transaction: a portal read 10 rows at a time.
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10);
                int n = 0;
                try (ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
                    while (rs.next()) n++;
                }
                System.out.println("fetched " + n);
            }
            c.commit();
            c.setAutoCommit(true);
            // setQueryTimeout cancels a long query with 57014.
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(1);
                long t0 = System.currentTimeMillis();
                try {
                    s.executeQuery("SELECT count(*) FROM generate_series(1, 2000000000) a");
                    System.out.println("timeout none");
                } catch (SQLException e) {
                    System.out.println("timeout " + e.getSQLState() + " " + ((System.currentTimeMillis() - t0) < 30000));
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                System.out.println("after cancel " + rs.getInt(1));
            }
        }
    }
}
`

// jdbcJar finds Debian's pgjdbc (libpostgresql-jdbc-java).
func jdbcJar() string {
	for _, p := range []string{"/usr/share/java/postgresql.jar", "/usr/share/java/postgresql-jdbc4.jar"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// TestPgJDBC: DatabaseMetaData (getTables, getColumns, getPrimaryKeys), a
// PreparedStatement past prepareThreshold, setFetchSize in a transaction
// and setQueryTimeout cancelling a running query.
func TestPgJDBC(t *testing.T) {
	jar := jdbcJar()
	if jar == "" {
		t.Skip("pgjdbc is not installed (apt-get install libpostgresql-jdbc-java)")
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("java is not installed (apt-get install openjdk-17-jre-headless)")
	}
	s := startServer(t, "")
	dir := t.TempDir()
	src := writeFile(t, dir, "LodeJdbc.java", jdbcClient)
	// Java 11+ runs a single source file directly.
	out := runClient(t, 3*time.Minute, "java", "-cp", jar+string(filepath.ListSeparator)+dir, src, s.Host, s.Port)
	wantLines(t, out,
		"product PostgreSQL 15",
		"table public.t TABLE",
		"column id int4 4 NO",
		"column name text 12 NO",
		"column ts timestamptz 93 YES",
		"pk id 1 t_pkey",
		"prepared 168",
		"fetched 50",
		"timeout 57014 true",
		"after cancel 1")
}
