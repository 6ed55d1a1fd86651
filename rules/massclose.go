package rules

import (
	"fmt"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Many established connections closed by the peer within one instant, at
// ages that differ, are one event on the server side: the broker or a load
// balancer in front of it restarted, was redeployed or failed over. An idle
// timer cannot do it: it closes each connection when that connection next
// speaks after its silence, so its closes spread over time at one age. With
// nothing but these client lines there is no cause to alarm about (one mass
// close during a deploy is routine), but the reader should not be left with
// nothing: broker-restart reports it as an info note.
const (
	// minMassClose is how many connections must close together.
	minMassClose = 3
	// minAgeSpread is how far apart the ages must be: connections opened
	// together and closed together could still be one timer.
	minAgeSpread = 10 * time.Second
)

// massCloses groups the librdkafka disconnects of established connections
// (outside known outages) into bursts that fit the mass close.
func massCloses(inc *analyzer.Incident, outs []*outage) [][]*analyzer.Event {
	ages := idleAges(inc, outs)
	var out [][]*analyzer.Event
	for i := 0; i < len(ages); {
		j := i + 1
		for j < len(ages) && ages[j].Time.Sub(ages[i].Time) <= burstSpan {
			j++
		}
		if b := ages[i:j]; len(b) >= minMassClose && ageSpread(b) >= minAgeSpread && connections(b) >= minMassClose {
			out = append(out, b)
		}
		i = j
	}
	return out
}

// ageSpread is the difference between the oldest and the youngest age.
func ageSpread(es []*analyzer.Event) time.Duration {
	lo, hi := es[0].AfterMs, es[0].AfterMs
	for _, e := range es {
		lo, hi = min(lo, e.AfterMs), max(hi, e.AfterMs)
	}
	return time.Duration(hi-lo) * time.Millisecond
}

// connections counts distinct client connections (client instance and
// broker) among the lines, so one client repeating itself is not many.
func connections(es []*analyzer.Event) int {
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Source.Path+"|"+e.Client+"|"+e.Node+"|"+e.NodeHost] = true
	}
	return len(seen)
}

// massCloseNote is the info finding for one burst.
func massCloseNote(inc *analyzer.Incident, burst []*analyzer.Event) analyzer.Finding {
	f := analyzer.NewFinding(brokerRestartMeta, 0.3)
	f.Severity = analyzer.Info
	f.Title = "Many connections closed at one instant (a server-side restart, redeploy or failover)"
	kinds := kindSet{}
	for _, e := range burst {
		f.AddEvidence(analyzer.EventEvidence(e))
		kinds.addEvent(e)
	}
	f.Kinds = kinds.list()
	f.Subjects = ageSubjects(inc, burst)
	first, last := burst[0], burst[len(burst)-1]
	lo, hi := first.AfterMs, first.AfterMs
	for _, e := range burst {
		lo, hi = min(lo, e.AfterMs), max(hi, e.AfterMs)
	}
	f.Summary = fmt.Sprintf("At %s, %d connections were closed by the peer within %s, at ages from %s to %s: "+
		"one event on the broker or a load balancer in front of it (a restart, redeploy or failover) closed them together. "+
		"It is not an idle timer, which closes each connection when it next speaks after its silence, spread over time at one age. "+
		"The clients reconnect; one mass close during a deploy is routine.",
		first.Time.In(inc.Zone).Format("2006-01-02 15:04:05.000"), connections(burst), seconds(last.Time.Sub(first.Time)),
		span(time.Duration(lo)*time.Millisecond), span(time.Duration(hi)*time.Millisecond))
	f.Missing = "the broker's server.log or `journalctl -u kafka`, or the load balancer's event log, at that time would name the event"
	at := first.Time.UTC()
	const layout = "2006-01-02 15:04:05"
	f.Remediation = []string{fmt.Sprintf("If no deploy was planned then: look at `journalctl -u kafka --since '%s UTC' --until '%s UTC'` on the brokers and at the load balancer's events for that minute.",
		at.Add(-time.Minute).Format(layout), at.Add(time.Minute).Format(layout))}
	return f
}
