package analyzer

import (
	"bufio"
	"context"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// SniffLen is how many leading bytes Parser.Sniff is offered (fewer when the
// input is shorter).
const SniffLen = 4096

// Parser reads one input format. Parsers are listed explicitly in
// parsers.All(); Analyze offers each input to them in that order and the
// first whose Sniff accepts it parses it.
type Parser interface {
	// Format is the name the report shows ("pcap", "kafka-log" ...).
	Format() string
	// Sniff decides from the input's first bytes whether this parser reads
	// it. It must be cheap and must not keep head.
	Sniff(head []byte) bool
	// Parse streams the input once and reports what it found to sink. An
	// error stops this input only; what was emitted before it stays.
	Parse(ctx context.Context, src *Source, sink Sink) (Stats, error)
}

// Source is one input positioned at its first byte.
type Source struct {
	// Path is the display path ("bundle.tgz!host/server.log").
	Path string
	// Host is the machine the input came from, when the walker could tell
	// from the path; parsers may learn better (journal _HOSTNAME).
	Host string
	R    *bufio.Reader
	// Zone is the zone for times printed without one.
	Zone *time.Location
}

// ZoneOrUTC is the zone for times printed without one: s.Zone, or UTC when
// there is no Source or it names none (a decoder built for a test).
func (s *Source) ZoneOrUTC() *time.Location {
	if s != nil && s.Zone != nil {
		return s.Zone
	}
	return time.UTC
}

// WholeInBuffer returns the rest of r's input when r's buffer holds all of
// it (a Peek of the whole buffer came back short, at the end of the input
// or at a read error); ok is false when more follows. Parsers size what
// they allocate by it: a bundle holds thousands of inputs of a few
// kilobytes, and blocks made for large ones would cost each of them more
// in zeroing and collection than the reading. rest is r's own buffer:
// valid until r's next read, and not to be changed.
func WholeInBuffer(r *bufio.Reader) (rest []byte, ok bool) {
	b, err := r.Peek(r.Size())
	if err == nil || len(b) >= r.Size() {
		return nil, false
	}
	return b, true
}

// Stats is what a parser tells the report about one input.
type Stats struct {
	Layout   string
	Packets  int
	Events   int
	Lines    int
	Unparsed int
	// Host overrides Source.Host when the input named its machine.
	Host string
	// ZoneAssumed is set when at least one time in the input was printed
	// without a zone and read in Source.Zone: only then does the report
	// say which zone it assumed.
	ZoneAssumed bool
	// Problems are non-fatal damage found on the way, each naming its
	// position; the input was still read past them.
	Problems []string
}

// Sink receives what a parser finds. Implementations are not safe for
// concurrent use: one parser feeds one sink at a time.
type Sink interface {
	Event(Event)
	// Flow receives a finished flow; the sink owns it from then on.
	Flow(*flow.Flow)
	ARP(CapturedARP)
	Node(Node)
	Config(Config)
}
