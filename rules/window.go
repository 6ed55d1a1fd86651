package rules

import (
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// An outage is a span in which a broker was down: stopped, killed or
// restarting. broker-restart and broker-oom-kill report outages;
// connection-refused and others stay quiet about failures inside one, since
// the outage already explains them.
type outage struct {
	// Host is the broker's host as the logs name it, Addr its listener when
	// packets showed it; either may be empty.
	Host string
	Addr netip.AddrPort
	// Start is the first sign of going down, End the "started" line or the
	// first completed handshake after it (log clock). End is zero when the
	// inputs end before the broker came back.
	Start, End time.Time
	// StartUnknown is set when the only sign of going down carried no
	// time (a status dump's stop): Start is End then, and the span is
	// shown as "until End".
	StartUnknown bool
	// Clean is set when the broker logged its shutdown sequence; Killed when
	// the journal or a missing shutdown says the process was killed; OOM when
	// the kernel or systemd blamed the OOM killer.
	Clean, Killed, OOM bool
	// OOMUndated is set when the OOM kill came from an undated input
	// (plain dmesg) and was tied to this outage for want of another
	// reason for the kill: its time could not be checked.
	OOMUndated bool
	// HeapOOM is the broker's own java.lang.OutOfMemoryError line when it
	// was the last word of a process that then died without a shutdown:
	// the JVM crashed on its heap, the kernel's OOM killer had no part.
	HeapOOM *analyzer.Event
	// Fatal is the broker's "Fatal error during KafkaServer startup"
	// line: it did not stop, it failed to start. Its Exception and
	// ExceptionMsg name why (an OutOfMemoryError, "No space left on
	// device"); they are empty when the excerpt cut the stack off.
	Fatal *analyzer.Event
	// Failures counts the failed reconnects of an outage seen only from a
	// client log (Signs keeps a few of them).
	Failures int
	// IdleLoss is set on a client-log outage whose lost connection had
	// nothing in flight (a Java "Node N disconnected." alone).
	IdleLoss bool
	// Signs are the log lines that mark the outage, in time order.
	Signs []*analyzer.Event
	// Closes, Refused and Reconnects are the flows that show it on the wire.
	Closes, Refused, Reconnects []*flow.Flow
	Kinds                       kindSet
}

// outageGrace is how long after a broker is back its clients may still
// report failures (reconnect backoff, metadata refresh) that belong to the
// outage.
const outageGrace = 30 * time.Second

// covers reports whether a log-clock time falls in the outage or its grace.
func (o *outage) covers(t time.Time) bool {
	if t.Before(o.Start.Add(-time.Second)) {
		return false
	}
	return o.End.IsZero() || !t.After(o.End.Add(outageGrace))
}

// inOutage reports whether a log-clock time falls in any outage; when addr
// is valid and the outage's listener is known, they must match.
func inOutage(outs []*outage, t time.Time, addr netip.AddrPort) bool {
	for _, o := range outs {
		if o.Addr.IsValid() && addr.IsValid() && o.Addr != addr {
			continue
		}
		if o.covers(t) {
			return true
		}
	}
	return false
}

// brokerOutages finds outages from the broker log and journal, then from
// packets, and merges the two views of the same outage.
func brokerOutages(inc *analyzer.Incident, clock clockOffset) []*outage {
	outs := logOutages(inc)
	for _, p := range packetOutages(inc, clock) {
		if o := overlapping(outs, p); o != nil {
			o.Addr = p.Addr
			o.Closes, o.Refused, o.Reconnects = p.Closes, p.Refused, p.Reconnects
			o.Kinds[kindPackets] = true
			continue
		}
		outs = append(outs, p)
	}
	// The client's view counts only where no broker-side view exists: it
	// must not stand in for, or double, a restart the broker's own
	// artifacts show.
	for _, c := range clientOutages(inc) {
		if overlapping(outs, c) == nil {
			outs = append(outs, c)
		}
	}
	sort.SliceStable(outs, func(i, j int) bool { return outs[i].Start.Before(outs[j].Start) })
	return outs
}

// isKafkaUnit reports whether a journal (or pod status) event is about a
// Kafka broker process rather than some other service on the host.
func isKafkaUnit(e *analyzer.Event) bool {
	if e.Program == "kubelet" {
		return true // kubedescribe reports broker containers only
	}
	s := strings.ToLower(e.Unit + " " + e.Reason + " " + e.Text)
	return strings.Contains(s, "kafka") || strings.Contains(s, "confluent-server") ||
		e.Kind == analyzer.OOMKill && strings.EqualFold(e.Reason, "java") && !otherService(e.Unit)
}

// otherService reports a systemd service that is not Kafka's: a JVM the
// OOM killer took from "orders-api.service" is an application's, not the
// broker's. A scope or a container's cgroup ("docker-1f2e….scope",
// "cri-containerd-….scope") does not say what ran in it.
func otherService(unit string) bool {
	return strings.HasSuffix(unit, ".service")
}

// downSign and upSign classify lifecycle events.
func downSign(e *analyzer.Event) bool {
	switch e.Kind {
	case analyzer.BrokerShuttingDown, analyzer.BrokerShutDown, analyzer.ControlledShutdown, analyzer.SignalReceived:
		return e.Program == "java-broker" || e.Program == ""
	case analyzer.ServiceStopping, analyzer.ServiceStopped, analyzer.ServiceFailed,
		analyzer.ProcessKilled, analyzer.ProcessExited, analyzer.OOMKill:
		return isKafkaUnit(e)
	}
	return false
}

func upSign(e *analyzer.Event) bool {
	switch e.Kind {
	case analyzer.BrokerStarted:
		return true
	case analyzer.ServiceStarted:
		return isKafkaUnit(e)
	}
	return false
}

// logOutages walks the timeline once. A down sign opens an outage (or joins
// the open one), an up sign closes it. A broker "started"
// with no down sign before it, in a broker log that had earlier lines, is a
// process that died without a word: killed.
//
// An undated down sign opens nothing: there is no time to start an outage
// at. Status dumps print some stops without one (systemctl's ExecStop line
// under a unit that is active again, a container state kubectl printed
// cut short), always before the start of the same unit that the dump does
// date: that start ends an outage whose beginning is unknown.
func logOutages(inc *analyzer.Incident) []*outage {
	var outs []*outage
	var open *outage
	lastBrokerLine := map[string]*analyzer.Event{} // log stream → last line before
	undatedStop := map[unitKey]*analyzer.Event{}
	brokerLog := hasBrokerLog(inc)
	for i := range inc.Events {
		e := &inc.Events[i]
		if e.Time.IsZero() {
			if downSign(e) {
				undatedStop[unitKey{e.Source.Path, e.Unit}] = e
			}
			continue
		}
		switch {
		case downSign(e):
			if open == nil {
				open = &outage{Host: e.Host, Start: e.Time, Kinds: kindSet{}}
				outs = append(outs, open)
			}
			mark(open, e)
		case upSign(e) && open != nil:
			mark(open, e)
			if open.End.IsZero() || e.Time.After(open.End) {
				open.End = e.Time
			}
			if e.Kind == analyzer.BrokerStarted || !brokerLog {
				open = nil
			}
		case upSign(e) && undatedStop[unitKey{e.Source.Path, e.Unit}] != nil:
			k := unitKey{e.Source.Path, e.Unit}
			o := &outage{Host: e.Host, Start: e.Time, End: e.Time, StartUnknown: true, Kinds: kindSet{}}
			mark(o, undatedStop[k])
			mark(o, e)
			outs = append(outs, o)
			delete(undatedStop, k)
		case e.Kind == analyzer.BrokerStarting && open == nil:
			if prev := lastBrokerLine[logStream(e.Source.Path)]; prev != nil {
				open = &outage{Host: e.Host, Start: lastHeard(prev, e), Killed: true, Kinds: kindSet{}}
				outs = append(outs, open)
				if prev.Kind == analyzer.JVMOutOfMemory {
					open.HeapOOM = prev
					mark(open, prev)
				}
				mark(open, e)
			}
		}
		if e.Program == "java-broker" {
			lastBrokerLine[logStream(e.Source.Path)] = e
		}
	}
	blameUndatedOOM(inc, outs)
	return outs
}

// blameUndatedOOM ties an undated OOM kill of the broker's JVM (plain
// dmesg prints seconds since boot) to the one outage on its host where
// the broker was killed and nothing else says why: a broker log that
// stops without a shutdown, or a journal's SIGKILL. With two such outages
// the kill could be either's, and neither is blamed.
func blameUndatedOOM(inc *analyzer.Incident, outs []*outage) {
	for i := range inc.Events {
		e := &inc.Events[i]
		if !e.Time.IsZero() || e.Kind != analyzer.OOMKill || !isKafkaUnit(e) {
			continue
		}
		var only *outage
		n := 0
		for _, o := range outs {
			if o.Killed && !o.OOM && o.HeapOOM == nil && sameHost(o.Host, e.Host) {
				only, n = o, n+1
			}
		}
		if n == 1 {
			mark(only, e)
			only.OOMUndated = true
		}
	}
}

// sameHost reports whether two host names may be the same machine: equal,
// or one of them unknown.
func sameHost(a, b string) bool {
	return a == "" || b == "" || strings.EqualFold(a, b)
}

// lastHeard is when a broker process that died without a word was last
// heard from: the last record its log printed before start's process
// (Event.Before), else the last event before, which can be much older,
// since parsers keep only the records that matter.
func lastHeard(prev, start *analyzer.Event) time.Time {
	if start.Before.After(prev.Time) && !start.Before.After(start.Time) {
		return start.Before
	}
	return prev.Time
}

// unitKey is a unit (or container) as one input names it.
type unitKey struct{ path, unit string }

// logStream names the log a file belongs to across rotation, so the last
// line of server.log.1.gz and the first of server.log are one timeline:
// "h/server.log.1.gz", "h/server.log.2" and "h/server.log.2024-01-25-13"
// are all "h/server.log".
func logStream(path string) string {
	for _, ext := range []string{".gz", ".bz2", ".xz", ".zst"} {
		path = strings.TrimSuffix(path, ext)
	}
	i := strings.LastIndexByte(path, '.')
	if i < 0 || strings.ContainsAny(path[i:], "/!") {
		return path
	}
	suffix := path[i+1:]
	if suffix != "" && strings.Trim(suffix, "0123456789-_") == "" {
		return path[:i]
	}
	return path
}

// hasBrokerLog reports whether any broker log is among the inputs: then its
// "started" line, not systemd's, ends an outage.
func hasBrokerLog(inc *analyzer.Incident) bool {
	for i := range inc.Events {
		if inc.Events[i].Program == "java-broker" {
			return true
		}
	}
	return false
}

// mark records a lifecycle line on an outage and updates what it says.
func mark(o *outage, e *analyzer.Event) {
	o.Signs = append(o.Signs, e)
	o.Kinds.addEvent(e)
	if o.Host == "" {
		o.Host = e.Host
	}
	switch e.Kind {
	case analyzer.BrokerShutDown, analyzer.ControlledShutdown:
		o.Clean = true
	case analyzer.BrokerShuttingDown:
		if e.Reason == fatalStartup && o.Fatal == nil {
			o.Fatal = e
		}
	case analyzer.ProcessKilled:
		if e.Signal == "KILL" || e.Signal == "9" {
			o.Killed = true
		}
	case analyzer.OOMKill:
		o.OOM, o.Killed = true, true
	case analyzer.ServiceFailed:
		if strings.Contains(e.Reason, "oom") {
			o.OOM = true
		}
	}
}

// fatalStartup is the Reason kafkalog gives "Fatal error during
// KafkaServer startup. Prepare to shutdown".
const fatalStartup = "fatal error during startup"

// fatalWhy names the exception of a fatal startup error:
// "java.lang.OutOfMemoryError: Java heap space", or "" when none was
// printed with it.
func fatalWhy(e *analyzer.Event) string {
	switch {
	case e.Exception == "":
		return ""
	case e.ExceptionMsg == "":
		return e.Exception
	}
	return e.Exception + ": " + e.ExceptionMsg
}

// overlapping returns the log outage that the packet outage p falls in.
func overlapping(outs []*outage, p *outage) *outage {
	for _, o := range outs {
		if o.covers(p.Start) || p.covers(o.Start) {
			return o
		}
	}
	return nil
}

// Packet view of an outage: at least minBurst established flows to one
// server end at its side within burstSpan, then connects to it are refused
// (REJ) within refusedWithin, then handshakes complete again.
const (
	minBurst      = 2
	burstSpan     = 2 * time.Second
	refusedWithin = 5 * time.Minute
)

// packetOutages finds outages on the wire alone, in log-clock times.
func packetOutages(inc *analyzer.Incident, clock clockOffset) []*outage {
	byServer := map[netip.AddrPort][]*flow.Flow{}
	var servers []netip.AddrPort
	for _, f := range inc.Flows {
		if _, ok := byServer[f.Resp]; !ok {
			servers = append(servers, f.Resp)
		}
		byServer[f.Resp] = append(byServer[f.Resp], f)
	}
	var outs []*outage
	for _, srv := range servers {
		for _, o := range serverOutages(srv, byServer[srv]) {
			o.Start = clock.toLog(o.Start)
			if !o.End.IsZero() {
				o.End = clock.toLog(o.End)
			}
			outs = append(outs, o)
		}
	}
	return outs
}

// serverOutages looks for the close burst → refused → reconnect pattern in
// one server's flows (sorted by start). Each close is visited once and
// refusals are found by binary search, so a busy broker costs O(n log n).
func serverOutages(srv netip.AddrPort, flows []*flow.Flow) []*outage {
	var closes, refused []*flow.Flow
	for _, f := range flows {
		if established(f) && (f.FINBy == "resp" || f.RSTBy == "resp") {
			closes = append(closes, f)
		}
		if f.State == "REJ" {
			refused = append(refused, f)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	var outs []*outage
	sort.SliceStable(closes, func(i, j int) bool { return closes[i].End.Before(closes[j].End) })
	for i := 0; i < len(closes); {
		j := i
		for j+1 < len(closes) && closes[j+1].End.Sub(closes[i].End) <= burstSpan {
			j++
		}
		if j-i+1 < minBurst {
			i = j + 1
			continue
		}
		burst := closes[i : j+1]
		from, down := burst[0].End, burst[len(burst)-1].End
		k := sort.Search(len(refused), func(n int) bool { return !refused[n].Start.Before(from) })
		var rej []*flow.Flow
		for ; k < len(refused) && refused[k].Start.Sub(down) <= refusedWithin; k++ {
			rej = append(rej, refused[k])
		}
		if len(rej) == 0 {
			i = j + 1
			continue
		}
		o := &outage{Addr: srv, Start: from, Closes: burst, Refused: rej, Kinds: kindSet{kindPackets: true}}
		lastRefused := rej[len(rej)-1].Start
		for _, f := range flows {
			if f.HandshakeDone && f.Start.After(lastRefused) {
				if o.End.IsZero() {
					o.End = f.Start
				}
				if f.Start.Sub(o.End) <= outageGrace {
					o.Reconnects = append(o.Reconnects, f)
				}
			}
		}
		outs = append(outs, o)
		// The next outage starts after this one's refusals.
		i = max(j+1, sort.Search(len(closes), func(n int) bool { return closes[n].End.After(lastRefused) }))
	}
	return outs
}
