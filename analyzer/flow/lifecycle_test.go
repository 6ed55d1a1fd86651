package flow_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// idleThenReset is a connection that carried a request, went quiet for 350 s
// (an AWS NLB's idle timeout) and had its next request answered by an RST
// sent with ttl and flags.
func idleThenReset(ttl uint8, flags uint8, opts *uint32) []step {
	return join(handshake(), []step{
		{by: 'c', at: 10 * time.Millisecond, flags: pa, n: 50},
		{by: 's', at: 20 * time.Millisecond, flags: pa, n: 80},
		{by: 'c', at: 30 * time.Millisecond, flags: ack},
		{by: 'c', at: 350*time.Second + 30*time.Millisecond, flags: pa, n: 50},
		{by: 's', at: 350*time.Second + 30*time.Millisecond + 200*time.Microsecond, flags: flags, ttl: ttl, opts: opts},
	})
}

func TestRSTFingerprint(t *testing.T) {
	noOpts := uint32(0)
	tests := []struct {
		name  string
		steps []step
		want  flow.RSTInfo
	}{{
		name:  "forged by a middlebox: TTL, flags and options differ",
		steps: idleThenReset(64, flow.RST, &noOpts),
		want: flow.RSTInfo{
			Frame: 8, Time: t0.Add(350*time.Second + 30*time.Millisecond + 200*time.Microsecond),
			TTL: 64, SenderTTL: 61, SenderOptions: tsOpt, SenderPkts: 2, FingerprintMismatch: true,
			Why: "RST TTL 64; the responder's 2 earlier packets had TTL 61; it lacks the ACK flag the responder's packets carried; it lacks the TCP timestamps the responder's packets carried",
		},
	}, {
		name:  "sent by the broker itself",
		steps: idleThenReset(0, ra, nil),
		want: flow.RSTInfo{
			Frame: 8, Time: t0.Add(350*time.Second + 30*time.Millisecond + 200*time.Microsecond),
			HasACK: true, TTL: 61, Options: tsOpt, SenderTTL: 61, SenderOptions: tsOpt, SenderPkts: 2,
			Why: "RST TTL 61 matches the responder's 2 earlier packets",
		},
	}, {
		name:  "no earlier packet from the sender",
		steps: []step{{by: 'c', flags: pa, n: 10}, {by: 's', at: time.Millisecond, flags: ra, ttl: 250}},
		want: flow.RSTInfo{
			Frame: 2, Time: t0.Add(time.Millisecond), HasACK: true, TTL: 250, Options: tsOpt,
			Why: "RST TTL 250; no earlier packet from the responder to compare with",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := replay(flow.Options{}, newScript().packets(tc.steps...))
			if len(got) != 1 || got[0].RST == nil {
				t.Fatalf("got %d flows (want 1) or no RST", len(got))
			}
			if diff := cmp.Diff(tc.want, *got[0].RST); diff != "" {
				t.Errorf("RSTInfo (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIdleThenResetIsOneFlow(t *testing.T) {
	got := replay(flow.Options{}, newScript().packets(idleThenReset(64, flow.RST, nil)...))
	if len(got) != 1 {
		t.Fatalf("got %d flows, want 1", len(got))
	}
	f := got[0]
	type timing struct {
		State                  string
		MaxIdle, IdleBeforeEnd time.Duration
		Duration               time.Duration
		OrigBytes, RespBytes   int64
	}
	want := timing{
		State:   "RSTR",
		MaxIdle: 350 * time.Second, IdleBeforeEnd: 350 * time.Second,
		Duration:  350*time.Second + 30*time.Millisecond + 200*time.Microsecond,
		OrigBytes: 100, RespBytes: 80,
	}
	got1 := timing{f.State, f.MaxIdle, f.IdleBeforeEnd, f.End.Sub(f.Start), f.OrigBytes, f.RespBytes}
	if diff := cmp.Diff(want, got1); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestPortReuse: a SYN with a new ISN on the 5-tuple of a closed flow starts
// a new flow even inside the linger; a retransmitted RST inside the linger
// stays with its flow.
func TestPortReuse(t *testing.T) {
	s := newScript()
	pkts := s.packets(join(handshake(), []step{
		{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 10},
		{by: 's', at: 4 * time.Millisecond, flags: ra},
		{by: 's', at: 500 * time.Millisecond, flags: ra, seq: u32(serverISN + 1)},
		{by: 'c', at: time.Second, flags: flow.SYN, seq: u32(90000)},
		{by: 's', at: time.Second + time.Millisecond, flags: sa, seq: u32(70000)},
		{by: 'c', at: time.Second + 2*time.Millisecond, flags: ack},
	})...)
	var got []summary
	for _, f := range replay(flow.Options{}, pkts) {
		got = append(got, summarise(f))
	}
	c := client.String()
	want := []summary{
		{Orig: c, State: "RSTR", History: "ShADr", OrigPkts: 3, RespPkts: 3, OrigBytes: 10, HandshakeDone: true, SYNs: 1, SynAcks: 1, RSTBy: "resp"},
		{Orig: c, State: "S1", History: "ShA", OrigPkts: 2, RespPkts: 1, HandshakeDone: true, SYNs: 1, SynAcks: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flows (-want +got):\n%s", diff)
	}
}

// TestEndLinger: an ended flow is emitted once EndLinger of capture time
// passes without a packet on it.
func TestEndLinger(t *testing.T) {
	var emitted []int
	tbl := flow.NewTable("c.pcap", func(f *flow.Flow) { emitted = append(emitted, f.FirstFrame) }, flow.Options{})
	s := newScript()
	for _, p := range s.packets(step{by: 'c', flags: flow.SYN}, step{by: 's', flags: ra}) {
		tbl.Add(&p)
	}
	other := newScript()
	other.from = netip.MustParseAddrPort("198.18.0.11:40001")
	other.frame = s.frame
	wantAfter := [][]int{nil, {1}} // the refused flow leaves 2 s after its RST
	for i, p := range other.packets(step{by: 'c', at: time.Second, flags: flow.SYN}, step{by: 'c', at: 3 * time.Second, flags: flow.SYN, seq: u32(clientISN)}) {
		tbl.Add(&p)
		if diff := cmp.Diff(wantAfter[i], emitted); diff != "" {
			t.Errorf("emitted after packet %d (-want +got):\n%s", i, diff)
		}
	}
	if tbl.Live() != 1 {
		t.Errorf("Live() = %d, want 1", tbl.Live())
	}
}

// TestHandshakeTimes: every SYN and SYN-ACK counts, their times are kept up
// to MaxHandshakeTimes, and retransmissions keep the first frames and ISNs.
func TestHandshakeTimes(t *testing.T) {
	steps := []step{{by: 'c', flags: flow.SYN}}
	var want []time.Time
	want = append(want, t0)
	for i := 1; i < 20; i++ {
		at := time.Duration(i) * time.Second
		steps = append(steps, step{by: 'c', at: at, flags: flow.SYN, seq: u32(clientISN)})
		if len(want) < flow.MaxHandshakeTimes {
			want = append(want, t0.Add(at))
		}
	}
	steps = append(steps,
		step{by: 's', at: 30 * time.Second, flags: sa},
		step{by: 's', at: 31 * time.Second, flags: sa, seq: u32(serverISN)},
	)
	f := replay(flow.Options{}, newScript().packets(steps...))[0]
	type hs struct {
		SYNs, SynAcks         int
		SynTimes, SynAckTimes []time.Time
		SynFrame, SynAckFrame int
		OrigISN, RespISN      uint32
		History               string
	}
	got := hs{f.SYNs, f.SynAcks, f.SynTimes, f.SynAckTimes, f.SynFrame, f.SynAckFrame, f.OrigISN, f.RespISN, f.History}
	wantHS := hs{20, 2, want, []time.Time{t0.Add(30 * time.Second), t0.Add(31 * time.Second)}, 1, 21, clientISN, serverISN, "Sh"}
	if diff := cmp.Diff(wantHS, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDegeneratePackets: a zero Packet, a nil one and a nil emit callback
// must not panic; the zero packet still makes a flow.
func TestDegeneratePackets(t *testing.T) {
	tbl := flow.NewTable("c.pcap", nil, flow.Options{})
	tbl.Add(nil)
	tbl.Add(&flow.Packet{})
	tbl.Add(&flow.Packet{PayloadLen: -5, Flags: flow.SYN | flow.FIN | flow.RST})
	if tbl.Live() != 1 {
		t.Errorf("Live() = %d, want 1", tbl.Live())
	}
	tbl.Flush()
	if tbl.Live() != 0 {
		t.Errorf("Live() = %d after Flush", tbl.Live())
	}
}
