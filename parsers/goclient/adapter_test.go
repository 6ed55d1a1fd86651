package goclient

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestReadEqTrailer: franz-go's message and keyvals as an application's
// adapter of its Logger prints them, "msg k=v k=v", and messages whose
// words only look like pairs.
func TestReadEqTrailer(t *testing.T) {
	type got struct{ Msg, Addr, Broker, Err string }
	tests := []struct {
		msg  string
		want got
	}{
		{"unable to open connection to broker addr=192.168.178.82:9093 broker=2 err=dial tcp 192.168.178.82:9093: i/o timeout",
			got{"unable to open connection to broker", "192.168.178.82:9093", "2", "dial tcp 192.168.178.82:9093: i/o timeout"}},
		{`unable to open connection to broker addr=kafka:9092 broker=seed_0 err="dial tcp: lookup kafka on 127.0.0.11:53: no such host"`,
			got{"unable to open connection to broker", "kafka:9092", "seed_0", "dial tcp: lookup kafka on 127.0.0.11:53: no such host"}},
		// franz-go before 1.0 named the broker "id".
		{"unable to open connection to broker addr=10.0.0.5:9092 id=1 err=dial tcp 10.0.0.5:9092: connect: connection refused",
			got{"unable to open connection to broker", "10.0.0.5:9092", "1", "dial tcp 10.0.0.5:9092: connect: connection refused"}},
		// The retry line carries the dial error as request_error.
		{"retrying request backoff=247.540545ms request_error=unable to dial: dial tcp 192.168.178.82:9093: i/o timeout response_error=<nil> tries=1",
			got{"retrying request", "", "", "unable to dial: dial tcp 192.168.178.82:9093: i/o timeout"}},
		// Near misses: no address, broker or error among the pairs, a key
		// without a value, an upper-case word.
		{"beginning transaction transactional_id=developer-1-7818", got{Msg: "beginning transaction transactional_id=developer-1-7818"}},
		{"set retention.ms=604800000 on topic orders", got{Msg: "set retention.ms=604800000 on topic orders"}},
		{"dial failed err= timeout", got{Msg: "dial failed err= timeout"}},
		{"dial failed ERR=timeout", got{Msg: "dial failed ERR=timeout"}},
		{"a=b", got{Msg: "a=b"}},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			h := header{msg: []byte(tt.msg)}
			h.readKeyVals()
			g := got{string(h.msg), string(h.addr), string(h.broker), string(h.err)}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestAdapterTimeOfDay: an adapter of franz-go's Logger printing the time
// of day in brackets, a padded level and its logger's name
// (twmb/franz-go#239). The times are on the placeholder day, a midnight
// crossed moves them a day on, and the retry line repeating the dial error
// at the same instant is no second attempt.
func TestAdapterTimeOfDay(t *testing.T) {
	const refused = "dial tcp 192.168.178.82:9093: connect: connection refused"
	checkTextCases(t, []textCase{{
		name: "franz-go#239",
		text: "[15:46:17.808] DEBUG server: Produce message to topic='test-topic' with key='bla-bla-bla'\n" +
			"[15:46:17.808] DEBUG kafka-client: opening connection to broker addr=192.168.178.82:9093 broker=2\n" +
			"[15:46:27.812]  WARN kafka-client: unable to open connection to broker addr=192.168.178.82:9093 broker=2 err=dial tcp 192.168.178.82:9093: i/o timeout\n" +
			"[15:46:27.812] DEBUG kafka-client: retrying request backoff=247.540545ms request_error=unable to dial: dial tcp 192.168.178.82:9093: i/o timeout response_error=<nil> tries=1\n",
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2000-01-01T15:46:27.812Z", Level: "WARN", Program: "franz-go",
			Node: "2", NodeHost: "192.168.178.82", Addr: "192.168.178.82:9093", Reason: "i/o timeout", Line: 3}},
	}, {
		name: "midnight",
		text: "[23:59:59.990]  WARN kafka: unable to open connection to broker addr=192.168.178.82:9093 broker=2 err=" + refused + "\n" +
			"[00:00:00.250]  WARN kafka: unable to open connection to broker addr=192.168.178.82:9093 broker=2 err=" + refused + "\n",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2000-01-01T23:59:59.990Z", Level: "WARN", Program: "franz-go",
			Node: "2", NodeHost: "192.168.178.82", Addr: "192.168.178.82:9093", Reason: "connection refused", Line: 1},
			{Kind: analyzer.ConnectRefused, Time: "2000-01-02T00:00:00.250Z", Level: "WARN", Program: "franz-go",
				Node: "2", NodeHost: "192.168.178.82", Addr: "192.168.178.82:9093", Reason: "connection refused", Line: 2}},
	}}, true)

	// Near misses: the application's own lines in the same layout, an
	// hour that is none, a sentence before the message.
	for _, text := range []string{
		"[15:46:17.808] DEBUG server: Produce message to topic='test-topic' with key='bla-bla-bla'\n",
		"[15:46:17.808]  WARN db: dial tcp 10.0.0.5:5432: connect: connection refused\n",
		"[25:46:17.808]  WARN kafka-client: unable to open connection to broker addr=10.0.0.5:9092 broker=2 err=dial tcp 10.0.0.5:9092: i/o timeout\n",
		"[15:46:17.808]  WARN the kafka client said: unable to open connection to broker addr=10.0.0.5:9092 broker=2 err=dial tcp 10.0.0.5:9092: i/o timeout\n",
	} {
		if New().Sniff([]byte(text)) {
			t.Errorf("sniffs %q", text)
		}
	}
}

// TestNoDateEvents: a time of day alone marks the event NoDate, so Analyze
// dates it; a record's own time (a journal's, a container runtime's) wins.
func TestNoDateEvents(t *testing.T) {
	line := []byte("[15:46:27.812]  WARN kafka-client: unable to open connection to broker addr=10.0.0.5:9092 broker=2 err=dial tcp 10.0.0.5:9092: i/o timeout")
	var rec recorder
	d := NewLineDecoder(&analyzer.Source{Path: "x"}, &rec)
	d.Line(analyzer.Location{Path: "x", Line: 1}, time.Time{}, "", line)
	ts := time.Date(2022, 12, 2, 15, 46, 27, 900e6, time.UTC)
	d.Line(analyzer.Location{Path: "x", Line: 2}, ts, "", line)
	if len(rec.Events) != 2 {
		t.Fatalf("%d events, want 2", len(rec.Events))
	}
	if e := rec.Events[0]; !e.NoDate || e.Time.Year() != analyzer.NoDateYear {
		t.Errorf("time of day alone: NoDate %v at %v", e.NoDate, e.Time)
	}
	if e := rec.Events[1]; e.NoDate || !e.Time.Equal(ts) {
		t.Errorf("in a record: NoDate %v at %v, want %v", e.NoDate, e.Time, ts)
	}
}
