package rules

import (
	"fmt"
	"sort"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// SynAckLost diagnoses replies lost on the way back: the broker answers the
// SYN, the SYN-ACK never reaches the client, which keeps re-sending the same
// SYN. Only a broker-side capture shows it; with a client-side capture of
// the same connection it also shows where the packets died.
type SynAckLost struct{}

var synAckLostMeta = analyzer.RuleMeta{
	ID:       "syn-ack-lost",
	Cause:    analyzer.SynAckLost,
	Title:    "The broker answers, its SYN-ACKs never reach the client",
	Severity: analyzer.Critical,
	LooksFor: "In a broker-side capture: SYN in, SYN-ACK out (retransmitted), the client re-sending the same SYN (same ISN), no ACK. " +
		"Joined on 5-tuple + ISN with a client-side capture that shows only SYNs.",
	Needs:  "A broker-side capture; a client-side capture of the same time pins where the packets died.",
	Avoids: "Handshakes that complete after a retransmission; client-only captures (those are syn-unanswered).",
	Fix: []string{
		"Trace the return path from the broker to the client: routes, asymmetric routing through a stateful firewall, and the broker's neighbour (ARP) entry for the client.",
	},
}

func (SynAckLost) Meta() analyzer.RuleMeta { return synAckLostMeta }

func (SynAckLost) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	joined, _ := handshakeLosses(inc)
	byServer := map[string][]handshakeLoss{}
	for _, l := range joined {
		k := l.Server.Resp.String()
		byServer[k] = append(byServer[k], l)
	}
	var out []analyzer.Finding
	for _, k := range sortedKeys(byServer) {
		out = append(out, synAckLostFinding(inc, byServer[k], clock))
	}
	return out
}

func synAckLostFinding(inc *analyzer.Incident, losses []handshakeLoss, clock clockOffset) analyzer.Finding {
	srv := losses[0].Server.Resp
	t := newTargets(inc)
	g := t.group(srv, nodeOfAddr(inc, srv))
	for _, e := range inc.EventsOf(analyzer.ConnectTimeout) {
		if eventTarget(inc, e) == srv {
			g.Events = append(g.Events, e)
		}
	}
	bothSides, staleMAC := 0, 0
	synAcks := 0
	var serverFrames, clientFrames []int
	var filters []string
	for _, l := range losses {
		synAcks += l.Server.SynAcks
		serverFrames = append(serverFrames, l.Server.SynAckFrame)
		if l.Client != nil {
			bothSides++
			clientFrames = append(clientFrames, l.Client.SynFrame)
		}
		if l.Server.ReplyMACMismatch {
			staleMAC++
		}
		if len(filters) < 5 {
			filters = append(filters, connFilter(l.Server))
		}
	}
	kinds := g.kinds()
	kinds[kindPackets] = true
	base := 0.7
	if bothSides > 0 {
		base = 0.85
	}
	conf := agreeing(base, len(kinds))
	if staleMAC > 0 {
		// stale-arp-entry names the mechanism; this finding stays below it.
		conf = min(conf, 0.85)
	}
	f := analyzer.NewFinding(synAckLostMeta, conf)
	f.Kinds = kinds.list()
	for _, l := range losses {
		f.AddEvidence(FlowEvidence(l.Server, l.Server.SynAckFrame, l.Server.Start, synAckText(l.Server)))
		if l.Client != nil {
			f.AddEvidence(FlowEvidence(l.Client, l.Client.SynFrame, l.Client.Start, synText(l.Client)+": the SYN-ACKs never arrived"))
		}
	}
	for _, e := range g.Events {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	f.Subjects = []analyzer.Subject{g.subject()}
	f.Summary = fmt.Sprintf("%s to %s never completed: the broker sent SYN-ACK %d times in all (%s %s), the client kept re-sending the same SYN.",
		plural(len(losses), "connection"), g.label(), synAcks, losses[0].Server.Capture, frameList(serverFrames, 5))
	if bothSides > 0 {
		c := firstClient(losses).Client
		f.Summary += fmt.Sprintf(" Where they died: the SYN-ACKs left the broker and never reached the client; %s shows only SYNs (%s).",
			c.Capture, frameList(clientFrames, 5))
	} else {
		f.Missing = "a client-side capture of the same time would show whether the SYN-ACKs reach the client host"
	}
	if staleMAC > 0 {
		f.Summary += fmt.Sprintf(" %d of them went to a MAC the client does not use: see stale-arp-entry.", staleMAC)
	}
	f.DisplayFilter = filterOr(filters)
	f.Remediation = append([]string{fmt.Sprintf(
		"On %s check the route and neighbour entry back to the failing clients (`ip route get <client>`, `ip neigh show <client>`).", srv.Addr())},
		f.Remediation...)
	clock.note(&f)
	f.Explains = explain(inc, g.scope(clock, 2*time.Minute))
	return f
}

// firstClient returns the first client-side flow among the losses.
func firstClient(losses []handshakeLoss) handshakeLoss {
	cs := make([]handshakeLoss, 0, len(losses))
	for _, l := range losses {
		if l.Client != nil {
			cs = append(cs, l)
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Client.Start.Before(cs[j].Client.Start) })
	return cs[0]
}
