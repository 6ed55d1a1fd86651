package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// A device that forgets idle flows without answering (Azure's load
// balancer, many NATs) leaves no RST: the first request after the idle
// period vanishes, times out, and librdkafka closes the connection with
// "1 request(s) timed out: disconnect (after N ms in state UP)". Repeated,
// one request at a time, on connections that had lived for minutes, and
// spread over time, that is the silent idle drop. An overloaded broker
// times out many requests at once, on many connections, close together.
const (
	// minSilentDrops is how many separate episodes make a pattern.
	minSilentDrops = 3
	// silentDropSpacing keeps one burst of timeouts from counting as many
	// episodes: a timer fires per connection, whenever each next speaks.
	silentDropSpacing = time.Minute
	// maxDropRequests is the most requests one episode may time out: the
	// one request sent after the silence, and perhaps one queued behind it.
	maxDropRequests = 2
)

// silentDrops returns the disconnects that fit the silent idle drop, one
// per episode, or nil when they do not form the pattern: librdkafka's
// when there are any, else the Java client's (javaSilentDrops).
func silentDrops(inc *analyzer.Incident, outs []*outage) []*analyzer.Event {
	if drops := rdkafkaSilentDrops(inc, outs); drops != nil {
		return drops
	}
	return javaSilentDrops(inc, outs)
}

// rdkafkaSilentDrops returns the librdkafka disconnects that fit the
// silent idle drop, one per episode, or nil.
func rdkafkaSilentDrops(inc *analyzer.Incident, outs []*outage) []*analyzer.Event {
	var drops []*analyzer.Event
	for _, e := range inc.EventsOf(analyzer.RequestTimeout) {
		n, ok := timedOutRequests(e)
		if !ok {
			continue
		}
		if n > maxDropRequests || e.State != "UP" || time.Duration(e.AfterMs)*time.Millisecond < minIdleGap ||
			inOutage(outs, e.Time, eventTarget(inc, e)) {
			return nil // one burst of many timeouts is not an idle drop
		}
		if k := len(drops); k > 0 && e.Time.Sub(drops[k-1].Time) < silentDropSpacing {
			return nil
		}
		drops = append(drops, e)
	}
	if len(drops) < minSilentDrops {
		return nil
	}
	return drops
}

// span renders a long duration in minutes ("54 min"), a short one in seconds.
func span(d time.Duration) string {
	if d >= 2*time.Minute {
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return seconds(d)
}

// timedOutRequests reads N from librdkafka's "N request(s) timed out:
// disconnect"; ok is false for other request-timeout lines.
func timedOutRequests(e *analyzer.Event) (int, bool) {
	i := strings.Index(e.Text, " request(s) timed out: disconnect")
	if e.Program != "librdkafka" || i < 0 {
		return 0, false
	}
	j := strings.LastIndexByte(e.Text[:i], ' ')
	n, err := strconv.Atoi(e.Text[j+1 : i])
	return n, err == nil
}

// silentDropFinding is idle-reset's finding for the silent variant: no
// RST, no capture, only timeouts; modest confidence, and the device's
// timeout is unknown unless the broker is a service with a published one.
func silentDropFinding(inc *analyzer.Incident, drops []*analyzer.Event) analyzer.Finding {
	if drops[0].Program == "java-client" {
		return javaSilentDropFinding(inc, drops)
	}
	kinds := kindSet{}
	for _, e := range drops {
		kinds.addEvent(e)
	}
	f := analyzer.NewFinding(idleResetMeta, 0.45)
	f.Kinds = kinds.list()
	for _, e := range drops {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	f.Subjects = ageSubjects(inc, drops)
	f.Summary = fmt.Sprintf("%d times a request sent on a connection that had been open for minutes got no answer at all and timed out, one request each time, "+
		"spread over %s: a device in the path (load balancer, NAT) forgot the idle connection and dropped its next packets silently, without a reset.",
		len(drops), span(drops[len(drops)-1].Time.Sub(drops[0].Time)))
	device, ms := "the device's idle timeout", int64(0)
	if azureHost(drops) {
		device, ms = "the Azure load balancer's 4 min (240 s) idle timeout", 180000
		f.Summary += " The broker is an Azure service: its load balancer drops flows idle for 4 minutes."
	}
	f.Missing = "a capture at the client would show the idle gap before each lost request and that no answer (not even a RST) came back"
	fix := "Set connections.max.idle.ms below " + device + " on the client"
	if ms > 0 {
		fix += fmt.Sprintf(" (e.g. %d; librdkafka defaults to 230000 only when bootstrap.servers names an Azure host)", ms)
	}
	f.Remediation = []string{fix + ", or enable TCP keepalive (socket.keepalive.enable=true) with net.ipv4.tcp_keepalive_time below it."}
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.RequestTimeout, analyzer.BatchExpired}})
	return f
}

// azureHost reports whether the connections went to an Azure endpoint
// (Event Hubs' Kafka surface is <namespace>.servicebus.windows.net).
func azureHost(events []*analyzer.Event) bool {
	for _, e := range events {
		h := strings.ToLower(e.NodeHost + " " + e.Text)
		if strings.Contains(h, ".servicebus.windows.net") || strings.Contains(h, "azure") {
			return true
		}
	}
	return false
}
