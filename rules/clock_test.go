package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

func TestEstimateClockOffset(t *testing.T) {
	rej := []*flow.Flow{
		rejFlow(clientPcap, client1+":40112", broker1, 10, 5),
		rejFlow(clientPcap, client1+":40114", broker1, 11, 9),
		rejFlow(clientPcap, client1+":40116", broker1, 13, 13),
		rejFlow(clientPcap, client1+":40118", broker1, 17, 17),
	}
	logsAt := func(shift float64) []analyzer.Event {
		return []analyzer.Event{refusedRd(10+shift, 1), refusedRd(11+shift, 2), refusedRd(13+shift, 3), refusedRd(17+shift, 4)}
	}
	timeout := rdkafka(analyzer.ConnectTimeout, 0, 9, "%3|1773482520.000|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection timed out (after 127000ms in state CONNECT)")
	timeout.Node, timeout.Addr, timeout.AfterMs, timeout.State = "1", ap(broker1), 127000, "CONNECT"
	timeout.Time = at(40 + 127 - 3) // log clock 3 s behind
	tests := []struct {
		name  string
		inc   *analyzer.Incident
		want  clockOffset
		words string
	}{
		{"same clock", incident(logsAt(0), rej, node1), clockOffset{Offset: -200 * time.Microsecond, Pairs: 4}, ""},
		{"log 5 s ahead", incident(logsAt(5), rej, node1), clockOffset{Offset: 5*time.Second - 200*time.Microsecond, Pairs: 4},
			"log clocks run 5 s ahead of the capture clock (from 4 log events matched to flows)"},
		{"log 90 s behind", incident(logsAt(-90), rej, node1), clockOffset{Offset: -90*time.Second - 200*time.Microsecond, Pairs: 4},
			"log clocks run 90 s behind the capture clock (from 4 log events matched to flows)"},
		{"connect timeout against an S0 flow", incident([]analyzer.Event{timeout},
			[]*flow.Flow{s0Flow(clientPcap, client1+":40200", broker1, 40, 7, 100, 99)}, node1),
			clockOffset{Offset: -3 * time.Second, Pairs: 1}, "log clocks run 3 s behind the capture clock (from 1 log events matched to flows)"},
		{"no anchors", incident(nil, rej, node1), clockOffset{}, ""},
		{"different address does not match", incident(logsAt(5), []*flow.Flow{rejFlow(clientPcap, client1+":1", "198.18.0.9:9092", 10, 1)}, node1), clockOffset{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := estimateClockOffset(tc.inc)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("offset (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.words, got.String()); diff != "" {
				t.Errorf("words (-want +got):\n%s", diff)
			}
		})
	}
}

// Connections that die in their first exchange anchor the clocks too: a
// client's SSL failure line and a broker's "Failed authentication with
// /ip" are written as the connection closes.
func TestEstimateClockOffsetTLS(t *testing.T) {
	var flows []*flow.Flow
	var events []analyzer.Event
	for i, end := range []float64{20, 35, 50} {
		f := sfFlow(clientPcap, fmt.Sprintf("%s:4100%d", client1, i), broker1, end-0.05, 10*i+1)
		f.End, f.FINBy = at(end), "resp"
		f.FirstPayload[0] = flow.Payload{Class: flow.PayloadTLSClientHello, Frame: 10*i + 4}
		flows = append(flows, f)
		client := rdkafka(analyzer.SSLHandshakeFailed, end-37, 20+i, "SSL handshake failed: certificate verify failed")
		client.Addr = ap(broker1)
		broker := brokerLine(analyzer.AuthTerminated, end-37.01, 5+i, "Failed authentication with /198.18.0.1 (SSL handshake failed)")
		broker.Node, broker.Peer = "", ap(client1+":1").Addr()
		events = append(events, client, broker)
	}
	unclosed := sfFlow(clientPcap, client1+":41009", broker1, 60, 90)
	unclosed.FINBy, unclosed.RSTBy = "", ""
	tests := []struct {
		name  string
		inc   *analyzer.Incident
		words string
	}{
		{"client and broker lines", incident(events, flows, node1), "log clocks run 37 s behind the capture clock (from 6 log events matched to flows)"},
		{"broker lines alone, by peer", incident([]analyzer.Event{events[1], events[3], events[5]}, flows, node1),
			"log clocks run 37 s behind the capture clock (from 3 log events matched to flows)"},
		{"a connection still open is no anchor", incident(events[:1], []*flow.Flow{unclosed}, node1), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.words, estimateClockOffset(tc.inc).String()); diff != "" {
				t.Errorf("offset (-want +got):\n%s", diff)
			}
		})
	}
}

// A periodic pattern must not pull the vote to a wrong whole period: the
// offset most events agree with wins.
func TestEstimateClockOffsetPeriodic(t *testing.T) {
	var flows []*flow.Flow
	var events []analyzer.Event
	for i := 0; i < 6; i++ {
		flows = append(flows, rejFlow(clientPcap, client1+":4100"+string(rune('0'+i)), broker1, float64(10*i), 10+4*i))
		events = append(events, refusedRd(float64(10*i)+2.5, i+1))
	}
	got := estimateClockOffset(incident(events, flows, node1))
	if got.Pairs != 6 || absDur(got.Offset-2500*time.Millisecond) > time.Millisecond {
		t.Errorf("got %+v, want ≈2.5 s from 6 pairs", got)
	}
}

// note speaks only when packets and lines sit side by side in a finding
// and the clocks disagree by more than a second, and only once.
func TestClockNote(t *testing.T) {
	behind := clockOffset{Offset: -37 * time.Second, Pairs: 5}
	said := "Refused. Note: log clocks run 37 s behind the capture clock (from 5 log events matched to flows)."
	tests := []struct {
		name    string
		clock   clockOffset
		kinds   []string
		summary string
		want    string
	}{
		{"packets and a log", behind, []string{kindPackets, "client-log"}, "Refused.", said},
		{"packets alone", behind, []string{kindPackets}, "Refused.", "Refused."},
		{"logs alone", behind, []string{"client-log", "broker-log"}, "Refused.", "Refused."},
		{"within a second", clockOffset{Offset: 800 * time.Millisecond, Pairs: 5}, []string{kindPackets, "client-log"}, "Refused.", "Refused."},
		{"no estimate", clockOffset{}, []string{kindPackets, "client-log"}, "Refused.", "Refused."},
		{"already said", behind, []string{kindPackets, "client-log"}, said, said},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := analyzer.Finding{Kinds: tc.kinds, Summary: tc.summary}
			tc.clock.note(&f)
			if diff := cmp.Diff(tc.want, f.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}
