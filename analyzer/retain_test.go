package analyzer

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

var retainT0 = time.Date(2026, 6, 29, 9, 0, 0, 0, time.UTC)

func healthyFlow(resp string, start time.Duration) *flow.Flow {
	return &flow.Flow{
		Capture: "c.pcap", Orig: netip.MustParseAddrPort("10.1.0.1:40000"), Resp: netip.MustParseAddrPort(resp),
		Start: retainT0.Add(start), End: retainT0.Add(start + time.Second), State: "SF",
		HandshakeDone: true, SYNs: 1, SynAcks: 1, FINBy: "orig", OrigBytes: 100, RespBytes: 300,
		FirstPayload: [2]flow.Payload{{Class: flow.PayloadKafkaRequest}, {Class: flow.PayloadOther}},
	}
}

func TestPlainHealthy(t *testing.T) {
	tests := []struct {
		name   string
		change func(*flow.Flow)
		want   bool
	}{
		{"healthy", func(*flow.Flow) {}, true},
		{"still open", func(f *flow.Flow) { f.State, f.FINBy = "S1", "" }, true},
		{"refused", func(f *flow.Flow) { f.State, f.HandshakeDone = "REJ", false }, false},
		{"reset", func(f *flow.Flow) { f.State, f.RSTBy, f.RST = "RSTO", "orig", &flow.RSTInfo{} }, false},
		{"server closed", func(f *flow.Flow) { f.FINBy = "resp" }, false},
		{"SYN retransmitted", func(f *flow.Flow) { f.SYNs = 2 }, false},
		{"MAC mismatch", func(f *flow.Flow) { f.ReplyMACMismatch = true }, false},
		{"zero window", func(f *flow.Flow) { f.ZeroWindows[1] = 1 }, false},
		{"long idle", func(f *flow.Flow) { f.MaxIdle = 2 * time.Minute }, false},
		{"TLS on Kafka port", func(f *flow.Flow) { f.FirstPayload[0].Class = flow.PayloadTLSClientHello }, false},
		{"non-Kafka request", func(f *flow.Flow) { f.FirstPayload[0].Class = flow.PayloadOther }, false},
		{"TLS reply", func(f *flow.Flow) { f.FirstPayload[1].Class = flow.PayloadTLSOther }, false},
		{"OTH", func(f *flow.Flow) { f.State = "OTH" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := healthyFlow("10.0.4.31:9092", 0)
			tt.change(f)
			s := flow.SummaryOf(f)
			if got := plainHealthy(&s); got != tt.want {
				t.Errorf("plainHealthy = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRetentionTallies feeds more healthy flows than RetainAllFlows and a
// refusal: the first flows, a per-server sample and the flows right after
// the refusal are kept, every other one is tallied exactly.
func TestRetentionTallies(t *testing.T) {
	var r flowRetention
	const srv = "10.0.4.31:9092"
	n := RetainAllFlows + 1000
	kept := 0
	for i := range n {
		if r.keep(healthyFlow(srv, time.Duration(i)*time.Millisecond)) {
			kept++
		}
	}
	rej := healthyFlow(srv, time.Duration(n)*time.Millisecond)
	rej.State, rej.HandshakeDone, rej.FINBy = "REJ", false, ""
	if !r.keep(rej) {
		t.Fatal("a REJ flow was tallied")
	}
	follow := 0
	for i := range retainAfterRefusal + 10 {
		if r.keep(healthyFlow(srv, time.Duration(n+1+i)*time.Millisecond)) {
			follow++
		}
	}
	if want := RetainAllFlows + retainSamplePerServer; kept != want {
		t.Errorf("kept %d healthy flows before the refusal, want %d", kept, want)
	}
	if follow != retainAfterRefusal {
		t.Errorf("kept %d flows after the refusal, want %d", follow, retainAfterRefusal)
	}
	tallied := n - kept + 10
	want := []FlowTally{{
		Capture: "c.pcap", Resp: netip.MustParseAddrPort(srv), State: "SF", Count: tallied,
		First:     retainT0.Add(time.Duration(kept) * time.Millisecond),
		Last:      retainT0.Add(time.Duration(n+retainAfterRefusal+10)*time.Millisecond + time.Second),
		OrigBytes: int64(tallied) * 100, RespBytes: int64(tallied) * 300,
	}}
	if diff := cmp.Diff(want, r.tallies(), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
		t.Errorf("tallies (-want +got):\n%s", diff)
	}
}

// TestKeepFlowBeforeBuild: judging flows from their summaries before they
// are built (the pcap parser's path) keeps and tallies exactly what judging
// built flows does, and KeepAllFlows keeps every one either way.
func TestKeepFlowBeforeBuild(t *testing.T) {
	var flows []*flow.Flow
	for i := range RetainAllFlows + 3000 {
		f := healthyFlow([]string{"10.0.4.31:9092", "10.0.4.32:9092"}[i%2], time.Duration(i)*time.Millisecond)
		switch {
		case i%997 == 0:
			f.State, f.HandshakeDone, f.FINBy = "REJ", false, ""
		case i%501 == 0:
			f.State, f.RSTBy, f.RST = "RSTR", "resp", &flow.RSTInfo{Frame: i}
		}
		flows = append(flows, f)
	}
	for _, keepAll := range []bool{false, true} {
		built := &collector{inc: &Incident{}, keepAll: keepAll}
		summarised := &collector{inc: &Incident{}, keepAll: keepAll}
		for _, f := range flows {
			built.Flow(f)
			if s := flow.SummaryOf(f); summarised.KeepFlow(&s) {
				summarised.KeptFlow(f)
			}
		}
		if keepAll && len(built.inc.Flows) != len(flows) {
			t.Errorf("KeepAllFlows kept %d of %d flows", len(built.inc.Flows), len(flows))
		}
		eq := cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })
		if diff := cmp.Diff(built.inc.Flows, summarised.inc.Flows, eq); diff != "" {
			t.Errorf("keepAll %v: kept flows (-built +summarised):\n%s", keepAll, diff)
		}
		if diff := cmp.Diff(built.retain.tallies(), summarised.retain.tallies(), eq); diff != "" {
			t.Errorf("keepAll %v: tallies (-built +summarised):\n%s", keepAll, diff)
		}
	}
}
