package kubedescribe

import (
	"bytes"
	"strconv"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// section is the part of a pod's description a line belongs to.
type section int

const (
	sectionHeader     section = iota // pod fields before Containers:
	sectionContainers                // Containers:
	sectionInit                      // Init Containers: (never reported)
	sectionEvents                    // Events: rows, relative ages only
	sectionOther                     // Conditions:, Volumes:, QoS Class: …
)

// maxMessageLines bounds how many lines a termination Message may take
// before its Exit Code: a cut dump must not swallow the rest of the file.
const maxMessageLines = 100

// decoder walks one input line by line: pods, their containers, and each
// container's states, reporting a container when its description ends.
type decoder struct {
	src  *analyzer.Source
	sink analyzer.Sink
	st   *analyzer.Stats

	// started is set once a line showed this is describe output; lines
	// before it are other output pasted above the dump.
	started bool
	pod     pod
	section section
	c       container
	// block is the state the Reason/Exit Code/Started/Finished lines
	// belong to; nil outside one.
	block *state
	// message counts the lines of a termination Message still allowed
	// before its Exit Code; 0 outside one.
	message int
	// firstPod is the first pod named and several is set once another
	// was: Stats.Host names the pod of a one-pod dump.
	firstPod string
	several  bool
	// unplaced counts terminations of containers nothing identifies.
	unplaced int
}

// pod is what the dump says about the pod being read.
type pod struct {
	name string
	// described is set once a Name: line gave the name (a command line
	// may have named the pod before its description).
	described bool
}

// container is one container's description, valid until the next one
// begins.
type container struct {
	name, image string
	idSeen      bool // a Container ID: line was read
	// state and last are the `State:` and `Last State:` blocks; kind ""
	// when the dump did not print one.
	state, last state
	restarts    string // Restart Count as printed, "" unknown
	// line is the first line that described it: every field of a
	// container sets it, so it is 0 until one was read.
	line int
}

// state is one printed container state.
type state struct {
	kind     string // Running, Waiting, Terminated
	reason   string
	exitCode int
	exitSet  bool
	signal   int
	started  stamp
	finished stamp
	line     int // the State:/Last State: line
}

// stamp is a printed time: the instant, and the text and line it came
// from. at is zero when the line carried no time this package reads.
type stamp struct {
	at   time.Time
	text string
	line int
}

func newDecoder(src *analyzer.Source, sink analyzer.Sink, st *analyzer.Stats) *decoder {
	return &decoder{src: src, sink: sink, st: st}
}

// Line implements lines.Decoder: it reports whether the line belongs to
// the dump.
func (d *decoder) Line(loc analyzer.Location, _ time.Time, _ string, line []byte) bool {
	line = bytes.TrimRight(line, "\r")
	trimmed := bytes.TrimLeft(line, " \t")
	indent := len(line) - len(trimmed)
	key, value, ok := field(trimmed)
	if d.message > 0 {
		if !ok || string(key) != "Exit Code" {
			d.message--
			return true
		}
		d.message = 0
	}
	if name, cmd := describeLine(trimmed); cmd {
		d.newPod(name)
		d.started = true
		return true
	}
	if !ok {
		return d.plain(indent)
	}
	if indent == 0 {
		if d.podField(key, value) {
			d.started = true
			return true
		}
	}
	if d.section == sectionEvents && indent > 0 {
		return true // a row of the Events table
	}
	if d.containerField(key, value, indent, loc.Line) {
		d.started = true
		return true
	}
	return d.started
}

// plain handles a line that is no `Key: value` field.
func (d *decoder) plain(indent int) bool {
	if d.section == sectionEvents && indent == 0 {
		d.section = sectionOther
	}
	return d.started
}

// podField reads the pod-level fields, printed at the start of a line; it
// reports whether key was one.
func (d *decoder) podField(key, value []byte) bool {
	switch string(key) {
	case "Name":
		if len(value) == 0 {
			return false
		}
		if d.pod.described || d.c.touched() || d.pod.name != "" && d.pod.name != string(value) {
			d.newPod("")
		}
		d.pod.described = true
		d.setPodName(string(value))
		d.section = sectionHeader
	case "Namespace", "Node":
		// read, for they mark describe output; no event needs them
	case "Containers":
		d.flush()
		d.section = sectionContainers
	case "Init Containers":
		d.flush()
		d.section = sectionInit
	case "Events":
		d.flush()
		d.section = sectionEvents
	case "Conditions", "Volumes", "QoS Class", "Node-Selectors", "Tolerations", "Readiness Gates":
		d.flush()
		d.section = sectionOther
	default:
		return false
	}
	return true
}

// containerField reads a container's fields and its states' fields; it
// reports whether key was one.
func (d *decoder) containerField(key, value []byte, indent, lineNo int) bool {
	if isStateKey(key) {
		if d.block == nil {
			return false // the pod's own Reason: (Evicted), a stray line
		}
		d.stateField(key, value, lineNo)
		return true
	}
	switch string(key) {
	case "Container ID":
		if d.c.idSeen || d.c.hasState() {
			d.flush()
		}
		d.c.idSeen = true
		d.begin(lineNo)
	case "Image":
		if d.c.image != "" || d.c.hasState() {
			d.flush()
		}
		d.c.image = string(value)
		d.begin(lineNo)
	case "State":
		if d.c.state.kind != "" {
			d.flush()
		}
		d.begin(lineNo)
		d.c.state = state{kind: string(value), line: lineNo}
		d.block = &d.c.state
	case "Last State":
		if d.c.last.kind != "" {
			d.flush()
		}
		d.begin(lineNo)
		d.c.last = state{kind: string(value), line: lineNo}
		d.block = &d.c.last
	case "Ready":
		d.block = nil
	case "Restart Count":
		d.block = nil
		d.c.restarts = string(value)
	default:
		d.block = nil
		if len(value) == 0 && (indent == 2 || indent == 0) && (d.section == sectionContainers || d.section == sectionInit) && label(key) {
			d.flush()
			d.c.name = string(key)
			d.c.line = lineNo
			return true
		}
		return false
	}
	return true
}

// begin makes sure a container is being described: a fragment cut by
// grep starts with its states.
func (d *decoder) begin(lineNo int) {
	if d.c.line == 0 {
		d.c.line = lineNo
	}
}

// stateField fills the current state block.
func (d *decoder) stateField(key, value []byte, lineNo int) {
	b := d.block
	switch string(key) {
	case "Reason":
		b.reason = string(value)
	case "Exit Code":
		if n, ok := number(value); ok {
			b.exitCode, b.exitSet = n, true
		}
	case "Signal":
		if n, ok := number(value); ok {
			b.signal = n
		}
	case "Started":
		b.started = d.stamp(value, lineNo)
	case "Finished":
		b.finished = d.stamp(value, lineNo)
	case "Message":
		if b.kind == "Terminated" {
			d.message = maxMessageLines // its further lines run up to Exit Code
		}
	}
}

// stamp reads a printed time; an unreadable one is kept as text, undated,
// and noted.
func (d *decoder) stamp(value []byte, lineNo int) stamp {
	s := stamp{text: string(value), line: lineNo}
	t, ok := parseTime(s.text)
	switch {
	case ok && t.Year() >= 1980:
		s.at = t
	case ok:
		// kubectl prints the zero time ("Mon, 01 Jan 0001 00:00:00
		// +0000") for a state the kubelet never timed.
	case len(value) > 0:
		lines.AddProblem(d.st, d.src.Path+": line "+strconv.Itoa(lineNo)+": time "+quote(s.text)+" is not RFC 1123 with a numeric zone: the state is listed undated")
	}
	return s
}

// newPod ends the pod being read and starts the one named name ("" when
// its name is still to come).
func (d *decoder) newPod(name string) {
	d.flush()
	d.pod = pod{}
	d.section = sectionHeader
	d.setPodName(name)
}

// setPodName names the pod being read.
func (d *decoder) setPodName(name string) {
	d.pod.name = name
	switch {
	case name == "":
	case d.firstPod == "":
		d.firstPod = name
	case name != d.firstPod:
		d.several = true
	}
}

// touched reports whether anything was read of the container.
func (c *container) touched() bool { return c.line != 0 }

// hasState reports whether a state of the container was read.
func (c *container) hasState() bool {
	return c.state.kind != "" || c.last.kind != ""
}

// flush reports the container being read, if any, and starts the next. A
// line that changes the section while a container is read flushes it
// first (but for the Events table's end, which neither enters nor leaves
// Init Containers), so that report sees the section it was read in.
func (d *decoder) flush() {
	if d.c.touched() {
		d.report(&d.c)
	}
	d.c = container{}
	d.block = nil
	d.message = 0
}

// finish ends the input.
func (d *decoder) finish() {
	d.flush()
	if !d.several {
		d.st.Host = d.firstPod
	}
	if d.unplaced > 0 {
		lines.AddProblem(d.st, d.src.Path+": "+plural(d.unplaced, "container termination")+" with no pod, container or image named: nothing tells whether it was a Kafka broker, so it is not on the timeline")
	}
}
