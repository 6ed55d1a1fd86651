package rules

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// IdleReset diagnoses a middlebox (load balancer, NAT, firewall) that
// forgets idle connections: after T seconds of silence the next packet is
// answered by a RST, often forged by the device, and the silences before
// the resets cluster around T.
type IdleReset struct{}

var idleResetMeta = analyzer.RuleMeta{
	ID:       "idle-reset",
	Cause:    analyzer.IdleTimeoutReset,
	Title:    "A device in the path drops idle connections",
	Severity: analyzer.Warning,
	LooksFor: "Connections that carried data, fell silent, and ended in RST, with the silences clustering at one value; " +
		"RSTs whose TTL/flags differ from the broker's packets, or that a broker-side capture of the same connection never saw (forged); librdkafka \"Disconnected (after N ms in state UP)\" ages repeating.",
	Needs:  "At least two reset connections with agreeing idle periods, or three agreeing disconnect ages in librdkafka logs.",
	Avoids: "A single reset (a deploy, a restart) and graceful closes (FIN); resets inside a broker restart window.",
	Fix: []string{
		"Set the clients' connections.max.idle.ms below the device's idle timeout.",
		"Or raise the device's idle timeout above Kafka's (client 540 s, broker 600 s), or enable TCP keepalive below it.",
	},
}

// minIdleGap is the shortest silence treated as "idle": below it a reset
// is about something else.
const minIdleGap = 20 * time.Second

// minForgedIdleGap is minIdleGap for a reset whose fingerprint shows a device
// in the path forged it (TTL, flags, options unlike the sender's own): that
// is independent proof of a middlebox, so a short device timeout (a firewall
// or conntrack set to 10 s) is still named. Below it, silence is too common
// between a client's own requests to mean anything.
const minForgedIdleGap = 5 * time.Second

func (IdleReset) Meta() analyzer.RuleMeta { return idleResetMeta }

func (IdleReset) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	outs := brokerOutages(inc, clock)
	path := pathResets(inc)
	resets := idleResets(inc, outs, clock, path)
	pc := largestCluster(flowGaps(resets))
	pktOK := pc.N >= 2 && !massReset(resets, pc)
	ages := idleAges(inc, outs)
	if pktOK && pc.Min < minIdleGap {
		// Forged RSTs proved a short device timeout: the disconnects
		// it caused are as short, and now join them.
		ages = idleAgesFrom(inc, outs, minForgedIdleGap)
	}
	lc := largestCluster(eventAges(ages))
	logOK := lc.N >= 3 && !kafkaReaper(inc, lc) && !massDisconnect(ages, lc)
	if !pktOK && !logOK {
		if lc.N >= 3 && kafkaReaper(inc, lc) {
			return []analyzer.Finding{reaperNote(inc, lc, ages)}
		}
		if drops := silentDrops(inc, outs); drops != nil {
			return []analyzer.Finding{silentDropFinding(inc, drops)}
		}
		if fs := periodicFindings(inc, outs, clock); len(fs) > 0 {
			return fs
		}
		if lc.N > 0 && kafkaReaper(inc, lc) {
			// One or two such disconnects are too few for a pattern but
			// are what a user pastes when asking what the line means.
			return []analyzer.Finding{reaperNote(inc, lc, ages)}
		}
		return nil
	}
	kinds := kindSet{}
	var c idleCluster
	var clusterFlows []*flow.Flow
	var clusterEvents []*analyzer.Event
	if pktOK {
		kinds[kindPackets] = true
		c = pc
		for _, i := range pc.Members {
			clusterFlows = append(clusterFlows, resets[i])
		}
	}
	if logOK {
		for _, i := range lc.Members {
			clusterEvents = append(clusterEvents, ages[i])
			kinds.addEvent(ages[i])
		}
		if !pktOK {
			c = lc
		}
	}
	return []analyzer.Finding{idleFinding(inc, c, clusterFlows, clusterEvents, kinds, clock, path)}
}

// idleResets are flows that carried data and ended in a RST after a
// silence of at least minIdleGap (minForgedIdleGap when the RST was forged),
// outside broker outages.
func idleResets(inc *analyzer.Incident, outs []*outage, clock clockOffset, path pathProof) []*flow.Flow {
	var out []*flow.Flow
	for _, f := range inc.Flows {
		if f.RSTBy == "" || !established(f) || f.OrigBytes+f.RespBytes == 0 || f.IdleBeforeEnd < idleFloor(f, path) {
			continue
		}
		if f.FINBy != "" && f.FINFrame > 0 && (f.RST == nil || f.FINFrame < f.RST.Frame) {
			continue // closed gracefully first; a late RST is cleanup
		}
		if inOutage(outs, clock.toLog(f.End), f.Resp) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// idleFloor is the shortest silence before f's RST that counts as idle.
func idleFloor(f *flow.Flow, path pathProof) time.Duration {
	if forgedRST(f, path) {
		return minForgedIdleGap
	}
	return minIdleGap
}

// forgedRST reports whether f's RST is proven to come from a device in the
// path: by its fingerprint, or by another capture of the connection.
func forgedRST(f *flow.Flow, path pathProof) bool {
	return f.RST != nil && f.RST.FingerprintMismatch || path[f] != nil
}

// pathProof maps a flow whose RST was made in the path to the flow of the
// same connection in the capture that proves it (see pathResets).
type pathProof map[*flow.Flow]*flow.Flow

// pathResets finds the RSTs another capture of the same connection proves
// were made in the path: that capture, still running after the RST, saw
// neither it nor all the bytes the client sent before it. A request seen at
// one point of the path and missing at another, and a RST seen at the
// first and missing at the second, both stopped or started between the
// two: a firewall that forgot the connection, whatever the RST's
// fingerprint (a device that copies the broker's TTL, hosts that send no
// timestamps).
func pathResets(inc *analyzer.Incident) pathProof {
	partner := partners(inc)
	if len(partner) == 0 {
		return nil
	}
	ends, seen := captureEnds(inc), latestShared(partner)
	proof := pathProof{}
	for f, g := range partner {
		if f.RSTBy != "resp" || f.RST == nil || g.RSTBy != "" || g.OrigBytes >= f.OrigBytes {
			continue
		}
		if !ranPast(ends, seen, f, g) {
			continue // the other capture may have stopped before the RST
		}
		proof[f] = g
	}
	return proof
}

// ranPast reports whether g's capture still ran when f's RST arrived: it
// saw a connection that f's capture saw start after the RST (no clocks
// compared), or its clock runs pathCaptureMargin past the RST.
func ranPast(ends map[string]time.Time, seen map[capturePair]time.Time, f, g *flow.Flow) bool {
	return ends[g.Capture].Sub(f.RST.Time) >= pathCaptureMargin ||
		seen[capturePair{f.Capture, g.Capture}].After(f.RST.Time)
}

// capturePair names two captures, in order.
type capturePair struct{ a, b string }

// latestShared is, for each ordered pair of captures, the latest start (in
// the first capture's clock) of a connection both saw.
func latestShared(partner map[*flow.Flow]*flow.Flow) map[capturePair]time.Time {
	out := map[capturePair]time.Time{}
	for a, b := range partner {
		k := capturePair{a.Capture, b.Capture}
		if a.Start.After(out[k]) {
			out[k] = a.Start
		}
	}
	return out
}

// pathCaptureMargin is how long past a RST the other capture's clock must
// run for its silence to count: more than two hosts' clocks usually differ
// by, so a capture stopped just before the RST is not read as proof.
const pathCaptureMargin = 2 * time.Second

// captureEnds is the last packet time of each capture, from its flows kept
// and tallied.
func captureEnds(inc *analyzer.Incident) map[string]time.Time {
	ends := map[string]time.Time{}
	for _, f := range inc.Flows {
		if f.End.After(ends[f.Capture]) {
			ends[f.Capture] = f.End
		}
	}
	for _, t := range inc.FlowTallies {
		if t.Last.After(ends[t.Capture]) {
			ends[t.Capture] = t.Last
		}
	}
	return ends
}

// kafkaReaper reports whether disconnect ages cluster at the broker's own
// connections.max.idle.ms: the broker closing idle connections cleanly, which
// librdkafka at debug level logs just like a reset.
func kafkaReaper(inc *analyzer.Incident, c idleCluster) bool {
	reap := time.Duration(brokerIdleSetting(inc)) * time.Millisecond
	return reap > 0 && c.Min >= reap-time.Second && c.Min-reap <= clusterTolerance(reap)
}

// massReset reports whether every reset of the cluster happened within
// burstSpan: one event (a deploy, a failover) cutting many connections at
// once, not a timer that fires whenever each connection next speaks.
func massReset(resets []*flow.Flow, c idleCluster) bool {
	var first, last time.Time
	for _, i := range c.Members {
		t := rstTime(resets[i])
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return last.Sub(first) <= burstSpan
}

// reaperNote explains disconnect ages at the broker's own idle close, so a
// reader who sees them repeat does not go hunting a firewall: routine, info.
func reaperNote(inc *analyzer.Incident, c idleCluster, ages []*analyzer.Event) analyzer.Finding {
	f := analyzer.NewFinding(idleResetMeta, 0.3)
	f.Severity = analyzer.Info
	f.Title = "Idle connections closed by Kafka's own idle timeout (routine)"
	kinds := kindSet{}
	for _, i := range c.Members {
		f.AddEvidence(analyzer.EventEvidence(ages[i]))
		kinds.addEvent(ages[i])
	}
	f.Kinds = kinds.list()
	f.Subjects = ageSubjects(inc, clusterEvents(ages, c))
	which, age := "The connections librdkafka saw dropped were", "ages "+describeCluster(c)
	if c.N == 1 {
		f.Title = "An idle connection closed by Kafka's own idle timeout (routine)"
		which, age = "The connection librdkafka saw dropped was", "after "+seconds(c.Min)
	}
	f.Summary = fmt.Sprintf("%s idle for the broker's own connections.max.idle.ms (%s; %s): "+
		"the broker closes connections that carried nothing for that long, and the client reconnects when it next needs one. "+
		"This is Kafka's routine idle close, not a device in the path.", which, seconds(time.Duration(brokerIdleSetting(inc))*time.Millisecond), age)
	f.Remediation = []string{"Nothing to fix. To keep connections open, send traffic more often than connections.max.idle.ms, " +
		"or set the client's own connections.max.idle.ms lower so the client closes first and quietly."}
	if s := clientIdleSettings(inc); s[0].Old {
		f.Remediation = []string{"Nothing to fix. To keep connections open, send traffic more often than the broker's connections.max.idle.ms. " +
			"This librdkafka predates its own connections.max.idle.ms (added in " + rdkafkaIdleSince + "); after an upgrade, setting it lower lets the client close first and quietly."}
	}
	return f
}

func clusterEvents(ages []*analyzer.Event, c idleCluster) []*analyzer.Event {
	out := make([]*analyzer.Event, 0, len(c.Members))
	for _, i := range c.Members {
		out = append(out, ages[i])
	}
	return out
}

// massDisconnect is massReset for disconnect lines: many connections
// dropped within burstSpan are one server-side event (a restart, an LB
// redeploy), whatever their ages; an idle timer drops each connection when
// it next speaks.
func massDisconnect(ages []*analyzer.Event, c idleCluster) bool {
	var first, last time.Time
	for _, i := range c.Members {
		t := ages[i].Time
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return last.Sub(first) <= burstSpan
}

// idleAges are librdkafka disconnects of established connections, whose
// "after N ms" is the connection's age.
func idleAges(inc *analyzer.Incident, outs []*outage) []*analyzer.Event {
	return idleAgesFrom(inc, outs, minIdleGap)
}

// idleAgesFrom is idleAges with ages from floor up.
func idleAgesFrom(inc *analyzer.Incident, outs []*outage, floor time.Duration) []*analyzer.Event {
	var out []*analyzer.Event
	for _, e := range inc.EventsOf(analyzer.Disconnected, analyzer.ConnectionReset) {
		if e.State == "UP" && time.Duration(e.AfterMs)*time.Millisecond >= floor && !inOutage(outs, e.Time, eventTarget(inc, e)) {
			out = append(out, e)
		}
	}
	return out
}

func flowGaps(fs []*flow.Flow) []time.Duration {
	out := make([]time.Duration, len(fs))
	for i, f := range fs {
		out[i] = f.IdleBeforeEnd
	}
	return out
}

func eventAges(es []*analyzer.Event) []time.Duration {
	out := make([]time.Duration, len(es))
	for i, e := range es {
		out[i] = time.Duration(e.AfterMs) * time.Millisecond
	}
	return out
}

func idleFinding(inc *analyzer.Incident, c idleCluster, flows []*flow.Flow, ages []*analyzer.Event, kinds kindSet, clock clockOffset, path pathProof) analyzer.Finding {
	forged := 0
	for _, f := range flows {
		if forgedRST(f, path) {
			forged++
		}
	}
	base := 0.55
	if len(flows) > 0 {
		base = 0.65
		if forged > 0 {
			base = 0.75
		}
	}
	f := analyzer.NewFinding(idleResetMeta, agreeing(base, len(kinds)))
	f.Kinds = kinds.list()
	servers := map[string]netip.AddrPort{}
	for _, fl := range flows {
		servers[fl.Resp.String()] = fl.Resp
		f.AddEvidence(FlowEvidence(fl, rstFrame(fl), rstTime(fl), resetText(fl, path[fl])))
	}
	for _, e := range ages {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	device, name := deviceTimeout(c)
	f.IdleTimeout = device
	what := "idle periods before the resets"
	switch {
	case len(flows) == 0 && len(ages) > 0 && ages[0].State == "":
		what = "intervals between the disconnects (the lines carry no connection age; a client that reconnects at once and stays idle is dropped once per timeout)"
	case len(flows) == 0:
		what = "ages of the connections librdkafka saw dropped"
	}
	f.Summary = fmt.Sprintf("Connections were reset after sitting idle: the %s cluster (%s), so a device in the path times out idle flows after ≈%s",
		what, describeCluster(c), seconds(device))
	if name != "" {
		f.Summary += ", the default of " + name
	}
	f.Summary += "."
	if forged > 0 {
		f.Summary += fmt.Sprintf(" %d of %d RSTs were forged by that device, not sent by the broker (%s).", forged, len(flows), firstWhy(flows, path))
	}
	settings := clientIdleSettings(inc)
	if settings[0].Old {
		f.Summary += " This librdkafka is older than " + rdkafkaIdleSince + " (its lines lack the \"(after N ms in state …)\" suffix) and has no connections.max.idle.ms: it never closes idle connections itself, so the device fires first."
	} else if settings[0].Ms == 0 {
		f.Summary += fmt.Sprintf(" librdkafka never closes idle connections itself (connections.max.idle.ms = %s), so the device fires first.", settings[0].describe())
	} else if settings[0].Ms >= device.Milliseconds() {
		f.Summary += fmt.Sprintf(" Kafka's own idle close (connections.max.idle.ms = %s) is later, so the device fires first.", settings[0].describe())
	}
	if s := clock.String(); s != "" && len(flows) > 0 && len(ages) > 0 {
		f.Summary += " Note: " + s + "."
	}
	if len(flows) == 0 {
		f.Missing = "a capture at the client would show the idle gap and whether the RST came from the broker or a device in the path"
	} else if len(ages) == 0 && !kinds[kindClientLog] {
		f.Missing = "client logs would show which clients and nodes lost these connections"
	}
	f.Remediation = idleRemediation(settings, device)
	var filters []string
	for _, k := range sortedKeys(servers) {
		f.Subjects = append(f.Subjects, analyzer.Subject{Node: nodeOfAddr(inc, servers[k]), Addr: k})
		filters = append(filters, addrFilter(servers[k])+" && tcp.flags.reset==1")
	}
	if len(filters) > 0 {
		f.DisplayFilter = filterOr(filters)
	}
	if len(flows) == 0 {
		f.Subjects = append(f.Subjects, ageSubjects(inc, ages)...)
	}
	for _, s := range settings {
		if s.Client != "" {
			f.Subjects = append(f.Subjects, analyzer.Subject{Client: s.Client})
		}
	}
	from, to := f.FirstSeen.Add(-time.Minute), f.LastSeen.Add(2*time.Minute)
	if len(flows) > 0 {
		from, to = clock.toLog(f.FirstSeen).Add(-time.Minute), clock.toLog(f.LastSeen).Add(2*time.Minute)
	}
	f.Explains = explain(inc, symptomScope{From: from, To: to})
	return f
}

// ageSubjects names the brokers whose connections the disconnect lines
// are about, when no capture did: node id and the address as the client
// printed it ("b-1.example:9092"), in node order.
func ageSubjects(inc *analyzer.Incident, ages []*analyzer.Event) []analyzer.Subject {
	seen := map[string]analyzer.Subject{}
	for _, e := range ages {
		if e.Node == "" {
			continue
		}
		addr := ""
		if a := eventTarget(inc, e); a.IsValid() {
			addr = a.String()
		} else if e.NodeHost != "" {
			addr = e.NodeHost
		}
		if _, ok := seen[e.Node]; !ok || seen[e.Node].Addr == "" {
			seen[e.Node] = analyzer.Subject{Node: e.Node, Addr: addr}
		}
	}
	var out []analyzer.Subject
	for _, k := range sortedKeys(seen) {
		out = append(out, seen[k])
	}
	return out
}

// idleRemediation names the value to set on each client.
func idleRemediation(settings []idleSetting, device time.Duration) []string {
	safe := safeIdleMs(device)
	var out []string
	for _, s := range settings {
		if s.Ms > 0 && s.Ms < device.Milliseconds() {
			continue // already below the device
		}
		if s.Old {
			out = append(out, fmt.Sprintf("On %s set socket.keepalive.enable=true and, on its host, net.ipv4.tcp_keepalive_time below the device's ≈%s: "+
				"this librdkafka predates connections.max.idle.ms (added in %s); upgrading it and setting connections.max.idle.ms=%d is the lasting fix.",
				s.who(), seconds(device), rdkafkaIdleSince, safe))
			continue
		}
		out = append(out, fmt.Sprintf("Set connections.max.idle.ms=%d on %s (now %s): below the device's ≈%s.",
			safe, s.who(), s.describe(), seconds(device)))
	}
	out = append(out, fmt.Sprintf("Or raise the device's idle timeout above %d s (Kafka's broker closes idle connections at %d s), "+
		"or enable TCP keepalive with net.ipv4.tcp_keepalive_time below %s (librdkafka: socket.keepalive.enable=true).",
		brokerIdleMs/1000+60, brokerIdleMs/1000, seconds(device)))
	return out
}

func rstFrame(f *flow.Flow) int {
	if f.RST != nil {
		return f.RST.Frame
	}
	return f.LastFrame
}

func rstTime(f *flow.Flow) time.Time {
	if f.RST != nil {
		return f.RST.Time
	}
	return f.End
}

// resetText describes one idle reset for evidence; other, when set, is the
// flow of the same connection in the capture that proves the RST was made
// in the path.
func resetText(f *flow.Flow, other *flow.Flow) string {
	by := "broker"
	if f.RSTBy == "orig" {
		by = "client"
	}
	s := fmt.Sprintf("%s idle %s, then RST from the %s side", flowText(f), seconds(f.IdleBeforeEnd), by)
	if f.RST != nil && f.RST.FingerprintMismatch {
		s += ", forged by a device in the path (" + f.RST.Why + ")"
	} else if other != nil {
		s += ", made in the path (" + unseenWhy(f, other) + ")"
	}
	return s
}

// unseenWhy says what the other capture of f's connection did not see.
func unseenWhy(f, other *flow.Flow) string {
	return fmt.Sprintf("%s, still running, saw neither the RST nor the client's last %d bytes",
		other.Capture, f.OrigBytes-other.OrigBytes)
}

func firstWhy(flows []*flow.Flow, path pathProof) string {
	for _, f := range flows {
		if f.RST != nil && f.RST.FingerprintMismatch && f.RST.Why != "" {
			return f.RST.Why
		}
	}
	for _, f := range flows {
		if g := path[f]; g != nil {
			return unseenWhy(f, g)
		}
	}
	return "its TTL differs from the broker's packets"
}
