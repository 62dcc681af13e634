// Package e2e holds Lode's end-to-end tests: a real server on a real socket,
// driven by pgx (simple and extended protocol), by psql, across restarts and
// across a kill -9. It has no non-test code beyond this comment.
package e2e
