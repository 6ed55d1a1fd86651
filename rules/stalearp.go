package rules

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// StaleARP diagnoses the published AWS incident: a client reused the IP of
// a gone host, the broker's neighbour entry still maps it to the old MAC, so
// the broker's SYN-ACKs go to a dead MAC. In an Ethernet capture the reply's
// destination MAC differs from the source MAC of the SYN it answers.
type StaleARP struct{}

var staleARPMeta = analyzer.RuleMeta{
	ID:       "stale-arp-entry",
	Cause:    analyzer.StaleARPEntry,
	Title:    staleTitle + "(stale ARP entry)",
	Severity: analyzer.Critical,
	LooksFor: "Failed handshakes whose SYN-ACK is addressed to a MAC other than the SYN's source MAC; ARP history showing the client IP at two MACs.",
	Needs:    "A capture with Ethernet headers on the broker side (or on the segment).",
	Avoids:   "Routed traffic (the router's MAC on both directions matches) and completed handshakes.",
	Fix: []string{
		"Flush the broker's neighbour entry for the client IP: `ip neigh flush <ip>` (or `ip neigh replace <ip> lladdr <mac> dev <dev>`).",
		neighGC("ipv4") + " (net.ipv6.neigh for IPv6 clients).",
	},
}

// staleTitle starts the rule's title; what stayed stale (an ARP entry, an
// IPv6 neighbour entry) ends it.
const staleTitle = "Broker replies go to a stale MAC address "

// neighGC is the advice to let the neighbour cache of family (ipv4, ipv6)
// expire old entries.
func neighGC(family string) string {
	return fmt.Sprintf("Let neighbour GC run on the broker hosts: sysctl net.%[1]s.neigh.default.gc_thresh1=0 and a shorter net.%[1]s.neigh.default.gc_stale_time", family)
}

func (StaleARP) Meta() analyzer.RuleMeta { return staleARPMeta }

func (StaleARP) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	byClient := map[string][]*flow.Flow{}
	for _, f := range inc.Flows {
		if f.ReplyMACMismatch && len(f.RespDstMAC) > 0 && (!f.HandshakeDone || f.SynAcks >= 2) {
			k := f.Orig.Addr().String()
			byClient[k] = append(byClient[k], f)
		}
	}
	var out []analyzer.Finding
	for _, k := range sortedKeys(byClient) {
		out = append(out, staleARPFinding(inc, byClient[k], clock))
	}
	return out
}

func staleARPFinding(inc *analyzer.Incident, flows []*flow.Flow, clock clockOffset) analyzer.Finding {
	first := flows[0]
	ip, stale, right := first.Orig.Addr(), first.RespDstMAC, first.OrigMAC
	history := arpHistory(inc, ip)
	confirms := arpConfirms(history, stale, right)
	g := newTargets(inc).group(first.Resp, nodeOfAddr(inc, first.Resp))
	for _, e := range inc.EventsOf(analyzer.ConnectTimeout) {
		if eventTarget(inc, e) == first.Resp {
			g.Events = append(g.Events, e)
		}
	}
	kinds := g.kinds()
	kinds[kindPackets] = true
	base := 0.85
	if confirms {
		base = 0.9
	}
	f := analyzer.NewFinding(staleARPMeta, agreeing(base, len(kinds)))
	f.Kinds = kinds.list()
	var filters []string
	for _, fl := range flows {
		f.AddEvidence(FlowEvidence(fl, fl.SynAckFrame, fl.Start, fmt.Sprintf(
			"%s SYN from %s, SYN-ACK ×%d sent to %s, no ACK",
			flowText(fl), fl.OrigMAC, fl.SynAcks, fl.RespDstMAC)))
		if len(filters) < 5 {
			filters = append(filters, connFilter(fl))
		}
	}
	for _, a := range history {
		f.AddEvidence(analyzer.Evidence{
			Location: analyzer.Location{Path: a.Capture, Frame: a.Frame},
			Time:     a.Time,
			Text:     fmt.Sprintf("ARP %s: %s is at %s", arpOp(a.Operation), a.SenderIP, a.SenderMAC),
		})
	}
	for _, e := range g.Events {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	f.Subjects = []analyzer.Subject{{Node: g.Node, Addr: first.Resp.String(), Client: ip.String()}}
	f.Summary = fmt.Sprintf("Connections from %s to %s fail because %s answers to a stale MAC: the SYNs come from %s, "+
		"but %d SYN-ACK(s) were sent to %s, which no longer owns %s.", ip, first.Resp, first.Resp.Addr(), right, countSynAcks(flows), stale, ip)
	if len(history) > 0 {
		f.Summary += " ARP history: " + describeHistory(history) + "."
	}
	f.DisplayFilter = filterOr(filters)
	if ip.Is4() {
		f.DisplayFilter = fmt.Sprintf("(%s) || arp.src.proto_ipv4==%s", f.DisplayFilter, ip)
	}
	family := "ipv4"
	if !ip.Is4() {
		// IPv6 has no ARP: the stale entry is a neighbour-discovery one.
		family = "ipv6"
		f.Title = staleTitle + "(stale IPv6 neighbour entry)"
	}
	f.Remediation = []string{fmt.Sprintf(
		"On %s: `ip neigh show %s` (expect %s, stale %s), then `ip neigh flush %s` or `ip neigh replace %s lladdr %s dev <dev>`.",
		first.Resp.Addr(), ip, right, stale, ip, ip, right),
		neighGC(family) + "."}
	clock.note(&f)
	f.Explains = explain(inc, g.scope(clock, 2*time.Minute))
	return f
}

func countSynAcks(flows []*flow.Flow) int {
	n := 0
	for _, f := range flows {
		n += f.SynAcks
	}
	return n
}

// arpHistory is every ARP packet in which ip claimed a MAC, in capture order.
func arpHistory(inc *analyzer.Incident, ip netip.Addr) []analyzer.CapturedARP {
	var out []analyzer.CapturedARP
	for _, a := range inc.ARP {
		if a.SenderIP == ip && len(a.SenderMAC) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// arpConfirms reports whether the history shows the IP at both MACs: the
// old owner once, the new one now.
func arpConfirms(h []analyzer.CapturedARP, stale, right net.HardwareAddr) bool {
	var sawStale, sawRight bool
	for _, a := range h {
		sawStale = sawStale || bytes.Equal(a.SenderMAC, stale)
		sawRight = sawRight || bytes.Equal(a.SenderMAC, right)
	}
	return sawStale && sawRight
}

// describeHistory summarises MAC changes: "198.18.0.2 at 02:..:aa (frame
// 3), then at 02:..:bb (frame 40)".
func describeHistory(h []analyzer.CapturedARP) string {
	var parts []string
	var last net.HardwareAddr
	for _, a := range h {
		if bytes.Equal(a.SenderMAC, last) {
			continue
		}
		last = a.SenderMAC
		parts = append(parts, fmt.Sprintf("at %s (%s frame %d)", a.SenderMAC, a.Capture, a.Frame))
	}
	return h[0].SenderIP.String() + " " + strings.Join(parts, ", then ")
}

func arpOp(op uint16) string {
	if op == 2 {
		return "reply"
	}
	return "request"
}
