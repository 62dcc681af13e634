package engine

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"github.com/lodedb/lode/exec/expr"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// COPY … FROM STDIN and COPY … TO STDOUT. The wire layer provides the data
// stream (CopyIO); the engine parses rows in batches into Arrow records and
// appends them to the table as one Delta commit, so a bad row fails the
// whole COPY (with its line number) and nothing is committed, and memory
// stays bounded by one batch whatever the input size.

// CopyIO is the client side of a COPY, provided by the protocol layer.
type CopyIO interface {
	// CopyIn tells the client to start sending (CopyInResponse) and returns
	// the data stream; it ends with io.EOF at CopyDone and with an error
	// at CopyFail.
	CopyIn(binary bool, ncols int) (io.Reader, error)
	// CopyOut tells the client rows follow (CopyOutResponse); each write is
	// one CopyData message; done sends CopyDone.
	CopyOut(binary bool, ncols int) (write func([]byte) error, done func() error, err error)
	// DecodeBinary decodes one field of a binary COPY.
	DecodeBinary(v []byte, t types.T) (any, error)
	// AppendBinary appends the binary (send-function) form of the
	// non-NULL value arr[i], for COPY TO in binary format.
	AppendBinary(dst []byte, arr arrow.Array, i int, t types.T) []byte
}

// SetCopyIO connects the session to its client for COPY.
func (s *Session) SetCopyIO(c CopyIO) { s.pgs().copyIO = c }

// copyBatchRows is how many rows are parsed before they are written out.
const copyBatchRows = 8192

type copyOpts struct {
	format    string // text, csv, binary
	header    bool
	delim     byte
	null      string
	quote     byte
	escape    byte
	nullIsSet bool
}

func parseCopyOpts(opts []*pg.Node) (copyOpts, error) {
	o := copyOpts{format: "text"}
	var delim, quote, escape string
	for _, n := range opts {
		d := n.GetDefElem()
		if d == nil {
			continue
		}
		val := ""
		isTrue := true
		if d.Arg != nil {
			switch {
			case d.Arg.GetString_() != nil:
				val = d.Arg.GetString_().Sval
			case d.Arg.GetBoolean() != nil:
				isTrue = d.Arg.GetBoolean().Boolval
				val = fmt.Sprint(isTrue)
			case d.Arg.GetInteger() != nil:
				isTrue = d.Arg.GetInteger().Ival != 0
			}
			switch strings.ToLower(val) {
			case "false", "off", "0":
				isTrue = false
			}
		}
		switch d.Defname {
		case "format":
			o.format = strings.ToLower(val)
		case "header":
			o.header = isTrue
		case "delimiter":
			delim = val
		case "null":
			o.null, o.nullIsSet = val, true
		case "quote":
			quote = val
		case "escape":
			escape = val
		case "encoding", "freeze", "force_not_null", "force_null", "force_quote":
		default:
			return o, sqlerr.New(sqlerr.SyntaxError, "option \"%s\" not recognized", d.Defname)
		}
	}
	switch o.format {
	case "text":
		o.delim = '\t'
		if !o.nullIsSet {
			o.null = `\N`
		}
	case "csv":
		o.delim, o.quote, o.escape = ',', '"', 0
	case "binary":
	default:
		return o, sqlerr.New(sqlerr.InvalidParameterValue, "COPY format \"%s\" not recognized", o.format)
	}
	if delim != "" {
		if len(delim) != 1 {
			return o, sqlerr.New(sqlerr.FeatureNotSupported, "COPY delimiter must be a single one-byte character")
		}
		o.delim = delim[0]
	}
	if quote != "" {
		o.quote = quote[0]
	}
	if escape != "" {
		o.escape = escape[0]
	}
	if o.escape == 0 {
		o.escape = o.quote
	}
	return o, nil
}

func (s *Session) runCopy(ctx context.Context, st planner.Statement, c *pg.CopyStmt) (*Result, error) {
	if c.Filename != "" || c.IsProgram {
		return nil, &sqlerr.Error{Code: sqlerr.InsufficientPrivilege, Message: "COPY to or from a file is not allowed over the PostgreSQL protocol",
			Hint: "Use COPY … FROM STDIN / TO STDOUT (psql's \\copy does this), or COPY INTO for files in object storage."}
	}
	cio := s.pgs().copyIO
	if cio == nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "COPY FROM STDIN / TO STDOUT needs a client connection")
	}
	o, err := parseCopyOpts(c.Options)
	if err != nil {
		return nil, err
	}
	if c.IsFrom {
		return s.copyIn(ctx, st, c, o, cio)
	}
	return s.copyOut(ctx, c, o, cio)
}

func (s *Session) copyIn(ctx context.Context, st planner.Statement, c *pg.CopyStmt, o copyOpts, cio CopyIO) (*Result, error) {
	if c.Relation == nil {
		return nil, sqlerr.New(sqlerr.SyntaxError, "COPY FROM needs a table")
	}
	name := s.binder(st).ResolveTable(c.Relation)
	tab, snap, err := s.openSnapshot(ctx, name)
	if err != nil {
		return nil, err
	}
	schema := snap.Schema()
	var targets []int // input fields as indexes into the table schema
	if len(c.Attlist) == 0 {
		for i := range schema.Fields() {
			targets = append(targets, i)
		}
	} else {
		for _, a := range c.Attlist {
			col := a.GetString_().Sval
			idx := schema.FieldIndices(col)
			if len(idx) == 0 {
				return nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", col, name.Table)
			}
			targets = append(targets, idx[0])
		}
	}
	colTypes := make([]types.T, schema.NumFields())
	for i, f := range schema.Fields() {
		if colTypes[i], err = types.FromField(f); err != nil {
			return nil, err
		}
	}
	checks, err := s.checksFor(snap)
	if err != nil {
		return nil, err
	}
	r, err := cio.CopyIn(o.format == "binary", len(targets))
	if err != nil {
		return nil, err
	}
	app := tab.NewAppend(snap)
	w := app.NewFileWriter()
	cp := &copyParser{o: o, cio: cio, r: bufio.NewReaderSize(r, 64<<10), types: colTypes, targets: targets,
		schema: schema, table: name.Table, loc: s.evalContext().TimeZone, checks: checks, evalCtx: s.evalContext()}
	n, err := cp.run(ctx, w.Write)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > 0 {
		_, err = app.Commit(ctx, "COPY", map[string]any{"mode": "Append"})
	}
	if err != nil || n == 0 {
		app.Abort()
	}
	if err != nil {
		// Drain what the client still sends so the connection stays in step.
		io.Copy(io.Discard, r)
		return nil, err
	}
	return tagf("COPY %d", n), nil
}

// copyParser turns a COPY data stream into records of the table's schema.
type copyParser struct {
	o       copyOpts
	cio     CopyIO
	r       *bufio.Reader
	types   []types.T
	targets []int
	schema  *arrow.Schema
	table   string
	loc     *time.Location
	line    int64
	checks  []tableCheck
	evalCtx *expr.Context
}

func (p *copyParser) run(ctx context.Context, write func(arrow.Record) error) (int64, error) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, p.schema)
	defer b.Release()
	notNull := notNullColumns(p.schema)
	var total int64
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		rec := b.NewRecord()
		defer rec.Release()
		if err := checkNotNull(batch.Batch{Rec: rec}, notNull, p.schema, p.table); err != nil {
			return err
		}
		if err := enforceChecks(p.evalCtx, p.checks, batch.Batch{Rec: rec}, p.table); err != nil {
			return err
		}
		rows = 0
		return write(rec)
	}
	if p.o.format == "binary" {
		if err := p.binaryHeader(); err != nil {
			return 0, err
		}
	}
	first := true
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		var fields []*string
		var err error
		p.line++
		switch p.o.format {
		case "binary":
			err = p.binaryRow(b)
			if err == nil {
				total++
				rows++
			}
		case "csv":
			fields, err = p.csvRow()
		default:
			fields, err = p.textRow()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, p.errAt(err)
		}
		if p.o.format != "binary" {
			if first && p.o.header {
				first = false
				continue
			}
			first = false
			if fields == nil { // end-of-data marker
				break
			}
			if err := p.appendRow(b, fields); err != nil {
				return 0, p.errAt(err)
			}
			total++
			rows++
		}
		if rows >= copyBatchRows {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return total, nil
}

// errAt adds the line context PostgreSQL gives COPY errors.
func (p *copyParser) errAt(err error) error {
	e := *sqlerr.As(err)
	if e.Code == sqlerr.Internal {
		e.Code = badCopyFormat
	}
	e.Message = fmt.Sprintf("%s (COPY %s, line %d)", e.Message, p.table, p.line)
	return &e
}

func (p *copyParser) appendRow(b *array.RecordBuilder, fields []*string) error {
	if len(fields) > len(p.targets) {
		return sqlerr.New(badCopyFormat, "extra data after last expected column")
	}
	if len(fields) < len(p.targets) {
		return sqlerr.New(badCopyFormat, "missing data for column \"%s\"", p.schema.Field(p.targets[len(fields)]).Name)
	}
	vals := make([]any, p.schema.NumFields())
	for i, f := range fields {
		if f == nil {
			continue
		}
		t := p.types[p.targets[i]]
		v, err := types.ParseTextIn(*f, t, p.loc)
		if err != nil {
			return err
		}
		vals[p.targets[i]] = v
	}
	return appendRow(b, vals)
}

// readLine reads one line without its terminator; io.EOF at the end.
func (p *copyParser) readLine() (string, error) {
	line, err := p.r.ReadString('\n')
	if err == io.EOF {
		if line == "" {
			return "", io.EOF
		}
		err = nil
	}
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	return line, nil
}

// textRow reads a row of the text format: fields split on the delimiter,
// backslash escapes, the NULL string; nil fields and nil error at "\.".
func (p *copyParser) textRow() ([]*string, error) {
	line, err := p.readLine()
	if err != nil {
		return nil, err
	}
	if line == `\.` {
		return nil, nil
	}
	var out []*string
	for _, raw := range splitUnescaped(line, p.o.delim) {
		if raw == p.o.null {
			out = append(out, nil)
			continue
		}
		v := unescapeText(raw)
		out = append(out, &v)
	}
	return out, nil
}

// splitUnescaped splits on delim bytes not preceded by a backslash escape.
func splitUnescaped(line string, delim byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case delim:
			out = append(out, line[start:i])
			start = i + 1
		}
	}
	return append(out, line[start:])
}

func unescapeText(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = s[i]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(s) && isHex(s[i+1]) {
				v = v*16 + hexVal(s[i+1])
				i++
				n++
			}
			if n == 0 {
				b.WriteByte('x')
			} else {
				b.WriteByte(byte(v))
			}
		default:
			if c >= '0' && c <= '7' {
				v := int(c - '0')
				for n := 1; n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n++ {
					v = v*8 + int(s[i+1]-'0')
					i++
				}
				b.WriteByte(byte(v))
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }
func hexVal(c byte) int {
	if c <= '9' {
		return int(c - '0')
	}
	return int(c|0x20-'a') + 10
}

// csvRow reads one CSV record (quoted fields may span lines). An unquoted
// field equal to the NULL string (default: empty) is NULL.
func (p *copyParser) csvRow() ([]*string, error) {
	line, err := p.readLine()
	if err != nil {
		return nil, err
	}
	if line == `\.` {
		return nil, nil
	}
	var out []*string
	var cur strings.Builder
	quoted, inQuote := false, false
	for i := 0; ; i++ {
		if i == len(line) {
			if inQuote {
				next, err := p.readLine()
				if err != nil {
					return nil, sqlerr.New(badCopyFormat, "unterminated CSV quoted field")
				}
				cur.WriteByte('\n')
				line, i = next, -1
				continue
			}
			break
		}
		c := line[i]
		switch {
		case inQuote && c == p.o.escape && i+1 < len(line) && line[i+1] == p.o.quote && (p.o.escape != p.o.quote || true):
			cur.WriteByte(p.o.quote)
			i++
		case inQuote && c == p.o.quote:
			inQuote = false
		case !inQuote && c == p.o.quote:
			inQuote, quoted = true, true
		case !inQuote && c == p.o.delim:
			out = append(out, p.csvField(cur.String(), quoted))
			cur.Reset()
			quoted = false
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, p.csvField(cur.String(), quoted)), nil
}

func (p *copyParser) csvField(v string, quoted bool) *string {
	if !quoted && v == p.o.null {
		return nil
	}
	return &v
}

var binarySignature = []byte("PGCOPY\n\xff\r\n\x00")

func (p *copyParser) binaryHeader() error {
	hdr := make([]byte, 19)
	if _, err := io.ReadFull(p.r, hdr); err != nil || string(hdr[:11]) != string(binarySignature) {
		return sqlerr.New(badCopyFormat, "COPY file signature not recognized")
	}
	ext := binary.BigEndian.Uint32(hdr[15:])
	_, err := p.r.Discard(int(ext))
	return err
}

func (p *copyParser) binaryRow(b *array.RecordBuilder) error {
	var nb [4]byte
	if _, err := io.ReadFull(p.r, nb[:2]); err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return sqlerr.New(badCopyFormat, "unexpected EOF in COPY data")
	}
	n := int16(binary.BigEndian.Uint16(nb[:2]))
	if n == -1 {
		io.Copy(io.Discard, p.r)
		return io.EOF
	}
	if int(n) != len(p.targets) {
		return sqlerr.New(badCopyFormat, "row field count is %d, expected %d", n, len(p.targets))
	}
	vals := make([]any, p.schema.NumFields())
	for i := 0; i < int(n); i++ {
		if _, err := io.ReadFull(p.r, nb[:]); err != nil {
			return sqlerr.New(badCopyFormat, "unexpected EOF in COPY data")
		}
		l := int32(binary.BigEndian.Uint32(nb[:]))
		if l < 0 {
			continue
		}
		buf := make([]byte, l)
		if _, err := io.ReadFull(p.r, buf); err != nil {
			return sqlerr.New(badCopyFormat, "unexpected EOF in COPY data")
		}
		v, err := p.cio.DecodeBinary(buf, p.types[p.targets[i]])
		if err != nil {
			return err
		}
		vals[p.targets[i]] = v
	}
	return appendRow(b, vals)
}

// appendRow appends one row of Literal-convention values to b's fields.
func appendRow(b *array.RecordBuilder, vals []any) error {
	for i := range vals {
		if err := appendValue(b.Field(i), vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// appendValue appends a Literal-convention value (nil = NULL).
func appendValue(fb array.Builder, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	switch b := fb.(type) {
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.Int16Builder:
		b.Append(int16(v.(int64)))
	case *array.Int32Builder:
		b.Append(int32(v.(int64)))
	case *array.Int64Builder:
		b.Append(v.(int64))
	case *array.Float32Builder:
		b.Append(float32(v.(float64)))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case *array.Decimal128Builder:
		b.Append(v.(decimal128.Num))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v.(int32)))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.(int64)))
	default:
		return sqlerr.New(sqlerr.FeatureNotSupported, "COPY into columns of type %s is not supported", fb.Type())
	}
	return nil
}

func (s *Session) copyOut(ctx context.Context, c *pg.CopyStmt, o copyOpts, cio CopyIO) (*Result, error) {
	var sql string
	if c.Query != nil {
		q, err := deparse(c.Query)
		if err != nil {
			return nil, err
		}
		sql = q
	} else {
		sql = "SELECT "
		if len(c.Attlist) == 0 {
			sql += "*"
		} else {
			var cols []string
			for _, a := range c.Attlist {
				cols = append(cols, quoteIdent(a.GetString_().Sval))
			}
			sql += strings.Join(cols, ", ")
		}
		rv := c.Relation
		name := quoteIdent(rv.Relname)
		if rv.Schemaname != "" {
			name = quoteIdent(rv.Schemaname) + "." + name
		}
		if rv.Catalogname != "" {
			name = quoteIdent(rv.Catalogname) + "." + name
		}
		sql += " FROM " + name
	}
	rs, err := s.Query(ctx, sql)
	if err != nil {
		for _, r := range rs {
			r.Release()
		}
		return nil, err
	}
	res := rs[len(rs)-1]
	defer res.Release()
	write, done, err := cio.CopyOut(o.format == "binary", len(res.Columns))
	if err != nil {
		return nil, err
	}
	if o.format == "binary" {
		return copyOutBinary(res, cio, write, done)
	}
	loc := s.evalContext().TimeZone
	var buf []byte
	if o.header {
		for i, col := range res.Columns {
			if i > 0 {
				buf = append(buf, o.delim)
			}
			buf = p0(o).appendField(buf, col.Name)
		}
		buf = append(buf, '\n')
		if err := write(buf); err != nil {
			return nil, err
		}
	}
	var n int64
	for _, rec := range res.Records {
		for r := 0; r < int(rec.NumRows()); r++ {
			buf = buf[:0]
			for j, col := range rec.Columns() {
				if j > 0 {
					buf = append(buf, o.delim)
				}
				if col.IsNull(r) {
					buf = append(buf, o.null...)
					continue
				}
				v := types.AppendText(nil, col, r, res.Columns[j].Type, loc)
				buf = p0(o).appendField(buf, string(v))
			}
			buf = append(buf, '\n')
			if err := write(buf); err != nil {
				return nil, err
			}
			n++
		}
	}
	if err := done(); err != nil {
		return nil, err
	}
	return tagf("COPY %d", n), nil
}

type p0 copyOpts

// appendField writes one non-NULL value escaped for the format.
func (o p0) appendField(dst []byte, v string) []byte {
	if o.format == "csv" {
		need := v == "" || v == o.null || strings.ContainsAny(v, string([]byte{o.delim, o.quote, '\n', '\r'}))
		if !need {
			return append(dst, v...)
		}
		dst = append(dst, o.quote)
		for i := 0; i < len(v); i++ {
			if v[i] == o.quote || v[i] == o.escape {
				dst = append(dst, o.escape)
			}
			dst = append(dst, v[i])
		}
		return append(dst, o.quote)
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c == o.delim {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		}
	}
	return dst
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

const badCopyFormat = "22P04" // bad_copy_file_format
