package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Log clocks and capture clocks disagree more often than not: the capture
// ran on another host, the log was written in an unstated zone, NTP was off.
// Rules that compare a log time with a packet time shift by the offset
// estimated here from events both sides saw: a refused connect and a REJ
// flow to the same address, a connect timeout and an S0 flow, a connect and
// a completed handshake, a TLS or first-request failure and the close of a
// connection that sent a first payload.

// clockOffset is how far the log clock runs ahead of the capture clock:
// log time − capture time for the same moment.
type clockOffset struct {
	Offset time.Duration
	// Pairs is how many log events matched a flow at that offset; zero
	// means no estimate (Offset is then 0).
	Pairs int
}

// Bounds of the estimate: clocks further apart than maxClockSkew are not
// searched (zone mistakes are whole hours and show up as no match), and a
// log event matches a flow when they agree within clockMatch after shifting.
const (
	maxClockSkew  = 2 * time.Hour
	clockMatch    = 500 * time.Millisecond
	maxClockPairs = 400 // events and flows considered, each, to bound the work
)

// String says the offset in words for a summary; "" when it is within a
// second or unknown.
func (c clockOffset) String() string {
	if c.Pairs == 0 || absDur(c.Offset) <= time.Second {
		return ""
	}
	dir := "ahead of"
	if c.Offset < 0 {
		dir = "behind"
	}
	return fmt.Sprintf("log clocks run %s %s the capture clock (from %d log events matched to flows)",
		seconds(absDur(c.Offset)), dir, c.Pairs)
}

// note appends the offset to the summary of a finding that set packets
// beside log lines, when the two clocks disagree by more than a second: a
// reader comparing frame times with line times must know. Call it once the
// summary is written; a summary that already says it is left alone.
func (c clockOffset) note(f *analyzer.Finding) {
	s := c.String()
	if s == "" || len(f.Kinds) < 2 || !slices.Contains(f.Kinds, kindPackets) || strings.Contains(f.Summary, s) {
		return
	}
	f.Summary += " Note: " + s + "."
}

// toLog converts a capture time to the log clock.
func (c clockOffset) toLog(t time.Time) time.Time { return t.Add(c.Offset) }

// anchorTimes pairs an event with a flow when they describe the same
// connection attempt, returning the moment on each clock.
func anchorTimes(inc *analyzer.Incident, e *analyzer.Event, f *flow.Flow) (time.Time, time.Time, bool) {
	if !sameEndpoints(inc, e, f) {
		return time.Time{}, time.Time{}, false
	}
	switch e.Kind {
	case analyzer.ConnectRefused:
		if f.State == "REJ" {
			return e.Time, f.End, true
		}
	case analyzer.ConnectTimeout:
		if f.State == "S0" && e.AfterMs > 0 {
			// The log line is written when the connect gives up.
			return e.Time, f.Start.Add(time.Duration(e.AfterMs) * time.Millisecond), true
		}
	case analyzer.Connected:
		if f.HandshakeDone {
			return e.Time, f.Start, true
		}
	case analyzer.SSLHandshakeFailed, analyzer.SecurityProtocolHint, analyzer.InvalidReceive, analyzer.AuthTerminated:
		// A connection that died in its first exchange (TLS against
		// plaintext, a rejected certificate): either side logs it as the
		// connection closes. Without these, a TLS failure has no anchor.
		if f.HandshakeDone && (f.FINBy != "" || f.RSTBy != "") && f.FirstPayload[0].Class != "" && f.FirstPayload[0].Class != flow.PayloadNone {
			return e.Time, f.End, true
		}
	}
	return time.Time{}, time.Time{}, false
}

// sameEndpoints reports whether an event is about a flow's connection: a
// client-side line through the broker it names, a broker-side line through
// the peer it names.
func sameEndpoints(inc *analyzer.Incident, e *analyzer.Event, f *flow.Flow) bool {
	if t := eventTarget(inc, e); t.IsValid() {
		return t == f.Resp
	}
	return e.Peer.IsValid() && e.Peer == f.Orig.Addr()
}

// clockOffsetKey is the key of the incident's clock offset in
// Incident.Derived.
type clockOffsetKey struct{}

// clockOffsetOf is estimateClockOffset(inc), computed once per incident for
// all the rules that read it.
func clockOffsetOf(inc *analyzer.Incident) clockOffset {
	return inc.Derived(clockOffsetKey{}, func() any { return estimateClockOffset(inc) }).(clockOffset)
}

// estimateClockOffset votes: every (event, flow) pair that could be the same
// attempt proposes an offset; the offset that the most events agree with
// (within clockMatch) wins, the smaller one on ties, and the median of the
// agreeing pairs refines it.
func estimateClockOffset(inc *analyzer.Incident) clockOffset {
	events := inc.EventsOf(analyzer.ConnectRefused, analyzer.ConnectTimeout, analyzer.Connected,
		analyzer.SSLHandshakeFailed, analyzer.SecurityProtocolHint, analyzer.InvalidReceive, analyzer.AuthTerminated)
	if len(events) > maxClockPairs {
		events = events[:maxClockPairs]
	}
	var flows []*flow.Flow
	for _, f := range inc.Flows {
		if len(flows) == maxClockPairs {
			break
		}
		if f.State == "REJ" || f.State == "S0" || f.HandshakeDone {
			flows = append(flows, f)
		}
	}
	type proposal struct {
		event  int
		offset time.Duration
	}
	var proposals []proposal
	var offsets []time.Duration
	for i, e := range events {
		for _, f := range flows {
			if lt, ct, ok := anchorTimes(inc, e, f); ok && absDur(lt.Sub(ct)) <= maxClockSkew {
				proposals = append(proposals, proposal{i, lt.Sub(ct)})
				offsets = append(offsets, lt.Sub(ct))
			}
		}
	}
	if len(offsets) == 0 {
		return clockOffset{}
	}
	sort.Slice(offsets, func(i, j int) bool { return offsets[i] < offsets[j] })
	best, bestVotes := offsets[0], 0
	for _, p := range offsets {
		votes := countNear(offsets, p, clockMatch)
		if votes > bestVotes || votes == bestVotes && absDur(p) < absDur(best) {
			best, bestVotes = p, votes
		}
	}
	// Each event agrees through its proposal nearest to the winner.
	nearest := map[int]time.Duration{}
	for _, p := range proposals {
		d := p.offset - best
		if absDur(d) > clockMatch {
			continue
		}
		if cur, ok := nearest[p.event]; !ok || absDur(d) < absDur(cur-best) {
			nearest[p.event] = p.offset
		}
	}
	agree := make([]time.Duration, 0, len(nearest))
	for _, off := range nearest {
		agree = append(agree, off)
	}
	sort.Slice(agree, func(i, j int) bool { return agree[i] < agree[j] })
	return clockOffset{Offset: agree[len(agree)/2], Pairs: len(agree)}
}

// countNear counts values within tol of v in a sorted slice.
func countNear(sorted []time.Duration, v, tol time.Duration) int {
	lo := sort.Search(len(sorted), func(i int) bool { return sorted[i] >= v-tol })
	hi := sort.Search(len(sorted), func(i int) bool { return sorted[i] > v+tol })
	return hi - lo
}
