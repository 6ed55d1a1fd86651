package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TimelineEntry is one point of the merged timeline: a log event, the start
// of a TCP flow, or the RST that ended one.
type TimelineEntry struct {
	Time   Timestamp `json:"time"`
	Source string    `json:"source"`
	Line   int       `json:"line"`
	Packet int       `json:"packet"`
	Host   string    `json:"host"`
	// Kind is the event kind ("connect-refused"), or for capture entries
	// "tcp-flow" (a flow began) and "tcp-rst" (a flow was reset).
	Kind string `json:"kind"`
	Node string `json:"node"`
	Addr string `json:"addr"`
	Text string `json:"text"`
	// TimeGuessed is set when part of the time (year, zone) was inferred.
	TimeGuessed bool `json:"time_guessed"`
}

// Timeline entry kinds for capture facts.
const (
	TimelineFlow = "tcp-flow"
	TimelineRST  = "tcp-rst"
)

func buildTimeline(inc *analyzer.Incident) []TimelineEntry {
	out := make([]TimelineEntry, 0, len(inc.Events)+len(inc.Flows))
	for i := range inc.Events {
		out = append(out, eventEntry(&inc.Events[i]))
	}
	hosts := map[string]string{}
	for _, in := range inc.Inputs {
		hosts[in.Path] = in.Host
	}
	for _, f := range inc.Flows {
		out = append(out, flowEntry(f, hosts[f.Capture]))
		if f.RST != nil {
			out = append(out, rstEntry(f, hosts[f.Capture]))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return entryLess(&out[i], &out[j]) })
	return out
}

func eventEntry(e *analyzer.Event) TimelineEntry {
	addr := ""
	switch {
	case e.Addr.IsValid():
		addr = e.Addr.String()
	case e.Peer.IsValid():
		addr = e.Peer.String()
	case e.NodeHost != "":
		addr = e.NodeHost
	}
	return TimelineEntry{
		Time: Timestamp{e.Time}, Source: e.Source.Path, Line: e.Source.Line,
		Packet: e.Source.Frame, Host: e.Host, Kind: string(e.Kind),
		Node: e.Node, Addr: addr, Text: e.Text, TimeGuessed: e.TimeGuessed,
	}
}

func flowEntry(f *flow.Flow, host string) TimelineEntry {
	var b strings.Builder
	fmt.Fprintf(&b, "%s → %s %s", f.Orig, f.Resp, stateOrOTH(f.State))
	if f.History != "" {
		fmt.Fprintf(&b, " history %s", f.History)
	}
	fmt.Fprintf(&b, ", %d/%d packets, %d/%d bytes", f.OrigPkts, f.RespPkts, f.OrigBytes, f.RespBytes)
	if !f.End.IsZero() && f.End.After(f.Start) {
		fmt.Fprintf(&b, ", lasted %s", roundDuration(f.End.Sub(f.Start)))
	}
	if f.MaxIdle >= time.Second {
		fmt.Fprintf(&b, ", longest silence %s", roundDuration(f.MaxIdle))
	}
	return TimelineEntry{
		Time: Timestamp{f.Start}, Source: f.Capture, Packet: f.FirstFrame,
		Host: host, Kind: TimelineFlow, Addr: f.Resp.String(), Text: b.String(),
	}
}

func rstEntry(f *flow.Flow, host string) TimelineEntry {
	var b strings.Builder
	from, to := f.Resp, f.Orig
	if f.RSTBy == "orig" {
		from, to = f.Orig, f.Resp
	}
	fmt.Fprintf(&b, "RST %s → %s", from, to)
	if f.IdleBeforeEnd >= time.Second {
		fmt.Fprintf(&b, " after %s of silence", roundDuration(f.IdleBeforeEnd))
	}
	if f.RST.FingerprintMismatch && f.RST.Why != "" {
		fmt.Fprintf(&b, "; not from the sender's stack: %s", f.RST.Why)
	}
	return TimelineEntry{
		Time: Timestamp{f.RST.Time}, Source: f.Capture, Packet: f.RST.Frame,
		Host: host, Kind: TimelineRST, Addr: f.Resp.String(), Text: b.String(),
	}
}

// entryLess orders by time (unknown times last), then place, then kind.
func entryLess(a, b *TimelineEntry) bool {
	az, bz := a.Time.IsZero(), b.Time.IsZero()
	if az != bz {
		return bz
	}
	if !a.Time.Equal(b.Time.Time) {
		return a.Time.Before(b.Time.Time)
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Packet != b.Packet {
		return a.Packet < b.Packet
	}
	return a.Kind < b.Kind
}

// roundDuration keeps durations readable: ms below a minute, s above.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
