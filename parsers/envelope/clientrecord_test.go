package envelope

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// clientFields is what a ClientRecordDecoder is handed.
type clientFields struct {
	Level, Logger, Msg, Namespace, Broker, ClientID string
}

// clientTaker takes records of one logger as a ClientRecordDecoder;
// recordTaker takes every record, as kafkalog's RecordDecoder does.
type clientTaker struct {
	logger string
	got    []clientFields
	lines  []string
}

func (c *clientTaker) ClientRecord(_ analyzer.Location, _ time.Time, _ string, r *ClientRecord) bool {
	if string(r.Logger) != c.logger {
		return false
	}
	c.got = append(c.got, clientFields{r.Level, string(r.Logger), string(r.Msg), string(r.Namespace), string(r.Broker), string(r.ClientID)})
	return true
}
func (c *clientTaker) Line(_ analyzer.Location, _ time.Time, _ string, msg []byte) bool {
	c.lines = append(c.lines, string(msg))
	return false
}
func (c *clientTaker) Flush() {}

type recordTaker struct{ msgs []string }

func (r *recordTaker) Record(_ analyzer.Location, _ time.Time, _, _ string, _, msg []byte) bool {
	r.msgs = append(r.msgs, string(msg))
	return true
}
func (r *recordTaker) Line(analyzer.Location, time.Time, string, []byte) bool { return false }
func (r *recordTaker) Flush()                                                 {}

// TestClientRecordRouting: a record whose logger a ClientRecordDecoder
// takes reaches it with the client's own fields (top level, as KafkaJS's
// default and pino loggers print them, or under winston's "extra"),
// before the RecordDecoder listed ahead of it; other records still go to
// the RecordDecoder. The stack follows to the decoder that took the record.
func TestClientRecordRouting(t *testing.T) {
	lines := []string{
		`{"level":"ERROR","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"[Connection] Connection timeout","broker":"b-1:9092","clientId":"web","stack":"Error: x\n    at y"}`,
		`{"level":50,"time":1795453921052,"namespace":"Connection","logger":"kafkajs","broker":"127.0.0.1:9092","clientId":"capture-app","msg":"Connection error: read ECONNRESET"}`,
		`{"extra":{"broker":"k:9092","clientId":"a","logger":"kafkajs","timestamp":"2026-11-23T17:12:00.575Z"},"level":"error","message":"Connection timeout"}`,
		`{"@timestamp":"2026-11-23T17:11:59.924Z","level":"WARN","logger_name":"org.apache.kafka.clients.NetworkClient","message":"java"}`,
	}
	ct := &clientTaker{logger: "kafkajs"}
	rt := &recordTaker{}
	ds := &decoders{list: []Embedded{rt, ct}, last: -1}
	r := &router{zone: time.UTC}
	for i, l := range lines {
		r.text(ds, analyzer.Location{Path: "a", Line: i + 1}, time.Time{}, "", []byte(l))
	}
	want := []clientFields{
		{Level: "ERROR", Logger: "kafkajs", Msg: "[Connection] Connection timeout", Broker: "b-1:9092", ClientID: "web"},
		{Level: "ERROR", Logger: "kafkajs", Msg: "Connection error: read ECONNRESET", Namespace: "Connection", Broker: "127.0.0.1:9092", ClientID: "capture-app"},
		{Level: "ERROR", Logger: "kafkajs", Msg: "Connection timeout", Broker: "k:9092", ClientID: "a"},
	}
	if diff := cmp.Diff(want, ct.got); diff != "" {
		t.Errorf("client records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"java"}, rt.msgs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Error: x", "    at y"}, ct.lines); diff != "" {
		t.Errorf("stack lines (-want +got):\n%s", diff)
	}
}

// TestClientFieldsRead: readObject keeps a client's own fields, at the top
// or under winston's "extra", and KafkaJS's time from "extra.timestamp"
// when the record has no time of its own (the documented logCreator with
// winston's default format).
func TestClientFieldsRead(t *testing.T) {
	var f flattener
	var r jsonRecord
	line := `{"extra":{"broker":"k:9092","clientId":"a","logger":"kafkajs","namespace":"Connection","timestamp":"2026-11-23T17:12:00.575Z"},"level":"error","message":"Connection timeout"}`
	if !r.readObject(&f, []byte(line), time.UTC) {
		t.Fatal("not read")
	}
	got := []string{r.time.Format(time.RFC3339Nano), string(r.logger), string(r.namespace), string(r.broker), string(r.clientID), string(r.msg)}
	want := []string{"2026-11-23T17:12:00.575Z", "kafkajs", "Connection", "k:9092", "a", "Connection timeout"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

// TestErrorFieldJoinsMessage: a reason given in its own field (slog's
// "err", zap's and logrus's "error") reaches the decoders after the
// message, as a printed line carries it; a message that already holds it
// is not doubled.
func TestErrorFieldJoinsMessage(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"time":"2026-11-23T17:13:34.441Z","level":"WARN","msg":"unable to open connection to broker","addr":"127.0.0.1:19092","err":"dial tcp 127.0.0.1:19092: connect: connection refused","logger":"kgo"}`,
			"unable to open connection to broker: dial tcp 127.0.0.1:19092: connect: connection refused"},
		{`{"level":"error","ts":1795453921.05,"logger":"consumer","msg":"fetch failed","error":"read tcp 10.0.0.2:51234->10.0.0.3:9092: read: connection reset by peer"}`,
			"fetch failed: read tcp 10.0.0.2:51234->10.0.0.3:9092: read: connection reset by peer"},
		{`{"level":"error","logger":"consumer","msg":"fetch failed: EOF","error":"EOF"}`, "fetch failed: EOF"},
		{`{"level":"info","logger":"consumer","msg":"started"}`, "started"},
	}
	for _, tc := range tests {
		rt := &recordTaker{}
		ds := &decoders{list: []Embedded{rt}, last: -1}
		r := &router{zone: time.UTC}
		r.text(ds, analyzer.Location{Path: "a", Line: 1}, time.Time{}, "", []byte(tc.line))
		if diff := cmp.Diff([]string{tc.want}, rt.msgs); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tc.line, diff)
		}
	}
}
