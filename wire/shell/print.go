package shell

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
)

// Print writes one result the way psql's aligned format does: centred
// headers, numbers right-aligned, a row count footer; statements without
// rows print their command tag.
func Print(w io.Writer, r *engine.Result, loc *time.Location) {
	for _, n := range r.Notices {
		fmt.Fprintf(w, "NOTICE:  %s\n", n)
	}
	if r.EmptyQuery {
		return
	}
	if r.Columns == nil {
		fmt.Fprintln(w, r.Tag)
		return
	}
	ncol := len(r.Columns)
	widths := make([]int, ncol)
	for j, c := range r.Columns {
		widths[j] = utf8.RuneCountInString(c.Name)
	}
	// Format every cell once; a shell result is small enough to hold.
	var rows [][]string
	var buf []byte
	for _, rec := range r.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, ncol)
			for j := range ncol {
				a := rec.Column(j)
				if !a.IsNull(i) {
					buf = types.AppendText(buf[:0], a, i, r.Columns[j].Type, loc)
					row[j] = string(buf)
				}
				widths[j] = max(widths[j], utf8.RuneCountInString(row[j]))
			}
			rows = append(rows, row)
		}
	}

	var sb strings.Builder
	for j, c := range r.Columns {
		sep(&sb, j)
		pad := widths[j] - utf8.RuneCountInString(c.Name)
		sb.WriteString(strings.Repeat(" ", pad/2) + c.Name + strings.Repeat(" ", pad-pad/2))
	}
	line(w, &sb)
	for j := range r.Columns {
		if j > 0 {
			sb.WriteString("+")
		}
		sb.WriteString(strings.Repeat("-", widths[j]+2))
	}
	line(w, &sb)
	for _, row := range rows {
		for j, v := range row {
			sep(&sb, j)
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(v))
			if r.Columns[j].Type.IsNumeric() {
				sb.WriteString(pad + v)
			} else {
				sb.WriteString(v + pad)
			}
		}
		line(w, &sb)
	}
	if len(rows) == 1 {
		fmt.Fprintln(w, "(1 row)")
	} else {
		fmt.Fprintf(w, "(%d rows)\n", len(rows))
	}
	fmt.Fprintln(w)
}

func sep(sb *strings.Builder, j int) {
	if j > 0 {
		sb.WriteString(" | ")
	} else {
		sb.WriteString(" ")
	}
}

// line writes the builder's text with trailing blanks trimmed, and resets it.
func line(w io.Writer, sb *strings.Builder) {
	fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	sb.Reset()
}
