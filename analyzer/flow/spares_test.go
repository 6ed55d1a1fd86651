package flow_test

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestRecycledFlowsStayIntact replays real captures several times over, with
// a Keep that declines every other flow, so the table reuses the memory of
// declined flows for later ones. Every emitted Flow must keep exactly what
// it held when emitted, and equal the same flow from a table that keeps all.
func TestRecycledFlowsStayIntact(t *testing.T) {
	pkts := recycleCaptures(t)
	const rounds = 6
	all, _ := replayRounds(pkts, rounds, flow.Options{})
	n := 0
	kept, snaps := replayRounds(pkts, rounds, flow.Options{Keep: func(*flow.Summary) bool { n++; return n%2 == 1 }})
	if len(kept) < rounds || len(kept) >= len(all) {
		t.Fatalf("kept %d of %d flows: the test needs some declined", len(kept), len(all))
	}
	checkIntact(t, kept, snaps)
	for _, f := range kept {
		j := slices.IndexFunc(all, func(g *flow.Flow) bool { return g.UID == f.UID })
		if j < 0 {
			t.Fatalf("flow %s is not among the flows of a table that keeps all", f.UID)
		}
		if diff := cmp.Diff(*all[j], *f, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
			t.Errorf("flow %s differs from the same flow kept by a table that keeps all (-all +kept):\n%s", f.UID, diff)
		}
	}
}

// TestAsideBuildsTheSameFlows: a table that builds finished flows on a
// goroutine of its own (Options.Aside) asks Keep about the same flows and
// emits the same flows, in the same order, as one that builds them in Add;
// enough rounds that the aside goroutine's recycled conns come back to the
// table and are used again, and every emitted flow stays as it was.
func TestAsideBuildsTheSameFlows(t *testing.T) {
	pkts := recycleCaptures(t)
	const rounds = 200
	keep := func(asked *[]string) func(*flow.Summary) bool {
		return func(s *flow.Summary) bool {
			*asked = append(*asked, s.Resp.String()+" "+s.Start.String())
			return len(*asked)%3 != 0
		}
	}
	var askedInAdd, askedAside []string
	inAdd, _ := replayRounds(pkts, rounds, flow.Options{Keep: keep(&askedInAdd)})
	aside, snaps := replayRounds(pkts, rounds, flow.Options{Keep: keep(&askedAside), Aside: true})
	if len(askedInAdd) < 1000 {
		t.Fatalf("only %d flows finished: too few to recycle conns through the aside goroutine", len(askedInAdd))
	}
	if diff := cmp.Diff(askedInAdd, askedAside); diff != "" {
		t.Errorf("Keep was asked about other flows (-in Add +aside):\n%s", diff)
	}
	if diff := cmp.Diff(inAdd, aside, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
		t.Errorf("emitted flows differ (-in Add +aside):\n%s", diff)
	}
	checkIntact(t, aside, snaps)
}

// recycleCaptures are real captures whose flows all finish within a round.
func recycleCaptures(t *testing.T) []flow.Packet {
	var pkts []flow.Packet
	for _, name := range []string{"veth_ether.pcap", "rst_linger0.pcap", "tls_client_plaintext_listener.pcap", "rej_refused.pcap", "snap96.pcap"} {
		pkts = append(pkts, readEthernetPcap(t, filepath.Join("../../testdata/captures", name))...)
	}
	return pkts
}

// replayRounds replays pkts rounds times into one table, each round
// starting past the idle horizon, so the last round's flows are finished
// and their memory reused. It returns the emitted flows and a deep copy of
// each taken when it was emitted.
func replayRounds(pkts []flow.Packet, rounds int, opts flow.Options) (emitted []*flow.Flow, snapshots []flow.Flow) {
	tbl := flow.NewTable("c.pcap", func(f *flow.Flow) {
		emitted = append(emitted, f)
		snapshots = append(snapshots, deepCopy(f))
	}, opts)
	for r := range rounds {
		shift := time.Duration(r) * 3 * flow.DefaultIdleHorizon
		for _, p := range pkts {
			p.Time = p.Time.Add(shift)
			p.Frame += r * len(pkts)
			tbl.Add(&p)
		}
	}
	tbl.Flush()
	return emitted, snapshots
}

// checkIntact fails for an emitted flow that changed after it was emitted.
func checkIntact(t *testing.T, emitted []*flow.Flow, snapshots []flow.Flow) {
	t.Helper()
	for i, f := range emitted {
		if diff := cmp.Diff(snapshots[i], *f, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
			t.Fatalf("flow %s changed after it was emitted (-emitted +now):\n%s", f.UID, diff)
		}
	}
}

// deepCopy copies a Flow and everything it points to.
func deepCopy(f *flow.Flow) flow.Flow {
	c := *f
	c.SynTimes, c.SynAckTimes = slices.Clone(f.SynTimes), slices.Clone(f.SynAckTimes)
	c.OrigMAC, c.RespMAC, c.RespDstMAC = bytes.Clone(f.OrigMAC), bytes.Clone(f.RespMAC), bytes.Clone(f.RespDstMAC)
	if f.RST != nil {
		r := *f.RST
		c.RST = &r
	}
	for i := range c.FirstPayload {
		p := &c.FirstPayload[i]
		p.Head = bytes.Clone(p.Head)
		if p.Kafka != nil {
			k := *p.Kafka
			p.Kafka = &k
		}
		if p.TLS != nil {
			r := *p.TLS
			p.TLS = &r
		}
	}
	return c
}
