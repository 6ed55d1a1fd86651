package flow_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// summary is the part of a Flow the state-machine cases compare.
type summary struct {
	Orig                 string
	State, History       string
	OrigPkts, RespPkts   int
	OrigBytes, RespBytes int64
	HandshakeDone        bool
	SYNs, SynAcks        int
	RSTBy, FINBy         string
}

func summarise(f *flow.Flow) summary {
	return summary{
		Orig: f.Orig.String(), State: f.State, History: f.History,
		OrigPkts: f.OrigPkts, RespPkts: f.RespPkts,
		OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
		HandshakeDone: f.HandshakeDone, SYNs: f.SYNs, SynAcks: f.SynAcks,
		RSTBy: f.RSTBy, FINBy: f.FINBy,
	}
}

func TestConnState(t *testing.T) {
	c := client.String()
	tests := []struct {
		name  string
		steps []step
		want  summary
	}{{
		name: "S0 SYN retransmitted, never answered",
		steps: []step{
			{by: 'c', flags: flow.SYN},
			{by: 'c', at: time.Second, flags: flow.SYN, seq: u32(clientISN)},
			{by: 'c', at: 3 * time.Second, flags: flow.SYN, seq: u32(clientISN)},
		},
		want: summary{Orig: c, State: "S0", History: "S", OrigPkts: 3, SYNs: 3},
	}, {
		name: "S1 SYN-ACK retransmitted, final ACK lost",
		steps: []step{
			{by: 'c', flags: flow.SYN},
			{by: 's', at: time.Millisecond, flags: sa},
			{by: 'c', at: time.Second, flags: flow.SYN, seq: u32(clientISN)},
			{by: 's', at: time.Second + time.Millisecond, flags: sa, seq: u32(serverISN)},
		},
		want: summary{Orig: c, State: "S1", History: "Sh", OrigPkts: 2, RespPkts: 2, SYNs: 2, SynAcks: 2},
	}, {
		name: "S1 established with data",
		steps: join(handshake(), []step{
			{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 20},
			{by: 's', at: 4 * time.Millisecond, flags: ack},
		}),
		want: summary{Orig: c, State: "S1", History: "ShADa", OrigPkts: 3, RespPkts: 2, OrigBytes: 20, HandshakeDone: true, SYNs: 1, SynAcks: 1},
	}, {
		name: "SF normal close",
		steps: join(handshake(), []step{
			{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 20},
			{by: 's', at: 4 * time.Millisecond, flags: pa, n: 30},
			{by: 'c', at: 5 * time.Millisecond, flags: fa},
			{by: 's', at: 6 * time.Millisecond, flags: fa},
			{by: 'c', at: 7 * time.Millisecond, flags: ack},
		}),
		want: summary{Orig: c, State: "SF", History: "ShADdFf", OrigPkts: 5, RespPkts: 3, OrigBytes: 20, RespBytes: 30, HandshakeDone: true, SYNs: 1, SynAcks: 1, FINBy: "orig"},
	}, {
		name:  "REJ connection refused",
		steps: []step{{by: 'c', flags: flow.SYN}, {by: 's', at: 100 * time.Microsecond, flags: ra}},
		want:  summary{Orig: c, State: "REJ", History: "Sr", OrigPkts: 1, RespPkts: 1, SYNs: 1, RSTBy: "resp"},
	}, {
		name: "REJ retried on the same port with the same ISN stays one flow",
		steps: []step{
			{by: 'c', flags: flow.SYN},
			{by: 's', at: 100 * time.Microsecond, flags: ra},
			{by: 'c', at: 500 * time.Millisecond, flags: flow.SYN, seq: u32(clientISN)},
			{by: 's', at: 500*time.Millisecond + 100*time.Microsecond, flags: ra},
		},
		want: summary{Orig: c, State: "REJ", History: "Sr", OrigPkts: 2, RespPkts: 2, SYNs: 2, RSTBy: "resp"},
	}, {
		name: "S2 originator closed, responder silent",
		steps: join(handshake(), []step{
			{by: 'c', at: 3 * time.Millisecond, flags: fa},
			{by: 's', at: 4 * time.Millisecond, flags: ack},
		}),
		want: summary{Orig: c, State: "S2", History: "ShAFa", OrigPkts: 3, RespPkts: 2, HandshakeDone: true, SYNs: 1, SynAcks: 1, FINBy: "orig"},
	}, {
		name: "S3 responder closed",
		steps: join(handshake(), []step{
			{by: 's', at: 3 * time.Millisecond, flags: fa},
			{by: 'c', at: 4 * time.Millisecond, flags: ack},
		}),
		want: summary{Orig: c, State: "S3", History: "ShAf", OrigPkts: 3, RespPkts: 2, HandshakeDone: true, SYNs: 1, SynAcks: 1, FINBy: "resp"},
	}, {
		name: "RSTO originator aborts",
		steps: join(handshake(), []step{
			{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 10},
			{by: 'c', at: 4 * time.Millisecond, flags: ra},
		}),
		want: summary{Orig: c, State: "RSTO", History: "ShADR", OrigPkts: 4, RespPkts: 1, OrigBytes: 10, HandshakeDone: true, SYNs: 1, SynAcks: 1, RSTBy: "orig"},
	}, {
		name: "RSTR responder resets",
		steps: join(handshake(), []step{
			{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 10},
			{by: 's', at: 4 * time.Millisecond, flags: flow.RST},
		}),
		want: summary{Orig: c, State: "RSTR", History: "ShADr", OrigPkts: 3, RespPkts: 2, OrigBytes: 10, HandshakeDone: true, SYNs: 1, SynAcks: 1, RSTBy: "resp"},
	}, {
		name:  "RSTOS0 originator gives up before any SYN-ACK",
		steps: []step{{by: 'c', flags: flow.SYN}, {by: 'c', at: time.Second, flags: flow.RST}},
		want:  summary{Orig: c, State: "RSTOS0", History: "SR", OrigPkts: 2, SYNs: 1, RSTBy: "orig"},
	}, {
		name:  "RSTRH SYN-ACK and RST, no SYN seen",
		steps: []step{{by: 's', flags: sa}, {by: 's', at: time.Second, flags: flow.RST}},
		want:  summary{Orig: c, State: "RSTRH", History: "^hr", RespPkts: 2, SynAcks: 1, RSTBy: "resp"},
	}, {
		name:  "SH SYN then FIN",
		steps: []step{{by: 'c', flags: flow.SYN}, {by: 'c', at: time.Second, flags: flow.FIN}},
		want:  summary{Orig: c, State: "SH", History: "SF", OrigPkts: 2, SYNs: 1, FINBy: "orig"},
	}, {
		name:  "SHR SYN-ACK then FIN, no SYN seen",
		steps: []step{{by: 's', flags: sa}, {by: 's', at: time.Second, flags: fa}},
		want:  summary{Orig: c, State: "SHR", History: "^hf", RespPkts: 2, SynAcks: 1, FINBy: "resp"},
	}, {
		name: "OTH capture started mid-stream",
		steps: []step{
			{by: 's', flags: pa, n: 100},
			{by: 'c', at: time.Millisecond, flags: ack},
		},
		want: summary{Orig: c, State: "OTH", History: "^dA", OrigPkts: 1, RespPkts: 1, RespBytes: 100},
	}}
	retransmitted := handshake()
	for i := range 11 {
		retransmitted = append(retransmitted, step{by: 'c', at: time.Duration(i+1) * time.Second, flags: pa, n: 100, seq: u32(clientISN + 1)})
	}
	tests = append(tests, struct {
		name  string
		steps []step
		want  summary
	}{
		name:  "T recorded at the 1st and 10th retransmission, bytes once",
		steps: retransmitted,
		want:  summary{Orig: c, State: "S1", History: "ShADTT", OrigPkts: 13, RespPkts: 1, OrigBytes: 100, HandshakeDone: true, SYNs: 1, SynAcks: 1},
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := replay(flow.Options{}, newScript().packets(tc.steps...))
			if len(got) != 1 {
				t.Fatalf("got %d flows, want 1", len(got))
			}
			if diff := cmp.Diff(tc.want, summarise(got[0])); diff != "" {
				t.Errorf("flow (-want +got):\n%s", diff)
			}
		})
	}
}
