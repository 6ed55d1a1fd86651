package analyzer

import (
	"net/netip"
	"sync"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Incident is everything the parsers learned from one set of inputs: the
// one model every rule reads. Analyze sorts every slice, so rules see the
// same order for the same inputs.
type Incident struct {
	Inputs []InputStat
	// Events is the timeline, sorted by time, then source path and line.
	Events []Event
	// Flows are sorted by start time, then capture path and first frame.
	// On large captures Collect keeps only the flows a rule may need (see
	// RetainFlow); the others are counted in FlowTallies, so a complete
	// count is FlowCount, not len(Flows).
	Flows []*flow.Flow
	// FlowTallies counts the plain healthy flows Collect did not keep, per
	// capture, server endpoint and state, sorted in that order. Empty when
	// every flow was kept.
	FlowTallies []FlowTally
	// ARP is every ARP packet seen, per capture, in capture order.
	ARP     []CapturedARP
	Nodes   []Node
	Configs []Config
	// Zone is the zone assumed for log times that carried none.
	Zone *time.Location
	// Notes are assumptions the analysis made that a reader must know
	// ("times without a zone read as UTC", "year 2024 inferred for
	// journal lines").
	Notes []string

	// derived holds what Derived computed, by key.
	derived sync.Map
}

// Derived returns compute(), computed once per key however many rules ask
// for it: rules share costly views of the incident (the clock offset
// between its logs and captures, which a dozen rules read) without the
// core knowing their types. Keys are values of a type private to the
// caller, as with context.Context. Safe for rules evaluated side by side;
// two that ask at once may both compute, and one result is kept for every
// later call. The incident must not change once rules read it.
func (in *Incident) Derived(key any, compute func() any) any {
	if v, ok := in.derived.Load(key); ok {
		return v
	}
	v, _ := in.derived.LoadOrStore(key, compute())
	return v
}

// FlowTally summarises plain healthy flows of one capture to one server
// endpoint that ended in one state: enough for exact totals and per-node
// counts without holding every flow.
type FlowTally struct {
	Capture string
	Resp    netip.AddrPort
	State   string
	Count   int
	// First is the earliest start and Last the latest end among them.
	First, Last          time.Time
	OrigBytes, RespBytes int64
}

// FlowCount is the number of flows replayed: kept and tallied.
func (in *Incident) FlowCount() int {
	n := len(in.Flows)
	for i := range in.FlowTallies {
		n += in.FlowTallies[i].Count
	}
	return n
}

// CapturedARP is an ARP packet and the capture it came from.
type CapturedARP struct {
	Capture string
	flow.ARP
}

// InputStat is one input as the report lists it.
type InputStat struct {
	Path   string
	Format string // parser format, "" when skipped
	Host   string
	// Layout is the sub-format the parser chose ("log4j", "logback",
	// "journal-export", "pcapng/SLL2"), so a reader can check it.
	Layout   string
	Packets  int
	Events   int
	Lines    int
	Unparsed int // lines or frames not understood
	// ZoneAssumed: some of the input's times carried no zone and were
	// read in Incident.Zone.
	ZoneAssumed bool
	// Skipped is the reason the input was not analysed ("" when read).
	Skipped string
	// Problems are errors that stopped reading part-way or damaged records,
	// each naming the position ("frame 1234: ...").
	Problems []string
}

// EventsOf returns the events of the given kinds, in timeline order.
func (in *Incident) EventsOf(kinds ...EventKind) []*Event {
	var out []*Event
	for i := range in.Events {
		for _, k := range kinds {
			if in.Events[i].Kind == k {
				out = append(out, &in.Events[i])
				break
			}
		}
	}
	return out
}
