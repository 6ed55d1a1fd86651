package rules

import (
	"fmt"
	"sort"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// ConnectionRefused diagnoses a port nothing listens on: SYNs answered at
// once by RST, clients logging "Connection refused", outside any broker
// outage.
type ConnectionRefused struct{}

var connectionRefusedMeta = analyzer.RuleMeta{
	ID:       "connection-refused",
	Cause:    analyzer.ConnectionRefusedCause,
	Title:    "Connection refused: nothing listens on the broker address",
	Severity: analyzer.Critical,
	LooksFor: "SYNs answered at once by RST+ACK (Zeek REJ) and client lines such as librdkafka " +
		"\"Connect to ipv4#ip:port failed: Connection refused (after 0ms in state CONNECT)\".",
	Needs:  "A capture with REJ flows, or client logs naming refused connects; both agree best.",
	Avoids: "Refusals inside a broker stop/start window (broker-restart) and connects to an advertised loopback or container address (advertised-listener-unreachable).",
	Fix: []string{
		"Check that a broker process runs and listens on the address the client dials (ss -ltnp on the broker host).",
		"Check the port in bootstrap.servers and the broker's listeners/advertised.listeners.",
	},
}

// minRefusals is how many refused attempts make a cause: clients retry, so
// a real "nothing listens" repeats; one refusal that a later connect to the
// same target follows is a blip. A lone refusal logged by a client, never
// followed by a success and at the end of its log still counts, at lower
// confidence: a kcat
// run that gives up, a log cut while the client is still refused. A lone
// REJ flow does not: a capture holds probes to closed ports that no Kafka
// client made.
const minRefusals = 2

func (ConnectionRefused) Meta() analyzer.RuleMeta { return connectionRefusedMeta }

func (ConnectionRefused) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	outs := brokerOutages(inc, clock)
	t := newTargets(inc)
	var rej []*flow.Flow
	for _, f := range inc.Flows {
		if f.State == "REJ" && !inOutage(outs, clock.toLog(f.Start), f.Resp) {
			rej = append(rej, f)
		}
	}
	for _, f := range oneCapture(inc, rej) {
		t.addFlow(f)
	}
	boot := bootstrapOf(inc)
	for _, e := range inc.EventsOf(analyzer.ConnectRefused, analyzer.ConnectFailed) {
		if inOutage(outs, e.Time, eventTarget(inc, e)) || advertisedUnreachable(inc, boot, e) {
			continue
		}
		t.addEvent(e)
	}
	var out []analyzer.Finding
	for _, g := range t.list() {
		if f, ok := refusedFinding(inc, g, clock); ok {
			out = append(out, f)
		}
	}
	return out
}

// refusedFinding builds the finding for one target. Java's "could not be
// established" does not say why; it counts only next to REJ flows.
func refusedFinding(inc *analyzer.Incident, g *targetGroup, clock clockOffset) (analyzer.Finding, bool) {
	refused, vague := g.split(analyzer.ConnectRefused)
	fast := len(g.Flows) == 0 && len(refused) == 0 && fastRetries(vague, minRefusals)
	local := len(g.Flows) == 0 && len(refused) == 0 && !fast && loopbackTarget(g)
	if len(g.Flows) == 0 && !fast && !local {
		vague = nil
	}
	lone := len(g.Flows) == 0 && len(refused) == 1 && len(vague) == 0 && !gotThroughAfter(inc, g, refused[0].Time) &&
		endsItsInput(inc, refused[0])
	if len(g.Flows)+len(refused)+len(vague) < minRefusals && !lone {
		return analyzer.Finding{}, false
	}
	kinds := kindSet{}
	if len(g.Flows) > 0 {
		kinds[kindPackets] = true
	}
	for _, e := range append(refused, vague...) {
		kinds.addEvent(e)
	}
	base := 0.6
	switch {
	case len(g.Flows) > 0:
		base = 0.65
	case lone:
		// One refused connect the inputs never see recover from: the
		// client gave up, or the log was cut while it was still refused.
		base = 0.45
	case fast, local:
		// Java says only "could not be established"; retries at the
		// reconnect backoff (50 ms – 1 s) mean each attempt failed at
		// once, which a timeout (10 s and more) cannot do. On a loopback
		// address nothing between client and port can drop the SYN, so a
		// failed connect there was refused, however its lines are timed
		// (or when they print no time at all).
		base = 0.45
	}
	f := analyzer.NewFinding(connectionRefusedMeta, agreeing(base, len(kinds)))
	f.Kinds = kinds.list()
	for _, fl := range g.Flows {
		f.AddEvidence(FlowEvidence(fl, fl.SynFrame, fl.Start, fmt.Sprintf(
			"%s SYN answered by RST at once (REJ, %s)", flowText(fl), frameList([]int{fl.SynFrame, fl.LastFrame}, 2))))
	}
	for _, e := range append(refused, vague...) {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	f.Subjects = []analyzer.Subject{g.subject()}
	f.Summary = fmt.Sprintf("Connects to %s were refused%s: nothing listened there, and no broker stop/start covers the time.",
		g.label(), refusedHow(g, refused, local))
	if lone {
		f.Summary = fmt.Sprintf("A connect to %s was refused%s and no later connect got through: nothing listened there, and no broker stop/start covers the time.",
			g.label(), refusedHow(g, refused, local))
	}
	recovered := !lone && gotThroughAfter(inc, g, lastRefusal(g, refused))
	if recovered {
		// Refused, then the same address answered: the listener was
		// missing for a while, not for good.
		f.Summary = fmt.Sprintf("Connects to %s were refused%s, then a later connect got through: nothing listened there for a while, "+
			"as while a broker starts or restarts, and no broker stop/start in the inputs covers the time.", g.label(), refusedHow(g, refused, local))
	}
	if s := clock.String(); s != "" && kinds[kindPackets] && len(kinds) > 1 {
		f.Summary += " Note: " + s + "."
	}
	switch {
	case recovered:
		f.Missing = "the broker's server.log or `journalctl -u kafka` would show whether it was starting or restarting then"
	case !kinds[kindPackets]:
		f.Missing = "a capture on the client would show whether the host answered the SYN with RST (nothing listening) or a firewall rejected it"
	case len(kinds) == 1:
		f.Missing = "the client's log would name the node it tried to reach; the broker's journal would show whether the service was running"
	}
	if g.Addr.IsValid() {
		f.Remediation = append([]string{fmt.Sprintf(
			"On %s run `ss -ltnp 'sport = :%d'`: if no broker listens, start it or fix listeners; if one does, the client dials the wrong port.",
			g.Addr.Addr(), g.Addr.Port())}, f.Remediation...)
		f.DisplayFilter = addrFilter(g.Addr) + " && tcp.flags.reset==1"
		if g.Addr.Addr().IsLoopback() {
			f.Remediation = append(f.Remediation, "If the client runs in a container or pod, localhost is the container itself, not the broker's host: "+
				"point bootstrap.servers at the broker's host name or service name.")
		}
	}
	f.Explains = explain(inc, g.scope(clock, 30*time.Second))
	return f, true
}

// lastRefusal is when the group's last refused connect happened, on
// whichever clock showed it.
func lastRefusal(g *targetGroup, refused []*analyzer.Event) time.Time {
	var last time.Time
	for _, f := range g.Flows {
		last = latestTime(last, f.Start)
	}
	for _, e := range refused {
		last = latestTime(last, e.Time)
	}
	return last
}

func latestTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// loneTail is how near the end of its input a lone refusal must stand to
// count: a client still refused retries within seconds and logs again, so
// a refusal with a long log after it and no repeat was a blip, even when
// the log (at INFO, as usual) never says the next connect got through.
const loneTail = 20

// endsItsInput reports whether e is among the last loneTail lines of its
// input (the inputs' line counts are known; an input not listed counts as
// ending there).
func endsItsInput(inc *analyzer.Incident, e *analyzer.Event) bool {
	for _, in := range inc.Inputs {
		if in.Path == e.Source.Path && in.Lines > 0 {
			return e.Source.Line > in.Lines-loneTail
		}
	}
	return true
}

// gotThroughAfter reports whether a later connect to g's target
// succeeded: a client line saying it connected, or a completed handshake
// to the address, at or after t (flow times in the capture's clock, close
// enough for the minutes between a refusal and a retry).
func gotThroughAfter(inc *analyzer.Incident, g *targetGroup, t time.Time) bool {
	for _, e := range inc.EventsOf(analyzer.Connected) {
		if e.Time.Before(t) {
			continue
		}
		if a := eventTarget(inc, e); g.Addr.IsValid() && a == g.Addr || !g.Addr.IsValid() && g.Node != "" && e.Node == g.Node {
			return true
		}
	}
	for _, f := range inc.Flows {
		if g.Addr.IsValid() && f.Resp == g.Addr && f.HandshakeDone && !f.Start.Before(t) {
			return true
		}
	}
	return false
}

// Fast retries: vague failures whose median spacing is at most
// fastRetrySpacing (reconnect.backoff.max.ms defaults to 1 s). Two such
// failures of one target already show an attempt that failed at once,
// since a timeout takes 10 s or more; the client-outage rule, which reads
// them as a broker gone away, wants minFastRetries.
const (
	minFastRetries   = 3
	fastRetrySpacing = 2 * time.Second
)

// fastRetries reports whether at least min vague connect failures repeat
// at the reconnect backoff rather than at a connect timeout.
func fastRetries(events []*analyzer.Event, min int) bool {
	if len(events) < max(min, 2) {
		return false
	}
	for _, e := range events {
		if e.Time.IsZero() {
			return false // a line that printed no time shows no spacing
		}
	}
	gaps := make([]time.Duration, 0, len(events)-1)
	for i := 1; i < len(events); i++ {
		gaps = append(gaps, events[i].Time.Sub(events[i-1].Time))
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	return gaps[len(gaps)/2] <= fastRetrySpacing
}

// loopbackTarget reports vague connect failures, at least minRefusals, to
// a loopback address.
func loopbackTarget(g *targetGroup) bool {
	return g.Addr.IsValid() && g.Addr.Addr().IsLoopback() && len(g.Events) >= minRefusals
}

// refusedHow says which kinds showed the refusals; local is set when only
// the Java client's vague lines to a loopback address did.
func refusedHow(g *targetGroup, refused []*analyzer.Event, local bool) string {
	switch {
	case len(g.Flows) > 0 && len(refused) > 0:
		return fmt.Sprintf(" (%s answered by RST in the capture, %s)", plural(len(g.Flows), "SYN"), plural(len(refused), "\"Connection refused\" log line"))
	case len(g.Flows) > 0:
		return fmt.Sprintf(" (%s answered at once by RST)", plural(len(g.Flows), "SYN"))
	}
	switch {
	case len(refused) == 0 && local:
		return " (the Java client's \"could not be established\" for a loopback address, where nothing between client and port can drop a SYN)"
	case len(refused) == 0:
		return " (the Java client's \"could not be established\", retried at once each time: a timeout would take seconds)"
	}
	return " (\"Connection refused\" in the client log)"
}
