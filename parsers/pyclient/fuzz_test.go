package pyclient

import (
	"bytes"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
)

// FuzzLine feeds arbitrary lines, one after another, to one decoder: it
// must not panic, and what it emits must be bounded and the client's.
func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"ERROR:kafka.conn:Connect attempt to " + connBoot + " returned error 111. Disconnecting.",
		"2023-04-05 10:11:12,345 WARNING kafka.conn DNS lookup failed for k:9092, exception was [Errno -2] x. Is your",
		"2023-04-05T10:11:12.345+02:00 ERROR aiokafka [Errno 104] reset ('::1', 9092, 0, 0)",
		"Traceback (most recent call last):\n  File \"/x/kafka/conn.py\", line 1\nssl.SSLError: [SSL: X] why (_ssl.c:1)",
		"INFO:kafka.conn:" + connOne + ": Closing connection. KafkaConnectionError: [Errno 32] Broken pipe",
		"INFO:kafka.client:Closing idle connection 2, last active 540003 ms ago",
		"[2023-04-05 10:11:12,345] INFO [kafka.conn] <BrokerConnection node_id=bootstrap-99999999 host=:",
		"ERROR    kafka.conn:conn.py:798 <BrokerConnection client_id=r, node_id=bootstrap-0 host=h:9092 <authenticating> [IPv4 ('10.0.0.1', 9092)]>: SaslAuthenticate error: X (y)",
		"WARNING  kafka.sasl.scram:scram.py:31 msg\nERROR    kafka.conn:c.py:1 <BrokerConnection node_id=1 host=h:1>: DNS lookup failed for h:1 (0)",
		"Unable connect to node with id 1: Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 9092), [Errno 99] x\nTraceback (most recent call last):\nkafka.errors.ConnectionError: x",
		"[2018-06-19 10:18:54,654: ERROR]: Unable connect to node with id 102: [Errno 61] Connect call failed ('::1', 9092, 0, 0)",
		"2023-04-05 10:11:12,345 WARNING Unable connect to \"k:9093\": [SSL: X] why (_ssl.c:1)\nUnable connect to \"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &recorder{}
		d := NewLineDecoder(&analyzer.Source{Path: "f.log", Zone: time.UTC}, rec)
		for i, l := range bytes.Split(b, []byte{'\n'}) {
			d.Line(analyzer.Location{Path: "f.log", Line: i + 1}, time.Time{}, "", l)
		}
		d.Flush()
		if d.Events != len(rec.Events) {
			t.Fatalf("Events %d, sink got %d", d.Events, len(rec.Events))
		}
		for _, e := range rec.Events {
			if e.Program != Program || e.Kind == "" || len(e.Text) > analyzer.MaxTextLen {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

// FuzzParse runs the file parser over arbitrary input, seeded with the
// real captures.
func FuzzParse(f *testing.F) {
	sinktest.FuzzParse(f, New(), Program, "testdata/*.log", "testdata/realworld/*.log")
}
