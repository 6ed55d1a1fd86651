package report

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Node is the per-node view: one Kafka node, what the findings say about it,
// and what the logs and captures show of it.
//
// Brokers are one entry per id. Bootstrap entries (ids below zero) are one
// per host and address, because every bootstrap server of a client is
// "node -1".
type Node struct {
	ID   string `json:"id"`
	Host string `json:"host"`
	// Addr is the first address learned for the node; OtherAddrs the rest
	// (a broker advertised under one name and reached under another).
	Addr       string   `json:"addr"`
	OtherAddrs []string `json:"other_addrs"`
	Bootstrap  bool     `json:"bootstrap"`
	// Findings are indices into Report.Findings of the findings whose
	// subjects name this node or one of its addresses.
	Findings []int `json:"findings"`
	// Events counts the node's log events by kind; Flows its TCP flows (it
	// on either end) by conn_state.
	Events map[string]int `json:"events"`
	Flows  map[string]int `json:"flows"`
}

// nodeIndex finds node view entries by id and by address while building.
type nodeIndex struct {
	nodes []*Node
	byID  map[string][]*Node
	// byAddr is keyed by the address value, not its string, so the
	// per-event lookup allocates nothing.
	byAddr map[netip.AddrPort]*Node
}

func buildNodes(inc *analyzer.Incident, findings []Finding) []Node {
	ix := &nodeIndex{byID: map[string][]*Node{}, byAddr: map[netip.AddrPort]*Node{}}
	for _, n := range inc.Nodes {
		ix.learn(n.ID, n.Host, n.Addr)
	}
	for i := range inc.Events {
		e := &inc.Events[i]
		if e.Node == "" || e.Kind == analyzer.ConfigValue {
			continue
		}
		nd := ix.learn(e.Node, e.NodeHost, e.Addr)
		nd.Events[string(e.Kind)]++
	}
	for fi, f := range findings {
		for _, s := range f.Subjects {
			for _, nd := range ix.subjectNodes(s) {
				nd.addFinding(fi)
			}
		}
	}
	for _, f := range inc.Flows {
		ix.countFlow(f)
	}
	// Tallied flows are counted at their server; their clients' ephemeral
	// endpoints are not kept (see analyzer.RetainAllFlows).
	for _, t := range inc.FlowTallies {
		if nd := ix.byAddr[t.Resp]; nd != nil {
			nd.Flows[stateOrOTH(t.State)] += t.Count
		}
	}
	sort.SliceStable(ix.nodes, func(i, j int) bool { return nodeLess(ix.nodes[i], ix.nodes[j]) })
	out := make([]Node, 0, len(ix.nodes))
	for _, nd := range ix.nodes {
		out = append(out, *nd)
	}
	return out
}

// learn returns the entry for a node, creating it or adding the host and
// address it did not know yet.
func (ix *nodeIndex) learn(id, host string, addr netip.AddrPort) *Node {
	nd := ix.find(id, host, addr)
	if nd == nil {
		nd = &Node{ID: id, Bootstrap: strings.HasPrefix(id, "-"), OtherAddrs: []string{},
			Findings: []int{}, Events: map[string]int{}, Flows: map[string]int{}}
		ix.nodes = append(ix.nodes, nd)
		ix.byID[id] = append(ix.byID[id], nd)
	}
	if nd.Host == "" {
		nd.Host = host
	}
	if addr.IsValid() && ix.byAddr[addr] == nil {
		ix.byAddr[addr] = nd
		if nd.Addr == "" {
			nd.Addr = addr.String()
		} else {
			nd.OtherAddrs = append(nd.OtherAddrs, addr.String())
		}
	}
	return nd
}

// find picks the entry for an id: the broker's single entry, or for a
// bootstrap id the entry with the same address or host.
func (ix *nodeIndex) find(id, host string, addr netip.AddrPort) *Node {
	cands := ix.byID[id]
	if len(cands) == 0 {
		return nil
	}
	if !strings.HasPrefix(id, "-") {
		return cands[0]
	}
	if addr.IsValid() {
		if nd := ix.byAddr[addr]; nd != nil && nd.ID == id {
			return nd
		}
		return nil
	}
	for _, nd := range cands {
		if host != "" && nd.Host == host {
			return nd
		}
	}
	if host == "" {
		return cands[0]
	}
	return nil
}

// subjectNodes returns the entries a finding's subject names: by address
// when it gives one that is known, else by id.
func (ix *nodeIndex) subjectNodes(s Subject) []*Node {
	ap, _ := netip.ParseAddrPort(s.Addr)
	if nd := ix.byAddr[ap]; ap.IsValid() && nd != nil {
		return []*Node{nd}
	}
	if s.Node == "" {
		return nil
	}
	if cands := ix.byID[s.Node]; len(cands) > 0 {
		return cands
	}
	return []*Node{ix.learn(s.Node, "", ap)}
}

func (ix *nodeIndex) countFlow(f *flow.Flow) {
	resp, orig := ix.byAddr[f.Resp], ix.byAddr[f.Orig]
	if resp != nil {
		resp.Flows[stateOrOTH(f.State)]++
	}
	if orig != nil && orig != resp {
		orig.Flows[stateOrOTH(f.State)]++
	}
}

func (nd *Node) addFinding(i int) {
	if n := len(nd.Findings); n > 0 && nd.Findings[n-1] == i {
		return
	}
	nd.Findings = append(nd.Findings, i)
}

// nodeLess orders brokers by numeric id, then bootstrap entries, then ids
// that are not numbers; ties by host and address.
func nodeLess(a, b *Node) bool {
	ra, rb := nodeRank(a.ID), nodeRank(b.ID)
	if ra != rb {
		return ra < rb
	}
	if a.ID != b.ID {
		na, errA := strconv.Atoi(a.ID)
		nb, errB := strconv.Atoi(b.ID)
		if errA == nil && errB == nil {
			if ra == 1 { // bootstrap: -1 before -2
				return na > nb
			}
			return na < nb
		}
		return a.ID < b.ID
	}
	if a.Host != b.Host {
		return a.Host < b.Host
	}
	return a.Addr < b.Addr
}

func nodeRank(id string) int {
	n, err := strconv.Atoi(id)
	switch {
	case err != nil:
		return 2
	case n < 0:
		return 1
	}
	return 0
}
