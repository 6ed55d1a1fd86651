package rules

import (
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// targetGroup gathers the log lines and flows one rule found about one
// broker address, so each finding is about one target.
type targetGroup struct {
	Addr   netip.AddrPort // invalid when the lines named none
	Node   string
	Events []*analyzer.Event
	Flows  []*flow.Flow
}

// targets groups events and flows by broker address, in address order.
type targets struct {
	inc    *analyzer.Incident
	groups map[string]*targetGroup
}

func newTargets(inc *analyzer.Incident) *targets {
	return &targets{inc: inc, groups: map[string]*targetGroup{}}
}

// nodeKey prefixes the key of a group whose lines named a node but no
// address; alone, it is the key of the lines that named neither.
const nodeKey = "node "

func (t *targets) group(a netip.AddrPort, node string) *targetGroup {
	key := a.String()
	if !a.IsValid() {
		key = nodeKey + node
	}
	g := t.groups[key]
	if g == nil {
		g = &targetGroup{Addr: a, Node: node}
		t.groups[key] = g
	}
	if g.Node == "" {
		g.Node = node
	}
	return g
}

func (t *targets) addEvent(e *analyzer.Event) {
	a := eventTarget(t.inc, e)
	node := e.Node
	if a.IsValid() && node == "" {
		node = nodeOfAddr(t.inc, a)
	}
	g := t.group(a, node)
	g.Events = append(g.Events, e)
}

func (t *targets) addFlow(f *flow.Flow) {
	g := t.group(f.Resp, nodeOfAddr(t.inc, f.Resp))
	g.Flows = append(g.Flows, f)
}

// foldUnnamed moves the events that name no broker into the one group
// that names one, when exactly one does and its events come from the same
// inputs: a line that retells a failure without its broker (KafkaJS's
// BrokerPool giving up on a seed broker whose Connection line is not in
// the excerpt) is about the broker the other lines name, and would else
// be reported a second time as "the broker".
func (t *targets) foldUnnamed() {
	unnamed := t.groups[nodeKey]
	if unnamed == nil || len(unnamed.Flows) > 0 || len(t.groups) != 2 {
		return
	}
	var named *targetGroup
	for k, g := range t.groups {
		if k != nodeKey {
			named = g
		}
	}
	paths := map[string]bool{}
	for _, e := range named.Events {
		paths[e.Source.Path] = true
	}
	for _, e := range unnamed.Events {
		if !paths[e.Source.Path] {
			return
		}
	}
	named.Events = append(named.Events, unnamed.Events...)
	slices.SortStableFunc(named.Events, func(a, b *analyzer.Event) int { return a.Time.Compare(b.Time) })
	delete(t.groups, nodeKey)
}

// list returns the groups in key order.
func (t *targets) list() []*targetGroup {
	var out []*targetGroup
	for _, k := range sortedKeys(t.groups) {
		out = append(out, t.groups[k])
	}
	return out
}

// kinds names the evidence kinds of a group.
// split parts the group's events into those of kind k (a connect error
// that names its cause) and the rest (Java's "could not be established",
// which does not).
func (g *targetGroup) split(k analyzer.EventKind) (named, vague []*analyzer.Event) {
	for _, e := range g.Events {
		if e.Kind == k {
			named = append(named, e)
		} else {
			vague = append(vague, e)
		}
	}
	return named, vague
}

func (g *targetGroup) kinds() kindSet {
	k := kindSet{}
	if len(g.Flows) > 0 {
		k[kindPackets] = true
	}
	for _, e := range g.Events {
		k.addEvent(e)
	}
	return k
}

// subject is the finding subject for a group.
func (g *targetGroup) subject() analyzer.Subject {
	s := analyzer.Subject{Node: g.Node, Client: clientOf(g.Events)}
	if g.Addr.IsValid() {
		s.Addr = g.Addr.String()
	}
	return s
}

// label names the target in prose: "node 1 (198.18.0.3:9092)".
func (g *targetGroup) label() string {
	switch {
	case g.Node != "" && g.Addr.IsValid():
		return "node " + g.Node + " (" + g.Addr.String() + ")"
	case g.Addr.IsValid():
		return g.Addr.String()
	case g.Node != "":
		return "node " + g.Node
	}
	return "the broker"
}

// span is the log-clock time range the group covers; flow times are
// shifted by the clock offset.
func (g *targetGroup) span(clock clockOffset) (from, to time.Time) {
	var ts []time.Time
	for _, e := range g.Events {
		ts = append(ts, e.Time)
	}
	for _, f := range g.Flows {
		ts = append(ts, clock.toLog(f.Start), clock.toLog(f.End))
	}
	if len(ts) == 0 {
		return time.Time{}, time.Time{}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return ts[0], ts[len(ts)-1]
}

// scope is the symptom scope for the group, widened by grace on each side.
func (g *targetGroup) scope(clock clockOffset, grace time.Duration) symptomScope {
	from, to := g.span(clock)
	s := symptomScope{From: from.Add(-grace), To: to.Add(grace), Nodes: map[string]bool{}, Addrs: map[string]bool{}}
	if g.Node != "" {
		s.Nodes[g.Node] = true
	}
	if g.Addr.IsValid() {
		s.Addrs[g.Addr.String()] = true
	}
	return s
}
