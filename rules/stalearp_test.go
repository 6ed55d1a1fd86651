package rules

import (
	"net/netip"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

const (
	newClientMAC = "02:42:c6:12:00:02"
	oldClientMAC = "02:42:c6:12:00:99"
	brokerMAC    = "02:42:c6:12:00:03"
)

// staleFlow is the broker-side view of a SYN-ACK sent to the old MAC.
func staleFlow(port string, start float64, frame int, isn uint32) *flow.Flow {
	f := synAckFlow(brokerPcap, client1+port, broker1, start, 6, 6, frame, isn)
	f.OrigMAC, f.RespMAC, f.RespDstMAC = mac(newClientMAC), mac(brokerMAC), mac(oldClientMAC)
	f.ReplyMACMismatch = true
	return f
}

// staleFlowV6 is staleFlow between IPv6 hosts.
func staleFlowV6(port string, start float64, frame int, isn uint32) *flow.Flow {
	f := synAckFlow(brokerPcap, "[fd00:6b64::1]"+port, "[fd00:6b64::2]:9092", start, 6, 6, frame, isn)
	f.OrigMAC, f.RespMAC, f.RespDstMAC = mac(newClientMAC), mac(brokerMAC), mac(oldClientMAC)
	f.ReplyMACMismatch = true
	return f
}

func arpClaim(frame int, sec float64, who string) analyzer.CapturedARP {
	return analyzer.CapturedARP{Capture: brokerPcap, ARP: flow.ARP{Frame: frame, Time: at(sec), Operation: 2,
		SenderMAC: mac(who), SenderIP: netip.MustParseAddr(client1), TargetMAC: mac(brokerMAC), TargetIP: netip.MustParseAddr("198.18.0.3")}}
}

func TestStaleARP(t *testing.T) {
	flows := []*flow.Flow{staleFlow(":40112", 10, 5, 1111), staleFlow(":40114", 40, 30, 2222)}
	withARP := incident(nil, flows, node1)
	withARP.ARP = []analyzer.CapturedARP{arpClaim(1, 0.5, oldClientMAC), arpClaim(3, 9, newClientMAC)}
	healthy := sfFlow(brokerPcap, client1+":40500", broker1, 1, 1)
	healthy.OrigMAC, healthy.RespDstMAC = mac(newClientMAC), mac(newClientMAC)
	completedMismatch := sfFlow(brokerPcap, client1+":40502", broker1, 1, 50)
	completedMismatch.OrigMAC, completedMismatch.RespDstMAC, completedMismatch.ReplyMACMismatch = mac(newClientMAC), mac(oldClientMAC), true
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"packets", incident(nil, flows, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.8, ConfMax: 0.9,
			Contains: []string{"198.18.0.2", oldClientMAC, newClientMAC, "ip neigh flush 198.18.0.2", "net.ipv4.neigh.default.gc_thresh1=0"}}},
		// IPv6 has neighbour discovery, not ARP: the sysctls are net.ipv6's.
		{"packets over IPv6", incident(nil, []*flow.Flow{staleFlowV6(":40112", 10, 5, 1111), staleFlowV6(":40114", 40, 30, 2222)}, node1),
			want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.8, ConfMax: 0.9,
				Contains: []string{"ip neigh flush fd00:6b64::1", "net.ipv6.neigh.default.gc_thresh1=0"}}},
		{"packets and ARP history", withARP, want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.88, ConfMax: 0.92,
			Contains: []string{"ARP history: 198.18.0.2 at " + oldClientMAC + " (broker-side.pcap frame 1), then at " + newClientMAC, "arp.src.proto_ipv4==198.18.0.2"}}},
		{"packets and client logs", incident([]analyzer.Event{timeoutRd(137, 30)}, flows, node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.9, ConfMax: 0.95}},
		{"matching MACs", incident(nil, []*flow.Flow{healthy}, node1), want{N: 0}},
		{"mismatch on a completed handshake", incident(nil, []*flow.Flow{completedMismatch}, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, StaleARP{}, tc.inc, tc.want) })
	}
	// syn-ack-lost fires too but stays below the more specific cause.
	inc := incident(nil, flows, node1)
	sal, arp := (SynAckLost{}).Evaluate(inc), (StaleARP{}).Evaluate(inc)
	if len(sal) != 1 || len(arp) != 1 || sal[0].Confidence >= arp[0].Confidence {
		t.Fatalf("want syn-ack-lost below stale-arp-entry, got %d/%d findings", len(sal), len(arp))
	}
}

// TestStaleARPAndSynAckLostAgree: a connection caught at the very end of
// both captures (one SYN, one SYN-ACK to the stale MAC) counts in
// syn-ack-lost as in stale-arp-entry, joined with its client-side flow.
func TestStaleARPAndSynAckLostAgree(t *testing.T) {
	early := staleFlow(":40112", 10, 5, 1111)
	early.SYNs, early.SynAcks = 7, 9
	late := staleFlow(":40114", 19, 30, 2222)
	late.SYNs, late.SynAcks, late.History = 1, 1, "Sh"
	earlyClient := s0Flow(clientPcap, client1+":40112", broker1, 10, 7, 1, 1111)
	lateClient := s0Flow(clientPcap, client1+":40114", broker1, 19, 1, 8, 2222)
	inc := incident(nil, []*flow.Flow{early, late, earlyClient, lateClient}, node1)
	checkRule(t, StaleARP{}, inc, want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.8, ConfMax: 0.9, Contains: []string{"10 SYN-ACK(s)"}})
	checkRule(t, SynAckLost{}, inc, want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.8, ConfMax: 0.85,
		Contains: []string{"2 connections", "SYN-ACK 10 times", "2 of them went to a MAC", "client-side.pcap shows only SYNs (frames 1, 8)"}})
	// Without the wrong MAC, one SYN-ACK at the end of a capture proves
	// nothing: the client may have answered after the capture stopped.
	late.ReplyMACMismatch = false
	checkRule(t, SynAckLost{}, incident(nil, []*flow.Flow{late, lateClient}, node1), want{N: 0})
}
