package rules

import (
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// The client's view of an outage, for inputs with no broker log, journal or
// capture: a connection that was carrying traffic is lost, and at once every
// reconnect to that broker is refused (or fails fast, as Java's "could not be
// established" does for a refusal) for a while. A broker that was serving a
// moment ago and now has nothing listening went away: stopped, killed or
// crashed. A wrong port or a broker that never ran shows refusals without an
// established connection lost before them (connection-refused).
const (
	// lossToFailure bounds the time from the lost connection to the first
	// failed reconnect: clients retry within reconnect.backoff.ms.
	lossToFailure = 10 * time.Second
	// failureRunGap ends a run of failures: a longer pause means the client
	// stopped retrying or the failures are about something else.
	failureRunGap = 30 * time.Second
	// minClientOutageFailures and minClientOutage keep one refused retry
	// during a quick reconnect from reading as an outage.
	minClientOutageFailures = 2
	minClientOutage         = 2 * time.Second
)

// clientOutages finds outages in client logs alone, one per broker address
// (or node, when no address was printed).
func clientOutages(inc *analyzer.Incident) []*outage {
	type run struct {
		lost     *analyzer.Event
		failures []*analyzer.Event
		back     *analyzer.Event // the reconnect that ended the run, if logged
		idle     bool            // lost had nothing in flight (idleLoss)
	}
	open := map[string]*run{}
	var runs []*run
	lastTime := map[string]time.Time{} // source path → time of its last event
	for i := range inc.Events {
		e := &inc.Events[i]
		if !e.Time.IsZero() {
			lastTime[e.Source.Path] = e.Time
		}
		key := clientTargetKey(inc, e)
		switch {
		case key == "":
		case e.Kind == analyzer.Connected:
			if r := open[key]; r != nil && len(r.failures) > 0 && e.Time.Sub(r.failures[len(r.failures)-1].Time) <= failureRunGap {
				r.back = e
			}
			delete(open, key)
		case establishedLoss(e):
			r := &run{lost: e}
			open[key] = r
			runs = append(runs, r)
		case open[key] == nil && idleLoss(inc, i, key):
			r := &run{lost: e, idle: true}
			open[key] = r
			runs = append(runs, r)
		case e.Kind == analyzer.ConnectRefused || e.Kind == analyzer.ConnectFailed:
			r := open[key]
			if r == nil {
				continue
			}
			prev := r.lost.Time
			limit := lossToFailure
			if n := len(r.failures); n > 0 {
				prev, limit = r.failures[n-1].Time, failureRunGap
			}
			if e.Time.Sub(prev) > limit {
				delete(open, key)
				continue
			}
			r.failures = append(r.failures, e)
		}
	}
	var outs []*outage
	for _, r := range runs {
		if o := runOutage(inc, r.lost, r.failures, r.back, lastTime[r.lost.Source.Path]); o != nil {
			o.IdleLoss = r.idle
			outs = append(outs, o)
		}
	}
	return outs
}

// runOutage turns a lost connection, the failed reconnects after it and the
// reconnect that ended them (nil when not logged) into an outage, when they
// look like a broker that went away.
func runOutage(inc *analyzer.Incident, lost *analyzer.Event, failures []*analyzer.Event, back *analyzer.Event, logEnd time.Time) *outage {
	if len(failures) < minClientOutageFailures {
		return nil
	}
	last := failures[len(failures)-1]
	end := last.Time
	if back != nil {
		end = back.Time
	}
	if end.Sub(lost.Time) < minClientOutage {
		return nil
	}
	refused := true
	for _, f := range failures {
		refused = refused && f.Kind == analyzer.ConnectRefused
	}
	if !refused && !fastRetries(failures, minFastRetries) {
		return nil // spaced like connect timeouts: unanswered SYNs, not a stopped broker
	}
	o := &outage{Start: lost.Time, Kinds: kindSet{}, Signs: outageSigns(lost, failures), Failures: len(failures)}
	o.Kinds.addEvent(lost)
	o.Addr = eventTarget(inc, last)
	o.Host = last.NodeHost // else the finding names the address
	// A logged reconnect ends the outage; else the failures stopped while
	// the client kept logging: the broker was back by the next attempt.
	switch {
	case back != nil:
		o.End = back.Time
		o.Signs = append(o.Signs, back)
	case logEnd.After(last.Time.Add(time.Second)):
		o.End = last.Time
	}
	return o
}

// outageSigns keeps what a reader needs of a long run of identical
// failures: the loss, the first failures, and the last one (where the
// broker was back by the next attempt). The count is in the summary.
func outageSigns(lost *analyzer.Event, failures []*analyzer.Event) []*analyzer.Event {
	const head = 3
	signs := []*analyzer.Event{lost}
	if len(failures) <= head+1 {
		return append(signs, failures...)
	}
	signs = append(signs, failures[:head]...)
	return append(signs, failures[len(failures)-1])
}

// establishedLoss reports whether an event is the loss of a connection that
// had been carrying traffic: librdkafka's disconnect in state UP, or a Java
// client's disconnect of a broker (not a bootstrap entry) with requests in
// flight.
func establishedLoss(e *analyzer.Event) bool {
	if e.Kind != analyzer.Disconnected && e.Kind != analyzer.ConnectionReset {
		return false
	}
	if e.State == "UP" {
		return true
	}
	return e.Program == "java-client" && e.Node != "" && !strings.HasPrefix(e.Node, "-")
}

// companionGap bounds the time between a Java client's "Node N
// disconnected." and the "could not be established" it logs for the same
// failed connect: both come from one call, well under the reconnect
// backoff (reconnect.backoff.ms 50 ms, jitter down to 40 ms).
const companionGap = 20 * time.Millisecond

// idleLoss reports whether inc.Events[i] is a Java client losing an
// established connection that had nothing in flight: "Node N disconnected."
// for a broker node, not followed at once by "could not be established"
// (which would make it the close of a failed connect, not of a live
// connection). Java logs no cancelled request for an idle connection, so
// this line alone is all a broker restart leaves at INFO.
func idleLoss(inc *analyzer.Incident, i int, key string) bool {
	e := &inc.Events[i]
	if e.Kind != analyzer.NodeDisconnected || e.Program != "java-client" || e.Node == "" || strings.HasPrefix(e.Node, "-") {
		return false
	}
	for j := i + 1; j < len(inc.Events); j++ {
		n := &inc.Events[j]
		if n.Time.Sub(e.Time) > companionGap {
			break
		}
		if (n.Kind == analyzer.ConnectFailed || n.Kind == analyzer.ConnectRefused) && clientTargetKey(inc, n) == key {
			return false
		}
	}
	return true
}

// clientTargetKey names the broker a client event is about, per log file:
// its node id when the line gave one, else its address; "" when neither.
func clientTargetKey(inc *analyzer.Incident, e *analyzer.Event) string {
	if e.Program != "java-client" && e.Program != "librdkafka" {
		return ""
	}
	// A node id names one broker within a log, whether or not the line
	// printed its address (librdkafka's "Disconnected" does not).
	if e.Node != "" {
		return e.Source.Path + "|node " + e.Node
	}
	if a := eventTarget(inc, e); a.IsValid() {
		return e.Source.Path + "|" + a.String()
	}
	return ""
}
