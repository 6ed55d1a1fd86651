package report

import (
	"fmt"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// bigResult is an incident the size of a busy hour: 200k log events over
// 6 brokers, 20k flows, a finding with the evidence cap reached.
func bigReportResult() *analyzer.Result {
	base := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	inc := &analyzer.Incident{Zone: time.UTC, Inputs: []analyzer.InputStat{
		{Path: "b.tgz!client.log", Format: "kafka-log", Events: 200000, Lines: 400000},
		{Path: "b.tgz!client.pcap", Format: "pcap", Packets: 900000},
	}}
	for i := 0; i < 200000; i++ {
		node := fmt.Sprint(i % 6)
		inc.Events = append(inc.Events, analyzer.Event{
			Kind: analyzer.NodeDisconnected, Time: base.Add(time.Duration(i) * 10 * time.Millisecond),
			Source: analyzer.Location{Path: "b.tgz!client.log", Line: 2*i + 1}, Node: node,
			Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 4, byte(30 + i%6)}), 9092),
			Text: "[2024-05-02 10:00:00,000] INFO [Producer clientId=p-1] Node " + node + " disconnected. (org.apache.kafka.clients.NetworkClient)",
		})
	}
	for i := 0; i < 20000; i++ {
		inc.Flows = append(inc.Flows, &flow.Flow{
			Capture: "b.tgz!client.pcap", State: []string{"SF", "REJ", "S0", "RSTR"}[i%4], History: "ShADadFf",
			Orig:  netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 1, 5}), uint16(30000+i)),
			Resp:  netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 4, byte(30 + i%6)}), 9092),
			Start: base.Add(time.Duration(i) * 100 * time.Millisecond), FirstFrame: 40*i + 1,
		})
		inc.Nodes = append(inc.Nodes[:min(len(inc.Nodes), 6)], analyzer.Node{ID: fmt.Sprint(i % 6),
			Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 4, byte(30 + i%6)}), 9092)})
	}
	f := analyzer.NewFinding(analyzer.RuleMeta{ID: "x", Cause: analyzer.BrokerOverload, Severity: analyzer.Warning, Title: "t"}, 0.5)
	for i := range inc.Events[:5000] {
		f.AddEvidence(analyzer.EventEvidence(&inc.Events[i]))
	}
	return &analyzer.Result{Incident: inc, Findings: []analyzer.Finding{f}}
}

func BenchmarkReport(b *testing.B) {
	res := bigReportResult()
	b.Run("Build", func(b *testing.B) {
		for b.Loop() {
			Build(res, Options{})
		}
	})
	b.Run("Build+timeline", func(b *testing.B) {
		for b.Loop() {
			Build(res, Options{Timeline: true})
		}
	})
	r := Build(res, Options{Timeline: true})
	for _, w := range reportWriters {
		b.Run("write-"+w.ext+"+timeline", func(b *testing.B) {
			for b.Loop() {
				if err := writeReportTo(io.Discard, w.ext, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func writeReportTo(w io.Writer, ext string, r *Report) error {
	switch ext {
	case "json":
		return WriteJSON(w, r)
	case "md":
		return WriteMarkdown(w, r)
	}
	return WriteText(w, r, TextOptions{})
}
