package journal

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// entry is one journal record in any layout. The byte slices alias a
// buffer the reader reuses: valid only while the entry is handled.
type entry struct {
	loc      analyzer.Location
	time     time.Time
	noYear   bool // short layout: the year in time is a placeholder
	message  []byte
	ident    []byte // SYSLOG_IDENTIFIER, or the short layout's tag
	comm     []byte // _COMM
	pid      []byte // _PID or the short layout's [pid]
	unit     []byte // UNIT / USER_UNIT: systemd's message is about this unit
	sysUnit  []byte // _SYSTEMD_UNIT: the unit that logged
	host     []byte
	kernel   bool // _TRANSPORT=kernel or ident "kernel"
	priority int  // syslog priority, -1 unknown
}

func (e *entry) reset() {
	*e = entry{priority: -1}
}

// handler turns entries into events; one per input.
type handler struct {
	src      *analyzer.Source
	sink     analyzer.Sink
	embedded []Embedded
	st       analyzer.Stats
	host     string // last host, reused while unchanged
	oom      pendingOOM
	// lastDecoder is the embedded decoder that took the last message, -1
	// none; lastTime that message's time. Short layouts indent a
	// message's further lines, which belong to the same decoder.
	lastDecoder int
	lastTime    time.Time
	// noYear is the last entry's entry.noYear: the input's layout has no
	// year, and embedded decoders that date a line with the entry's time
	// give it the placeholder year.
	noYear bool
}

func newHandler(src *analyzer.Source, sink analyzer.Sink, factories []func(*analyzer.Source, analyzer.Sink) Embedded) *handler {
	h := &handler{src: src, sink: sink, lastDecoder: -1}
	for _, f := range factories {
		if d := f(src, yearSink{sink, h}); d != nil {
			h.embedded = append(h.embedded, d)
		}
	}
	return h
}

// flush ends the input: pending kernel state and the embedded decoders.
func (h *handler) flush() {
	h.flushOOM()
	for _, d := range h.embedded {
		d.Flush()
	}
}

// handle routes one entry: systemd, kernel, or program output.
func (h *handler) handle(e *entry) {
	h.noYear = e.noYear
	if len(e.host) > 0 && h.st.Host == "" {
		h.st.Host = string(e.host)
	}
	msg := bytes.TrimRight(e.message, "\r\n")
	if len(msg) == 0 {
		return
	}
	switch {
	case e.kernel:
		h.kernel(e, msg)
	case isSystemd(e):
		h.systemd(e, msg)
	default:
		h.program(e, msg)
	}
}

// program hands a program's message to the first embedded decoder that
// reads it. A multi-line message (a Java stack trace logged as one entry)
// is fed line by line, as the short layouts print it, the further lines to
// the decoder that took the first.
func (h *handler) program(e *entry, msg []byte) {
	host := h.hostName(e.host)
	first, rest, multi := bytes.Cut(msg, []byte{'\n'})
	first = bytes.TrimRight(first, "\r")
	h.lastDecoder = -1
	for i, d := range h.embedded {
		if d.Line(e.loc, e.time, host, first) {
			h.lastDecoder, h.lastTime = i, e.time
			break
		}
	}
	if !multi || h.lastDecoder < 0 {
		return
	}
	d := h.embedded[h.lastDecoder]
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		d.Line(e.loc, e.time, host, bytes.TrimRight(line, "\r"))
	}
}

// yearSink marks the events of embedded decoders that carry the `short`
// layout's placeholder year as NoYear, as the journal's own events are: a
// program line printing no time of its own (rsyslog's omkafka, an error
// callback) is dated with the entry's time.
type yearSink struct {
	analyzer.Sink
	h *handler
}

func (s yearSink) Event(e analyzer.Event) {
	if s.h.noYear && e.Time.Year() == placeholderYear {
		e.NoYear = true
	}
	s.Sink.Event(e)
}

// isSystemd is true for the service manager's own messages (PID 1 or a
// user manager).
func isSystemd(e *entry) bool {
	return string(e.ident) == "systemd" || (len(e.ident) == 0 && string(e.comm) == "systemd")
}

// hostName returns the entry's host as a string, reusing the last one.
func (h *handler) hostName(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if string(b) != h.host {
		h.host = string(b)
	}
	return h.host
}

// event fills the fields every journal event shares.
func (h *handler) event(e *entry, kind analyzer.EventKind, program string, msg []byte) analyzer.Event {
	return analyzer.Event{
		Kind:    kind,
		Time:    e.time,
		NoYear:  e.noYear,
		Source:  e.loc,
		Level:   levelName(e.priority),
		Program: program,
		Host:    h.hostName(e.host),
		Text:    string(msg[:min(len(msg), analyzer.MaxTextLen)]),
	}
}

// levelName maps a syslog priority.
func levelName(p int) string {
	switch {
	case p < 0:
		return ""
	case p <= 3:
		return "ERROR"
	case p == 4:
		return "WARN"
	case p <= 6:
		return "INFO"
	}
	return "DEBUG"
}
