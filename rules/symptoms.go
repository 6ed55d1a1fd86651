package rules

import (
	"fmt"
	"sort"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// symptomKinds are events that say something failed but not why: a cause
// that covers them lists them in Finding.Explains instead of leaving them as
// loose ends.
var symptomKinds = []analyzer.EventKind{
	analyzer.BatchExpired, analyzer.NodeDisconnected, analyzer.Disconnected,
	analyzer.ConnectionReset, analyzer.BrokenPipe, analyzer.RequestTimeout,
	analyzer.ConnectFailed, analyzer.ConnectRefused, analyzer.ConnectTimeout,
	analyzer.AuthTerminated,
}

// batchLag is how long after a failure its expired batches are reported:
// delivery.timeout.ms (default 120 s) plus margin.
const batchLag = 150 * time.Second

// symptomScope says which symptoms a cause accounts for: those inside a time
// window (log clock) and, when set, about one of the given nodes/addresses.
type symptomScope struct {
	From, To time.Time
	Nodes    map[string]bool
	Addrs    map[string]bool // AddrPort.String()
	// Kinds narrows the symptom kinds; nil means all of symptomKinds.
	Kinds []analyzer.EventKind
}

// covers reports whether e falls in the scope.
func (s symptomScope) covers(inc *analyzer.Incident, e *analyzer.Event) bool {
	to := s.To
	if e.Kind == analyzer.BatchExpired && !to.IsZero() {
		to = to.Add(batchLag)
	}
	if !s.From.IsZero() && e.Time.Before(s.From) || !to.IsZero() && e.Time.After(to) {
		return false
	}
	if len(s.Nodes) == 0 && len(s.Addrs) == 0 {
		return true
	}
	if e.Node != "" && s.Nodes[e.Node] {
		return true
	}
	if a := eventTarget(inc, e); a.IsValid() && s.Addrs[a.String()] {
		return true
	}
	// Batch expiry names no node: it follows from any failure in scope.
	return e.Kind == analyzer.BatchExpired
}

// explain lists the symptoms in scope, one line per kind and node, in a
// fixed order: "node 3 disconnected ×4 (first client.log:120)".
func explain(inc *analyzer.Incident, s symptomScope) []string {
	kinds := s.Kinds
	if kinds == nil {
		kinds = symptomKinds
	}
	type group struct {
		first   *analyzer.Event
		n       int
		records int
	}
	groups := map[string]*group{}
	for _, e := range inc.EventsOf(kinds...) {
		if !s.covers(inc, e) {
			continue
		}
		key := symptomLabel(e)
		g := groups[key]
		if g == nil {
			g = &group{first: e}
			groups[key] = g
		}
		g.n++
		g.records += e.Count
	}
	var out []string
	for _, key := range sortedKeys(groups) {
		g := groups[key]
		line := fmt.Sprintf("%s ×%d", key, g.n)
		if g.first.Kind == analyzer.BatchExpired && g.records > 0 {
			line = fmt.Sprintf("%s ×%d (%d records)", key, g.n, g.records)
		}
		out = append(out, fmt.Sprintf("%s, first %s", line, loc(g.first.Source)))
	}
	sort.Strings(out)
	return out
}

// symptomLabel names a symptom in words, with its node or address when known.
func symptomLabel(e *analyzer.Event) string {
	who := ""
	switch {
	case e.Node != "":
		who = "node " + e.Node
	case e.Addr.IsValid():
		who = e.Addr.String()
	}
	label := map[analyzer.EventKind]string{
		analyzer.BatchExpired:     "expired batches",
		analyzer.NodeDisconnected: "disconnected",
		analyzer.Disconnected:     "disconnects",
		analyzer.ConnectionReset:  "connection resets",
		analyzer.BrokenPipe:       "broken pipes",
		analyzer.RequestTimeout:   "request timeouts",
		analyzer.ConnectFailed:    "failed connects",
		analyzer.ConnectRefused:   "refused connects",
		analyzer.ConnectTimeout:   "connect timeouts",
		analyzer.AuthTerminated:   "connections terminated during authentication",
	}[e.Kind]
	if label == "" {
		label = string(e.Kind)
	}
	switch {
	case e.Kind == analyzer.BatchExpired:
		return label
	case e.Kind == analyzer.NodeDisconnected && e.Node != "":
		return "Node " + e.Node + " disconnected"
	case who == "":
		return label
	}
	if e.State != "" {
		return fmt.Sprintf("%s (%s, state %s)", label, who, e.State)
	}
	return fmt.Sprintf("%s (%s)", label, who)
}
