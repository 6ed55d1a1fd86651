package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// BrokerOverload diagnoses a broker (or path) too slow to answer: request
// timeouts with round trips in seconds, connection-quota rejections,
// receive windows at zero, the broker out of file descriptors. Modest
// confidence, but for the last: slowness has many causes, while "Too many
// open files" is the broker saying why.
type BrokerOverload struct{}

var brokerOverloadMeta = analyzer.RuleMeta{
	ID:       "broker-overload",
	Cause:    analyzer.BrokerOverload,
	Title:    "The broker is overloaded",
	Severity: analyzer.Warning,
	LooksFor: "Broker \"Rejected connection from ip, address already has the configured maximum of N connections\"; broker \"Too many open files\" " +
		"(the Acceptor out of file descriptors); librdkafka request timeouts with \"average rtt\" in seconds; many request timeouts; TCP zero windows from the broker.",
	Needs:  "Client request-timeout lines, broker quota or file-descriptor lines, or captures with zero windows.",
	Avoids: "Request timeouts inside a broker outage and isolated timeouts.",
	Fix: []string{
		"Check broker CPU, disk and network saturation and request queue times (RequestQueueTimeMs, NetworkProcessorAvgIdlePercent).",
		"Raise max.connections.per.ip or find the client that opens connections in a loop when quota lines appear.",
	},
}

// Thresholds: how much slowness makes overload plausible.
const (
	slowRTT            = time.Second
	minTimeouts        = 5
	minZeroWindowFlows = 2
)

var avgRTT = regexp.MustCompile(`average rtt ([0-9.]+)ms`)

func (BrokerOverload) Meta() analyzer.RuleMeta { return brokerOverloadMeta }

func (BrokerOverload) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	outs := brokerOutages(inc, clock)
	quota := inc.EventsOf(analyzer.ConnectionQuota)
	fds := inc.EventsOf(analyzer.FDExhausted)
	var timeouts, slow []*analyzer.Event
	drops := silentDrops(inc, outs)
	for _, e := range inc.EventsOf(analyzer.RequestTimeout) {
		if inOutage(outs, e.Time, eventTarget(inc, e)) || partOfDrop(inc, e, drops) {
			continue
		}
		timeouts = append(timeouts, e)
		if rtt, ok := eventRTT(e); ok && rtt >= slowRTT {
			slow = append(slow, e)
		}
	}
	var zero []*flow.Flow
	for _, f := range inc.Flows {
		if f.ZeroWindows[1] > 0 {
			zero = append(zero, f)
		}
	}
	signals := 0
	if len(quota) > 0 {
		signals++
	}
	if len(fds) > 0 {
		signals++
	}
	if len(slow) > 0 || len(timeouts) >= minTimeouts {
		signals++
	}
	if len(zero) >= minZeroWindowFlows {
		signals++
	}
	if signals == 0 {
		return nil
	}
	kinds := kindSet{}
	if len(zero) >= minZeroWindowFlows {
		kinds[kindPackets] = true
	}
	for _, e := range append(append(append([]*analyzer.Event{}, fds...), quota...), timeouts...) {
		kinds.addEvent(e)
	}
	f := analyzer.NewFinding(brokerOverloadMeta, min(0.35+0.1*float64(signals)+0.05*float64(len(kinds)-1), 0.7))
	f.Kinds = kinds.list()
	for _, e := range fds {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	for _, e := range quota {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	for _, e := range timeouts {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	for _, fl := range zero {
		f.AddEvidence(FlowEvidence(fl, fl.FirstFrame, fl.Start, fmt.Sprintf("%s broker advertised a zero receive window %d time(s)", flowText(fl), fl.ZeroWindows[1])))
	}
	f.Summary = fmt.Sprintf("The broker looks overloaded: %d connection-quota rejections, %d request timeouts (%d with average rtt ≥ %s), %d connections where the broker stopped reading (zero window).",
		len(quota), len(timeouts), len(slow), seconds(slowRTT), len(zero))
	f.Missing = "broker metrics (request queue time, network/IO thread idle) would confirm saturation"
	switch {
	case len(fds) > 0:
		fdExhausted(&f, fds, len(timeouts)+len(quota)+len(zero))
	case len(timeouts) == 0 && len(zero) < minZeroWindowFlows:
		quotaOnly(&f, quota)
	}
	t := newTargets(inc)
	for _, e := range timeouts {
		t.addEvent(e)
	}
	for _, fl := range zero {
		t.addFlow(fl)
	}
	for _, g := range t.list() {
		f.Subjects = append(f.Subjects, g.subject())
	}
	if len(zero) > 0 {
		f.DisplayFilter = "tcp.analysis.zero_window"
	}
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.RequestTimeout, analyzer.BatchExpired, analyzer.NodeDisconnected}})
	return []analyzer.Finding{f}
}

// fdExhausted rewords a finding that holds the broker's "Too many open
// files": the broker said itself why it stopped taking connections, so
// the finding is surer and leads with the limit, not with load.
func fdExhausted(f *analyzer.Finding, fds []*analyzer.Event, others int) {
	f.Confidence = min(0.7+0.05*float64(len(f.Kinds)-1), 0.85)
	f.Summary = fmt.Sprintf("The broker ran out of file descriptors (\"Too many open files\", %s): while it lasts it accepts no "+
		"connection and cannot open log segments, so clients' connects hang or fail.", plural(len(fds), "time"))
	if others > 0 {
		f.Summary += fmt.Sprintf(" The %s of overload beside it follow from it.", plural(others, "other sign"))
	}
	f.Missing = "`ls /proc/<broker pid>/fd | wc -l` against `grep 'open files' /proc/<broker pid>/limits` on the broker shows how close it runs to the limit"
	f.Remediation = []string{"Raise the broker's open-file limit (LimitNOFILE= in its systemd unit, `ulimit -n` in its start script, " +
		"or the container runtime's nofile limit) well above its log segment files plus connections; Kafka's documentation suggests 100000 or more.",
		"Look for a client that leaks connections if the count of sockets, not of segment files, is what grows."}
	if len(f.Subjects) == 0 {
		f.Subjects = []analyzer.Subject{{Node: fds[0].Node}}
	}
}

// quotaOnly rewords a finding whose only signal is connection-quota
// rejections: the broker is not slow, it refuses one address that already
// holds max.connections.per.ip connections, usually a client that opens
// connections in a loop.
func quotaOnly(f *analyzer.Finding, quota []*analyzer.Event) {
	var peers []string
	seen := map[string]bool{}
	for _, e := range quota {
		if p := e.Peer; p.IsValid() && !seen[p.String()] {
			seen[p.String()] = true
			peers = append(peers, p.String())
		}
	}
	if len(f.Subjects) == 0 {
		// The broker that refused, and the client address it refused.
		for _, p := range peers {
			f.Subjects = append(f.Subjects, analyzer.Subject{Node: quota[0].Node, Client: p})
		}
		if len(peers) == 0 {
			f.Subjects = []analyzer.Subject{{Node: quota[0].Node}}
		}
	}
	from := "one address"
	if len(peers) > 0 {
		from = joinAnd(peers)
	}
	limit := ""
	if r := quota[0].Reason; r != "" {
		limit = " (" + r + ")"
	}
	f.Summary = fmt.Sprintf("The broker rejected %s from %s that already held the per-address connection limit%s: "+
		"a client opens connections faster than it closes them, or the limit is too low for it.", plural(len(quota), "connection"), from, limit)
	f.Missing = "the client's log, or `ss -tn dst <broker>:<port>` on its host, would show how many connections it holds and whether they leak"
	f.Remediation = []string{fmt.Sprintf("Find the client on %s that opens connections in a loop (one producer or consumer per message is the usual leak) and reuse one; "+
		"if it needs that many, raise max.connections.per.ip or add max.connections.per.ip.overrides for it.", from)}
}

// partOfDrop reports whether a request timeout belongs to one of the
// silent idle drops (the "Timed out … in flight" lines just before the
// disconnect): idle-reset explains those, not overload.
func partOfDrop(inc *analyzer.Incident, e *analyzer.Event, drops []*analyzer.Event) bool {
	for _, d := range drops {
		if gap := d.Time.Sub(e.Time); gap >= -2*time.Second && gap <= 2*time.Second && eventTarget(inc, d) == eventTarget(inc, e) && d.Node == e.Node {
			return true
		}
	}
	return false
}

// eventRTT reads librdkafka's "(average rtt 1234.567ms)" from a line.
func eventRTT(e *analyzer.Event) (time.Duration, bool) {
	m := avgRTT.FindStringSubmatch(e.Text)
	if m == nil {
		return 0, false
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}
