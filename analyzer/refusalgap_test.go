package analyzer

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestRefusalGapFirsts feeds flows past every retention cap in finishing
// order, not start order: each refusal gap keeps exactly the flow that
// started first in it, whatever order they finish in, and every flow
// displaced or never needed is tallied.
func TestRefusalGapFirsts(t *testing.T) {
	const srv = "10.0.4.31:9092"
	refused := func(at time.Duration) *flow.Flow {
		f := healthyFlow(srv, at)
		f.State, f.HandshakeDone, f.FINBy = "REJ", false, ""
		return f
	}
	reset := func(at time.Duration) *flow.Flow { // kept for itself, handshake done
		f := healthyFlow(srv, at)
		f.State, f.RSTBy, f.RST = "RSTR", "resp", &flow.RSTInfo{}
		return f
	}
	s := time.Second
	tests := []struct {
		name   string
		finish []*flow.Flow // after the filler, in finishing order
		want   []time.Duration
	}{
		{"earliest first", []*flow.Flow{refused(100 * s), healthyFlow(srv, 101*s), healthyFlow(srv, 102*s)}, []time.Duration{100 * s, 101 * s}},
		{"earlier start finishes later", []*flow.Flow{refused(100 * s), healthyFlow(srv, 105*s), healthyFlow(srv, 103*s), healthyFlow(srv, 104*s), healthyFlow(srv, 101*s)}, []time.Duration{100 * s, 101 * s}},
		{"one per gap", []*flow.Flow{refused(100 * s), refused(110 * s), healthyFlow(srv, 115*s), healthyFlow(srv, 112*s), healthyFlow(srv, 105*s), healthyFlow(srv, 101*s)}, []time.Duration{100 * s, 101 * s, 110 * s, 112 * s}},
		{"a kept reset ends the gap", []*flow.Flow{refused(100 * s), healthyFlow(srv, 103*s), reset(102 * s), healthyFlow(srv, 101*s)}, []time.Duration{100 * s, 101 * s, 102 * s}},
		{"a kept reset first", []*flow.Flow{refused(100 * s), reset(101 * s), healthyFlow(srv, 102*s)}, []time.Duration{100 * s, 101 * s}},
		{"late refusal splits a gap", []*flow.Flow{refused(100 * s), healthyFlow(srv, 108*s), refused(105 * s), healthyFlow(srv, 102*s), healthyFlow(srv, 106*s)}, []time.Duration{100 * s, 102 * s, 105 * s, 106 * s}},
		{"before any refusal", []*flow.Flow{healthyFlow(srv, 99*s), refused(100 * s)}, []time.Duration{100 * s}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &collector{inc: &Incident{}}
			c.retain.seen = RetainAllFlows
			c.retain.server(serverKey{"c.pcap", netip.MustParseAddrPort(srv)}).sampled = retainSamplePerServer
			c.retain.server(serverKey{"c.pcap", netip.MustParseAddrPort(srv)}).afterRefs = retainAfterRefusals
			for _, f := range tt.finish {
				if sum := flow.SummaryOf(f); c.KeepFlow(&sum) {
					c.KeptFlow(f)
				}
			}
			c.inc.Flows = c.retain.gapFirsts(c.inc.Flows)
			finish(c.inc, nil)
			var got []time.Duration
			for _, f := range c.inc.Flows {
				got = append(got, f.Start.Sub(retainT0))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("kept flows' starts (-want +got):\n%s", diff)
			}
			n := len(c.inc.Flows)
			for _, tl := range c.retain.tallies() {
				n += tl.Count
			}
			if n != len(tt.finish) {
				t.Errorf("kept and tallied %d flows, fed %d", n, len(tt.finish))
			}
		})
	}
}
