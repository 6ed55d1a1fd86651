package rules

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// BrokerRestart diagnoses a broker that went away and came back (or not):
// a clean restart, a kill, a crash. OOM kills are broker-oom-kill's. The
// clients' disconnects and refusals during the gap are its symptoms.
type BrokerRestart struct{}

var brokerRestartMeta = analyzer.RuleMeta{
	ID:       "broker-restart",
	Cause:    analyzer.BrokerRestart,
	Title:    "The broker restarted",
	Severity: analyzer.Warning,
	LooksFor: "systemd Stopping/Stopped/Started for the Kafka unit; broker shutting down → shut down completed → started " +
		"(or started with no shutdown before it: killed); a broker container's termination and restart in its pod status (kubectl describe pod); " +
		"many flows to the broker port ending together, then REJ, then reconnects.",
	Needs:  "The journal, the broker's server.log or the broker pod's status; packets alone give a weaker, packet-only outage.",
	Avoids: "OOM kills (broker-oom-kill); refusals with no stop/start around them (connection-refused).",
	Fix: []string{
		"For planned restarts: roll brokers one at a time with controlled shutdown and give clients enough delivery.timeout.ms to ride it out.",
		"For unplanned ones: find why the process stopped (journal around the stop, the broker log before it).",
	},
}

func (BrokerRestart) Meta() analyzer.RuleMeta { return brokerRestartMeta }

func (BrokerRestart) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	var out []analyzer.Finding
	outs := brokerOutages(inc, clock)
	for _, o := range outs {
		if o.OOM {
			continue
		}
		f := outageFinding(inc, brokerRestartMeta, o, clock)
		quiet := len(f.Explains) == 0 && !o.Kinds[kindPackets]
		switch {
		case quiet && o.End.IsZero() && !o.Killed && seesClients(inc):
			// An orderly stop as the inputs end hurt none of the
			// clients they show: nothing to report.
			continue
		case quiet && o.End.IsZero() && !o.Killed:
			// With no client in the inputs, the stop is still the one
			// thing that happened to the broker: a post about an outage
			// often holds the broker log alone.
			f.Severity, f.Confidence = analyzer.Info, 0.35
			f.Summary += " The inputs end with it stopped; no client in them was affected."
		case quiet && !o.Killed:
			f.Severity, f.Confidence = analyzer.Info, 0.4
			f.Summary += " No client in the inputs was affected."
		}
		out = append(out, f)
	}
	for _, b := range massCloses(inc, outs) {
		out = append(out, massCloseNote(inc, b))
	}
	return out
}

// seesClients reports whether the inputs show any client: a client's log
// line or a captured flow.
func seesClients(inc *analyzer.Incident) bool {
	if len(inc.Flows) > 0 {
		return true
	}
	for i := range inc.Events {
		// Brokers, Connect and Streams all log the signal that stops them.
		if e := &inc.Events[i]; eventKind(e) == kindClientLog && e.Kind != analyzer.SignalReceived {
			return true
		}
	}
	return false
}

// outageFinding is the finding for one outage, shared by broker-restart and
// broker-oom-kill: the lifecycle lines, the flows, the symptoms in the gap.
func outageFinding(inc *analyzer.Incident, meta analyzer.RuleMeta, o *outage, clock clockOffset) analyzer.Finding {
	kinds := o.Kinds.list()
	base := 0.7
	if len(kinds) == 1 && kinds[0] == kindPackets {
		base = 0.5
	}
	if len(kinds) == 1 && kinds[0] == kindClientLog {
		// The client sees a broker vanish; a network fault that resets and
		// then refuses (a failover VIP, a host firewall) reads the same.
		base = 0.45
		if o.IdleLoss {
			// Only a bare "Node N disconnected.": the client could
			// also have closed it, or a device in the path.
			base = 0.4
		}
	}
	if o.OOM && !o.OOMUndated {
		base = 0.75
	}

	agree := clientAgreement(inc, o)
	all := o.Kinds
	if len(agree) > 0 {
		all = kindSet{kindClientLog: true}
		for k := range o.Kinds {
			all[k] = true
		}
	}
	conf := agreeing(base, len(all))
	if o.OOMUndated {
		conf = 0.6 // the kill was the broker's; that it made this outage is inferred
	}
	f := analyzer.NewFinding(meta, conf)
	f.Kinds = all.list()
	if o.End.IsZero() && !o.OOM {
		f.Title = "The broker stopped and had not come back when the inputs end"
	}
	type line struct {
		t    time.Time
		text string
	}
	seen := map[line]bool{}
	lines := append(append([]*analyzer.Event(nil), o.Signs...), agree...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Time.Before(lines[j].Time) })
	for _, e := range lines {
		// One journal often arrives twice (export and JSON): show its
		// entries once.
		if k := (line{e.Time, e.Text}); !seen[k] {
			seen[k] = true
			f.AddEvidence(analyzer.EventEvidence(e))
		}
	}
	if len(o.Closes) > 0 {
		c := o.Closes[0]
		f.AddEvidence(FlowEvidence(c, c.LastFrame, c.End, fmt.Sprintf("%d connections to %s closed by the broker side within %s (first %s)",
			len(o.Closes), o.Addr, seconds(o.Closes[len(o.Closes)-1].End.Sub(c.End)), flowText(c))))
	}
	if len(o.Refused) > 0 {
		r := o.Refused[0]
		f.AddEvidence(FlowEvidence(r, r.SynFrame, r.Start, fmt.Sprintf("%d connects to %s refused while it was down (first %s)", len(o.Refused), o.Addr, flowText(r))))
	}
	if len(o.Reconnects) > 0 {
		r := o.Reconnects[0]
		f.AddEvidence(FlowEvidence(r, r.SynFrame, r.Start, fmt.Sprintf("%s connected again", flowText(r))))
	}
	who := o.Host
	if who == "" && o.Addr.IsValid() {
		who = o.Addr.String()
	}
	if who == "" {
		who = "The broker"
	}
	sub := analyzer.Subject{Node: brokerNodeOf(o)}
	if o.Addr.IsValid() {
		sub.Addr = o.Addr.String()
		if sub.Node == "" {
			sub.Node = nodeOfAddr(inc, o.Addr)
		}
		f.DisplayFilter = addrFilter(o.Addr) + " && (tcp.flags.fin==1 || tcp.flags.reset==1 || tcp.flags.syn==1)"
	}
	if sub.Node == "" {
		sub.Node = nodeOfHost(inc, o.Host)
	}
	if sub == (analyzer.Subject{}) {
		// Only the host is known; the report's addr column shows it.
		sub.Addr = o.Host
	}
	f.Subjects = []analyzer.Subject{sub}
	f.Summary = fmt.Sprintf("%s was down %s: %s.", who, outageSpan(o), outageHow(o))
	if s := clock.String(); s != "" && o.Kinds[kindPackets] && len(kinds) > 1 {
		f.Summary += " Note: " + s + "."
	}
	symptoms := explain(inc, symptomScope{From: o.Start.Add(-time.Second), To: outageEnd(o)})
	if len(symptoms) > 0 {
		f.Summary += " The clients' disconnects and refused connects in that window follow from it; they are not separate causes."
	}
	f.Explains = symptoms
	heapOOM := o.HeapOOM != nil || o.Fatal != nil && o.Fatal.Exception == "java.lang.OutOfMemoryError"
	switch {
	case heapOOM:
		f.Remediation = append([]string{
			"Find what exhausted the broker's heap (a heap dump with -XX:+HeapDumpOnOutOfMemoryError, request sizes, partition count) and raise KAFKA_HEAP_OPTS -Xmx if the load is legitimate; " +
				"add -XX:+ExitOnOutOfMemoryError so a JVM in this state exits at once instead of limping on."}, f.Remediation...)
	case o.Fatal != nil && fatalWhy(o.Fatal) != "":
		f.Remediation = append([]string{fmt.Sprintf(
			"Fix what stopped %s from starting (%s, %s) before restarting it: until then it exits again at startup.",
			who, fatalWhy(o.Fatal), loc(o.Fatal.Source))}, f.Remediation...)
	case o.Killed && !o.OOM && meta.Cause == analyzer.BrokerRestart && o.Kinds[kindPodStatus] && !o.Kinds[kindJournal]:
		f.Remediation = killedPodRemediation(o, who)
	case o.Killed && !o.OOM && meta.Cause == analyzer.BrokerRestart:
		f.Remediation = killedRemediation(o, who)
	}
	switch {
	case !o.Kinds[kindJournal] && !o.Kinds[kindBrokerLog] && !o.Kinds[kindPodStatus]:
		f.Missing = "the broker's server.log or `journalctl -u kafka` would tell a clean restart from a kill"
	case len(kinds) > 1:
		// Independent kinds already agree; nothing is missing.
	case o.Kinds[kindJournal] && !o.OOM:
		f.Missing = "the broker's server.log would show whether it shut down cleanly or was killed"
	case o.Kinds[kindPodStatus] && !o.OOM:
		f.Missing = "the broker container's log before the restart (`kubectl logs --previous`) would show whether it shut down cleanly"
	case o.Kinds[kindBrokerLog]:
		f.Missing = "the broker host's journal would show who stopped the process (systemd, the OOM killer)"
	}
	return f
}

// outageEnd is the end of the symptom window: the return plus grace, or
// open when the broker never came back in the inputs.
func outageEnd(o *outage) time.Time {
	if o.End.IsZero() {
		return time.Time{}
	}
	return o.End.Add(outageGrace)
}

// outageSpan renders "from 10:01:02 to 10:01:40 (38 s)".
func outageSpan(o *outage) string {
	const layout = "2006-01-02 15:04:05.000"
	if o.StartUnknown {
		return "until " + o.End.Format(layout) + " (since when, the inputs do not say: the stop was printed without a time)"
	}
	if o.End.IsZero() {
		return "from " + o.Start.Format(layout) + " and had not come back when the inputs end"
	}
	return fmt.Sprintf("from %s to %s (%s)", o.Start.Format(layout), o.End.Format(layout), seconds(o.End.Sub(o.Start)))
}

// outageHow says what kind of stop it was and what showed it.
func outageHow(o *outage) string {
	var how string
	switch {
	case o.OOM && o.Kinds[kindPodStatus] && !o.Kinds[kindJournal]:
		how = "the kernel's OOM killer killed the broker's container at its memory limit (Reason: OOMKilled)"
	case o.OOMUndated:
		// The "as … shows" list would count the undated kernel log as a
		// witness of the outage's time, which it is not.
		return "the process was killed with no shutdown sequence logged, and a kernel log without dates (plain dmesg) records the OOM killer " +
			"killing the broker's JVM, though its time cannot be checked against this outage"
	case o.OOM:
		how = "the kernel's OOM killer killed the broker's JVM"
	case o.Killed && o.Clean:
		how = "a shutdown began but the process was killed before it finished (stop timeout)"
	case o.Fatal != nil && fatalWhy(o.Fatal) != "":
		how = fmt.Sprintf("it failed during startup (%s at %s) and shut itself down", fatalWhy(o.Fatal), loc(o.Fatal.Source))
		if o.Fatal.Exception == "java.lang.OutOfMemoryError" {
			how += " (its own heap, not the kernel's OOM killer)"
		}
	case o.Fatal != nil:
		how = fmt.Sprintf("it failed during startup (%s; the excerpt shows no exception) and shut itself down", loc(o.Fatal.Source))
	case o.HeapOOM != nil:
		how = fmt.Sprintf("the broker's JVM ran out of memory (java.lang.OutOfMemoryError: %s at %s) and died without a shutdown sequence before the next start "+
			"(its own heap, not the kernel's OOM killer)", o.HeapOOM.Reason, loc(o.HeapOOM.Source))
	case o.Killed && killedBySIGKILL(o) && o.Kinds[kindPodStatus] && !o.Kinds[kindJournal]:
		how = "the container was killed with SIGKILL (exit code 137, not OOMKilled): no shutdown ran before the next start"
	case o.Killed && killedBySIGKILL(o):
		how = "the process was killed with SIGKILL (the journal's code=killed, status=9/KILL): no shutdown sequence was logged before the next start"
	case o.Killed:
		how = "the process was killed (SIGKILL or a crash): no shutdown sequence was logged before the next start"
	case o.Clean && o.End.IsZero():
		how = "a clean, logged shutdown" + stoppedBy(o)
	case o.Clean:
		how = "a clean, logged shutdown and restart"
	case (o.Kinds[kindJournal] || o.Kinds[kindBrokerLog]) && o.End.IsZero():
		how = "a stop of the broker service" + stoppedBy(o)
	case o.Kinds[kindJournal] || o.Kinds[kindBrokerLog]:
		how = "a stop and start of the broker service"
	case o.Kinds[kindPodStatus]:
		how = "the broker's container ended and was started again"
	case o.Kinds[kindClientLog] && !o.Kinds[kindPackets] && o.IdleLoss:
		how = fmt.Sprintf("an established connection with nothing in flight was closed under the client and the next %s failed at once with nothing listening", plural(o.Failures, "reconnect"))
		if !o.End.IsZero() && o.Signs[len(o.Signs)-1].Kind == analyzer.Connected {
			how += ", until the client connected again"
		}
	case o.Kinds[kindClientLog] && !o.Kinds[kindPackets]:
		how = fmt.Sprintf("a connection that was carrying requests was lost and the next %s failed at once with nothing listening", plural(o.Failures, "reconnect"))
		if !o.End.IsZero() && o.Signs[len(o.Signs)-1].Kind == analyzer.Connected {
			how += ", until the client connected again"
		}
	default:
		how = "the broker process stopped and came back (on the wire a clean stop and a kill look alike)"
	}
	var shown []string
	if o.Kinds[kindJournal] {
		shown = append(shown, "the system log")
	}
	if o.Kinds[kindBrokerLog] {
		shown = append(shown, "the broker log")
	}
	if o.Kinds[kindPodStatus] {
		shown = append(shown, "the pod status")
	}
	if o.Kinds[kindClientLog] {
		shown = append(shown, "the client log")
	}
	if o.Kinds[kindPackets] {
		shown = append(shown, fmt.Sprintf("packets (%s closed together, %s refused, %s)",
			plural(len(o.Closes), "connection"), plural(len(o.Refused), "connect"), plural(len(o.Reconnects), "reconnect")))
	}
	verb := " shows"
	if len(shown) > 1 || (len(shown) == 1 && o.Kinds[kindPackets]) {
		verb = " show"
	}
	return how + ", as " + joinList(shown) + verb
}

// killedRemediation leads with finding the killer: an unplanned kill is
// not fixed by rolling restarts. The static advice follows, unplanned first.
func killedRemediation(o *outage, who string) []string {
	const layout = "2006-01-02 15:04:05"
	at := o.Start.UTC()
	find := fmt.Sprintf("Find what killed the broker process on %s at %s UTC: `journalctl --since '%s UTC' --until '%s UTC'` there shows the kernel's OOM killer, "+
		"a stop timeout (TimeoutStopSec) or who ran kill -9.", who, at.Format(layout), at.Add(-2*time.Minute).Format(layout), at.Add(time.Minute).Format(layout))
	return []string{find, brokerRestartMeta.Fix[1], brokerRestartMeta.Fix[0]}
}

// killedPodRemediation is killedRemediation for a broker container whose
// pod status is all that shows the kill: on Kubernetes the usual killers
// are the kubelet (a failed liveness probe, an eviction, a deletion whose
// grace period ran out) and an OOM kill the runtime did not attribute.
func killedPodRemediation(o *outage, who string) []string {
	const layout = "2006-01-02 15:04:05"
	find := fmt.Sprintf("Find what killed the broker container of %s at %s UTC: `kubectl get events --field-selector involvedObject.name=%s` (kept about an hour) "+
		"shows failed liveness probes, evictions and deletions; the node's kubelet journal and `dmesg` show an OOM kill the runtime did not attribute.",
		who, o.Start.UTC().Format(layout), o.Host)
	return []string{find, brokerRestartMeta.Fix[1], brokerRestartMeta.Fix[0]}
}

// killedBySIGKILL reports whether the journal named SIGKILL as the end of
// the broker process.
func killedBySIGKILL(o *outage) bool {
	for _, e := range o.Signs {
		if e.Kind == analyzer.ProcessKilled && (e.Signal == "KILL" || e.Signal == "9") {
			return true
		}
	}
	return false
}

// brokerNodeOf reads the broker id from the lifecycle lines
// ("[KafkaServer id=1]"), when a parser set it.
func brokerNodeOf(o *outage) string {
	for _, e := range o.Signs {
		if e.Program == "java-broker" && e.Node != "" {
			return e.Node
		}
	}
	return ""
}

// nodeOfHost is the broker id the logs gave for a host name, "" if none.
func nodeOfHost(inc *analyzer.Incident, host string) string {
	for _, n := range inc.Nodes {
		if host != "" && !n.Bootstrap && strings.EqualFold(n.Host, host) {
			return n.ID
		}
	}
	return ""
}

// maxAgreeEvidence bounds the client lines an outage finding shows as
// agreement; the Explains list counts them all.
const maxAgreeEvidence = 3

// clientAgreement returns the first client lines that agree with an
// outage the broker side (journal, broker log, packets) showed: a
// disconnect, reset or failed connect to that broker inside the outage
// window (its grace included). Those make the client log an extra kind of
// evidence; lines outside the window, or about another broker, do not.
// Nil when the outage was read from the client log in the first place.
func clientAgreement(inc *analyzer.Incident, o *outage) []*analyzer.Event {
	if o.Kinds[kindClientLog] {
		return nil
	}
	lines := inc.EventsOf(analyzer.Disconnected, analyzer.NodeDisconnected, analyzer.ConnectionReset,
		analyzer.ConnectRefused, analyzer.ConnectFailed)
	single := oneBrokerInView(inc, lines)
	node := brokerNodeOf(o)
	if node == "" {
		node = nodeOfHost(inc, o.Host)
	}
	var out []*analyzer.Event
	for _, e := range lines {
		if !clientLine(e) || !o.covers(e.Time) {
			continue
		}
		if m := brokerMatch(inc, o, node, e); m < 0 || m == 0 && !single {
			continue
		}
		if out = append(out, e); len(out) == maxAgreeEvidence {
			break
		}
	}
	return out
}

func clientLine(e *analyzer.Event) bool {
	return e.Program == "java-client" || e.Program == "librdkafka"
}

// brokerMatch says whether a client line is about the outage's broker:
// 1 when its address, host or node id names it, -1 when one names another
// broker, 0 when nothing tells.
func brokerMatch(inc *analyzer.Incident, o *outage, node string, e *analyzer.Event) int {
	if t := eventTarget(inc, e); o.Addr.IsValid() && t.IsValid() {
		if t == o.Addr {
			return 1
		}
		return -1
	}
	if o.Host != "" && e.NodeHost != "" {
		if strings.EqualFold(o.Host, e.NodeHost) || strings.HasPrefix(strings.ToLower(e.NodeHost), strings.ToLower(o.Host)+".") {
			return 1
		}
		return -1
	}
	if node != "" && e.Node != "" && !strings.HasPrefix(e.Node, "-") {
		if e.Node == node {
			return 1
		}
		return -1
	}
	return 0
}

// oneBrokerInView reports whether the client lines name at most one
// broker (by address, else node id): then a line that cannot be matched
// to the outage's broker by name is still about it.
func oneBrokerInView(inc *analyzer.Incident, lines []*analyzer.Event) bool {
	seen := ""
	for _, e := range lines {
		if !clientLine(e) {
			continue
		}
		k := ""
		if t := eventTarget(inc, e); t.IsValid() {
			k = t.String()
		} else if e.Node != "" && !strings.HasPrefix(e.Node, "-") {
			k = "node " + e.Node
		}
		if k == "" {
			continue
		}
		if seen != "" && seen != k {
			return false
		}
		seen = k
	}
	return true
}

// stoppedBy says what asked the broker to stop, when its log says: Kafka
// logs the signal ("Terminating process due to signal SIGTERM") before it
// shuts down.
func stoppedBy(o *outage) string {
	for _, e := range o.Signs {
		if e.Kind == analyzer.SignalReceived && e.Signal != "" {
			return fmt.Sprintf(" after SIG%s from outside the JVM (systemd, Kubernetes, a deploy tool or an operator stopped it)", e.Signal)
		}
	}
	return ""
}
