// Package shell is Lode's local SQL front door: it runs statements through
// an engine.Session in-process and prints results as a psql-like aligned
// table. `lode sql` is a thin wrapper around it.
package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
)

// Session is what the shell needs from engine.Session.
type Session interface {
	Query(ctx context.Context, sql string) ([]*engine.Result, error)
}

// Exec runs sql (one or more statements) and prints every result to out and
// the error, if any, to errOut in psql's "ERROR:  …" form. It returns the
// error so a caller can set its exit status.
func Exec(ctx context.Context, s Session, sql string, out, errOut io.Writer) error {
	results, err := s.Query(ctx, sql)
	for _, r := range results {
		Print(out, r, time.UTC)
		r.Release()
	}
	if err != nil {
		e := sqlerr.As(err)
		fmt.Fprintf(errOut, "ERROR:  %s\n", e.Message)
		if e.Detail != "" {
			fmt.Fprintf(errOut, "DETAIL:  %s\n", e.Detail)
		}
		if e.Hint != "" {
			fmt.Fprintf(errOut, "HINT:  %s\n", e.Hint)
		}
	}
	return err
}

// Run reads statements from in, running each once a line ends with ';'
// (and whatever is left at EOF). With prompt set it prints psql's prompt.
// Errors are printed and the shell goes on, as psql does; Run returns the
// last statement error, or the read error.
func Run(ctx context.Context, s Session, in io.Reader, out, errOut io.Writer, prompt bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	var pending strings.Builder
	var last error
	showPrompt := func() {
		if prompt {
			if pending.Len() == 0 {
				fmt.Fprint(out, "lode=> ")
			} else {
				fmt.Fprint(out, "lode-> ")
			}
		}
	}
	showPrompt()
	for sc.Scan() {
		line := sc.Text()
		if pending.Len() == 0 && strings.TrimSpace(line) == "" {
			showPrompt()
			continue
		}
		if pending.Len() == 0 && (strings.TrimSpace(line) == `\q` || strings.TrimSpace(line) == "exit") {
			return last
		}
		pending.WriteString(line)
		pending.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			last = Exec(ctx, s, pending.String(), out, errOut)
			pending.Reset()
		}
		showPrompt()
	}
	if strings.TrimSpace(pending.String()) != "" {
		last = Exec(ctx, s, pending.String(), out, errOut)
	}
	if prompt {
		fmt.Fprintln(out)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return last
}
