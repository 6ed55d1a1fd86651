package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// SynUnanswered diagnoses SYNs that get no reply at all: a firewall DROP, a
// security group, a routing hole — or, seen from the client alone, a lost
// SYN-ACK, which only a broker-side capture tells apart.
type SynUnanswered struct{}

var synUnansweredMeta = analyzer.RuleMeta{
	ID:       "syn-unanswered",
	Cause:    analyzer.SynUnanswered,
	Title:    "Connection attempts get no answer (SYNs vanish)",
	Severity: analyzer.Critical,
	LooksFor: "Retransmitted SYNs with no reply at all (Zeek S0); client lines \"Connection setup timed out in state CONNECT\", " +
		"\"Connect to … failed: Connection timed out (after ~127000ms in state CONNECT)\", \"socket connection setup timeout\".",
	Needs:  "A client-side capture or client logs; a broker-side capture settles whether SYNs arrived.",
	Avoids: "A single SYN retransmission that then succeeds; connections a broker-side capture shows answered (syn-ack-lost).",
	Fix: []string{
		"Check firewalls, security groups / NACLs and routes between the client and the broker port.",
		"Take a capture on the broker host at the same time to see whether the SYNs arrive.",
	},
}

func (SynUnanswered) Meta() analyzer.RuleMeta { return synUnansweredMeta }

func (SynUnanswered) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	joined, clientOnly := handshakeLosses(inc)
	// Where a capture saw the SYN-ACKs leave, the client's timeouts are
	// syn-ack-lost's symptoms.
	answered := map[string]bool{}
	for _, l := range joined {
		answered[l.Server.Resp.String()] = true
	}
	t := newTargets(inc)
	for _, f := range clientOnly {
		t.addFlow(f)
	}
	boot := bootstrapOf(inc)
	for _, e := range inc.EventsOf(analyzer.ConnectTimeout, analyzer.ConnectFailed) {
		if !advertisedUnreachable(inc, boot, e) {
			t.addEvent(e)
		}
	}
	t.foldUnnamed()
	var out []analyzer.Finding
	for _, g := range t.list() {
		if len(g.Flows) == 0 && g.Addr.IsValid() && answered[g.Addr.String()] {
			continue
		}
		if f, ok := synUnansweredFinding(inc, g, clock); ok {
			out = append(out, f)
		}
	}
	return out
}

func synUnansweredFinding(inc *analyzer.Incident, g *targetGroup, clock clockOffset) (analyzer.Finding, bool) {
	timeouts, vague := g.split(analyzer.ConnectTimeout)
	// Java's "could not be established" is as likely a refusal: it counts
	// beside S0 flows to the same address, or when the attempts are spaced
	// like connect timeouts, which a refusal (retried at once) never is.
	slow := len(g.Flows) == 0 && len(timeouts) == 0 && slowRetries(vague)
	if len(g.Flows) > 0 || slow {
		timeouts = append(timeouts, vague...)
	}
	retries := 0
	for _, f := range g.Flows {
		retries += f.SYNs
	}
	lone := len(g.Flows) == 0 && len(timeouts) == 1 && timeouts[0].Kind == analyzer.ConnectTimeout &&
		!connectedAfter(inc, g, timeouts[0])
	if len(g.Flows)+len(timeouts) < 2 && retries < 3 && !lone {
		return analyzer.Finding{}, false
	}
	kinds := kindSet{}
	if len(g.Flows) > 0 {
		kinds[kindPackets] = true
	}
	for _, e := range timeouts {
		kinds.addEvent(e)
	}
	arrived := arrivedUnanswered(inc, g)
	far := farCapture(inc, g)
	base := 0.55
	switch {
	case arrived > 0 || far != "":
		base = 0.75
	case len(g.Flows) > 0:
		base = 0.6
	case slow:
		base = 0.45
	case lone:
		// One timed-out connect the client never got past (it gave up, or
		// the inputs end): the only failure there is, but a single line.
		base = 0.35
	}
	short := len(g.Flows) == 0 && shortTimeouts(timeouts)
	if short {
		base = min(base, 0.35)
	}
	f := analyzer.NewFinding(synUnansweredMeta, agreeing(base, len(kinds)))
	f.Kinds = kinds.list()
	for _, fl := range g.Flows {
		f.AddEvidence(FlowEvidence(fl, fl.SynFrame, fl.Start, synText(fl)))
	}
	for _, e := range timeouts {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	f.Subjects = []analyzer.Subject{g.subject()}
	f.Summary = fmt.Sprintf("Connects to %s got no answer: %s. Something between the client and the broker drops the SYNs (or the replies).",
		g.label(), synHow(g, timeouts, retries))
	switch {
	case arrived > 0:
		f.Summary = fmt.Sprintf("Connects to %s got no answer: %s. The broker-side capture shows %d of these SYNs arriving and the host never answering: "+
			"a host firewall on the broker or a full accept queue drops them.", g.label(), synHow(g, timeouts, retries), arrived)
	case far != "":
		f.Summary = fmt.Sprintf("Connects to %s got no answer: %s. %s, taken where %s's traffic passes, has none of these SYNs: "+
			"they were dropped on the way (firewall, security group, routing), not lost on the way back.", g.label(), synHow(g, timeouts, retries), far, g.Addr.Addr())
	case lone:
		f.Severity = analyzer.Warning
		f.Summary = fmt.Sprintf("The one connect to %s timed out (%q) and the client never got through afterwards: "+
			"something between the client and the broker drops the SYNs or the replies, or the broker host is down.", g.label(), lineGist(timeouts[0]))
		f.Missing = "a client-side capture would show the SYN retransmitted with nothing back, and a broker-side one whether the SYNs arrive " +
			"(then the reply is lost: syn-ack-lost); a single log line is thin evidence"
	default:
		f.Missing = "a broker-side capture would show whether the SYNs reach the broker and SYN-ACKs leave it (then the reply is lost: syn-ack-lost)"
		if len(g.Flows) > 0 {
			if others := otherCaptures(inc, g.Flows[0].Capture); len(others) > 0 {
				f.Missing = fmt.Sprintf("%s shows none of these connections; if it was taken on the broker host, the SYNs never reached it "+
					"(a capture there that shows the broker's other traffic would settle it)", joinList(others))
			}
		}
	}
	if short {
		f.Severity = analyzer.Warning
		f.Summary += " But the client gives up within a few seconds (KafkaJS's connectionTimeout is 1 s by default, and covers the TLS handshake too): " +
			"a distant or TLS broker that answers slowly times out the same way."
		f.Missing = "a client-side capture would show whether SYNs went unanswered or the connection was up and only slow"
		f.Remediation = append(f.Remediation, "Raise the client's connect timeout (KafkaJS connectionTimeout, e.g. 5000 ms) before suspecting the network; if the timeouts go on, check the path.")
	}
	if g.Addr.IsValid() {
		f.DisplayFilter = addrFilter(g.Addr) + " && tcp.flags.syn==1"
		f.Remediation = append([]string{fmt.Sprintf(
			"Check firewall rules, security groups and routes for TCP %d to %s from the client; `tcpdump -ni any host %s and port %d` on the broker host shows whether SYNs arrive.",
			g.Addr.Port(), g.Addr.Addr(), g.Addr.Addr(), g.Addr.Port())}, f.Remediation[1:]...)
	}
	clock.note(&f)
	f.Explains = explain(inc, g.scope(clock, 2*time.Minute))
	return f, true
}

// shortConnectTimeout is the longest client connect timeout that a slow
// but working path (a TLS handshake across regions) can exceed.
const shortConnectTimeout = 3000 // ms

// shortTimeouts reports whether every timeout is a client's own short one:
// KafkaJS's "Connection timeout" (connectionTimeout, 1 s by default, the
// TCP connect and the TLS handshake together), or a line that says it gave
// up within shortConnectTimeout. SYNs dropped by a firewall time out the
// same way, but so does a slow path: such lines alone prove no drop.
func shortTimeouts(timeouts []*analyzer.Event) bool {
	for _, e := range timeouts {
		switch {
		case e.Kind != analyzer.ConnectTimeout:
			return false
		case e.Program == "kafkajs" && strings.EqualFold(e.Reason, "Connection timeout"):
		case e.AfterMs > 0 && e.AfterMs <= shortConnectTimeout:
		default:
			return false
		}
	}
	return len(timeouts) > 0
}

// connectedAfter reports whether the client reached the group's broker
// after a failed connect: a "connected" line, or a connection that was up
// (librdkafka state UP) closing later.
func connectedAfter(inc *analyzer.Incident, g *targetGroup, failed *analyzer.Event) bool {
	for _, e := range inc.EventsOf(analyzer.Connected, analyzer.Disconnected, analyzer.ConnectionReset) {
		if !e.Time.After(failed.Time) || (e.Kind != analyzer.Connected && e.State != "UP") {
			continue
		}
		if a := eventTarget(inc, e); (a.IsValid() && a == g.Addr) || (!a.IsValid() && e.Node != "" && e.Node == g.Node) {
			return true
		}
	}
	return false
}

// arrivedUnanswered counts client-side S0 flows of the group that a second
// capture saw arrive without a SYN-ACK.
func arrivedUnanswered(inc *analyzer.Incident, g *targetGroup) int {
	n := 0
	partner := partners(inc)
	for _, f := range g.Flows {
		if p := partner[f]; p != nil && p.SynAcks == 0 {
			n++
		}
	}
	return n
}

// synHow says what showed the unanswered connects.
func synHow(g *targetGroup, timeouts []*analyzer.Event, retries int) string {
	switch {
	case len(g.Flows) > 0 && len(timeouts) > 0:
		return fmt.Sprintf("%s sent %d SYNs with no reply, and the client logged %s", plural(len(g.Flows), "connection"), retries, plural(len(timeouts), "connect timeout"))
	case len(g.Flows) > 0:
		return fmt.Sprintf("%s sent %d SYNs with no reply", plural(len(g.Flows), "connection"), retries)
	}
	if len(timeouts) > 0 && timeouts[0].Kind != analyzer.ConnectTimeout {
		return fmt.Sprintf("the client logged %d failed connects (\"could not be established\") spaced like connect timeouts", len(timeouts))
	}
	return "the client logged " + plural(len(timeouts), "connect timeout")
}

// farCapture names a second capture that sees the server's traffic but
// none of the group's unanswered connects; "" when there is none or the
// group has no flows.
func farCapture(inc *analyzer.Incident, g *targetGroup) string {
	if len(g.Flows) == 0 || !g.Addr.IsValid() {
		return ""
	}
	partner := partners(inc)
	for _, f := range g.Flows {
		if partner[f] != nil {
			return ""
		}
	}
	if cs := capturesSeeing(inc, g.Addr.Addr(), g.Flows[0].Capture); len(cs) > 0 {
		return cs[0]
	}
	return ""
}

// otherCaptures lists capture inputs other than skip, for a Missing line
// when none of them could be placed.
func otherCaptures(inc *analyzer.Incident, skip string) []string {
	var out []string
	for _, in := range inc.Inputs {
		if in.Path != skip && in.Skipped == "" && strings.Contains(in.Format, "pcap") {
			out = append(out, in.Path)
		}
	}
	return out
}

// slowRetries reports whether vague connect failures are spaced at least
// slowRetrySpacing apart (median): each attempt waited for a timeout.
func slowRetries(events []*analyzer.Event) bool {
	if len(events) < minFastRetries {
		return false
	}
	gaps := make([]time.Duration, 0, len(events)-1)
	for i := 1; i < len(events); i++ {
		gaps = append(gaps, events[i].Time.Sub(events[i-1].Time))
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2] >= slowRetrySpacing
}

// slowRetrySpacing is the shortest Java connect timeout
// (socket.connection.setup.timeout.ms, 10 s by default).
const slowRetrySpacing = 10 * time.Second
