package systemctl

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
)

// mode is where in the dump a line falls.
type mode int

const (
	modeOutside mode = iota // before the first unit, after a prompt
	modeUnit                // a unit's status lines
	modeTail                // the journal lines below a unit's status
)

// decoder walks one input line by line.
type decoder struct {
	src  *analyzer.Source
	st   *analyzer.Stats
	sink *countingSink
	tail *journal.Tail
	mode mode
	// u is the unit being read; pending its events, held until its
	// journal tail is read so that they take the host it names.
	u       unit
	pending []analyzer.Event
	// promptHost is the host a shell prompt named ("[root@host ~]#").
	promptHost string
	// zoneNoted is set once a problem named the zone assumed.
	zoneNoted bool
}

func newDecoder(j *journal.Parser, src *analyzer.Source, sink analyzer.Sink, st *analyzer.Stats) *decoder {
	d := &decoder{src: src, st: st}
	d.sink = &countingSink{Sink: sink, d: d}
	d.tail = j.NewTail(src, d.sink)
	return d
}

// Line implements lines.Decoder: it reports whether the line was read.
// lines.Feed hands it no blank line, so a blank line does not end a unit's
// status: the first line that is neither a status field nor indented does.
func (d *decoder) Line(loc analyzer.Location, _ time.Time, _ string, line []byte) bool {
	line = bytes.TrimRight(line, "\r")
	if name, desc, ok := unitHeader(line); ok {
		d.endUnit()
		d.u = unit{name: string(name), desc: string(desc)}
		d.mode = modeUnit
		return true
	}
	if d.prompt(line) {
		d.endUnit()
		d.mode = modeOutside
		return true
	}
	switch d.mode {
	case modeUnit:
		if key, value, ok := statusField(line); ok {
			d.u.field(key, value, line, loc.Line)
			if string(key) != "CGroup" {
				return true
			}
		}
		if line[0] == ' ' {
			return d.treeLine(line, loc.Line)
		}
		// A journal line right below the status: no blank line between.
		d.endStatus()
		d.mode = modeTail
	}
	if d.tail.Line(line, loc.Line) {
		return true
	}
	return bytes.HasPrefix(line, []byte("Hint: ")) || bytes.HasPrefix(line, []byte("Warning: "))
}

// treeLine reads a line of the CGroup tree or a Drop-In list. A paste that
// lost the newline after an ellipsized command line carries the first
// journal line behind the ellipsis: it is read as one.
func (d *decoder) treeLine(line []byte, lineNo int) bool {
	rest := line
	for range 4 {
		i := bytes.Index(rest, []byte("..."))
		n := 3
		if j := bytes.Index(rest, []byte("…")); j >= 0 && (i < 0 || j < i) {
			i, n = j, len("…")
		}
		if i < 0 {
			break
		}
		rest = rest[i+n:]
		if journal.IsRecord(rest) {
			d.endStatus()
			d.mode = modeTail
			d.tail.Line(rest, lineNo)
			break
		}
	}
	return true
}

// prompt reads a shell prompt line ("[root@host ~]# systemctl status
// kafka", "user@host:~$ …"), keeping the host it names.
func (d *decoder) prompt(line []byte) bool {
	var host []byte
	switch {
	case bytes.HasPrefix(line, []byte("[")):
		end := bytes.Index(line, []byte("]"))
		if end < 0 || end+1 >= len(line) || line[end+1] != '#' && line[end+1] != '$' {
			return false
		}
		inner := line[1:end]
		at := bytes.IndexByte(inner, '@')
		if at < 0 {
			return true
		}
		host = inner[at+1:]
		if sp := bytes.IndexByte(host, ' '); sp >= 0 {
			host = host[:sp]
		}
	case bytes.HasPrefix(line, []byte("$ ")) || bytes.HasPrefix(line, []byte("# ")):
		return true
	default:
		sp := bytes.IndexByte(line, ' ')
		if sp < 2 {
			return false
		}
		word := line[:sp]
		if last := word[len(word)-1]; last != '$' && last != '#' {
			return false
		}
		at, colon := bytes.IndexByte(word, '@'), bytes.IndexByte(word, ':')
		if at <= 0 || colon < at {
			return false
		}
		host = word[at+1 : colon]
	}
	if len(host) > 0 && len(host) < 256 && bytes.IndexAny(host, "/\\") < 0 {
		d.promptHost = string(host)
	}
	return true
}

// endStatus ends a unit's status lines: its events are made, to be
// emitted once its journal tail is read.
func (d *decoder) endStatus() {
	if d.mode != modeUnit {
		return
	}
	d.pending = d.u.events(d)
	d.mode = modeTail
}

// endUnit ends a unit, its tail included, and emits its events.
func (d *decoder) endUnit() {
	d.endStatus()
	host := d.host()
	for _, ev := range d.pending {
		ev.Host = host
		d.sink.emit(ev)
	}
	d.pending = nil
	d.u = unit{}
}

// finish ends the input.
func (d *decoder) finish() {
	d.endUnit()
	d.tail.Flush()
	d.st.Host = d.host()
	if d.tail.ZoneAssumed() {
		d.st.ZoneAssumed = true
	}
}

// host is the host the journal lines named, else the one a prompt did.
func (d *decoder) host() string {
	if h := d.tail.Host(); h != "" {
		return h
	}
	return d.promptHost
}

// problem notes damage or an assumption at a line.
func (d *decoder) problem(msg string) {
	lines.AddProblem(d.st, msg)
}

// countingSink counts the events of the input, the journal tail's
// included, and drops a tail line that repeats a status event.
type countingSink struct {
	analyzer.Sink
	d *decoder
}

func (s *countingSink) Event(e analyzer.Event) {
	for i := range s.d.pending {
		if repeats(&e, &s.d.pending[i]) {
			return
		}
	}
	s.emit(e)
}

func (s *countingSink) emit(e analyzer.Event) {
	s.d.st.Events++
	s.Sink.Event(e)
}

// repeats reports whether a journal line's event tells what a status
// line's did: the same kind in the same second of the day. The journal's
// short layout has no year, so the year is not compared.
func repeats(j, status *analyzer.Event) bool {
	if j.Kind != status.Kind || status.Time.IsZero() {
		return false
	}
	a, b := j.Time, status.Time
	return a.Month() == b.Month() && a.Day() == b.Day() && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}
