package analyzer

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Flow retention. A busy broker's capture holds millions of flows, almost
// all plain healthy ones: handshake, Kafka requests, a clean close. Keeping
// each as a *flow.Flow costs hundreds of bytes, so on large captures the
// collector keeps only what a rule can use and tallies the rest:
//
//   - Every flow while fewer than RetainAllFlows have been seen: small and
//     medium captures (every fixture, most incidents) keep every flow, so
//     the rules see exactly what they would without the policy.
//   - Past that, every flow that is not plain healthy (see plainHealthy):
//     REJ, S0, RST*, SH/SHR/OTH, retransmitted SYNs or SYN-ACKs, MAC
//     mismatch, zero windows, non-Kafka or TLS first payloads, a long idle
//     gap, or a close the server started (a broker restart ends many
//     connections from its side at once).
//   - Plain healthy flows a rule reads as context: the first
//     retainSamplePerServer per capture and server endpoint (a connection
//     that worked: advertised listeners, clock pairs), and up to
//     retainAfterRefusal starting within retainRefusalWindow after a
//     refusal to the same endpoint (the reconnects that end an outage),
//     at most retainAfterRefusals in all per endpoint. Past that cap a
//     broker-restart finding may count fewer reconnects than a run with
//     every flow kept.
//   - Whatever the caps, the connection that ends each refusal gap (see
//     refusalGap): of the flows that completed a handshake between one
//     refusal and the next to that endpoint, the one that started first.
//     That is where an outage ends when the refusal was its last, so
//     outage spans stay exact; a capture where refusals never stop keeps
//     at most one healthy flow per refusal for it.
//   - Every other flow is counted in a FlowTally per capture, server
//     endpoint and state (count, first start, last end, bytes), so flow
//     totals, per-state and per-node counts stay exact.
const (
	// RetainAllFlows is how many flows are kept unconditionally.
	RetainAllFlows = 1 << 14
	// retainSamplePerServer healthy flows are kept per capture and server.
	retainSamplePerServer = 8
	// retainAfterRefusal bounds the healthy flows kept after one refusal;
	// retainRefusalWindow must cover the broker-restart rule's reconnect
	// search (refusals within 5 min, reconnects within 30 s).
	retainAfterRefusal  = 64
	retainAfterRefusals = 1024
	retainRefusalWindow = 10 * time.Minute
	// retainMaxIdle: a healthy flow with a longer silence is kept (an idle
	// gap is what middlebox timeouts act on).
	retainMaxIdle = time.Minute
)

// serverKey names one server endpoint within one capture.
type serverKey struct {
	capture string
	resp    netip.AddrPort
}

// serverRetention is what the policy remembers per server endpoint.
type serverRetention struct {
	sampled     int
	lastRefusal time.Time // latest start of a REJ flow, zero if none
	afterRef    int       // healthy flows kept since lastRefusal
	afterRefs   int       // healthy flows kept after any refusal
	gaps        refusalGaps
	tallies     map[string]*FlowTally
}

// flowRetention decides, flow by flow, what the collector keeps.
type flowRetention struct {
	seen    int
	servers map[serverKey]*serverRetention
	// slot is set when the flow just accepted is kept only as its refusal
	// gap's first connection: the collector files it there (place), not in
	// Incident.Flows, since an earlier-starting one may still replace it.
	slot *refusalGap
}

// keep reports whether f is kept; when not, it is tallied. A kept flow
// goes to place.
func (r *flowRetention) keep(f *flow.Flow) bool {
	s := flow.SummaryOf(f)
	return r.keepSummary(&s)
}

// keepSummary is keep for a flow not built yet: the pcap parser asks it
// before building, so a flow that is only tallied is never materialised.
// When it returns false, f has been tallied; when true, the built flow
// goes to place before the next flow is judged.
func (r *flowRetention) keepSummary(f *flow.Summary) bool {
	r.seen++
	r.slot = nil
	s := r.server(serverKey{f.Capture, f.Resp})
	if f.State == "REJ" {
		s.gaps.refusal(f.Start)
		if f.Start.After(s.lastRefusal) {
			s.lastRefusal, s.afterRef = f.Start, 0
		}
	}
	gap := s.gaps.of(f.Start)
	if r.seen <= RetainAllFlows || !plainHealthy(f) || s.keepHealthy(f) {
		if f.HandshakeDone {
			s.tallyReplaced(gap.kept(f.Start))
		}
		return true
	}
	if gap.firsts(f.Start) {
		s.tallyReplaced(gap.kept(f.Start))
		r.slot = gap
		return true
	}
	s.tally(f)
	return false
}

func (r *flowRetention) server(k serverKey) *serverRetention {
	if r.servers == nil {
		r.servers = map[serverKey]*serverRetention{}
	}
	s := r.servers[k]
	if s == nil {
		s = &serverRetention{}
		r.servers[k] = s
	}
	return s
}

// keepHealthy decides on a plain healthy flow: the per-server sample and
// the capped reconnects after a refusal.
func (s *serverRetention) keepHealthy(f *flow.Summary) bool {
	if s.sampled < retainSamplePerServer {
		s.sampled++
		return true
	}
	if !s.lastRefusal.IsZero() && f.Start.After(s.lastRefusal) &&
		f.Start.Sub(s.lastRefusal) <= retainRefusalWindow &&
		s.afterRef < retainAfterRefusal && s.afterRefs < retainAfterRefusals {
		s.afterRef++
		s.afterRefs++
		return true
	}
	return false
}

// tallyReplaced tallies a gap's former first connection, no longer needed.
func (s *serverRetention) tallyReplaced(f *flow.Flow) {
	if f != nil {
		sum := flow.SummaryOf(f)
		s.tally(&sum)
	}
}

// place files a flow keep or KeepFlow accepted: in its refusal gap when
// it was kept only as the gap's first connection, else in flows.
func (r *flowRetention) place(f *flow.Flow, flows []*flow.Flow) []*flow.Flow {
	if r.slot != nil {
		r.slot.pending, r.slot = f, nil
		return flows
	}
	return append(flows, f)
}

// gapFirsts appends every flow still filed in a refusal gap, by capture,
// server and gap: the same order on every run, whatever ties the sort by
// start time leaves.
func (r *flowRetention) gapFirsts(flows []*flow.Flow) []*flow.Flow {
	keys := make([]serverKey, 0, len(r.servers))
	for k := range r.servers {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b serverKey) int {
		return cmp.Or(cmp.Compare(a.capture, b.capture), a.resp.Compare(b.resp))
	})
	for _, k := range keys {
		for _, g := range r.servers[k].gaps {
			if g.pending != nil {
				flows = append(flows, g.pending)
			}
		}
	}
	return flows
}

func (s *serverRetention) tally(f *flow.Summary) {
	if s.tallies == nil {
		s.tallies = map[string]*FlowTally{}
	}
	t := s.tallies[f.State]
	if t == nil {
		t = &FlowTally{Capture: f.Capture, Resp: f.Resp, State: f.State, First: f.Start, Last: f.End}
		s.tallies[f.State] = t
	}
	t.Count++
	if f.Start.Before(t.First) {
		t.First = f.Start
	}
	if f.End.After(t.Last) {
		t.Last = f.End
	}
	t.OrigBytes += f.OrigBytes
	t.RespBytes += f.RespBytes
}

// tallies returns every tally, sorted by capture, server and state.
func (r *flowRetention) tallies() []FlowTally {
	var out []FlowTally
	for _, s := range r.servers {
		for _, t := range s.tallies {
			out = append(out, *t)
		}
	}
	slices.SortFunc(out, func(a, b FlowTally) int {
		return cmp.Or(cmp.Compare(a.Capture, b.Capture), a.Resp.Compare(b.Resp), cmp.Compare(a.State, b.State))
	})
	return out
}

// plainHealthy reports whether f is an ordinary working connection no rule
// reports on: handshake once, Kafka (or nothing) from the client, nothing
// TLS either way, closed by the client or still open, no reset, no zero
// window, no mismatched MAC, no long silence.
func plainHealthy(f *flow.Summary) bool {
	if f.State != "SF" && f.State != "S1" {
		return false
	}
	if !f.HandshakeDone || f.SYNs != 1 || f.SynAcks != 1 || f.HasRST || f.RSTBy != "" || f.FINBy == "resp" {
		return false
	}
	if f.ReplyMACMismatch || f.ZeroWindows != [2]int{} || f.MaxIdle >= retainMaxIdle {
		return false
	}
	switch f.FirstPayload[0] {
	case "", flow.PayloadNone, flow.PayloadKafkaRequest:
	default:
		return false
	}
	switch f.FirstPayload[1] {
	case "", flow.PayloadNone, flow.PayloadOther:
		return true
	}
	return false
}
