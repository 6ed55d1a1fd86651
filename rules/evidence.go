package rules

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// FlowEvidence is evidence pointing at one frame of a replayed flow, so a
// reader can open the capture and type `frame.number == N`.
func FlowEvidence(f *flow.Flow, frame int, t time.Time, text string) analyzer.Evidence {
	return analyzer.Evidence{
		Location: analyzer.Location{Path: f.Capture, Frame: frame},
		Time:     t,
		Text:     text,
	}
}

// The independent kinds of evidence a finding can rest on; Finding.Kinds
// lists them in this order.
const (
	kindPackets   = "packets"
	kindClientLog = "client-log"
	kindBrokerLog = "broker-log"
	kindJournal   = "journal"
	// kindPodStatus is a container's state as `kubectl describe pod`
	// printed it (parsers/kubedescribe): the node's own record of the
	// broker process ending, as the journal is on a host.
	kindPodStatus = "pod-status"
)

var kindOrder = []string{kindPackets, kindClientLog, kindBrokerLog, kindJournal, kindPodStatus}

// eventKind says which kind of evidence a log event is, from the program
// that printed it.
func eventKind(e *analyzer.Event) string {
	switch e.Program {
	case "java-broker":
		return kindBrokerLog
	case "systemd", "kernel":
		return kindJournal
	case "kubelet":
		return kindPodStatus
	}
	return kindClientLog
}

// kindSet collects the kinds of evidence that agreed on one finding.
type kindSet map[string]bool

func (k kindSet) addEvent(e *analyzer.Event) { k[eventKind(e)] = true }

// list returns the kinds in their fixed order.
func (k kindSet) list() []string {
	var out []string
	for _, name := range kindOrder {
		if k[name] {
			out = append(out, name)
		}
	}
	return out
}

// agreeing scales a single-kind confidence by how many independent kinds
// agree: one kind keeps base (≈0.5–0.7); two or more add 0.15 each with a
// floor of 0.8, because independent artifacts rarely agree by chance; capped
// at 0.95 because no offline diagnosis is certain.
func agreeing(base float64, kinds int) float64 {
	if kinds <= 1 {
		return base
	}
	return min(max(base+0.15*float64(kinds-1), 0.8), 0.95)
}

// flowText names a flow the way evidence lines do: "a:p → b:p".
func flowText(f *flow.Flow) string {
	return fmt.Sprintf("%s → %s", f.Orig, f.Resp)
}

// frameList formats up to n frame numbers: "frames 12, 19, 33 …".
func frameList(frames []int, n int) string {
	if len(frames) == 0 {
		return "no frames"
	}
	var b strings.Builder
	if len(frames) == 1 {
		b.WriteString("frame ")
	} else {
		b.WriteString("frames ")
	}
	for i, fr := range frames {
		if i == n {
			b.WriteString(" …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", fr)
	}
	return b.String()
}

// sortedKeys returns a map's keys in order: reports never leak map order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// loc renders an evidence location as "path:line" or "path frame N".
func loc(l analyzer.Location) string {
	if l.Frame > 0 {
		return fmt.Sprintf("%s frame %d", l.Path, l.Frame)
	}
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", l.Path, l.Line)
	}
	return l.Path
}

// seconds renders a duration as whole or tenth seconds: "350 s", "4.2 s".
func seconds(d time.Duration) string {
	s := math.Round(d.Seconds()*10) / 10
	if s >= 10 || s == math.Trunc(s) {
		return fmt.Sprintf("%.0f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

// filterOr joins Wireshark display-filter terms with ||, each in brackets.
func filterOr(terms []string) string {
	// Two captures of one connection give the same term twice.
	seen := map[string]bool{}
	uniq := terms[:0:0]
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	terms = uniq
	if len(terms) == 1 {
		return terms[0]
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "(" + t + ")"
	}
	return strings.Join(parts, " || ")
}

// connFilter is a display filter for one TCP connection.
func connFilter(f *flow.Flow) string {
	return fmt.Sprintf("%s && tcp.port==%d && tcp.port==%d",
		ipFilter(f.Orig.Addr()), f.Orig.Port(), f.Resp.Port())
}

// ipFilter is "ip.addr==a" or, for IPv6, "ipv6.addr==a".
func ipFilter(a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		return "ip.addr==" + a.Unmap().String()
	}
	return "ipv6.addr==" + a.String()
}

// addrFilter is a display filter for every segment to or from one server
// address.
func addrFilter(a netip.AddrPort) string {
	return fmt.Sprintf("tcp.port==%d && %s", a.Port(), ipFilter(a.Addr()))
}

// lineGist is the shortest telling part of a log line: its reason, its
// exception message, or the message without librdkafka's prefix, cut to
// gistLen bytes.
func lineGist(e *analyzer.Event) string {
	switch {
	case e.Reason != "":
		return e.Reason
	case e.ExceptionMsg != "":
		return e.ExceptionMsg
	}
	msg := e.Text
	if e.Program == "librdkafka" {
		// "%3|ts|FAC|name| [thrd:x]: broker/id: message"
		if i := strings.LastIndex(msg, "]: "); i >= 0 {
			msg = msg[i+3:]
		}
		if i := strings.Index(msg, ": "); i >= 0 && !strings.Contains(msg[:i], " ") {
			msg = msg[i+2:]
		}
	}
	if len(msg) > gistLen {
		cut := gistLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

const gistLen = 160

// joinAnd joins phrases with "; ".
func joinAnd(parts []string) string {
	return strings.Join(parts, "; ")
}

// joinList joins phrases as prose: "a", "a and b", "a, b and c".
func joinList(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// plural renders "1 connection" / "3 connections".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
