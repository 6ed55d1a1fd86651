package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// chartIncident has what decides lanes and marks: a broker log and a
// journal from the same host, a journal from a host no broker log names,
// client lines with and without a client id, an undated line, one
// connection caught by two captures, a forged reset, broker-to-broker
// traffic.
func chartIncident() (*analyzer.Incident, []Finding) {
	t0 := fixtureTime("2024-05-02T10:00:00Z")
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	loc := func(p string, l int) analyzer.Location { return analyzer.Location{Path: p, Line: l} }
	inc := &analyzer.Incident{
		Nodes: []analyzer.Node{{ID: "1", Addr: fixtureAddr("10.0.4.31:9092")}, {ID: "2", Addr: fixtureAddr("10.0.4.32:9092")}},
		Events: []analyzer.Event{
			{Kind: analyzer.BrokerStarted, Time: at(0), Source: loc("kb1/server.log", 3), Program: "java-broker", Host: "kb1", Node: "1"},
			{Kind: analyzer.ProcessKilled, Time: at(10), Source: loc("kb1/journal.export", 40), Program: "systemd", Host: "kb1"},
			{Kind: analyzer.ServiceFailed, Time: at(11), Source: loc("kb9/journal.export", 7), Program: "systemd", Host: "kb9"},
			{Kind: analyzer.ConnectRefused, Time: at(12), Source: loc("app/client.log", 5), Program: "librdkafka", Client: "p-1", Node: "1"},
			{Kind: analyzer.NodeDisconnected, Time: at(12), Source: loc("app/client.log", 6), Program: "librdkafka"},
			{Kind: analyzer.NodeDisconnected, Time: at(13), Source: loc("app/other.log", 2), Program: "java-client"},
			{Kind: analyzer.ConfigValue, Time: at(1), Source: loc("app/client.log", 1), Program: "librdkafka", Client: "p-1"},
			{Kind: analyzer.ConnectTimeout, Source: loc("app/client.log", 9), Program: "librdkafka", Client: "p-1"},
		},
		Flows: []*flow.Flow{
			{Capture: "client.pcap", Orig: fixtureAddr("10.0.1.5:40000"), Resp: fixtureAddr("10.0.4.31:9092"), OrigISN: 77,
				SYNs: 3, State: "S0", Start: at(14), End: at(17), FirstFrame: 1, SynFrame: 1},
			{Capture: "broker.pcap", Orig: fixtureAddr("10.0.1.5:40000"), Resp: fixtureAddr("10.0.4.31:9092"), OrigISN: 77,
				SYNs: 3, SynAcks: 3, State: "S1", Start: at(14), End: at(17), FirstFrame: 8, SynFrame: 8, SynAckFrame: 9},
			{Capture: "client.pcap", Orig: fixtureAddr("10.0.1.5:40002"), Resp: fixtureAddr("10.0.4.31:9092"), OrigISN: 5,
				SYNs: 1, SynAcks: 1, HandshakeDone: true, State: "RSTR", RSTBy: "resp", Start: at(20), End: at(50),
				FirstFrame: 20, IdleBeforeEnd: 30 * time.Second, RST: &flow.RSTInfo{Frame: 31, Time: at(50), FingerprintMismatch: true, Why: "TTL 64, the broker's packets had 61"}},
			{Capture: "broker.pcap", Orig: fixtureAddr("10.0.4.32:51000"), Resp: fixtureAddr("10.0.4.31:9092"), OrigISN: 9,
				SYNs: 1, State: "REJ", Start: at(21), FirstFrame: 40},
		},
	}
	findings := []Finding{{Evidence: []Evidence{{Source: "client.pcap", Packet: 1}, {Source: "app/client.log", Line: 5}}}}
	return inc, findings
}

func TestBuildChart(t *testing.T) {
	inc, findings := chartIncident()
	c := buildChart(inc, findings)
	var lanes []string
	for _, l := range c.Lanes {
		lanes = append(lanes, fmt.Sprintf("%s %q broker=%v from=%q", l.Key, l.Label, l.Broker, l.From))
	}
	wantLanes := []string{
		`node/1 "broker node 1" broker=true from="broker log, journal"`,
		`node/2 "broker node 2" broker=true from="captures"`,
		`host/kb9 "host kb9" broker=true from="journal"`,
		`client/other.log "client (other.log)" broker=false from="java-client log"`,
		`client/p-1 "p-1" broker=false from="librdkafka log"`,
		`ip/10.0.1.5 "client 10.0.1.5" broker=false from="captures"`,
	}
	if diff := cmp.Diff(wantLanes, lanes); diff != "" {
		t.Errorf("lanes (-want +got):\n%s", diff)
	}
	var marks []string
	for _, m := range c.Marks {
		s := fmt.Sprintf("%s %s %s", m.Lane, m.Kind, where(m.Evidence.Source, m.Evidence.Line, m.Evidence.Packet))
		if m.Cited {
			s += " cited"
		}
		if !m.Until.IsZero() {
			s += " until " + m.Until.Format("15:04:05")
		}
		marks = append(marks, s)
	}
	wantMarks := []string{
		"node/1 start kb1/server.log:3",
		"node/1 killed kb1/journal.export:40",
		"host/kb9 killed kb9/journal.export:7",
		"client/p-1 refused app/client.log:5 cited",
		"client/p-1 disconnect app/client.log:6",
		"client/other.log disconnect app/other.log:2",
		"ip/10.0.1.5 synack-lost broker.pcap frame 8 cited until 10:00:17",
		"ip/10.0.1.5 connect-ok client.pcap frame 20",
		"node/2 refused broker.pcap frame 40",
		"ip/10.0.1.5 reset-forged client.pcap frame 31",
	}
	if diff := cmp.Diff(wantMarks, marks); diff != "" {
		t.Errorf("marks (-want +got):\n%s", diff)
	}
	if c.Undated != 1 {
		t.Errorf("Undated = %d, want 1", c.Undated)
	}
	if got, want := c.Marks[len(c.Marks)-1].Text(), "RST 10.0.4.31:9092 → 10.0.1.5:40002 after 30s of silence"; got[:len(want)] != want {
		t.Errorf("reset mark text = %q, want prefix %q", got, want)
	}
}

func TestLayoutHistogram(t *testing.T) {
	gaps := []time.Duration{27 * time.Second, 27100 * time.Millisecond, 27300 * time.Millisecond, 4 * time.Second}
	tests := []struct {
		name      string
		clients   []ClientIdle
		wantLines []string
		wantNotes int
	}{
		{"librdkafka default: no client line, a note", []ClientIdle{{Client: "p-1"}},
			[]string{"device timeout ≈ 27 s"}, 1},
		{"client setting in range", []ClientIdle{{Client: "p-1", Ms: 45000, Source: "client.log:3"}},
			[]string{"device timeout ≈ 27 s", "client p-1 closes idle at 45 s"}, 0},
		{"java default far off scale", []ClientIdle{{Client: "c-7", Ms: 540000}},
			[]string{"device timeout ≈ 27 s"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := layoutHistogram(&IdleGaps{Gaps: gaps, Device: 27 * time.Second, Clients: tt.clients})
			var lines []string
			for _, l := range h.Lines {
				lines = append(lines, l.Label)
			}
			if diff := cmp.Diff(tt.wantLines, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if len(h.Notes) != tt.wantNotes {
				t.Errorf("notes %q, want %d", h.Notes, tt.wantNotes)
			}
			total := 0
			for _, b := range h.Bars {
				total += b.Count
				if b.X < h.PlotX || b.X+b.W > h.PlotX+h.PlotW+0.5 {
					t.Errorf("bar %+v outside the plot", b)
				}
			}
			if total != len(gaps) {
				t.Errorf("bars hold %d gaps, want %d", total, len(gaps))
			}
			if h.YMax != 3 {
				t.Errorf("YMax = %d, want 3 (the 27 s cluster)", h.YMax)
			}
		})
	}
}
