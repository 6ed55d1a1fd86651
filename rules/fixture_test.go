package rules

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Incidents for unit tests are built from model structs with the values a
// real capture and real logs give (addresses in 198.18.0.0/15, frame
// numbers, catalog log lines). End-to-end proof is the lab scenarios'.

var t0 = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// at is t0 plus a number of seconds.
func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

const (
	clientPcap = "client-side.pcap"
	brokerPcap = "broker-side.pcap"
	client1    = "198.18.0.2"
	broker1    = "198.18.0.3:9092"
)

// sfFlow is a healthy connection: handshake, data both ways, the client's FIN.
func sfFlow(capture, orig, resp string, start float64, frame int) *flow.Flow {
	return &flow.Flow{
		UID: fmt.Sprintf("C%s%d", capture, frame), Capture: capture, Orig: ap(orig), Resp: ap(resp),
		Start: at(start), End: at(start + 30), State: "SF", History: "ShADadFf",
		OrigBytes: 1840, RespBytes: 5210, OrigPkts: 14, RespPkts: 12, HandshakeDone: true,
		OrigISN: uint32(1000003 * frame), RespISN: 77, SYNs: 1, SynAcks: 1, SynTimes: []time.Time{at(start)},
		SynFrame: frame, SynAckFrame: frame + 1, MaxIdle: 3 * time.Second, IdleBeforeEnd: time.Second,
		FINBy: "orig", FINFrame: frame + 20,
		FirstPayload: [2]flow.Payload{
			{Class: flow.PayloadKafkaRequest, Frame: frame + 3, Kafka: &flow.KafkaRequest{Size: 42, APIKey: 18, APIVersion: 3, CorrelationID: 1, ClientID: "producer-1"}},
			{Class: flow.PayloadOther, Frame: frame + 4},
		},
		FirstFrame: frame, LastFrame: frame + 25,
	}
}

// rejFlow is a SYN answered at once by RST+ACK.
func rejFlow(capture, orig, resp string, start float64, frame int) *flow.Flow {
	return &flow.Flow{
		UID: fmt.Sprintf("R%s%d", capture, frame), Capture: capture, Orig: ap(orig), Resp: ap(resp),
		Start: at(start), End: at(start + 0.0002), State: "REJ", History: "Sr",
		OrigPkts: 1, RespPkts: 1, OrigISN: uint32(7919 * frame), SYNs: 1, SynTimes: []time.Time{at(start)},
		SynFrame: frame, RSTBy: "resp",
		RST:        &flow.RSTInfo{Frame: frame + 1, Time: at(start + 0.0002), HasACK: true, TTL: 64},
		FirstFrame: frame, LastFrame: frame + 1,
	}
}

// s0Flow is an attempt whose SYNs got no reply, retried with backoff.
func s0Flow(capture, orig, resp string, start float64, syns, frame int, isn uint32) *flow.Flow {
	f := &flow.Flow{
		UID: fmt.Sprintf("S%s%d", capture, frame), Capture: capture, Orig: ap(orig), Resp: ap(resp),
		Start: at(start), State: "S0", History: "S", OrigPkts: syns, OrigISN: isn, SYNs: syns,
		SynFrame: frame, FirstFrame: frame, LastFrame: frame + syns - 1,
	}
	gap := 1.0
	for i := 0; i < syns; i++ {
		f.SynTimes = append(f.SynTimes, at(start+gap-1))
		gap *= 2
	}
	f.End = f.SynTimes[len(f.SynTimes)-1]
	return f
}

// synAckFlow is the broker-side view of a lost SYN-ACK.
func synAckFlow(capture, orig, resp string, start float64, syns, synAcks, frame int, isn uint32) *flow.Flow {
	f := s0Flow(capture, orig, resp, start, syns, frame, isn)
	f.UID = "A" + f.UID
	f.State, f.History = "S1", "ShS"
	f.SynAcks, f.RespPkts, f.RespISN = synAcks, synAcks, 4242
	f.SynAckFrame = frame + 1
	f.LastFrame = frame + syns + synAcks - 1
	return f
}

// idleResetFlow carried data, sat idle, and its next packet met a RST.
func idleResetFlow(capture, orig, resp string, start float64, idle time.Duration, forged bool, frame int) *flow.Flow {
	end := at(start).Add(20*time.Second + idle)
	f := &flow.Flow{
		UID: fmt.Sprintf("I%s%d", capture, frame), Capture: capture, Orig: ap(orig), Resp: ap(resp),
		Start: at(start), End: end, State: "RSTR", History: "ShADadR",
		OrigBytes: 2400, RespBytes: 8800, OrigPkts: 20, RespPkts: 18, HandshakeDone: true,
		OrigISN: uint32(31 * frame), SYNs: 1, SynAcks: 1, SynFrame: frame, SynAckFrame: frame + 1,
		MaxIdle: idle, IdleBeforeEnd: idle, RSTBy: "resp",
		RST:        &flow.RSTInfo{Frame: frame + 40, Time: end, TTL: 61, SenderTTL: 61, SenderPkts: 18},
		FirstFrame: frame, LastFrame: frame + 40,
	}
	if forged {
		f.RST.TTL, f.RST.FingerprintMismatch, f.RST.Why = 255, true, "TTL 255, the broker's packets had 61; no ACK flag, no timestamps"
	}
	return f
}

// javaClient is a Java client log event at client.log:line.
func javaClient(kind analyzer.EventKind, sec float64, line int, text string) analyzer.Event {
	return analyzer.Event{Kind: kind, Time: at(sec), Source: analyzer.Location{Path: "client.log", Line: line},
		Level: "WARN", Program: "java-client", Client: "producer-1", Text: text}
}

// rdkafka is a librdkafka log event at rdkafka.log:line.
func rdkafka(kind analyzer.EventKind, sec float64, line int, text string) analyzer.Event {
	return analyzer.Event{Kind: kind, Time: at(sec), Source: analyzer.Location{Path: "rdkafka.log", Line: line},
		Level: "ERROR", Program: "librdkafka", Client: "rdkafka#producer-1", Text: text}
}

// brokerLine is a broker server.log event.
func brokerLine(kind analyzer.EventKind, sec float64, line int, text string) analyzer.Event {
	return analyzer.Event{Kind: kind, Time: at(sec), Source: analyzer.Location{Path: "broker-1/server.log", Line: line},
		Level: "INFO", Program: "java-broker", Host: "broker-1", Node: "1", Text: text}
}

// journalLine is a journal event from the broker host.
func journalLine(kind analyzer.EventKind, program string, sec float64, line int, text string) analyzer.Event {
	return analyzer.Event{Kind: kind, Time: at(sec), Source: analyzer.Location{Path: "broker-1/journal.txt", Line: line},
		Level: "INFO", Program: program, Host: "broker-1", Unit: "kafka.service", Text: text}
}

// refusedRd is librdkafka's refused connect to broker 1.
func refusedRd(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.ConnectRefused, sec, line, fmt.Sprintf(
		"%%3|%d.%03d|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)",
		at(sec).Unix(), at(sec).Nanosecond()/1e6))
	e.Node, e.Addr, e.Reason, e.State = "1", ap(broker1), "Connection refused", "CONNECT"
	return e
}

// node1 is what the logs teach about broker 1.
var node1 = analyzer.Node{ID: "1", Host: "kafka-1", Addr: ap(broker1), Source: analyzer.Location{Path: "client.log", Line: 40}}

// incident assembles events and flows the way Analyze leaves them: sorted.
func incident(events []analyzer.Event, flows []*flow.Flow, nodes ...analyzer.Node) *analyzer.Incident {
	inc := &analyzer.Incident{Events: events, Flows: flows, Nodes: nodes, Zone: time.UTC}
	sortIncident(inc)
	return inc
}

// sortIncident sorts like analyzer.finish: events by time, flows by start.
func sortIncident(inc *analyzer.Incident) {
	ev := inc.Events
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].Time.Before(ev[j-1].Time); j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
	fl := inc.Flows
	for i := 1; i < len(fl); i++ {
		for j := i; j > 0 && fl[j].Start.Before(fl[j-1].Start); j-- {
			fl[j], fl[j-1] = fl[j-1], fl[j]
		}
	}
}

// want is what a rule test checks of a rule's findings: how many, and of
// the first one its kinds, a confidence range, and words the reader must
// find (in the summary, remediation, evidence, explains or missing).
type want struct {
	N        int
	Kinds    []string
	ConfMin  float64
	ConfMax  float64
	Contains []string
	Missing  bool // Missing must be non-empty
}

func checkRule(t *testing.T, r analyzer.Rule, inc *analyzer.Incident, w want) {
	t.Helper()
	got := r.Evaluate(inc)
	if len(got) != w.N {
		for _, f := range got {
			t.Logf("finding: %s %.2f %s", f.Cause, f.Confidence, f.Summary)
		}
		t.Fatalf("%s: %d findings, want %d", r.Meta().ID, len(got), w.N)
	}
	if w.N == 0 {
		return
	}
	f := got[0]
	if f.Cause != r.Meta().Cause || f.Rule != r.Meta().ID {
		t.Errorf("cause/rule = %s/%s, want %s/%s", f.Cause, f.Rule, r.Meta().Cause, r.Meta().ID)
	}
	if diff := cmp.Diff(w.Kinds, f.Kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if f.Confidence < w.ConfMin || f.Confidence > w.ConfMax {
		t.Errorf("confidence %.2f, want in [%.2f, %.2f]", f.Confidence, w.ConfMin, w.ConfMax)
	}
	if w.Missing != (f.Missing != "") {
		t.Errorf("missing = %q, want set=%v", f.Missing, w.Missing)
	}
	if f.Summary == "" || len(f.Evidence) == 0 || len(f.Remediation) == 0 || len(f.Subjects) == 0 {
		t.Errorf("incomplete finding: summary %q, %d evidence, %d remediation, %d subjects",
			f.Summary, len(f.Evidence), len(f.Remediation), len(f.Subjects))
	}
	text := findingText(f)
	for _, s := range w.Contains {
		if !strings.Contains(text, s) {
			t.Errorf("finding lacks %q:\n%s", s, text)
		}
	}
	for _, e := range f.Evidence {
		if e.Path == "" || (e.Line == 0 && e.Frame == 0) {
			t.Errorf("evidence without a location a person can open: %+v", e)
		}
	}
}

// findingText is every reader-facing text of a finding, one per line.
func findingText(f analyzer.Finding) string {
	parts := []string{f.Summary, f.Missing, f.DisplayFilter}
	parts = append(parts, f.Remediation...)
	parts = append(parts, f.Explains...)
	for _, e := range f.Evidence {
		parts = append(parts, e.Text)
	}
	return strings.Join(parts, "\n")
}

// expiredBatch is the producer's batch-expiry symptom, 12 records of orders-0.
func expiredBatch(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.BatchExpired, sec, line,
		"org.apache.kafka.common.errors.TimeoutException: Expiring 12 record(s) for orders-0:120001 ms has passed since batch creation")
	e.Level, e.Count, e.TopicPartition, e.AgeMs = "ERROR", 12, "orders-0", 120001
	return e
}
