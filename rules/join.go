package rules

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Logs and captures meet through addresses: an event names a node id, a host
// or an ip:port; a flow has a responder address. These helpers turn one into
// the other using what the logs taught about nodes.

// eventTarget is the broker address an event is about: the address the
// line printed, else the address learned for its node id or host. Invalid
// when nothing tells.
func eventTarget(inc *analyzer.Incident, e *analyzer.Event) netip.AddrPort {
	if e.Addr.IsValid() {
		return e.Addr
	}
	for _, n := range inc.Nodes {
		if !n.Addr.IsValid() {
			continue
		}
		if e.Node != "" && n.ID == e.Node && !n.Bootstrap {
			return n.Addr
		}
		if e.NodeHost != "" && strings.EqualFold(n.Host, e.NodeHost) {
			return n.Addr
		}
	}
	return netip.AddrPort{}
}

// nodeOfAddr is the broker id (≥ 0) the logs gave for an address, "" when
// none did.
func nodeOfAddr(inc *analyzer.Incident, a netip.AddrPort) string {
	for _, n := range inc.Nodes {
		if n.Addr == a && !n.Bootstrap {
			return n.ID
		}
	}
	return ""
}

// nodeID parses a node id; ok is false for "" or junk.
func nodeID(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// brokerPorts are the TCP ports the logs know as Kafka listeners. Empty when
// the logs named no address; callers then fall back to the flows alone.
func brokerPorts(inc *analyzer.Incident) map[uint16]bool {
	ports := map[uint16]bool{}
	for _, n := range inc.Nodes {
		if n.Addr.IsValid() {
			ports[n.Addr.Port()] = true
		}
	}
	for i := range inc.Events {
		if a := inc.Events[i].Addr; a.IsValid() {
			ports[a.Port()] = true
		}
	}
	return ports
}

// sameConnection is one TCP connection seen in two captures: Near is the
// capture where the originator's packets appear first (the client side when
// the originator is the client), Far the other.
type sameConnection struct {
	A, B *flow.Flow
	// ExactTuple is false when the addresses differ (NAT): the join rests on
	// the originator's ISN and timing alone.
	ExactTuple bool
}

// natSkew bounds how far two captures' clocks may disagree for a NAT-ed
// connection to be matched on ISN alone.
const natSkew = 2 * time.Minute

// crossCapture pairs flows from different captures that are the same
// connection. The originator's ISN is random per connection, so equal ISNs
// with the same 5-tuple, or with the same server port and start times within
// natSkew, are the same connection with near certainty.
func crossCapture(inc *analyzer.Incident) []sameConnection {
	byISN := map[uint32][]*flow.Flow{}
	var out []sameConnection
	for _, f := range inc.Flows {
		if f.SYNs == 0 {
			continue
		}
		for _, g := range byISN[f.OrigISN] {
			if g.Capture == f.Capture {
				continue
			}
			exact := g.Orig == f.Orig && g.Resp == f.Resp
			if exact || (g.Resp.Port() == f.Resp.Port() && absDur(g.Start.Sub(f.Start)) <= natSkew) {
				out = append(out, sameConnection{A: g, B: f, ExactTuple: exact})
			}
		}
		byISN[f.OrigISN] = append(byISN[f.OrigISN], f)
	}
	return out
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// clientOf is the client id a set of events names, the most frequent one
// first; "" when none did.
func clientOf(events []*analyzer.Event) string {
	counts := map[string]int{}
	for _, e := range events {
		if e.Client != "" {
			counts[e.Client]++
		}
	}
	best := ""
	for _, c := range sortedKeys(counts) {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// isLoopback reports whether a host name or address can only mean "this
// machine" to whoever resolves it.
func isLoopbackHost(host string, a netip.AddrPort) bool {
	if a.IsValid() && a.Addr().IsLoopback() {
		return true
	}
	h := strings.ToLower(host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "ip6-localhost"
}

// isContainerishHost reports whether a host name only makes sense inside a
// container network: a Docker id (12 or 64 hex digits) or a short name with
// no dot that failed elsewhere ("kafka", "broker-1").
func isContainerishHost(host string) bool {
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	if (len(host) == 12 || len(host) == 64) && isHex(host) {
		return true
	}
	return !strings.Contains(host, ".")
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// capturesSeeing lists, in order, the captures other than skip that carry
// any traffic of ip: a flow to or from it, or an ARP packet naming it. Such
// a capture was taken where ip's packets pass, so a connection to ip that
// it lacks never got there.
func capturesSeeing(inc *analyzer.Incident, ip netip.Addr, skip string) []string {
	seen := map[string]bool{}
	for _, f := range inc.Flows {
		if f.Capture != skip && (f.Resp.Addr() == ip || f.Orig.Addr() == ip) {
			seen[f.Capture] = true
		}
	}
	for _, a := range inc.ARP {
		if a.Capture != skip && (a.SenderIP == ip || a.TargetIP == ip) {
			seen[a.Capture] = true
		}
	}
	return sortedKeys(seen)
}

// oneCapture keeps one flow per connection: when two captures saw the same
// connection (joined as in crossCapture), the first in incident order
// stands for both, so counts are of connections, not of records.
func oneCapture(inc *analyzer.Incident, flows []*flow.Flow) []*flow.Flow {
	partner := partners(inc)
	kept := map[*flow.Flow]bool{}
	var out []*flow.Flow
	for _, f := range flows {
		if p := partner[f]; p != nil && kept[p] {
			continue
		}
		kept[f] = true
		out = append(out, f)
	}
	return out
}
