package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// MaxFieldLen bounds one field value kept from an export; longer values
// (a binary field's length prefix can claim up to 2^64) are read past
// without being stored.
const MaxFieldLen = 64 << 10

// maxFieldNameLen bounds a field name; systemd allows 64 bytes.
const maxFieldNameLen = 64

// sniffExport accepts `NAME=value` / `NAME\n<len>` records at the start
// with a journal metadata or MESSAGE field among the first bytes.
func sniffExport(head []byte) bool {
	i := bytes.IndexAny(head, "=\n")
	if i <= 0 || !fieldName(head[:i]) {
		return false
	}
	return bytes.Contains(head, []byte("\n__REALTIME_TIMESTAMP=")) || bytes.HasPrefix(head, []byte("__CURSOR=")) ||
		bytes.HasPrefix(head, []byte("__REALTIME_TIMESTAMP=")) || bytes.Contains(head, []byte("\nMESSAGE=")) ||
		bytes.Contains(head, []byte("\nMESSAGE\n")) || bytes.HasPrefix(head, []byte("MESSAGE"))
}

// fieldName accepts journal field names: upper-case letters, digits and
// underscores, not starting with a digit.
func fieldName(b []byte) bool {
	if len(b) == 0 || len(b) > maxFieldNameLen || isDigit(b[0]) {
		return false
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

// ExportReader streams the Journal Export Format one entry at a time.
// Values of the fields kafkadiag reads are copied into a buffer reused
// from entry to entry; all others are skipped.
type ExportReader struct {
	r      *bufio.Reader
	path   string
	offset int64 // bytes consumed
	line   int   // newlines consumed, for a text viewer's line number
	n      int   // entries started
	buf    []byte
	fields exportFields
	// pending is a metadata field that opened the next entry when an
	// entry lacked its empty separator line.
	pendingName  []byte
	pendingValue []byte
	problems     []string
	eof          bool
	cursorSeen   bool
	pendingLine  int
	nameScratch  [maxFieldNameLen]byte
}

// exportFields are buffer offsets of the fields an entry keeps; a zero
// end means absent. The first value of a repeated field wins.
type exportFields struct {
	message, ident, comm, pid, unit, sysUnit, host, transport, priority, realtime, srcRealtime span
}

type span struct{ start, end int }

// NewExportReader reads an export from r; path names it in problems.
func NewExportReader(r *bufio.Reader, path string) *ExportReader {
	return &ExportReader{r: r, path: path}
}

// Problems are the damages found so far, each naming entry and byte offset.
func (x *ExportReader) Problems() []string { return x.problems }

// Next reads the next entry into e (slices valid until the next call) and
// returns io.EOF after the last.
func (x *ExportReader) Next(e *entry) error {
	e.reset()
	x.buf, x.fields, x.cursorSeen = x.buf[:0], exportFields{}, false
	started := false
	startLine := x.line + 1
	x.n++ // the entry being read, for problems
	if len(x.pendingName) > 0 {
		x.keep(x.pendingName, x.pendingValue, false)
		x.pendingName, started, startLine = x.pendingName[:0], true, x.pendingLine
	}
	for !x.eof {
		lineStart := x.line + 1
		name, value, isBin, err := x.record()
		if err != nil {
			x.eof = true
			if err != io.EOF {
				x.problem("%w", err)
			}
			break
		}
		if len(name) == 0 && value == nil && !isBin && name != nil {
			continue // a damaged record, already reported
		}
		if name == nil { // the empty separator line
			if started {
				break
			}
			startLine = x.line + 1
			continue
		}
		if !started {
			started, startLine = true, lineStart
		} else if !isBin && opensEntry(name) && x.seen(name) {
			// A second __CURSOR/__REALTIME_TIMESTAMP: the separator is missing.
			x.pendingName = append(x.pendingName[:0], name...)
			x.pendingValue = append(x.pendingValue[:0], value...)
			x.pendingLine = lineStart
			x.problem("missing empty line before the next entry")
			break
		}
		x.keep(name, value, isBin)
	}
	if !started {
		x.n--
		return io.EOF
	}
	x.fill(e)
	e.loc = analyzer.Location{Path: x.path, Line: startLine}
	return nil
}

// opensEntry names the metadata fields journalctl writes first.
func opensEntry(name []byte) bool {
	return string(name) == "__CURSOR" || string(name) == "__REALTIME_TIMESTAMP"
}

// seen reports whether the entry already holds a field name; __CURSOR is
// not kept, so its repeat is noticed through cursorSeen.
func (x *ExportReader) seen(name []byte) bool {
	if string(name) == "__CURSOR" {
		return x.cursorSeen
	}
	f := x.slot(name)
	return f != nil && f.end > 0
}

// problem records damage with the entry number and byte offset.
func (x *ExportReader) problem(format string, args ...any) {
	if len(x.problems) < maxProblems {
		err := fmt.Errorf(format, args...)
		x.problems = append(x.problems, fmt.Sprintf("%s: entry %d (byte %d): %v", x.path, x.n, x.offset, err))
	}
}

// record reads one field. name is nil for an empty line. For a text
// field, value aliases the reader's buffer; for a binary one x.buf's tail
// or nil when it was too long to keep.
func (x *ExportReader) record() (name, value []byte, isBin bool, err error) {
	line, err := x.r.ReadSlice('\n')
	x.offset += int64(len(line))
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) {
			var more []byte
			more, err = x.r.ReadSlice('\n')
			x.offset += int64(len(more))
		}
		x.line++
		x.problem("line %d: field longer than the read buffer, skipped", x.line)
		return []byte{}, nil, false, ignoreEOF(err)
	}
	if len(line) == 0 {
		return nil, nil, false, io.EOF
	}
	if line[len(line)-1] == '\n' {
		x.line++
		line = line[:len(line)-1]
	} else if err == nil {
		err = io.ErrUnexpectedEOF
	}
	if len(line) == 0 {
		return nil, nil, false, nil
	}
	if i := bytes.IndexByte(line, '='); i >= 0 {
		if !fieldName(line[:i]) {
			x.problem("line %d: not a field", x.line)
			return []byte{}, nil, false, ignoreEOF(err)
		}
		return line[:i], line[i+1:], false, ignoreEOF(err)
	}
	if !fieldName(line) || err != nil {
		x.problem("line %d: not a field", x.line)
		return []byte{}, nil, false, ignoreEOF(err)
	}
	// The name must outlive the reads of the value.
	name = x.nameScratch[:copy(x.nameScratch[:], line)]
	value, err = x.binaryValue(name)
	return name, value, true, err
}

func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// binaryValue reads `<uint64 LE length><value>\n` after a binary field's
// name. A value longer than MaxFieldLen, or of a field not kept, is
// discarded in chunks, never allocated.
func (x *ExportReader) binaryValue(name []byte) ([]byte, error) {
	var lenBuf [8]byte
	n, err := io.ReadFull(x.r, lenBuf[:])
	x.offset += int64(n)
	if err != nil {
		return nil, fmt.Errorf("field %s: length cut short: %w", name, io.ErrUnexpectedEOF)
	}
	size := binary.LittleEndian.Uint64(lenBuf[:])
	var value []byte
	if size <= MaxFieldLen && x.slot(name) != nil {
		start := len(x.buf)
		x.buf = append(x.buf, make([]byte, int(size))...)
		n, err := io.ReadFull(x.r, x.buf[start:])
		x.offset += int64(n)
		x.line += bytes.Count(x.buf[start:start+n], []byte{'\n'})
		if err != nil {
			x.buf = x.buf[:start]
			return nil, fmt.Errorf("field %s: value cut short after %d of %d bytes: %w", name, n, size, io.ErrUnexpectedEOF)
		}
		value = x.buf[start:]
	} else {
		if size > MaxFieldLen {
			x.problem("field %s: %d-byte value skipped", name, size)
		}
		if err := x.discard(size); err != nil {
			return nil, fmt.Errorf("field %s: value cut short: %w", name, io.ErrUnexpectedEOF)
		}
	}
	if b, err := x.r.Peek(1); err == nil && b[0] == '\n' {
		x.r.Discard(1)
		x.offset++
		x.line++
	} else if err == nil {
		x.problem("field %s: no newline after the binary value", name)
	}
	return value, nil
}

// discard skips size bytes, counting newlines, in bounded chunks.
func (x *ExportReader) discard(size uint64) error {
	for size > 0 {
		chunk := min(size, uint64(x.r.Size()))
		b, err := x.r.Peek(int(chunk))
		x.line += bytes.Count(b, []byte{'\n'})
		d, _ := x.r.Discard(len(b))
		x.offset += int64(d)
		size -= uint64(d)
		if err != nil && size > 0 {
			return err
		}
	}
	return nil
}

// slot is where a kept field's value goes, nil for fields not kept.
func (x *ExportReader) slot(name []byte) *span {
	f := &x.fields
	switch string(name) {
	case "MESSAGE":
		return &f.message
	case "SYSLOG_IDENTIFIER":
		return &f.ident
	case "_COMM":
		return &f.comm
	case "_PID":
		return &f.pid
	case "UNIT", "USER_UNIT":
		return &f.unit
	case "_SYSTEMD_UNIT":
		return &f.sysUnit
	case "_HOSTNAME":
		return &f.host
	case "_TRANSPORT":
		return &f.transport
	case "PRIORITY":
		return &f.priority
	case "__REALTIME_TIMESTAMP":
		return &f.realtime
	case "_SOURCE_REALTIME_TIMESTAMP":
		return &f.srcRealtime
	}
	return nil
}

// keep stores a field's value; a binary value is already at x.buf's tail.
func (x *ExportReader) keep(name, value []byte, isBin bool) {
	if string(name) == "__CURSOR" {
		x.cursorSeen = true
	}
	f := x.slot(name)
	if f == nil || f.end > 0 || value == nil && isBin {
		return
	}
	if isBin {
		f.start, f.end = len(x.buf)-len(value), len(x.buf)
		if f.end == f.start {
			f.end = -1 // present but empty
		}
		return
	}
	value = value[:min(len(value), MaxFieldLen)]
	f.start = len(x.buf)
	x.buf = append(x.buf, value...)
	f.end = len(x.buf)
	if f.end == f.start {
		f.end = -1
	}
}

func (x *ExportReader) get(s span) []byte {
	if s.end <= 0 {
		return nil
	}
	return x.buf[s.start:s.end]
}

// fill copies the kept fields into e.
func (x *ExportReader) fill(e *entry) {
	f := &x.fields
	e.message = x.get(f.message)
	e.ident = x.get(f.ident)
	e.comm = x.get(f.comm)
	e.pid = x.get(f.pid)
	e.unit = x.get(f.unit)
	e.sysUnit = x.get(f.sysUnit)
	e.host = x.get(f.host)
	e.kernel = string(x.get(f.transport)) == "kernel" || string(e.ident) == "kernel"
	if p, ok := text.Atoi(x.get(f.priority)); ok && p <= 7 {
		e.priority = int(p)
	}
	e.time = usTime(x.get(f.srcRealtime))
	if e.time.IsZero() {
		e.time = usTime(x.get(f.realtime))
	}
}

// usTime reads decimal microseconds since the epoch; zero when absent or damaged.
func usTime(b []byte) time.Time {
	us, ok := text.Atoi(b)
	if !ok || us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// readExport reads an export entry by entry.
func (h *handler) readExport(ctx context.Context) error {
	x := NewExportReader(h.src.R, h.src.Path)
	var e entry
	defer func() { h.st.Problems = append(h.st.Problems, x.Problems()...) }()
	for {
		err := x.Next(&e)
		if err == io.EOF {
			return nil
		}
		h.st.Lines++
		if h.st.Lines&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if e.message == nil && e.time.IsZero() {
			h.st.Unparsed++
			continue
		}
		h.handle(&e)
	}
}
