package report

import (
	"net/netip"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Chart is what the HTML timeline draws: one lane per broker node (or
// broker host the logs did not tie to a node id) and one per client, and
// the marks on them. Build fills it for every report; it has no JSON form.
type Chart struct {
	// Lanes are brokers first (by node id, then host), then clients.
	Lanes []Lane
	// Marks are sorted by time, then lane, then kind.
	Marks []Mark
	// Undated counts events and flows that carried no time: not drawn.
	Undated int
}

// Lane is one row of the timeline.
type Lane struct {
	// Key is stable and unique: "node/0", "host/kdl-brk", "client/producer-1",
	// "ip/198.18.1.1" (a client known only from captures).
	Key   string
	Label string
	// Broker is set for broker lanes; clients otherwise.
	Broker bool
	// From says what filled the lane: "broker log, journal", "captures".
	From string
}

// MarkKind classifies a mark; the HTML legend gives each a shape and colour.
type MarkKind string

// Mark kinds, in legend order.
const (
	MarkKilled      MarkKind = "killed"       // broker process killed or failed, service failed
	MarkStop        MarkKind = "stop"         // broker or service shut down in order
	MarkStart       MarkKind = "start"        // broker or service started
	MarkOOM         MarkKind = "oom"          // OOM kill
	MarkConnectOK   MarkKind = "connect-ok"   // connection established
	MarkRefused     MarkKind = "refused"      // RST to the SYN, or the log says refused/failed
	MarkUnanswered  MarkKind = "unanswered"   // SYN never answered, connect timeout, no route
	MarkSynAckLost  MarkKind = "synack-lost"  // the server answered, the client never got it
	MarkResetForged MarkKind = "reset-forged" // RST not from the peer's stack
	MarkReset       MarkKind = "reset"        // RST from the peer, or a reset the log reports
	MarkDisconnect  MarkKind = "disconnect"   // an established connection closed
	MarkTLS         MarkKind = "tls"          // TLS or SASL failure, protocol mismatch
	MarkExpired     MarkKind = "expired"      // expired batches, request timeouts
	MarkKernel      MarkKind = "kernel"       // neighbour table or conntrack full
)

// MarkKinds lists every kind in legend order.
var MarkKinds = []MarkKind{MarkKilled, MarkStop, MarkStart, MarkOOM, MarkConnectOK, MarkRefused, MarkUnanswered,
	MarkSynAckLost, MarkResetForged, MarkReset, MarkDisconnect, MarkTLS, MarkExpired, MarkKernel}

// Mark is one drawn point: an event or a flow fact, with the evidence a
// person opens to check it.
type Mark struct {
	Lane string
	Kind MarkKind
	// Evidence is where to open it. For capture facts Text is empty: Text()
	// words it on demand, since only the marks drawn or listed need words
	// and a busy capture has tens of thousands of flows.
	Evidence Evidence
	// Cited is set when a finding's evidence names the same line or frame.
	Cited bool
	// Until is when a failed connection attempt gave up (its last SYN
	// retry); zero for a point.
	Until Timestamp
	flow  *flow.Flow // set for capture facts
	rst   bool       // the mark is flow's RST
}

// Text is what the mark's line or packet says.
func (m Mark) Text() string {
	switch {
	case m.flow == nil:
		return m.Evidence.Text
	case m.rst:
		return rstEntry(m.flow, "").Text
	}
	return flowEntry(m.flow, "").Text
}

var eventMarks = map[analyzer.EventKind]MarkKind{
	analyzer.BrokerShuttingDown: MarkStop, analyzer.BrokerShutDown: MarkStop,
	analyzer.ControlledShutdown: MarkStop, analyzer.SignalReceived: MarkStop,
	analyzer.ServiceStopping: MarkStop, analyzer.ServiceStopped: MarkStop,
	analyzer.ServiceFailed: MarkKilled, analyzer.ProcessKilled: MarkKilled, analyzer.ProcessExited: MarkKilled,
	analyzer.BrokerStarting: MarkStart, analyzer.BrokerStarted: MarkStart,
	analyzer.ServiceStarting: MarkStart, analyzer.ServiceStarted: MarkStart,
	analyzer.OOMKill:        MarkOOM,
	analyzer.Connected:      MarkConnectOK,
	analyzer.ConnectRefused: MarkRefused, analyzer.ConnectFailed: MarkRefused, analyzer.ResolveFailed: MarkRefused,
	analyzer.ConnectTimeout: MarkUnanswered, analyzer.ConnectNoRoute: MarkUnanswered,
	analyzer.ConnectionReset: MarkReset, analyzer.BrokenPipe: MarkReset,
	analyzer.Disconnected: MarkDisconnect, analyzer.NodeDisconnected: MarkDisconnect,
	analyzer.SSLHandshakeFailed: MarkTLS, analyzer.AuthTerminated: MarkTLS, analyzer.SASLAuthFailed: MarkTLS,
	analyzer.SecurityProtocolHint: MarkTLS, analyzer.InvalidReceive: MarkTLS,
	analyzer.BatchExpired: MarkExpired, analyzer.RequestTimeout: MarkExpired, analyzer.ConnectionQuota: MarkExpired,
	analyzer.NeighbourOverflow: MarkKernel, analyzer.ConntrackFull: MarkKernel,
}

// brokerPrograms print about the broker's own machine, not about a client;
// "kubelet" is a broker container's pod status (kubectl describe pod).
var brokerPrograms = map[string]bool{"java-broker": true, "systemd": true, "kernel": true, "kubelet": true}

// chartBuilder collects lanes while marks are added.
type chartBuilder struct {
	chart    Chart
	lanes    map[string]*Lane
	hostNode map[string]string // broker host name → node id
	addrNode map[netip.Addr]string
	cited    map[place]bool
	// laneOf caches each event's lane by what decides it, so the per-event
	// lookup builds no key string.
	laneOf map[laneSource]*Lane
	// clientIP caches capture clients' lanes by address.
	clientIP map[netip.Addr]*Lane
	// sourceClient is the one client id a log file names, so its lines
	// without one ("Node 0 disconnected") join that client's lane; "" when
	// the file names none or several.
	sourceClient map[string]string
}

func buildChart(inc *analyzer.Incident, findings []Finding) *Chart {
	b := &chartBuilder{lanes: map[string]*Lane{}, hostNode: map[string]string{},
		addrNode: map[netip.Addr]string{}, cited: citedPlaces(findings), laneOf: map[laneSource]*Lane{},
		clientIP: map[netip.Addr]*Lane{}}
	b.chart.Marks = make([]Mark, 0, len(inc.Events)+2*len(inc.Flows))
	b.learnBrokers(inc)
	b.learnClients(inc)
	for i := range inc.Events {
		b.addEvent(&inc.Events[i])
	}
	b.addFlows(inc)
	b.finish()
	return &b.chart
}

// learnBrokers ties broker host names and addresses to node ids, so a
// journal line from host "kdl-brk" lands on the lane of the node whose
// broker log came from that host.
func (b *chartBuilder) learnBrokers(inc *analyzer.Incident) {
	for _, n := range inc.Nodes {
		if n.Bootstrap || n.ID == "" {
			continue
		}
		if n.Addr.IsValid() {
			b.addrNode[n.Addr.Addr()] = n.ID
		}
	}
	for i := range inc.Events {
		e := &inc.Events[i]
		if e.Program == "java-broker" && e.Node != "" && e.Host != "" {
			if _, ok := b.hostNode[e.Host]; !ok {
				b.hostNode[e.Host] = e.Node
			}
		}
	}
}

func (b *chartBuilder) learnClients(inc *analyzer.Incident) {
	b.sourceClient = map[string]string{}
	several := map[string]bool{}
	for i := range inc.Events {
		e := &inc.Events[i]
		if e.Client == "" || brokerPrograms[e.Program] || several[e.Source.Path] {
			continue
		}
		switch cur, ok := b.sourceClient[e.Source.Path]; {
		case !ok:
			b.sourceClient[e.Source.Path] = e.Client
		case cur != e.Client:
			several[e.Source.Path] = true
			delete(b.sourceClient, e.Source.Path)
		}
	}
}

// place is a line or frame of an input.
type place struct {
	source       string
	line, packet int
}

func citedPlaces(findings []Finding) map[place]bool {
	out := map[place]bool{}
	for _, f := range findings {
		for _, e := range f.Evidence {
			out[place{e.Source, e.Line, e.Packet}] = true
		}
	}
	return out
}

// laneSource is what decides an event's lane.
type laneSource struct {
	program, node, host, client, source string
}

func (b *chartBuilder) addEvent(e *analyzer.Event) {
	kind, ok := eventMarks[e.Kind]
	if !ok {
		return
	}
	if e.Time.IsZero() {
		b.chart.Undated++
		return
	}
	ls := laneSource{e.Program, e.Node, e.Host, e.Client, e.Source.Path}
	lane := b.laneOf[ls]
	if lane == nil {
		lane = b.eventLane(e)
		b.laneOf[ls] = lane
	}
	b.add(lane, kind, nil, false, Evidence{Source: e.Source.Path, Line: e.Source.Line, Packet: e.Source.Frame,
		Time: Timestamp{e.Time}, Text: e.Text})
}

// eventLane puts broker-side lines on the broker's lane and client-side
// lines on the client's, whatever node they talk about.
func (b *chartBuilder) eventLane(e *analyzer.Event) *Lane {
	from := fromLabel(e.Program)
	if brokerPrograms[e.Program] {
		switch {
		case e.Program == "java-broker" && e.Node != "":
			return b.brokerLane(e.Node, from)
		case e.Host != "" && b.hostNode[e.Host] != "":
			return b.brokerLane(b.hostNode[e.Host], from)
		case e.Host != "":
			return b.lane("host/"+e.Host, "host "+e.Host, true, from)
		}
		return b.lane("host/", "broker host (unnamed)", true, from)
	}
	client := e.Client
	if client == "" {
		client = b.sourceClient[e.Source.Path]
	}
	switch {
	case client != "":
		return b.lane("client/"+client, client, false, from)
	case e.Host != "":
		return b.lane("client/"+e.Host, "client on "+e.Host, false, from)
	}
	base := path.Base(strings.ReplaceAll(e.Source.Path, "!", "/"))
	return b.lane("client/"+base, "client ("+base+")", false, from)
}

func fromLabel(program string) string {
	switch program {
	case "java-broker":
		return "broker log"
	case "systemd", "kernel":
		return "journal"
	case "kubelet":
		return "pod status"
	case "":
		return "log"
	}
	return program + " log"
}

func (b *chartBuilder) brokerLane(id, from string) *Lane {
	return b.lane("node/"+id, "broker node "+id, true, from)
}

func (b *chartBuilder) lane(key, label string, broker bool, from string) *Lane {
	l := b.lanes[key]
	if l == nil {
		l = &Lane{Key: key, Label: label, Broker: broker}
		b.lanes[key] = l
	}
	if !strings.Contains(", "+l.From+", ", ", "+from+", ") {
		if l.From != "" {
			l.From += ", "
		}
		l.From += from
	}
	return l
}

func (b *chartBuilder) add(l *Lane, kind MarkKind, f *flow.Flow, rst bool, ev Evidence) {
	b.chart.Marks = append(b.chart.Marks, Mark{Lane: l.Key, Kind: kind, Evidence: ev,
		Cited: b.cited[place{ev.Source, ev.Line, ev.Packet}], flow: f, rst: rst})
}

// connKey names one TCP connection across captures: two captures of it
// give two flows with the same endpoints and initial sequence number.
type connKey struct {
	orig, resp netip.AddrPort
	isn        uint32
}

// addFlows marks each connection once: its outcome at its start, and its
// reset. Of several captures of one connection the most telling is kept
// (a capture that saw the SYN-ACK tells more than one that saw only SYNs).
func (b *chartBuilder) addFlows(inc *analyzer.Incident) {
	best := map[connKey]*flow.Flow{}
	cited := map[connKey]bool{} // any capture of the connection is cited
	var order []connKey
	for _, f := range inc.Flows {
		k := connKey{f.Orig, f.Resp, f.OrigISN}
		if f.SYNs == 0 {
			k.isn = uint32(f.FirstFrame) // no ISN to join on: keep each
		}
		if b.flowCited(f) {
			cited[k] = true
		}
		cur, ok := best[k]
		if !ok {
			order = append(order, k)
			best[k] = f
			continue
		}
		if flowRank(f) > flowRank(cur) {
			best[k] = f
		}
	}
	for _, k := range order {
		b.addFlow(best[k], cited[k])
	}
}

// flowCited reports whether a finding cites one of the flow's key frames.
func (b *chartBuilder) flowCited(f *flow.Flow) bool {
	frames := [...]int{f.FirstFrame, f.SynFrame, f.SynAckFrame, f.FINFrame, f.LastFrame, 0}
	if f.RST != nil {
		frames[5] = f.RST.Frame
	}
	for _, n := range frames {
		if n > 0 && b.cited[place{f.Capture, 0, n}] {
			return true
		}
	}
	return false
}

// flowRank orders captures of one connection by what they show.
func flowRank(f *flow.Flow) int {
	r := 0
	if f.RST != nil {
		r += 4
		if f.RST.FingerprintMismatch {
			r += 2
		}
	}
	if f.SynAcks > 0 {
		r++
	}
	return r
}

func (b *chartBuilder) addFlow(f *flow.Flow, cited bool) {
	if f.Start.IsZero() {
		b.chart.Undated++
		return
	}
	lane := b.flowLane(f)
	kind := flowOutcome(f)
	if kind != "" {
		b.add(lane, kind, f, false, Evidence{Source: f.Capture, Packet: f.FirstFrame, Time: Timestamp{f.Start}})
		m := &b.chart.Marks[len(b.chart.Marks)-1]
		m.Cited = m.Cited || cited
		if kind != MarkConnectOK && f.End.After(f.Start) {
			m.Until = Timestamp{f.End} // the retries of a failed attempt
		}
	}
	if f.RST != nil && f.HandshakeDone && !f.RST.Time.IsZero() {
		k := MarkReset
		if f.RST.FingerprintMismatch {
			k = MarkResetForged
		}
		b.add(lane, k, f, true, Evidence{Source: f.Capture, Packet: f.RST.Frame, Time: Timestamp{f.RST.Time}})
	}
}

// flowLane is the client's lane, by the originator's address.
func (b *chartBuilder) flowLane(f *flow.Flow) *Lane {
	if id := b.addrNode[f.Orig.Addr()]; id != "" {
		return b.brokerLane(id, "captures") // broker to broker
	}
	ip := f.Orig.Addr()
	if l := b.clientIP[ip]; l != nil {
		return l
	}
	a := ip.String()
	l := b.lane("ip/"+a, "client "+a, false, "captures")
	b.clientIP[ip] = l
	return l
}

// flowOutcome says how a connection attempt went, "" for a flow caught
// mid-stream (no SYN seen), which is no attempt.
func flowOutcome(f *flow.Flow) MarkKind {
	switch {
	case f.HandshakeDone:
		return MarkConnectOK
	case f.State == "REJ":
		return MarkRefused
	case f.SynAcks > 0 && f.SYNs > 0:
		return MarkSynAckLost
	case f.SYNs > 0:
		return MarkUnanswered
	}
	return ""
}

func (b *chartBuilder) finish() {
	for _, l := range b.lanes {
		b.chart.Lanes = append(b.chart.Lanes, *l)
	}
	sort.Slice(b.chart.Lanes, func(i, j int) bool { return laneLess(&b.chart.Lanes[i], &b.chart.Lanes[j]) })
	rank := map[MarkKind]int{}
	for i, k := range MarkKinds {
		rank[k] = i
	}
	sort.SliceStable(b.chart.Marks, func(i, j int) bool {
		x, y := &b.chart.Marks[i], &b.chart.Marks[j]
		if !x.Evidence.Time.Equal(y.Evidence.Time.Time) {
			return x.Evidence.Time.Before(y.Evidence.Time.Time)
		}
		if x.Lane != y.Lane {
			return x.Lane < y.Lane
		}
		return rank[x.Kind] < rank[y.Kind]
	})
}

// laneLess puts brokers first, node lanes by numeric id, then the rest by
// key.
func laneLess(a, b *Lane) bool {
	if a.Broker != b.Broker {
		return a.Broker
	}
	an, aok := laneNode(a.Key)
	bn, bok := laneNode(b.Key)
	if aok != bok {
		return aok
	}
	if aok && an != bn {
		return an < bn
	}
	return a.Key < b.Key
}

func laneNode(key string) (int, bool) {
	id, ok := strings.CutPrefix(key, "node/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(id)
	return n, err == nil
}
