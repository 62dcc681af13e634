package engine

// Protocol-level (Parse) and SQL-level (PREPARE) prepared statements share
// PostgreSQL's one namespace per session: DEALLOCATE drops either kind, and
// a name freed by DEALLOCATE may be parsed again (psqlODBC reuses its
// _PLAN names that way).

// PreparedExists reports whether name is a live prepared statement.
func (s *Session) PreparedExists(name string) bool {
	_, ok := s.pgs().prepared[name]
	return ok
}

// ForgetPrepared drops name (the protocol's Close of a statement).
func (s *Session) ForgetPrepared(name string) { delete(s.pgs().prepared, name) }
