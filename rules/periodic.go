package rules

import (
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Old librdkafka (0.9/1.x) and some wrappers log "Receive failed:
// Disconnected" without "(after N ms in state UP)": no connection age. An
// idle client that reconnects at once is then dropped once per device
// timeout, so the intervals between one client's disconnects of one broker
// stand in for the ages — weaker evidence, so lower confidence.

// periodicConfidence caps a finding read from intervals alone.
const periodicConfidence = 0.4

// periodicFindings is idle-reset's reading of age-less disconnects that
// repeat at one interval: a device's idle timer, or the broker's own idle
// close when the interval is its connections.max.idle.ms.
func periodicFindings(inc *analyzer.Incident, outs []*outage, clock clockOffset) []analyzer.Finding {
	iv := disconnectIntervals(inc, outs)
	c := largestCluster(eventAges(iv))
	if c.N < 3 || massDisconnect(iv, c) {
		return nil
	}
	if kafkaReaper(inc, c) {
		return []analyzer.Finding{reaperNote(inc, c, iv)}
	}
	var members []*analyzer.Event
	kinds := kindSet{}
	for _, i := range c.Members {
		members = append(members, iv[i])
		kinds.addEvent(iv[i])
	}
	f := idleFinding(inc, c, nil, members, kinds, clock, nil)
	f.Confidence = min(f.Confidence, periodicConfidence)
	return []analyzer.Finding{f}
}

// disconnectIntervals returns, for each age-less disconnect of an
// established connection after the first of its client and broker, a
// copy whose AfterMs is the time since the previous one. Repeats within a
// second (the same failure logged under two facilities) are one.
func disconnectIntervals(inc *analyzer.Incident, outs []*outage) []*analyzer.Event {
	last := map[string]time.Time{}
	var out []*analyzer.Event
	for _, e := range inc.EventsOf(analyzer.Disconnected, analyzer.ConnectionReset) {
		if e.Program != "librdkafka" || e.State != "" || e.AfterMs != 0 || inOutage(outs, e.Time, eventTarget(inc, e)) {
			continue
		}
		key := e.Source.Path + "|" + e.Client + "|" + e.Node + "|" + eventTarget(inc, e).String()
		prev, seen := last[key]
		if seen && e.Time.Sub(prev) < time.Second {
			continue
		}
		last[key] = e.Time
		if !seen {
			continue
		}
		if gap := e.Time.Sub(prev); gap >= minIdleGap {
			cp := *e
			cp.AfterMs = gap.Milliseconds()
			out = append(out, &cp)
		}
	}
	return out
}
