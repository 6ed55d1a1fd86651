package rules

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// AdvertisedListener diagnoses a broker that advertises an address its
// clients cannot reach: bootstrap works (metadata came back), then the
// connects to the advertised node address fail. Its second signature
// (listenermismatch.go) is a listener name some brokers lack: metadata
// then has no leader on this client's listener at all.
type AdvertisedListener struct{}

var advertisedMeta = analyzer.RuleMeta{
	ID:       "advertised-listener-unreachable",
	Cause:    analyzer.AdvertisedListenerUnreachable,
	Title:    "Bootstrap works, the broker's advertised address does not",
	Severity: analyzer.Critical,
	LooksFor: "Failures to reach a node id ≥ 0 (an address from metadata, i.e. advertised.listeners) at localhost/127.0.0.1, " +
		"a container-only name or a host that does not resolve, after the bootstrap entry (node id < 0) answered. " +
		"Also the Java client's \"N partitions have leader brokers without a matching listener\" (metadata error " +
		"LISTENER_NOT_FOUND, Kafka 2.0+) repeated for a minute or more: the leader " +
		"broker has no listener of the name the client came in on, because listener names differ between brokers. " +
		"Broker config dumps (KafkaConfig values) whose listeners differ settle that one and name the broker lacking the name.",
	Needs: "Client logs naming the node and its address; a capture of the bootstrap flow strengthens it. For the listener " +
		"warning, the client log; the brokers' KafkaConfig dumps name the broker that lacks the listener.",
	Avoids: "Plain refusals to a routable address (connection-refused) and failures of the bootstrap entry itself. " +
		"Listener warnings that stop within a minute of a broker stopping, starting or being unreachable (a KRaft leader " +
		"fenced while it restarts reads the same until leadership moves), fewer than three of them, and LEADER_NOT_AVAILABLE " +
		"on a topic being auto-created.",
	Fix: []string{
		"Set the broker's advertised.listeners to a host name or IP the clients can resolve and reach.",
		"With Docker or Kubernetes, give clients outside the network their own listener (e.g. EXTERNAL://public-name:port).",
	},
}

func (AdvertisedListener) Meta() analyzer.RuleMeta { return advertisedMeta }

func (AdvertisedListener) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	t := newTargets(inc)
	boot := bootstrapOf(inc)
	for _, e := range inc.EventsOf(analyzer.ConnectRefused, analyzer.ConnectFailed, analyzer.ConnectTimeout,
		analyzer.ResolveFailed, analyzer.ConnectNoRoute) {
		if advertisedUnreachable(inc, boot, e) {
			t.addEvent(e)
		}
	}
	var out []analyzer.Finding
	for _, g := range byAdvertisedName(t.list()) {
		// A later connect to the node that got through means its address
		// works: the failures were a blip (a DNS hiccup, a restart).
		if gotThroughAfter(inc, g, g.Events[len(g.Events)-1].Time) {
			continue
		}
		// With nothing showing where bootstrap was, one failed lookup in
		// the middle of a long log is as likely a DNS hiccup: as for a
		// lone refusal, it counts only where the log ends.
		if boot.unknown() && len(g.Events) == 1 && !endsItsInput(inc, g.Events[0]) {
			continue
		}
		out = append(out, advertisedFinding(inc, g, boot))
	}
	return append(out, listenerMismatch(inc)...)
}

// bootstrapEntry is where the client bootstrapped from.
type bootstrapEntry struct {
	Host string
	Addr netip.AddrPort
	Line *analyzer.Event // a line showing it answered, nil if none
	Flow *flow.Flow      // a completed flow to it, nil if none
	// Lines is set when any log line is about a bootstrap entry (node id
	// < 0): then the client did bootstrap from somewhere.
	Lines bool
	// Config is the client's bootstrap.servers setting when the entry came
	// from a config dump rather than a log line naming node -1.
	Config *analyzer.Config
}

// unknown reports whether nothing in the inputs says where the client
// bootstrapped from: no bootstrap node, address, line or config.
func (b bootstrapEntry) unknown() bool { return b.Host == "" && !b.Addr.IsValid() && !b.Lines }

// label names the bootstrap entry: "kafka.example.com:9092".
func (b bootstrapEntry) label() string {
	switch {
	case b.Host != "" && b.Addr.IsValid():
		return fmt.Sprintf("%s/%s", b.Host, b.Addr)
	case b.Addr.IsValid():
		return b.Addr.String()
	case b.Host != "":
		return b.Host
	}
	return "the bootstrap servers"
}

// bootstrapOf finds the bootstrap entry from nodes with ids < 0, a
// "connected" line for one, and a completed flow to its address.
func bootstrapOf(inc *analyzer.Incident) bootstrapEntry {
	var b bootstrapEntry
	for _, n := range inc.Nodes {
		if n.Bootstrap {
			b.Host, b.Addr = n.Host, n.Addr
			break
		}
	}
	if b.Host == "" && !b.Addr.IsValid() {
		b.fromConfig(inc)
	}
	for i := range inc.Events {
		if id, ok := nodeID(inc.Events[i].Node); ok && id < 0 {
			b.Lines = true
			break
		}
	}
	for _, e := range inc.EventsOf(analyzer.Connected) {
		if id, ok := nodeID(e.Node); ok && id < 0 {
			b.Line = e
			if !b.Addr.IsValid() {
				b.Addr = e.Addr
			}
			if b.Host == "" {
				b.Host = e.NodeHost
			}
			break
		}
	}
	for _, f := range inc.Flows {
		if b.Addr.IsValid() && f.Resp == b.Addr && f.HandshakeDone && f.RespBytes > 0 {
			b.Flow = f
			break
		}
	}
	return b
}

// fromConfig reads the first bootstrap.servers entry of a client config
// dump ("[172.23.0.20:9092, kafka-2:9092]", librdkafka's comma list,
// "SASL_SSL://host:port" forms alike).
func (b *bootstrapEntry) fromConfig(inc *analyzer.Incident) {
	for i := range inc.Configs {
		c := &inc.Configs[i]
		if c.Scope == "broker" || (c.Key != "bootstrap.servers" && c.Key != "metadata.broker.list") {
			continue
		}
		entries := configList(c.Value)
		if len(entries) == 0 {
			continue
		}
		entry := entries[0]
		if j := strings.Index(entry, "://"); j >= 0 {
			entry = entry[j+3:]
		}
		if entry == "" {
			continue
		}
		if a, err := netip.ParseAddrPort(entry); err == nil {
			b.Addr = a
		} else if host, _, err := net.SplitHostPort(entry); err == nil {
			b.Host = host
		} else {
			b.Host = entry
		}
		b.Config = c
		return
	}
}

// advertisedUnreachable reports whether a failed connect went to an
// advertised node (id ≥ 0) at an address this client cannot use: loopback
// while bootstrap was elsewhere, a container-only name, or a name that did
// not resolve.
func advertisedUnreachable(inc *analyzer.Incident, boot bootstrapEntry, e *analyzer.Event) bool {
	if id, ok := nodeID(e.Node); (!ok || id < 0) && !coordinatorLine(e) {
		return false
	}
	host := e.NodeHost
	if host == "" {
		for _, n := range inc.Nodes {
			if n.ID == e.Node && !n.Bootstrap {
				host = n.Host
			}
		}
	}
	a := eventTarget(inc, e)
	// A name from metadata that does not resolve needs no bootstrap line:
	// a node id ≥ 0 comes only from a metadata response, so bootstrap
	// worked, and the broker advertised a name this client cannot resolve
	// (the docker-compose "kafka:9092" seen from the host).
	if e.Kind == analyzer.ResolveFailed && !isLoopbackHost(host, a) {
		return host != "" && !strings.EqualFold(host, boot.Host)
	}
	if isLoopbackHost(host, a) {
		// With no bootstrap in sight, the node id alone says metadata
		// came back, from somewhere, naming a loopback address: the
		// docker-compose default, far likelier than a client on the
		// broker's own host whose broker died (the finding says both).
		return boot.unknown() || !isLoopbackHost(boot.Host, boot.Addr)
	}
	if boot.unknown() {
		return false
	}
	if a.IsValid() {
		// The name resolved to a usable address: a failure there is
		// connection-refused's or syn-unanswered's to explain.
		return false
	}
	return isContainerishHost(host) && !strings.EqualFold(host, boot.Host) &&
		e.Kind != analyzer.ConnectTimeout
}

// coordinatorLine reports a librdkafka line of its group coordinator
// connection ("[thrd:GroupCoordinator]: GroupCoordinator: host:port: …"):
// that address came from a FindCoordinator response, so, as for a node id
// ≥ 0, it is an advertised one.
func coordinatorLine(e *analyzer.Event) bool {
	return e.Program == "librdkafka" && e.Node == "" && strings.Contains(e.Text, "[thrd:GroupCoordinator]")
}

func advertisedFinding(inc *analyzer.Incident, g *targetGroup, boot bootstrapEntry) analyzer.Finding {
	kinds := g.kinds()
	if boot.Flow != nil {
		kinds[kindPackets] = true
	}
	base := 0.75
	unknownBoot := boot.unknown()
	loopback := isLoopbackHost(g.Events[0].NodeHost, eventTarget(inc, g.Events[0]))
	switch {
	case unknownBoot && loopback:
		// Only the node id says bootstrap worked, and a client on the
		// broker's own host whose broker stopped would print the same.
		base = 0.5
	case unknownBoot:
		// Only the node id says bootstrap worked.
		base = 0.6
	}
	f := analyzer.NewFinding(advertisedMeta, agreeing(base, len(kinds)))
	f.Kinds = kinds.list()
	if boot.Line != nil {
		f.AddEvidence(analyzer.EventEvidence(boot.Line))
	}
	if boot.Config != nil {
		f.AddEvidence(analyzer.Evidence{Location: boot.Config.Source,
			Text: fmt.Sprintf("%s config: %s = %s", boot.Config.Scope, boot.Config.Key, boot.Config.Value)})
	}
	if boot.Flow != nil {
		f.AddEvidence(FlowEvidence(boot.Flow, boot.Flow.FirstFrame, boot.Flow.Start, fmt.Sprintf(
			"%s bootstrap connection completed (%s, %d bytes back)", flowText(boot.Flow), boot.Flow.State, boot.Flow.RespBytes)))
		f.DisplayFilter = addrFilter(boot.Flow.Resp)
	}
	for _, e := range g.Events {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	adv := advertisedLabel(g)
	f.Subjects = []analyzer.Subject{g.subject()}
	answered := "answered"
	if boot.Line == nil && boot.Flow == nil {
		answered = "answered (node ids ≥ 0 come only from its metadata)"
	}
	f.Summary = fmt.Sprintf("Bootstrap via %s %s, but metadata sent the client to node %s at %s and all %d attempts there failed: "+
		"the broker advertises an address this client cannot reach.", boot.label(), answered, g.Node, adv, len(g.Events))
	if unknownBoot && loopback {
		f.Summary += " (Unless this client runs on the broker's own host and the broker was down: then nothing listened there.)"
	}
	switch {
	case unknownBoot:
		f.Missing = "the client's config dump (bootstrap.servers) or its first lines would show where it bootstrapped from"
	case boot.Flow == nil:
		f.Missing = "a client-side capture would show the bootstrap connection completing and no packet ever leaving for the advertised address"
	}
	f.Remediation = append([]string{fmt.Sprintf(
		"On broker %s set advertised.listeners to an address clients resolve and reach (now %s; clients bootstrap via %s).",
		g.Node, adv, boot.label())}, f.Remediation...)
	f.Explains = explain(inc, symptomScope{Nodes: map[string]bool{g.Node: true}, Addrs: map[string]bool{}})
	return f
}

// byAdvertisedName joins the groups of one advertised name: a client tries
// every address a name resolves to, so "localhost" fails at [::1]:9092
// and at 127.0.0.1:9092, one broker's one mistake, not two. Groups join
// when they are about the same node, the same host name as the log printed
// it, and the same port; the joined group keeps an address only when all
// its lines name the same one. Order: where each name's first group was.
func byAdvertisedName(groups []*targetGroup) []*targetGroup {
	var out []*targetGroup
	byName := map[string]*targetGroup{}
	for _, g := range groups {
		host := groupHost(g)
		if g.Node == "" || host == "" || !g.Addr.IsValid() {
			out = append(out, g)
			continue
		}
		key := fmt.Sprintf("%s\x00%s\x00%d", g.Node, strings.ToLower(host), g.Addr.Port())
		first := byName[key]
		if first == nil {
			byName[key] = g
			out = append(out, g)
			continue
		}
		first.Events = append(first.Events, g.Events...)
		first.Flows = append(first.Flows, g.Flows...)
		if first.Addr != g.Addr {
			first.Addr = netip.AddrPort{}
		}
	}
	for _, g := range out {
		slices.SortStableFunc(g.Events, func(a, b *analyzer.Event) int { return a.Time.Compare(b.Time) })
	}
	return out
}

// groupHost is the host name the group's lines gave the node, "" if none.
func groupHost(g *targetGroup) string {
	for _, e := range g.Events {
		if e.NodeHost != "" {
			return e.NodeHost
		}
	}
	return ""
}

// advertisedLabel names the advertised address as the log printed it:
// "localhost/127.0.0.1:9092", or with every address the name was tried at,
// "localhost ([::1]:9092, 127.0.0.1:9092)".
func advertisedLabel(g *targetGroup) string {
	var addrs []string
	for _, e := range g.Events {
		if e.Addr.IsValid() && !slices.Contains(addrs, e.Addr.String()) {
			addrs = append(addrs, e.Addr.String())
		}
	}
	if host := groupHost(g); host != "" {
		switch len(addrs) {
		case 0:
			return host
		case 1:
			return host + "/" + addrs[0]
		}
		return host + " (" + strings.Join(addrs, ", ") + ")"
	}
	if g.Addr.IsValid() {
		return g.Addr.String()
	}
	return "an unknown address"
}
