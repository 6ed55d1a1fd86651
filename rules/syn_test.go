package rules

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// timeoutRd is librdkafka giving up a connect to broker 1 after 127 s.
func timeoutRd(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.ConnectTimeout, sec, line,
		"%3|1773482520.000|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection timed out (after 127000ms in state CONNECT)")
	e.Node, e.Addr, e.AfterMs, e.State, e.Reason = "1", ap(broker1), 127000, "CONNECT", "Connection timed out"
	return e
}

// kafkajsTimeout is KafkaJS giving up a connect after its own
// connectionTimeout (1 s by default), which covers the TLS handshake too.
func kafkajsTimeout(sec float64, line int) analyzer.Event {
	e := analyzer.Event{Kind: analyzer.ConnectTimeout, Time: at(sec), Source: analyzer.Location{Path: "app.log", Line: line},
		Level: "ERROR", Program: "kafkajs", Client: "app",
		Text: `{"level":"ERROR","timestamp":"2026-03-14T10:00:10.000Z","logger":"kafkajs","message":"[Connection] Connection timeout","broker":"198.18.0.3:9092","clientId":"app"}`}
	e.NodeHost, e.Addr, e.Reason = "198.18.0.3", ap(broker1), "Connection timeout"
	return e
}

// lostSynAck is one connection whose SYN-ACKs die on the way back: the
// broker-side capture shows them leaving, the client-side only SYNs.
func lostSynAck(port string, start float64, frame int, isn uint32, withClient, withBroker bool) []*flow.Flow {
	var out []*flow.Flow
	if withClient {
		out = append(out, s0Flow(clientPcap, client1+port, broker1, start, 7, frame, isn))
	}
	if withBroker {
		out = append(out, synAckFlow(brokerPcap, client1+port, broker1, start+0.0004, 7, 7, frame+3, isn))
	}
	return out
}

func TestSynUnanswered(t *testing.T) {
	s0 := []*flow.Flow{
		s0Flow(clientPcap, client1+":40112", broker1, 10, 7, 5, 1111),
		s0Flow(clientPcap, client1+":40114", broker1, 140, 7, 20, 2222),
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"client-side capture only", incident(nil, s0, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true,
			Contains: []string{"SYN ×7", "no reply (S0)", "broker-side capture", "tcp.flags.syn==1"}}},
		{"logs only", incident([]analyzer.Event{timeoutRd(137, 30), timeoutRd(267, 31)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.5, ConfMax: 0.6, Missing: true, Contains: []string{"2 connect timeouts"}}},
		{"both", incident([]analyzer.Event{timeoutRd(137, 30), timeoutRd(267, 31), expiredBatch(260, 40)}, s0, node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true, Contains: []string{"expired batches ×1"}}},
		// The capture host's clock ran 40 s ahead: the finding joins
		// packets and lines, so it says so.
		{"both, log clock 40 s behind", incident([]analyzer.Event{timeoutRd(97, 30), timeoutRd(227, 31)}, s0, node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true,
				Contains: []string{"Note: log clocks run 40 s behind the capture clock (from 2 log events matched to flows)."}}},
		{"broker-side capture shows SYNs arriving unanswered", incident(nil, []*flow.Flow{
			s0Flow(clientPcap, client1+":40112", broker1, 10, 7, 5, 1111), s0Flow(brokerPcap, client1+":40112", broker1, 10.0004, 7, 8, 1111)}, node1),
			want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.7, ConfMax: 0.8, Contains: []string{"host firewall on the broker"}}},
		{"broker-side capture sees the broker but none of these SYNs", func() *analyzer.Incident {
			inc := incident(nil, s0, node1)
			inc.ARP = []analyzer.CapturedARP{arpClaim(1, 0.5, brokerMAC)}
			inc.ARP[0].SenderIP, inc.ARP[0].TargetIP = ap(broker1).Addr(), ap(client1+":1").Addr()
			return inc
		}(), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.7, ConfMax: 0.8,
			Contains: []string{"broker-side.pcap, taken where 198.18.0.3's traffic passes, has none of these SYNs"}}},
		{"an empty second capture is named", func() *analyzer.Incident {
			inc := incident(nil, s0, node1)
			inc.Inputs = []analyzer.InputStat{{Path: clientPcap, Format: "pcap"}, {Path: brokerPcap, Format: "pcap"}, {Path: "client.log", Format: "librdkafka"}}
			return inc
		}(), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true,
			Contains: []string{"broker-side.pcap shows none of these connections"}}},
		{"java vague lines at timeout pace", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(40, 52), javaCouldNot(70, 54)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"spaced like connect timeouts"}}},
		{"java vague lines retried at once are not timeouts", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(10.1, 52), javaCouldNot(10.5, 54)}, nil, node1), want{N: 0}},
		{"lost SYN-ACK is syn-ack-lost's, not this rule's", incident(nil, lostSynAck(":40112", 10, 5, 1111, true, true), node1), want{N: 0}},
		{"timeouts next to a broker-side capture of SYN-ACKs leaving", incident([]analyzer.Event{timeoutRd(137, 30), timeoutRd(267, 31)},
			lostSynAck(":40112", 10, 5, 1111, false, true), node1), want{N: 0}},
		{"one SYN retransmission then success", incident(nil, []*flow.Flow{retryThenOKFlow()}, node1), want{N: 0}},
		{"healthy", incident(nil, []*flow.Flow{sfFlow(clientPcap, client1+":40112", broker1, 1, 1)}, node1), want{N: 0}},
		{"one timeout the client never got past", incident([]analyzer.Event{timeoutRd(137, 30)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"The one connect to node 1 (198.18.0.3:9092) timed out", "a single log line is thin evidence"}}},
		{"KafkaJS's own 1 s timeouts: slow is not dropped", incident([]analyzer.Event{kafkajsTimeout(10, 1), kafkajsTimeout(12, 2), kafkajsTimeout(15, 3)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"3 connect timeouts", "connectionTimeout is 1 s by default", "Raise the client's connect timeout"}}},
		{"KafkaJS timeouts beside S0 flows are the network's", incident([]analyzer.Event{kafkajsTimeout(10, 1), kafkajsTimeout(140, 2)}, s0, node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true, Contains: []string{"SYN ×7"}}},
		{"one timeout, then the connection was up", incident([]analyzer.Event{timeoutRd(137, 30), disconnectedUp(900, 31, 700000)}, nil, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, SynUnanswered{}, tc.inc, tc.want) })
	}
}

// retryThenOKFlow lost its first SYN and completed on the second.
func retryThenOKFlow() *flow.Flow {
	f := sfFlow(clientPcap, client1+":40300", broker1, 10, 5)
	f.SYNs, f.SynTimes, f.OrigPkts = 2, append(f.SynTimes, at(11)), f.OrigPkts+1
	return f
}

func TestSynAckLost(t *testing.T) {
	both := append(lostSynAck(":40112", 10, 5, 1111, true, true), lostSynAck(":40114", 140, 40, 2222, true, true)...)
	brokerOnly := append(lostSynAck(":40112", 10, 5, 1111, false, true), lostSynAck(":40114", 140, 40, 2222, false, true)...)
	natted := lostSynAck(":40112", 10, 5, 1111, true, false)
	nb := synAckFlow(brokerPcap, "198.19.7.7:61000", broker1, 10.3, 7, 7, 8, 1111) // after SNAT
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"both captures", incident(nil, both, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.8, ConfMax: 0.9,
			Contains: []string{"SYN-ACKs left the broker and never reached the client", "client-side.pcap shows only SYNs (frames 5, 40)",
				"broker-side.pcap frames 9, 44", "SYN-ACK ×7 out"}}},
		{"both captures and client logs", incident([]analyzer.Event{timeoutRd(137, 30)}, both, node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.9, ConfMax: 0.95}},
		{"broker side only", incident(nil, brokerOnly, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true}},
		{"NAT between the captures: joined on ISN", incident(nil, append(natted, nb), node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.8, ConfMax: 0.9,
			Contains: []string{"never reached the client"}}},
		{"client side only is syn-unanswered's", incident(nil, lostSynAck(":40112", 10, 5, 1111, true, false), node1), want{N: 0}},
		{"logs only never fire", incident([]analyzer.Event{timeoutRd(137, 30), timeoutRd(267, 31)}, nil, node1), want{N: 0}},
		{"retransmitted SYN then success", incident(nil, []*flow.Flow{retryThenOKFlow()}, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, SynAckLost{}, tc.inc, tc.want) })
	}
}

// established accepts connections whose handshake the capture missed only
// when both sides spoke.
func TestEstablished(t *testing.T) {
	midstream := func(orig, resp int) *flow.Flow {
		f := sfFlow(clientPcap, client1+":40112", broker1, 1, 1)
		f.HandshakeDone, f.SYNs, f.SynAcks, f.OrigPkts, f.RespPkts = false, 0, 0, orig, resp
		return f
	}
	tests := []struct {
		name string
		f    *flow.Flow
		want bool
	}{
		{"handshake captured", sfFlow(clientPcap, client1+":40112", broker1, 1, 1), true},
		{"begun mid-connection, both sides spoke", midstream(3, 2), true},
		{"begun mid-connection, one side only", midstream(3, 0), false},
		{"unanswered SYNs", s0Flow(clientPcap, client1+":40112", broker1, 1, 7, 1, 1), false},
		{"refused", rejFlow(clientPcap, client1+":40112", broker1, 1, 1), false},
		{"SYN-ACK lost", synAckFlow(brokerPcap, client1+":40112", broker1, 1, 3, 3, 1, 1), false},
	}
	for _, tc := range tests {
		if got := established(tc.f); got != tc.want {
			t.Errorf("%s: established = %v, want %v", tc.name, got, tc.want)
		}
	}
}
