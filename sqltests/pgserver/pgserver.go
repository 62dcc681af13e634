// Package pgserver starts a throwaway PostgreSQL 15 server for differential
// tests and benchmarks: initdb on a temporary directory as the postgres
// user, a free port, listening on a Unix socket in that directory only,
// stopped and removed by Stop.
package pgserver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
)

// Bin is where Debian installs the PostgreSQL 15 server programs.
const Bin = "/usr/lib/postgresql/15/bin"

// ErrUnavailable means this machine cannot run the server (binaries
// missing or not root); callers skip with this message.
var ErrUnavailable = errors.New("PostgreSQL 15 server unavailable")

// Server is a running PostgreSQL instance.
type Server struct {
	Dir  string // also the Unix socket directory
	Port int
	data string
}

// Start initializes and starts a server with the C locale (bytewise text
// ordering, as Lode compares text) and UTF8.
func Start() (*Server, error) {
	if _, err := os.Stat(filepath.Join(Bin, "initdb")); err != nil {
		return nil, fmt.Errorf("%w: %s/initdb not found", ErrUnavailable, Bin)
	}
	if os.Getuid() != 0 {
		return nil, fmt.Errorf("%w: must run as root to start it as the postgres user", ErrUnavailable)
	}
	dir, err := os.MkdirTemp("", "lode-pg-")
	if err != nil {
		return nil, err
	}
	os.Chmod(dir, 0o755)
	if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w: chown: %v %s", ErrUnavailable, err, out)
	}
	s := &Server{Dir: dir, data: filepath.Join(dir, "data")}
	if err := s.su(Bin + "/initdb -D " + s.data + " --locale=C -E UTF8 -A trust -U postgres"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses='' -c shared_buffers=1GB -c max_parallel_workers_per_gather=2 -c work_mem=256MB", s.Port, dir)
	if err := s.su(fmt.Sprintf("%s/pg_ctl -D %s -w -l %s/log start -o \"%s\"", Bin, s.data, dir, opts)); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) su(cmd string) error {
	out, err := exec.Command("su", "postgres", "-c", cmd).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", cmd, err, out)
	}
	return nil
}

// DSN is a libpq connection string for database postgres.
func (s *Server) DSN() string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", s.Dir, s.Port)
}

// Stop shuts the server down immediately and removes its files.
func (s *Server) Stop() {
	s.su(Bin + "/pg_ctl -D " + s.data + " -m immediate -w stop")
	os.RemoveAll(s.Dir)
}
