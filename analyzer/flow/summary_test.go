package flow_test

import (
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestSummaryMatchesFlow: what Options.Keep sees of a live flow is exactly
// SummaryOf the Flow the table then builds, so a policy judges both alike.
func TestSummaryMatchesFlow(t *testing.T) {
	apiVersions := kafkaRequest(18, 3, 1, "kcat", nil)
	scripts := map[string][]step{
		"client close": join(handshake(), []step{
			{by: 'c', at: 3 * time.Millisecond, flags: pa, n: len(apiVersions), data: apiVersions},
			{by: 's', at: 4 * time.Millisecond, flags: pa, n: 60},
			{by: 'c', at: 5 * time.Millisecond, flags: fa},
			{by: 's', at: 6 * time.Millisecond, flags: fa},
			{by: 'c', at: 7 * time.Millisecond, flags: ack},
		}),
		"refused":     {{by: 'c', flags: flow.SYN}, {by: 's', at: time.Millisecond, flags: ra}},
		"syn retried": {{by: 'c', flags: flow.SYN}, {by: 'c', at: time.Second, flags: flow.SYN}},
		"server reset after idle": join(handshake(), []step{
			{by: 's', at: 2 * time.Minute, flags: ra},
		}),
		"zero window": join(handshake(), []step{
			{by: 's', at: 3 * time.Millisecond, flags: ack, win: u16(0)},
		}),
	}
	for name, steps := range scripts {
		t.Run(name, func(t *testing.T) {
			checkSummaries(t, newScript().packets(steps...))
		})
	}
	for _, file := range []string{"forged_rst.pcap", "server_rst.pcap", "stale_arp.pcap"} {
		t.Run(file, func(t *testing.T) {
			checkSummaries(t, readEthernetPcap(t, filepath.Join("testdata", file)))
		})
	}
}

func checkSummaries(t *testing.T, pkts []flow.Packet) {
	t.Helper()
	var sums []flow.Summary
	keep := func(s *flow.Summary) bool { sums = append(sums, *s); return true }
	flows := replay(flow.Options{Keep: keep}, pkts)
	if len(flows) == 0 || len(flows) != len(sums) {
		t.Fatalf("%d flows, %d summaries; want as many, at least one", len(flows), len(sums))
	}
	for i, f := range flows {
		if diff := cmp.Diff(flow.SummaryOf(f), sums[i], cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
			t.Errorf("flow %d (%s): (-SummaryOf +Keep's):\n%s", i, f.State, diff)
		}
	}
}

// TestKeepDeclines: a flow Keep declines is not emitted.
func TestKeepDeclines(t *testing.T) {
	emitted := 0
	asked := 0
	tbl := flow.NewTable("c.pcap", func(*flow.Flow) { emitted++ },
		flow.Options{Keep: func(s *flow.Summary) bool { asked++; return s.State != "SF" }})
	s := newScript()
	syn := s.packet(step{by: 'c', flags: flow.SYN})
	rst := s.packet(step{by: 's', at: time.Millisecond, flags: ra})
	for _, p := range s.packets(join(handshake(), []step{
		{by: 'c', at: 3 * time.Millisecond, flags: fa},
		{by: 's', at: 4 * time.Millisecond, flags: fa},
		{by: 'c', at: 5 * time.Millisecond, flags: ack},
	})...) {
		tbl.Add(&p)
	}
	tbl.Flush()
	if asked != 1 || emitted != 0 {
		t.Fatalf("clean close: Keep asked %d times, %d flows emitted; want 1, 0", asked, emitted)
	}
	// A refused connection is kept; then a declined one, to measure.
	tbl.Add(&syn)
	tbl.Add(&rst)
	tbl.Flush()
	if asked != 2 || emitted != 1 {
		t.Fatalf("refusal: Keep asked %d times, %d flows emitted; want 2, 1", asked, emitted)
	}
}

// TestDeclinedFlowAllocatesNothing: summarising and declining a finished
// flow costs no allocation beyond what replaying it did (a table without
// emit never builds flows).
func TestDeclinedFlowAllocatesNothing(t *testing.T) {
	s := newScript()
	pkts := s.packets(join(handshake(), []step{
		{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 100},
		{by: 'c', at: 4 * time.Millisecond, flags: fa},
		{by: 's', at: 5 * time.Millisecond, flags: fa},
		{by: 'c', at: 6 * time.Millisecond, flags: ack},
	})...)
	perFlow := func(tbl *flow.Table) float64 {
		return testing.AllocsPerRun(200, func() {
			for i := range pkts {
				tbl.Add(&pkts[i])
			}
			tbl.Flush()
		})
	}
	bare := perFlow(flow.NewTable("c.pcap", nil, flow.Options{}))
	declined := perFlow(flow.NewTable("c.pcap", func(*flow.Flow) { t.Error("declined flow emitted") },
		flow.Options{Keep: func(*flow.Summary) bool { return false }}))
	if declined != bare {
		t.Errorf("a declined flow costs %.1f allocations, a flow never built %.1f; want equal", declined, bare)
	}
}
