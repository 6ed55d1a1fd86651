package rules

import (
	"fmt"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Handshake shapes shared by syn-unanswered, syn-ack-lost and
// stale-arp-entry.

// synOnly reports a connect that got no reply at all and was retried: the
// client-side view of a dropped SYN or a lost SYN-ACK. One SYN alone may be
// the capture ending; a retransmission that then succeeded is not this.
func synOnly(f *flow.Flow) bool {
	return f.SYNs >= 2 && f.SynAcks == 0 && f.RespPkts == 0 && !f.HandshakeDone
}

// synAckUnacked reports a handshake the server answered but the client never
// completed: the server-side view of a lost SYN-ACK. The client re-sending
// its SYN (same ISN, so the same flow) or the server retransmitting the
// SYN-ACK shows the reply did not arrive.
func synAckUnacked(f *flow.Flow) bool {
	return f.SynAcks >= 1 && !f.HandshakeDone && (f.SYNs >= 2 || f.SynAcks >= 2)
}

// synAckMisaddressed reports a handshake whose SYN-ACK went to a MAC the
// client does not use: the reply cannot arrive, so the connection is lost
// even when the capture ends before a retransmission could show it.
// stale-arp-entry reports the same flows; counting them here too keeps the
// two findings about the same connections and packets.
func synAckMisaddressed(f *flow.Flow) bool {
	return f.SynAcks >= 1 && !f.HandshakeDone && f.ReplyMACMismatch && len(f.RespDstMAC) > 0
}

// handshakeLoss is one failed connection with whatever captures saw of it.
type handshakeLoss struct {
	// Server is the flow from the capture that saw SYN-ACKs leave (nil when
	// no capture did); Client the flow from a capture that saw only SYNs.
	Server, Client *flow.Flow
}

// handshakeLosses joins the captures: a server-side flow whose SYN-ACKs went
// unanswered with the client-side flow of the same connection, when there
// is one; and the client-side SYN-only flows no capture saw answered.
func handshakeLosses(inc *analyzer.Incident) (joined []handshakeLoss, clientOnly []*flow.Flow) {
	partner := partners(inc)
	seen := map[*flow.Flow]bool{}
	for _, f := range inc.Flows {
		seen[f] = true
		switch {
		case synAckUnacked(f) || synAckMisaddressed(f):
			l := handshakeLoss{Server: f}
			if c := partner[f]; c != nil && c.SynAcks == 0 {
				l.Client = c
			}
			joined = append(joined, l)
		case synOnly(f):
			if s := partner[f]; s != nil && (s.SynAcks > 0 || seen[s]) {
				continue // reported with its server-side flow, or already
			}
			clientOnly = append(clientOnly, f)
		}
	}
	return joined, clientOnly
}

// partnersKey is the key of the incident's cross-capture pairs in
// Incident.Derived.
type partnersKey struct{}

// partners maps each flow to the flow of the same connection in another
// capture, computed once per incident for the rules that join captures
// (the map is shared: read it, never write it).
func partners(inc *analyzer.Incident) map[*flow.Flow]*flow.Flow {
	return inc.Derived(partnersKey{}, func() any {
		m := map[*flow.Flow]*flow.Flow{}
		if !severalCaptures(inc) {
			return m // nothing to pair
		}
		for _, p := range crossCapture(inc) {
			m[p.A], m[p.B] = p.B, p.A
		}
		return m
	}).(map[*flow.Flow]*flow.Flow)
}

// severalCaptures reports whether the incident's flows come from more than
// one capture.
func severalCaptures(inc *analyzer.Incident) bool {
	for _, f := range inc.Flows {
		if f.Capture != inc.Flows[0].Capture {
			return true
		}
	}
	return false
}

// synText describes a client-side SYN-only flow for evidence.
func synText(f *flow.Flow) string {
	return fmt.Sprintf("%s SYN ×%d over %s, no reply (%s)", flowText(f), f.SYNs, seconds(f.End.Sub(f.Start)), f.State)
}

// synAckText describes a server-side flow whose SYN-ACKs went unanswered.
func synAckText(f *flow.Flow) string {
	why := fmt.Sprintf("client ISN %d re-sent", f.OrigISN)
	if f.SYNs < 2 {
		why = "the capture ends here"
	}
	if f.ReplyMACMismatch {
		why += "; SYN-ACK addressed to " + f.RespDstMAC.String() + ", not the SYN's " + f.OrigMAC.String()
	}
	return fmt.Sprintf("%s SYN ×%d in, SYN-ACK ×%d out, no ACK (%s)", flowText(f), f.SYNs, f.SynAcks, why)
}

// established reports whether a flow's connection was up: its handshake was
// captured, or the capture began after it (no SYN or SYN-ACK seen) and both
// sides sent packets. Long-lived Kafka connections predate most captures
// started during an incident; their closes and resets still count.
func established(f *flow.Flow) bool {
	return f.HandshakeDone || f.SYNs == 0 && f.SynAcks == 0 && f.OrigPkts > 0 && f.RespPkts > 0
}
