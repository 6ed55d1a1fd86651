package goclient

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestKinds reads one line per failure and layout and checks the event it
// gives. Lines marked captured are the libraries' own output
// (testdata/captured); the others follow the same templates of their
// sources (sarama broker.go/errors.go, franz-go broker.go, kerr) for
// failures the capture could not stage (SASL, certificates, EOF).
func TestKinds(t *testing.T) {
	tests := []struct {
		name, line string
		want       []brief
	}{{
		name: "sarama refused (captured)",
		line: "[sarama] 2026/11/23 17:12:54 Failed to connect to broker 127.0.0.1:19092: dial tcp 127.0.0.1:19092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:12:54.000Z", Program: "sarama",
			NodeHost: "127.0.0.1", Addr: "127.0.0.1:19092", Reason: "connection refused", Line: 1}},
	}, {
		name: "sarama Lmsgprefix refused",
		line: "2023/04/05 10:11:12 [sarama] Failed to connect to broker localhost:9092: dial tcp 127.0.0.1:9092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2023-04-05T10:11:12.000Z", Program: "sarama",
			NodeHost: "localhost", Addr: "127.0.0.1:9092", Reason: "connection refused", Line: 1}},
	}, {
		name: "sarama dns (captured)",
		line: "[sarama] 2026/11/23 17:12:42 Failed to connect to broker kafka.invalid:9092: dial tcp: lookup kafka.invalid on 10.255.255.53:53: no such host",
		want: []brief{{Kind: analyzer.ResolveFailed, Time: "2026-11-23T17:12:42.000Z", Program: "sarama",
			NodeHost: "kafka.invalid", Reason: "no such host", Line: 1}},
	}, {
		name: "sarama timeout (captured)",
		line: "[sarama] 2026/11/23 17:12:57 Failed to connect to broker 198.18.0.2:9092: dial tcp 198.18.0.2:9092: i/o timeout",
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:12:57.000Z", Program: "sarama",
			NodeHost: "198.18.0.2", Addr: "198.18.0.2:9092", Reason: "i/o timeout", Line: 1}},
	}, {
		name: "sarama no route (captured)",
		line: "[sarama] 2026/11/23 17:13:03 Failed to connect to broker 198.18.0.3:9092: dial tcp 198.18.0.3:9092: connect: no route to host",
		want: []brief{{Kind: analyzer.ConnectNoRoute, Time: "2026-11-23T17:13:03.000Z", Program: "sarama",
			NodeHost: "198.18.0.3", Addr: "198.18.0.3:9092", Reason: "no route to host", Line: 1}},
	}, {
		name: "sarama reset (captured)",
		line: "[sarama] 2026/11/23 17:12:55 Failed to read ApiVersionsResponse V3 header from 127.0.0.1:19181: read tcp 127.0.0.1:36584->127.0.0.1:19181: read: connection reset by peer",
		want: []brief{{Kind: analyzer.ConnectionReset, Time: "2026-11-23T17:12:55.000Z", Program: "sarama",
			NodeHost: "127.0.0.1", Addr: "127.0.0.1:19181", Reason: "connection reset by peer", Line: 1}},
	}, {
		name: "sarama tls (captured)",
		line: "[sarama] 2026/11/23 17:12:55 Failed to send ApiVersionsRequest V3 to 127.0.0.1:19180: tls: first record does not look like a TLS handshake",
		want: []brief{{Kind: analyzer.SecurityProtocolHint, Time: "2026-11-23T17:12:55.000Z", Program: "sarama",
			NodeHost: "127.0.0.1", Addr: "127.0.0.1:19180", Reason: "PLAINTEXT listener?", Line: 1}},
	}, {
		name: "sarama certificate",
		line: "[sarama] 2024/02/01 08:00:01 Failed to send ApiVersionsRequest V3 to kafka-1.example.com:9093: tls: failed to verify certificate: x509: certificate signed by unknown authority",
		want: []brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2024-02-01T08:00:01.000Z", Program: "sarama",
			NodeHost: "kafka-1.example.com", Reason: "tls: failed to verify certificate: x509: certificate signed by unknown authority", Line: 1}},
	}, {
		name: "sarama sasl",
		line: "[sarama] 2024/02/01 08:00:01 Error while performing SASL Auth kafka-1.example.com:9094: kafka server: SASL Authentication failed",
		want: []brief{{Kind: analyzer.SASLAuthFailed, Time: "2024-02-01T08:00:01.000Z", Program: "sarama",
			NodeHost: "kafka-1.example.com", Reason: "kafka server: SASL Authentication failed", Line: 1}},
	}, {
		name: "sarama EOF",
		line: "[sarama] 2024/02/01 08:00:01 Failed to read ApiVersionsResponse V3 header from 10.0.4.33:9092: EOF",
		want: []brief{{Kind: analyzer.Disconnected, Time: "2024-02-01T08:00:01.000Z", Program: "sarama",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "EOF", Line: 1}},
	}, {
		// Alone, the give-up is the only report of the attempt it wraps.
		name: "sarama out of brokers (captured)",
		line: "2026/11/23 17:12:55 kafka: client has run out of available brokers to talk to: dial tcp 127.0.0.1:19092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:12:55.000Z", Program: "sarama",
			Addr: "127.0.0.1:19092", Reason: "connection refused", Line: 1}},
	}, {
		name: "sarama echo alone",
		line: "[sarama] 2026/11/23 17:12:54 client/metadata got error from broker -1 while fetching metadata: dial tcp 127.0.0.1:19092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:12:54.000Z", Program: "sarama",
			Node: "-1", Addr: "127.0.0.1:19092", Reason: "connection refused", Line: 1}},
	}, {
		name: "sarama request timeout",
		line: "[sarama] 2024/02/01 08:00:01 client/coordinator request to broker 10.0.4.33:9092 failed: read tcp 10.0.1.5:50122->10.0.4.33:9092: i/o timeout",
		want: []brief{{Kind: analyzer.RequestTimeout, Time: "2024-02-01T08:00:01.000Z", Program: "sarama",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "i/o timeout", Line: 1}},
	}, {
		name: "kafka-go dns (captured)",
		line: "2026/11/23 17:13:03 failed to dial leader: failed to dial: failed to open connection to kafka.invalid:9092: dial tcp: lookup kafka.invalid on 10.255.255.53:53: no such host",
		want: []brief{{Kind: analyzer.ResolveFailed, Time: "2026-11-23T17:13:03.000Z", Program: "kafka-go",
			NodeHost: "kafka.invalid", Reason: "no such host", Line: 1}},
	}, {
		name: "kafka-go timeout (captured)",
		line: "2026/11/23 17:13:07 failed to dial leader: failed to dial: failed to open connection to 198.18.0.2:9092: dial tcp 198.18.0.2:9092: i/o timeout",
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:13:07.000Z", Program: "kafka-go",
			NodeHost: "198.18.0.2", Addr: "198.18.0.2:9092", Reason: "i/o timeout", Line: 1}},
	}, {
		name: "kafka-go reader reset (captured)",
		line: "2026/11/23 17:25:09 error initializing the kafka reader for partition 0 of orders: read tcp 127.0.0.1:45184->127.0.0.1:19181: read: connection reset by peer",
		want: []brief{{Kind: analyzer.ConnectionReset, Time: "2026-11-23T17:25:09.000Z", Program: "kafka-go",
			Reason: "connection reset by peer", Line: 1}},
	}, {
		name: "kafka-go reader chatter (captured)",
		line: "2026/11/23 17:25:07 initializing kafka reader for partition 0 of orders starting at offset first offset",
	}, {
		name: "franz bracket refused (captured)",
		line: "[2026-11-23 17:13:10.536] [WARN] unable to open connection to broker; addr: 127.0.0.1:19092, broker: seed_0, err: dial tcp 127.0.0.1:19092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:13:10.536Z", Level: "WARN", Program: "franz-go",
			Node: "-1", NodeHost: "127.0.0.1", Addr: "127.0.0.1:19092", Reason: "connection refused", Line: 1}},
	}, {
		name: "franz bare tls (captured)",
		line: "[WARN] unable to open connection to broker; addr: 127.0.0.1:19180, broker: seed_0, err: tls: first record does not look like a TLS handshake",
		want: []brief{{Kind: analyzer.SecurityProtocolHint, Level: "WARN", Program: "franz-go",
			Node: "-1", NodeHost: "127.0.0.1", Addr: "127.0.0.1:19180", Reason: "PLAINTEXT listener?", Line: 1}},
	}, {
		name: "franz immediate EOF",
		line: "[WARN] unable to open connection to broker due to an immediate EOF, which often means the client is using TLS when the broker is not expecting it (is TLS misconfigured?); addr: 10.0.4.33:9092, broker: 2, err: EOF",
		want: []brief{{Kind: analyzer.SecurityProtocolHint, Level: "WARN", Program: "franz-go", Node: "2",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "PLAINTEXT listener?", Line: 1}},
	}, {
		name: "kafka-go tls (captured)",
		line: "2026/11/23 17:13:03 failed to dial leader: failed to dial: tls: first record does not look like a TLS handshake",
		want: []brief{{Kind: analyzer.SecurityProtocolHint, Time: "2026-11-23T17:13:03.000Z", Program: "kafka-go",
			Reason: "PLAINTEXT listener?", Line: 1}},
	}, {
		name: "franz slog timeout (captured)",
		line: `time=2026-11-23T17:13:28.674Z level=WARN msg="unable to open connection to broker" addr=198.18.0.2:9092 broker=seed_0 err="dial tcp 198.18.0.2:9092: i/o timeout"`,
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:13:28.674Z", Level: "WARN", Program: "franz-go",
			Node: "-1", NodeHost: "198.18.0.2", Addr: "198.18.0.2:9092", Reason: "i/o timeout", Line: 1}},
	}, {
		name: "franz slog dns in +02:00",
		line: `time=2026-11-23T19:13:26.359+02:00 level=WARN msg="unable to open connection to broker" addr=kafka.invalid:9092 broker=3 err="dial tcp: lookup kafka.invalid on 10.255.255.53:53: no such host"`,
		want: []brief{{Kind: analyzer.ResolveFailed, Time: "2026-11-23T17:13:26.359Z", Level: "WARN", Program: "franz-go",
			Node: "3", NodeHost: "kafka.invalid", Reason: "no such host", Line: 1}},
	}, {
		name: "franz sasl",
		line: "[ERROR] unable to initialize sasl; broker: 1, err: SASL_AUTHENTICATION_FAILED: SASL Authentication failed.",
		want: []brief{{Kind: analyzer.SASLAuthFailed, Level: "ERROR", Program: "franz-go", Node: "1",
			Reason: "SASL_AUTHENTICATION_FAILED: SASL Authentication failed.", Line: 1}},
	}, {
		name: "franz read EOF",
		line: "[WARN] read from broker errored, killing connection after 0 successful responses (is SASL missing?); req: Metadata, addr: 10.0.4.33:9092, broker: 2, err: EOF",
		want: []brief{{Kind: analyzer.Disconnected, Level: "WARN", Program: "franz-go", Node: "2",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "EOF", Line: 1}},
	}, {
		name: "franz without err field (a JSON record's message)",
		line: "unable to open connection to broker",
		want: []brief{{Kind: analyzer.ConnectFailed, Program: "franz-go", Line: 1}},
	}, {
		name: "zap console with an ISO time",
		line: "2024-02-01T08:00:01.123+0100\tERROR\tproducer/main.go:41\tkafka: client has run out of available brokers to talk to",
		want: []brief{{Kind: analyzer.NodeDisconnected, Time: "2024-02-01T07:00:01.123Z", Level: "ERROR", Program: "sarama",
			Reason: "client has run out of available brokers", Line: 1}},
	}, {
		name: "logrus text",
		line: `time="2024-02-01T08:00:01Z" level=error msg="producer failed" error="kafka: client has run out of available brokers to talk to"`,
		want: []brief{{Kind: analyzer.NodeDisconnected, Time: "2024-02-01T08:00:01.000Z", Level: "ERROR", Program: "sarama",
			Reason: "client has run out of available brokers", Line: 1}},
	}, {
		name: "sarama through logrus",
		line: `time="2024-02-01T08:00:01+01:00" level=info msg="Failed to read ApiVersionsResponse V3 header from 10.0.4.33:9092: EOF\n"`,
		want: []brief{{Kind: analyzer.Disconnected, Time: "2024-02-01T07:00:01.000Z", Level: "INFO", Program: "sarama",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "EOF", Line: 1}},
	}, {
		name: "sarama prefix without a space (IBM/sarama#858)",
		line: "[sarama]2017/03/31 08:48:18 Failed to connect to broker datapipeline-perf-01-us-east-1-kafka-03.sse.com:9093: tls: first record does not look like a TLS handshake",
		want: []brief{{Kind: analyzer.SecurityProtocolHint, Time: "2017-03-31T08:48:18.000Z", Program: "sarama",
			NodeHost: "datapipeline-perf-01-us-east-1-kafka-03.sse.com", Reason: "PLAINTEXT listener?", Line: 1}},
	}, {
		name: "custom prefix and Lshortfile, no broker id (IBM/sarama#824)",
		line: "SARAMA: 2017/02/07 12:15:09 client.go:620: client/metadata got error from broker while fetching metadata: read tcp 10.1.15.9:60375->10.10.8.125:9092: i/o timeout",
		want: []brief{{Kind: analyzer.RequestTimeout, Time: "2017-02-07T12:15:09.000Z", Program: "sarama", Reason: "i/o timeout", Line: 1}},
	}, {
		name: "sarama's old [Sarama] prefix",
		line: "[Sarama] 2020/08/11 11:35:56 Failed to connect to broker localhost:9092: dial tcp [::1]:9092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2020-08-11T11:35:56.000Z", Program: "sarama",
			NodeHost: "localhost", Addr: "[::1]:9092", Reason: "connection refused", Line: 1}},
	}, {
		name: "Lmsgprefix after Lmicroseconds and Llongfile",
		line: "2023/04/05 10:11:12.123456 /go/pkg/mod/github.com/!shopify/sarama@v1.27.2/broker.go:212: [sarama] Failed to connect to broker kafka-1:9092: dial tcp 10.0.4.33:9092: connect: no route to host",
		want: []brief{{Kind: analyzer.ConnectNoRoute, Time: "2023-04-05T10:11:12.123Z", Program: "sarama",
			NodeHost: "kafka-1", Addr: "10.0.4.33:9092", Reason: "no route to host", Line: 1}},
	}, {
		name: "log.Ldate alone: read undated",
		line: "[sarama] 2023/04/05 Failed to connect to broker 10.0.4.33:9092: dial tcp 10.0.4.33:9092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Program: "sarama",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "connection refused", Line: 1}},
	}, {
		name: "an application's own prefix before kafka-go's dial error",
		line: "orders-svc 2023/04/05 10:11:12 failed to dial: failed to open connection to 10.0.4.33:9092: dial tcp 10.0.4.33:9092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2023-04-05T10:11:12.000Z", Program: "kafka-go",
			NodeHost: "10.0.4.33", Addr: "10.0.4.33:9092", Reason: "connection refused", Line: 1}},
	}, {
		name: "Fabric 1.1: sarama's tag after the message, the name lookup timed out",
		line: "2018/03/05 10:40:03.970046 broker.go:96: Failed to connect to broker 54aa5a50fc15:9092: dial tcp: i/o timeout [sarama] ",
		want: []brief{{Kind: analyzer.ResolveFailed, Time: "2018-03-05T10:40:03.970Z", Program: "sarama",
			NodeHost: "54aa5a50fc15", Reason: "name lookup timed out", Line: 1}},
	}, {
		name: "sarama under a docker compose prefix",
		line: "orders_1  | [sarama] 2023/04/05 10:11:12 Failed to connect to broker kafka:9092: dial tcp 172.18.0.4:9092: connect: connection refused",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2023-04-05T10:11:12.000Z", Program: "sarama",
			NodeHost: "kafka", Addr: "172.18.0.4:9092", Reason: "connection refused", Line: 1}},
	}, {
		name: "debug chatter is no event",
		line: "[sarama] 2026/11/23 17:12:54 client/metadata fetching metadata for all topics from broker 127.0.0.1:19092",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := parseText(t, tt.line+"\n", time.UTC)
			if diff := cmp.Diff(tt.want, briefsOf(rec)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNodes: lines giving a broker id with its address teach the node,
// once.
func TestNodes(t *testing.T) {
	text := "[sarama] 2024/02/01 08:00:01 Connected to broker at 10.0.4.33:9092 (registered as #3)\n" +
		"[sarama] 2024/02/01 08:00:02 Connected to broker at 10.0.4.33:9092 (registered as #3)\n" +
		"[sarama] 2024/02/01 08:00:02 Connected to broker at kafka-1:9092 (unregistered)\n" +
		"[WARN] read from broker errored, killing connection after 0 successful responses (is SASL missing?); req: Metadata, addr: kafka-2.example.com:9092, broker: 2, err: EOF\n"
	rec, _ := parseText(t, text, time.UTC)
	var got []string
	for _, n := range rec.Nodes {
		got = append(got, n.ID+" "+n.Host+" "+n.Addr.String()+" "+itoa(n.Source.Line))
	}
	want := []string{"3 10.0.4.33 10.0.4.33:9092 1", "2 kafka-2.example.com invalid AddrPort 4"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestEchoes: one failure logged by the client and passed on by the
// application is one event, and so is one give-up; the same error or
// give-up a second later is another.
func TestEchoes(t *testing.T) {
	text := "[sarama] 2026/11/23 17:12:54 Failed to connect to broker 127.0.0.1:19092: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
		"[sarama] 2026/11/23 17:12:54 client/metadata got error from broker -1 while fetching metadata: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
		"2026/11/23 17:12:54 producer: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
		"2026/11/23 17:12:55 producer: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
		"[sarama] 2026/11/23 17:12:56 Failed to connect to broker 127.0.0.1:19092: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
		"2026/11/23 17:12:56 kafka: client has run out of available brokers to talk to: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
		"2026/11/23 17:12:56 producer: kafka: client has run out of available brokers to talk to\n" +
		"2026/11/23 17:12:58 kafka: client has run out of available brokers to talk to: dial tcp 127.0.0.1:19092: connect: connection refused\n"
	rec, _ := parseText(t, text, time.UTC)
	var lines []int
	for _, e := range rec.Events {
		lines = append(lines, e.Source.Line)
	}
	if diff := cmp.Diff([]int{1, 4, 5, 6, 8}, lines); diff != "" {
		t.Errorf("event lines (-want +got):\n%s", diff)
	}
}

// TestComposeDial: a docker compose service's bare dial error to a Kafka
// client port counts even where no line named a client (a decoder inside
// a journal or envelope), and the service names the host; the same error
// to another port, or without the compose prefix, does not.
func TestComposeDial(t *testing.T) {
	tests := []struct {
		line string
		want []string // kind host addr
	}{
		{"producer-random_1    | dial tcp 172.18.0.4:9092: connect: connection refused",
			[]string{"connect-refused producer-random_1 172.18.0.4:9092"}},
		{"app-1  | 2024/02/01 08:00:01 write: dial tcp 10.0.0.7:29092: i/o timeout",
			[]string{"connect-timeout app-1 10.0.0.7:29092"}},
		{"app-1  | dial tcp [fd00::7]:19092: connect: no route to host",
			[]string{"connect-no-route app-1 [fd00::7]:19092"}},
		{"api_1  | 2024/02/01 08:00:01 dial tcp 172.18.0.3:5432: connect: connection refused", nil},
		{"web-1  | dial tcp 172.18.0.9:80: connect: connection refused", nil},
		{"prometheus-1  | dial tcp 172.18.0.5:9093: connect: connection refused", nil},
		{"dial tcp 172.18.0.4:9092: connect: connection refused", nil},
		{"app-1  | dial tcp: lookup kafka on 127.0.0.11:53: no such host", nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var rec recorder
			d := NewLineDecoder(&analyzer.Source{Path: "x.log", Zone: time.UTC}, &rec)
			d.Line(analyzer.Location{Path: "x.log", Line: 1}, time.Time{}, "", []byte(tt.line))
			var got []string
			for _, e := range rec.Events {
				got = append(got, string(e.Kind)+" "+e.Host+" "+e.Addr.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if sniffed := New().Sniff([]byte(tt.line + "\n")); sniffed != (tt.want != nil) {
				t.Errorf("sniff %v, want %v", sniffed, tt.want != nil)
			}
		})
	}
}
