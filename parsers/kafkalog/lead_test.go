package kafkalog

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestLeadHeaders: a record after a lead (lead.go) is read with its spans
// in the whole line; what only looks like one is not.
func TestLeadHeaders(t *testing.T) {
	type result struct {
		Layout   string
		Lead     int
		Indented bool
		Level    string
		Logger   string
		Msg      string
	}
	const tail = "] ERROR [Producer clientId=console-producer] Connection to node -1 (k-0/10.244.1.6:9092) failed authentication due to: x (org.apache.kafka.clients.NetworkClient)"
	const msg = "[Producer clientId=console-producer] Connection to node -1 (k-0/10.244.1.6:9092) failed authentication due to: x"
	const nc = "org.apache.kafka.clients.NetworkClient"
	tests := []struct {
		name string
		in   string
		want *result // nil: no header
	}{
		// Logstash's layout pasted into a forum, one tab before every line
		// (elastic/logstash#18560).
		{"tab, logstash", "\t[2026-01-06T00:00:32,018][ERROR][org.apache.kafka.clients.NetworkClient][pipeline] [Producer clientId=p] x",
			&result{"logstash", 1, true, "ERROR", nc, "[Producer clientId=p] x"}},
		{"markdown code block, log4j", "    [2024-05-02 10:15:08,801" + tail, &result{"log4j", 4, true, "ERROR", nc, msg}},
		{"indented, no logger", "  [2024-05-02 10:15:08,801] INFO ProducerConfig values: ", &result{"log4j", 2, true, "INFO", "", "ProducerConfig values:"}},
		{"indented, time of day", "\t13:57:44.697 [main] INFO  o.a.k.c.consumer.ConsumerConfig - x",
			&result{"java-no-date", 1, true, "INFO", "o.a.k.c.consumer.ConsumerConfig", "x"}},
		{"indented, jul", "\tMar 02, 2024 10:15:02 AM org.apache.kafka.clients.NetworkClient handleServerDisconnect",
			&result{"java.util.logging", 1, true, "", nc, ""}},
		// kafka-console-producer's prompt and the text typed at it
		// (bitnami/charts#24522).
		{"prompt", ">[2024-05-02 10:15:08,801" + tail, &result{"log4j", 1, false, "ERROR", nc, msg}},
		{"prompts", ">>>[2024-05-02 10:15:08,801" + tail, &result{"log4j", 3, false, "ERROR", nc, msg}},
		{"typed", "he[2024-05-02 10:15:09,282" + tail, &result{"log4j", 2, false, "ERROR", nc, msg}},
		{"prompt and typed", ">{\"id\":1}[2024-05-02 10:15:09,282" + tail, &result{"log4j", 9, false, "ERROR", nc, msg}},
		{"quote", "> [2024-05-02 10:15:09,282" + tail, &result{"log4j", 2, false, "ERROR", nc, msg}},

		// Stack traces, config dumps and message lines stay continuations.
		{"frame", "\tat org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:1)", nil},
		{"more", "\t... 5 more", nil},
		{"caused by", "\tCaused by: java.net.ConnectException: Connection refused", nil},
		{"config line", "\tbootstrap.servers = [kafka:9092]", nil},
		{"config line, date value", "\tssl.keystore.certificate.chain = 2024-05-02 10:15:09,282 INFO x (a.B)", nil},
		{"indented date alone", "\t2024-03-05 10:15:02,114", nil},
		{"indented number and level", "    12 INFO something (org.apache.kafka.clients.NetworkClient)", nil},
		{"indented slf4j-simple, no time", "\t[main] INFO org.apache.kafka.clients.NetworkClient - x", nil},
		{"indented level first, no time", "  WARN  [t] [o.a.k.c.NetworkClient.:] x", nil},
		{"indented python", "    2024-03-05 10:15:02,114 - kafka.conn - WARNING - x", nil},
		// After a prompt or typed text a record needs a logger, and the
		// text must hold no blank and no bracket.
		{"typed, no logger", "he[2024-05-02 10:15:09,282] ERROR ProducerConfig values: ", nil},
		{"typed words", "hello world[2024-05-02 10:15:09,282" + tail, nil},
		{"json envelope", `{"log":"[2024-05-02 10:15:09,282` + tail + `\n"}`, nil},
		{"syslog, no space", "kafka[811]:[2024-05-02 10:15:09,282" + tail, nil},
		{"journal", "Apr 28 16:50:56 host kafka-server-start.sh[523358]: [2024-05-02 10:15:09,282" + tail, nil},
		{"prompt, compose", ">app  | [2024-05-02 10:15:09,282" + tail, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h header
			var got *result
			if parseHeader([]byte(tc.in), time.UTC, &h) {
				got = &result{h.layout.String(), h.lead, h.indented, h.level, tc.in[h.loggerStart:h.loggerEnd], tc.in[h.msgStart:h.msgEnd]}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%q (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestIndentedContinuations: the lines after an indented record carry its
// indentation; without it they are read as they were printed (an
// exception line is one, JUL's "LEVEL: msg" line completes its record),
// so a log pasted indented reads as the log it was pasted from.
func TestIndentedContinuations(t *testing.T) {
	for _, tc := range []struct {
		name, log string
		events    int
	}{
		{"log4j, stack trace", "[2024-03-05 10:15:02,114] WARN [Consumer clientId=c-1, groupId=g] Unexpected error from kafka-1/10.0.0.11 (org.apache.kafka.common.network.Selector)\n" +
			"java.net.ConnectException: Connection refused\n" +
			"\tat sun.nio.ch.Net.pollConnect(Native Method)\n" +
			"\tat org.apache.kafka.common.network.Selector.poll(Selector.java:481)\n" +
			"\t... 5 more\n" +
			"[2024-03-05 10:15:03,114] INFO [Consumer clientId=c-1, groupId=g] Node -1 disconnected. (org.apache.kafka.clients.NetworkClient)\n", 2},
		{"jul", "Mar 02, 2024 10:15:02 AM org.apache.kafka.clients.NetworkClient handleServerDisconnect\n" +
			"WARNING: [Consumer clientId=app-1, groupId=grp] Connection to node 1 (kafka-1/10.0.0.11:9092) could not be established. Broker may not be available.\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, _, err := parseAs("paste.log", tc.log)
			if err != nil || len(ref.events) != tc.events {
				t.Fatalf("the log itself: err %v, %d events, want %d", err, len(ref.events), tc.events)
			}
			for _, indent := range []string{"\t", "    "} {
				pasted := indent + strings.ReplaceAll(strings.TrimSuffix(tc.log, "\n"), "\n", "\n"+indent) + "\n"
				rec, st, err := parseAs("paste.log", pasted)
				if err != nil || st.Unparsed != 0 || len(st.Problems) != 0 {
					t.Fatalf("%q: err %v, %d unparsed, problems %q", indent, err, st.Unparsed, st.Problems)
				}
				opts := []cmp.Option{cmpopts.IgnoreFields(analyzer.Event{}, "Text"), cmpopts.EquateComparable(netip.AddrPort{}, netip.Addr{})}
				if diff := cmp.Diff(ref.events, rec.events, opts...); diff != "" {
					t.Errorf("%q: the pasted log reads otherwise (-log +pasted):\n%s", indent, diff)
				}
			}
		})
	}
}

// TestLedLinesCount: a line holding a record after text the header reader
// does not take is counted unparsed, not folded silently into the record
// before it.
func TestLedLinesCount(t *testing.T) {
	const rec2 = "[2024-05-02 10:15:08,803] WARN [Producer clientId=console-producer] Bootstrap broker k:9092 (id: -1 rack: null) disconnected (org.apache.kafka.clients.NetworkClient)\n"
	for _, tc := range []struct {
		name, line string
		unparsed   int
	}{
		{"typed words", "hello world[2024-05-02 10:15:09,282] ERROR [Producer clientId=console-producer] x (org.apache.kafka.clients.NetworkClient)", 1},
		{"typed, no logger", "he[2024-05-02 10:15:09,282] ERROR ProducerConfig values: ", 1},
		{"indented, no layout", "\t[2024-05-02 10:15:09,282] [a] [b] ERROR x", 1},
		{"message text", "see [2024-05-02] for the ERROR counts", 0},
		{"frame", "\tat org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:1)", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, st, err := parseAs("console.log", rec2+tc.line+"\n")
			if err != nil || st.Unparsed != tc.unparsed {
				t.Errorf("err %v, %d unparsed, want %d", err, st.Unparsed, tc.unparsed)
			}
		})
	}
}
