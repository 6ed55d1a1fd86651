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
	var pkts []flow.Packet
	for _, name := range []string{"veth_ether.pcap", "rst_linger0.pcap", "tls_client_plaintext_listener.pcap", "rej_refused.pcap", "snap96.pcap"} {
		pkts = append(pkts, readEthernetPcap(t, filepath.Join("../../testdata/captures", name))...)
	}
	const rounds = 6
	replay := func(keep func(*flow.Summary) bool) (emitted []*flow.Flow, snapshots []flow.Flow) {
		tbl := flow.NewTable("c.pcap", func(f *flow.Flow) {
			emitted = append(emitted, f)
			snapshots = append(snapshots, deepCopy(f))
		}, flow.Options{Keep: keep})
		for r := range rounds {
			// Each round starts past the idle horizon: the last round's
			// flows are finished, and their memory reused.
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
	all, _ := replay(nil)
	n := 0
	kept, snaps := replay(func(*flow.Summary) bool { n++; return n%2 == 1 })
	if len(kept) < rounds || len(kept) >= len(all) {
		t.Fatalf("kept %d of %d flows: the test needs some declined", len(kept), len(all))
	}
	for i, f := range kept {
		if diff := cmp.Diff(snaps[i], *f, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
			t.Fatalf("flow %s changed after it was emitted (-emitted +now):\n%s", f.UID, diff)
		}
		j := slices.IndexFunc(all, func(g *flow.Flow) bool { return g.UID == f.UID })
		if j < 0 {
			t.Fatalf("flow %s is not among the flows of a table that keeps all", f.UID)
		}
		if diff := cmp.Diff(*all[j], *f, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
			t.Errorf("flow %s differs from the same flow kept by a table that keeps all (-all +kept):\n%s", f.UID, diff)
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
