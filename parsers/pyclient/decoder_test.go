package pyclient

import (
	"bufio"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
)

// recorder is a Sink keeping what it is given.
// recorder keeps what the parser reports.
type recorder = sinktest.Recorder

// brief is the part of an event the tests compare.
type brief struct {
	Kind     analyzer.EventKind
	Time     string
	Level    string
	Node     string
	NodeHost string
	Addr     string
	Reason   string
	Client   string
	Line     int
}

func briefs(es []analyzer.Event) []brief {
	var out []brief
	for _, e := range es {
		b := brief{Kind: e.Kind, Level: e.Level, Node: e.Node, NodeHost: e.NodeHost, Reason: e.Reason, Client: e.Client, Line: e.Source.Line}
		if !e.Time.IsZero() {
			b.Time = e.Time.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if e.Addr.IsValid() {
			b.Addr = e.Addr.String()
		}
		if e.Program != Program {
			b.Kind = "wrong program " + analyzer.EventKind(e.Program)
		}
		out = append(out, b)
	}
	return out
}

// decodeLines feeds lines to a fresh decoder in zone CET.
func decodeLines(lines []string) *recorder {
	rec := &recorder{}
	cet := time.FixedZone("CET", 3600)
	d := NewLineDecoder(&analyzer.Source{Path: "t.log", Zone: cet}, rec)
	for i, l := range lines {
		d.Line(analyzer.Location{Path: "t.log", Line: i + 1}, time.Time{}, "", []byte(l))
	}
	d.Flush()
	return rec
}

const (
	connBoot = "<BrokerConnection node_id=bootstrap-0 host=kafka:9092 <connecting> [IPv4 ('172.18.0.3', 9092)]>"
	connOne  = "<BrokerConnection node_id=1 host=kafka-1.internal:9092 <connected> [IPv4 ('10.0.4.33', 9092)]>"
)

// TestMessageKinds: one case per template kafka-python 2.0.2 prints (see
// testdata/capture.sh for where each came from), each with its echo.
func TestMessageKinds(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []brief
	}{{
		name: "refused",
		lines: []string{
			"2023-04-05 10:11:12,345 ERROR kafka.conn Connect attempt to " + connBoot + " returned error 111. Disconnecting.",
			"2023-04-05 10:11:12,345 INFO kafka.conn " + connBoot + ": Closing connection. KafkaConnectionError: 111 ECONNREFUSED",
		},
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR", Node: "-1", NodeHost: "kafka",
			Addr: "172.18.0.3:9092", Reason: "Connection refused", Line: 1}},
	}, {
		name:  "no route",
		lines: []string{"ERROR:kafka.conn:Connect attempt to " + connOne + " returned error 113. Disconnecting."},
		want: []brief{{Kind: analyzer.ConnectNoRoute, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal",
			Addr: "10.0.4.33:9092", Reason: "No route to host", Line: 1}},
	}, {
		name:  "connection first, with a client id",
		lines: []string{"ERROR:kafka.conn:<BrokerConnection client_id=orders-svc, node_id=1 host=kafka-1:9092 <connecting> [IPv4 ('10.0.4.33', 9092)]>: Connect attempt returned error 111. Disconnecting."},
		want: []brief{{Kind: analyzer.ConnectRefused, Level: "ERROR", Node: "1", NodeHost: "kafka-1",
			Addr: "10.0.4.33:9092", Reason: "Connection refused", Client: "orders-svc", Line: 1}},
	}, {
		name:  "unknown errno",
		lines: []string{"ERROR:kafka.conn:Connect attempt to " + connOne + " returned error 99. Disconnecting."},
		want: []brief{{Kind: analyzer.ConnectFailed, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal",
			Addr: "10.0.4.33:9092", Reason: "99", Line: 1}},
	}, {
		name: "connect timeout",
		lines: []string{
			"2023-04-05 10:11:12,345 - kafka.conn - ERROR - Connection attempt to " + connOne + " timed out",
			"2023-04-05 10:11:12,345 - kafka.conn - INFO - " + connOne + ": Closing connection. KafkaConnectionError: timeout",
		},
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR", Node: "1",
			NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "timed out", Line: 1}},
	}, {
		name: "dns with its short echo",
		lines: []string{
			"WARNING:kafka.conn:DNS lookup failed for kafka-0.kafka:9092, exception was [Errno -3] Temporary failure in name resolution. Is your advertised.listeners (called advertised.host.name before Kafka 9) correct and resolvable?",
			"ERROR:kafka.conn:DNS lookup failed for kafka-0.kafka:9092 (0)",
		},
		want: []brief{{Kind: analyzer.ResolveFailed, Level: "WARN", NodeHost: "kafka-0.kafka", Reason: "Temporary failure in name resolution", Line: 1}},
	}, {
		name:  "dns short form alone (level ERROR)",
		lines: []string{"ERROR:kafka.conn:DNS lookup failed for kafka.invalid:9092 (0)"},
		want:  []brief{{Kind: analyzer.ResolveFailed, Level: "ERROR", NodeHost: "kafka.invalid", Line: 1}},
	}, {
		name: "request timeout",
		lines: []string{
			"2023-04-05 10:11:12,345 WARNING kafka.conn " + connOne + " timed out after 30000 ms. Closing connection.",
			"2023-04-05 10:11:12,345 INFO kafka.conn " + connOne + ": Closing connection. [Error 7] RequestTimedOutError: Request timed out after 30000 ms",
		},
		want: []brief{{Kind: analyzer.RequestTimeout, Time: "2023-04-05T09:11:12.345Z", Level: "WARN", Node: "1",
			NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "timed out after 30000 ms", Line: 1}},
	}, {
		name: "socket disconnected",
		lines: []string{
			"ERROR:kafka.conn:" + connOne + ": socket disconnected",
			"INFO:kafka.conn:" + connOne + ": Closing connection. KafkaConnectionError: socket disconnected",
		},
		want: []brief{{Kind: analyzer.Disconnected, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal",
			Addr: "10.0.4.33:9092", Reason: "socket disconnected", Line: 1}},
	}, {
		name: "reset from the traceback",
		lines: []string{
			"2023-04-05 10:11:12,345 ERROR kafka.conn " + connOne + ": Error receiving network data closing socket",
			"Traceback (most recent call last):",
			`  File "/usr/lib/python3/dist-packages/kafka/conn.py", line 1083, in _recv`,
			"    data = self._sock.recv(self.config['sock_chunk_bytes'])",
			"ConnectionResetError: [Errno 104] Connection reset by peer",
			"2023-04-05 10:11:12,346 INFO kafka.conn " + connOne + ": Closing connection. KafkaConnectionError: [Errno 104] Connection reset by peer",
		},
		want: []brief{{Kind: analyzer.ConnectionReset, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR", Node: "1",
			NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "Connection reset by peer", Line: 1}},
	}, {
		name: "reset from the echo when no traceback was logged",
		lines: []string{
			"ERROR:kafka.conn:Error sending request data to " + connOne,
			"INFO:kafka.conn:" + connOne + ": Closing connection. KafkaConnectionError: " + connOne + ": [Errno 32] Broken pipe",
		},
		want: []brief{{Kind: analyzer.BrokenPipe, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal",
			Addr: "10.0.4.33:9092", Reason: "Broken pipe", Line: 1}},
	}, {
		name: "echo alone (level INFO lines kept, ERROR lines filtered elsewhere)",
		lines: []string{
			"INFO:kafka.conn:" + connBoot + ": Closing connection. KafkaConnectionError: 111 ECONNREFUSED",
		},
		want: []brief{{Kind: analyzer.ConnectRefused, Level: "INFO", Node: "-1", NodeHost: "kafka",
			Addr: "172.18.0.3:9092", Reason: "Connection refused", Line: 1}},
	}, {
		name: "ssl closed during handshake takes the node from its echo",
		lines: []string{
			"2023-04-05 10:11:12,345 WARNING kafka.conn SSL connection closed by server during handshake.",
			"2023-04-05 10:11:12,345 INFO kafka.conn " + connOne + ": Closing connection. KafkaConnectionError: SSL connection closed by server during handshake",
		},
		want: []brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2023-04-05T09:11:12.345Z", Level: "WARN", Node: "1",
			NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "SSL connection closed by server during handshake", Line: 1}},
	}, {
		name: "connected, deliberate close, idle close",
		lines: []string{
			"2023-04-05 10:11:12,345 INFO kafka.conn " + connOne + ": Connection complete.",
			"2023-04-05 10:20:12,345 INFO kafka.client Closing idle connection 1, last active 540003 ms ago",
			"2023-04-05 10:20:12,345 INFO kafka.conn " + connOne + ": Closing connection. ",
		},
		want: []brief{
			{Kind: analyzer.Connected, Time: "2023-04-05T09:11:12.345Z", Level: "INFO", Node: "1", NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Line: 1},
			{Kind: analyzer.Disconnected, Time: "2023-04-05T09:20:12.345Z", Level: "INFO", Node: "1", Reason: "idle connection closed by client", Line: 2},
		},
	}, {
		name: "application traceback through the client: ssl error",
		lines: []string{
			"2023-04-05 10:11:12,345 ERROR app producer failed",
			"Traceback (most recent call last):",
			`  File "/usr/lib/python3/dist-packages/kafka/conn.py", line 508, in _try_handshake`,
			"    self._sock.do_handshake()",
			"ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:992)",
		},
		want: []brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR",
			Reason: "certificate verify failed: unable to get local issuer certificate", Line: 5}},
	}, {
		name: "ssl error raised to the application names the connection in handshake",
		lines: []string{
			"2023-04-05 10:11:12,300 INFO kafka.conn <BrokerConnection node_id=1 host=kafka-1:9093 <handshake> [IPv4 ('10.0.4.33', 9093)]>: Loading system default SSL CAs from DefaultVerifyPaths(cafile=None)",
			"2023-04-05 10:11:12,345 ERROR app producer failed",
			"Traceback (most recent call last):",
			`  File "/usr/lib/python3/dist-packages/kafka/conn.py", line 508, in _try_handshake`,
			"ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:992)",
		},
		want: []brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR", Node: "1",
			NodeHost: "kafka-1", Addr: "10.0.4.33:9093", Reason: "wrong version number", Line: 5}},
	}, {
		name: "no brokers available, pasted alone: undated",
		lines: []string{
			"Traceback (most recent call last):",
			`  File "app.py", line 3, in <module>`,
			"kafka.errors.NoBrokersAvailable: NoBrokersAvailable",
		},
		want: []brief{{Kind: analyzer.NodeDisconnected, Level: "ERROR", Reason: "NoBrokersAvailable", Line: 3}},
	}, {
		// aiokafka's bootstrap give-up (LibertyAces/BitSwanPump#109); the
		// same exception about one node is no give-up, nor is another
		// program's ConnectionError with the same words.
		name: "aiokafka unable to bootstrap: a give-up",
		lines: []string{
			"Traceback (most recent call last):",
			`  File "/home/u/venv/lib/python3.7/site-packages/aiokafka/client.py", line 233, in bootstrap`,
			"    'Unable to bootstrap from {}'.format(self.hosts))",
			"kafka.errors.KafkaConnectionError: KafkaConnectionError: Unable to bootstrap from [('localhost', 9092, <AddressFamily.AF_UNSPEC: 0>)]",
			"Traceback (most recent call last):",
			`  File "/usr/local/lib/python3.6/site-packages/aiokafka/client.py", line 461, in check_version`,
			"kafka.errors.ConnectionError: ConnectionError: No connection to node with id 1",
			"Traceback (most recent call last):",
			`  File "app.py", line 3, in <module>`,
			"requests.exceptions.ConnectionError: Unable to bootstrap from config server",
		},
		want: []brief{{Kind: analyzer.NodeDisconnected, Level: "ERROR", Reason: "Unable to bootstrap", Line: 4}},
	}, {
		name: "sasl",
		lines: []string{
			"2023-04-05 10:11:12,345 ERROR worker consume loop died",
			"Traceback (most recent call last):",
			`  File "/srv/app/venv/lib/python3.11/site-packages/kafka/conn.py", line 542, in _try_authenticate`,
			"kafka.errors.SaslAuthenticationFailedError: [Error 58] SaslAuthenticationFailedError: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
		},
		want: []brief{{Kind: analyzer.SASLAuthFailed, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR",
			Reason: "kafka.errors.SaslAuthenticationFailedError: [Error 58] SaslAuthenticationFailedError: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512", Line: 4}},
	}, {
		name: "aiokafka by errno",
		lines: []string{
			"2023-04-05T10:11:12.345+02:00 ERROR aiokafka Unable connect to \"localhost:9092\": [Errno 111] Connect call failed ('127.0.0.1', 9092)",
		},
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2023-04-05T08:11:12.345Z", Level: "ERROR", Node: "-1", NodeHost: "localhost",
			Addr: "127.0.0.1:9092", Reason: "Connection refused", Line: 1}},
	}, {
		name: "2.1+ connection first: SaslAuthenticate error in pytest's layout (canonical/kafka-operator#493)",
		lines: []string{
			"ERROR    kafka.conn:conn.py:798 <BrokerConnection client_id=relation-4, node_id=bootstrap-0 host=10.110.85.56:9092 <authenticating> [IPv4 ('10.110.85.56', 9092)]>: SaslAuthenticate error: SaslAuthenticationFailedError (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512)",
			"INFO     kafka.conn:conn.py:945 <BrokerConnection client_id=relation-4, node_id=bootstrap-0 host=10.110.85.56:9092 <authenticating> [IPv4 ('10.110.85.56', 9092)]>: Closing connection. SaslAuthenticationFailedError: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
		},
		want: []brief{{Kind: analyzer.SASLAuthFailed, Level: "ERROR", Node: "-1", NodeHost: "10.110.85.56", Addr: "10.110.85.56:9092",
			Reason: "SaslAuthenticationFailedError (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512)",
			Client: "relation-4", Line: 1}},
	}, {
		name: "2.1+ connection first: sasl auth bytes, the broker closed",
		lines: []string{
			"2023-04-05 10:11:12,345 ERROR kafka.conn " + connBoot + ": Error receiving sasl auth bytes from server",
			"Traceback (most recent call last):",
			`  File "/srv/venv/lib/python3.12/site-packages/kafka/conn.py", line 793, in _send_sasl_authenticate`,
			"ConnectionResetError: [Errno 104] Connection reset by peer",
		},
		want: []brief{{Kind: analyzer.SASLAuthFailed, Time: "2023-04-05T09:11:12.345Z", Level: "ERROR", Node: "-1", NodeHost: "kafka",
			Addr: "172.18.0.3:9092", Reason: "broker closed the connection during SASL authentication", Line: 1}},
	}, {
		name: "2.2+ connection first: timeout, TLS closed, DNS with its echo",
		lines: []string{
			"ERROR:kafka.conn:" + connOne + ": Connection attempt timed out",
			"WARNING:kafka.conn:" + connOne + ": SSL connection closed by server during handshake.",
			"WARNING:kafka.conn:DNS lookup failed for kafka-9:9092, exception was [Errno -2] Name or service not known. Is your advertised.listeners (called advertised.host.name before Kafka 9) correct and resolvable?",
			"ERROR:kafka.conn:<BrokerConnection node_id=9 host=kafka-9:9092 <connecting> [unspecified None]>: DNS lookup failed for kafka-9:9092 (0)",
		},
		want: []brief{
			{Kind: analyzer.ConnectTimeout, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "timed out", Line: 1},
			{Kind: analyzer.SSLHandshakeFailed, Level: "WARN", Node: "1", NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092",
				Reason: "SSL connection closed by server during handshake", Line: 2},
			{Kind: analyzer.ResolveFailed, Level: "WARN", Node: "9", NodeHost: "kafka-9", Reason: "Name or service not known", Line: 3},
		},
	}, {
		name: "2.2+ connection first: error sending request data, the cause in its traceback",
		lines: []string{
			"ERROR:kafka.conn:" + connOne + ": Error sending request data",
			"Traceback (most recent call last):",
			`  File "/usr/lib/python3/dist-packages/kafka/conn.py", line 1052, in send_pending_requests`,
			"BrokenPipeError: [Errno 32] Broken pipe",
		},
		want: []brief{{Kind: analyzer.BrokenPipe, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "Broken pipe", Line: 1}},
	}, {
		name: "macOS and Windows errno numbers",
		lines: []string{
			"ERROR    kafka.conn:conn.py:429 <BrokerConnection client_id=kafka-python-2.2.15, node_id=bootstrap-0 host=localhost:9092 <connecting> [IPv6 ('::1', 9092, 0, 0)]>: Connect attempt returned error 61. Disconnecting.",
			"ERROR    kafka.conn:conn.py:945 <BrokerConnection client_id=kafka-python-2.2.15, node_id=bootstrap-0 host=localhost:9092 <connecting> [IPv6 ('::1', 9092, 0, 0)]>: Closing connection. KafkaConnectionError: 61 ECONNREFUSED",
			"ERROR:kafka.conn:" + connOne + ": Connect attempt returned error 10060. Disconnecting.",
		},
		want: []brief{
			{Kind: analyzer.ConnectRefused, Level: "ERROR", Node: "-1", NodeHost: "localhost", Addr: "[::1]:9092", Reason: "Connection refused",
				Client: "kafka-python-2.2.15", Line: 1},
			{Kind: analyzer.ConnectTimeout, Level: "ERROR", Node: "1", NodeHost: "kafka-1.internal", Addr: "10.0.4.33:9092", Reason: "Connection timed out", Line: 3},
		},
	}, {
		name: "aiokafka printed bare, then the traceback it raised (aio-libs/aiokafka#359)",
		lines: []string{
			"Unable connect to node with id 1: Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 9092), [Errno 99] Cannot assign requested address",
			"Traceback (most recent call last):",
			`  File "/usr/local/lib/python3.6/site-packages/aiokafka/client.py", line 461, in check_version`,
			`    "No connection to node with id {}".format(node_id))`,
			"kafka.errors.ConnectionError: ConnectionError: No connection to node with id 1",
		},
		want: []brief{{Kind: analyzer.ConnectRefused, Node: "1", Addr: "127.0.0.1:9092", Reason: "Connection refused", Line: 1}},
	}, {
		name: "aiokafka after asctime and a level only",
		lines: []string{
			"[2018-06-19 10:18:54,654: ERROR]: Unable connect to node with id 102: [Errno 111] Connect call failed ('10.1.65.249', 9092)",
			"2019-04-11 12:06:55,732 Unable to update metadata from [0]",
			"2023-04-05 10:11:12,345 WARNING Unable connect to \"kafka-0.kafka:9093\": [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)",
			"2023-04-05 10:11:13,345 ERROR Unable connect to \"kafka.invalid:9092\": [Errno 8] nodename nor servname provided, or not known",
			"2023-04-05 10:11:14,345 ERROR Unable connect to node with id 2: ",
		},
		want: []brief{
			{Kind: analyzer.ConnectRefused, Time: "2018-06-19T09:18:54.654Z", Level: "ERROR", Node: "102", Addr: "10.1.65.249:9092", Reason: "Connection refused", Line: 1},
			{Kind: analyzer.SSLHandshakeFailed, Time: "2023-04-05T09:11:12.345Z", Level: "WARN", Node: "-1", NodeHost: "kafka-0.kafka",
				Reason: "certificate verify failed: self-signed certificate", Line: 3},
			{Kind: analyzer.ResolveFailed, Time: "2023-04-05T09:11:13.345Z", Level: "ERROR", Node: "-1", NodeHost: "kafka.invalid", Line: 4},
			{Kind: analyzer.ConnectFailed, Time: "2023-04-05T09:11:14.345Z", Level: "ERROR", Node: "2", Line: 5},
		},
	}, {
		name: "not the client's: other loggers, other tracebacks, info chatter",
		lines: []string{
			"2023-04-05 10:11:12,345 ERROR app.kafka Connect attempt to " + connOne + " returned error 111. Disconnecting.",
			"ERROR:root:Connect attempt failed",
			"2023-04-05 10:11:12,345 INFO kafka.conn Probing node bootstrap-0 broker version",
			"2023-04-05 10:11:12,345 WARNING kafka.client Node 1 connection failed -- refreshing metadata",
			"Traceback (most recent call last):",
			`  File "/srv/app/views.py", line 9, in get`,
			"ConnectionResetError: [Errno 104] Connection reset by peer",
			"[2023-04-05 10:11:12,345] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
			"2023-04-05 10:11:12,345 INFO kafka.cluster.Partition Connect attempt to " + connOne + " returned error 111. Disconnecting.",
			"ERROR    app.kafka:producer.py:12 Connect attempt to " + connOne + " returned error 111. Disconnecting.",
			"ERROR    kafka.conn:conn.py " + connOne + ": Connect attempt returned error 111. Disconnecting.",
			"kafka.conn ERROR " + connOne + ": Connect attempt returned error 111. Disconnecting.",
			"2023-04-05 10:11:12,345 ERROR app Unable connect to node with id 1: [Errno 111] Connect call failed ('127.0.0.1', 9092)",
			"Unable to connect to node with id 1: [Errno 111] Connect call failed ('127.0.0.1', 9092)",
			"ERROR: Unable connect to the database: [Errno 111] Connection refused",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := briefs(decodeLines(tt.lines).Events)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNodes: each node is reported once, again when its address is first
// learned, with bootstrap entries numbered as the Java client does.
func TestNodes(t *testing.T) {
	unresolved := "<BrokerConnection node_id=2 host=kafka-2:9092 <disconnected> [unspecified None]>"
	rec := decodeLines([]string{
		"INFO:kafka.conn:" + connBoot + ": connecting to kafka:9092 [('172.18.0.3', 9092) IPv4]",
		"INFO:kafka.conn:" + connBoot + ": Connection complete.",
		"INFO:kafka.conn:" + unresolved + ": Closing connection. KafkaConnectionError: 111 ECONNREFUSED",
		"INFO:kafka.conn:" + strings.Replace(connOne, "kafka-1.internal", "kafka-2", 1)[:0] + "<BrokerConnection node_id=2 host=kafka-2:9092 <connecting> [IPv4 ('10.0.0.2', 9092)]>: connecting to kafka-2:9092 [('10.0.0.2', 9092) IPv4]",
		"INFO:kafka.conn:<BrokerConnection node_id=bootstrap-1 host=10.0.0.9:9092 <connecting> [unspecified None]>: connecting to 10.0.0.9:9092",
	})
	type node struct {
		ID, Host, Addr string
		Bootstrap      bool
		Line           int
	}
	var got []node
	for _, n := range rec.Nodes {
		a := ""
		if n.Addr.IsValid() {
			a = n.Addr.String()
		}
		got = append(got, node{n.ID, n.Host, a, n.Bootstrap, n.Source.Line})
	}
	want := []node{
		{"-1", "kafka", "172.18.0.3:9092", true, 1},
		{"2", "kafka-2", "", false, 3},
		{"2", "kafka-2", "10.0.0.2:9092", false, 4},
		{"-2", "10.0.0.9", "10.0.0.9:9092", true, 5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

// TestNoAllocsPerLine: lines that are not failures cost no allocation,
// whether another program's, a client's chatter or a traceback's.
func TestNoAllocsPerLine(t *testing.T) {
	lines := []string{
		`127.0.0.1 - - [05/Apr/2023:10:11:12 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.88.1"`,
		"2023-04-05 10:11:12,345 INFO app.orders handled order 42 in 3 ms",
		"2023-04-05 10:11:12,345 INFO kafka.conn Probing node bootstrap-0 broker version",
		"2023-04-05T10:11:12.345+02:00 DEBUG kafka.producer.sender Nodes with data ready: []",
		"INFO:kafka.conn:" + connBoot + ": connecting to kafka:9092 [('172.18.0.3', 9092) IPv4]",
		"INFO:kafka.conn:" + connBoot + ": Closing connection. ",
		"Traceback (most recent call last):",
		`  File "/srv/app/views.py", line 9, in get`,
		"ValueError: bad request",
		"WARNING  kafka.sasl.scram:scram.py:31 Exchanging credentials in the clear during Sasl Authentication",
		"INFO     urllib3.connectionpool:connectionpool.py:1049 Starting new HTTPS connection (1): example.com:443",
		"2019-04-11 12:06:55,732 Unable to update metadata from [0]",
		"[2018-06-19 10:18:54,652: INFO]: [^Worker]: Ready",
	}
	d := NewLineDecoder(&analyzer.Source{Path: "t.log", Zone: time.UTC}, &recorder{})
	bs := make([][]byte, len(lines))
	for i, l := range lines {
		bs[i] = []byte(l)
		d.Line(analyzer.Location{Line: i}, time.Time{}, "", bs[i]) // learn the node once
	}
	for i, b := range bs {
		n := testing.AllocsPerRun(200, func() { d.Line(analyzer.Location{Line: i}, time.Time{}, "", b) })
		if n != 0 {
			t.Errorf("line %d: %v allocations: %s", i, n, b)
		}
	}
}

func TestAddrParsing(t *testing.T) {
	c := parseConn([]byte("<BrokerConnection node_id=3 host=::1:9092 <connecting> [IPv6 ('::1', 9092, 0, 0)]>: x"))
	got := []string{string(c.node), string(c.host), string(c.port), connAddr(c).String()}
	if diff := cmp.Diff([]string{"3", "::1", "9092", netip.MustParseAddrPort("[::1]:9092").String()}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestParseStats: a line past MaxLineLen is skipped with a problem naming
// it, other programs' lines count as unparsed, and only asctime lines
// without an offset make the zone an assumption.
func TestParseStats(t *testing.T) {
	long := strings.Repeat("x", MaxLineLen+10)
	tests := []struct {
		name, in string
		want     analyzer.Stats
	}{{
		name: "basic with a long line",
		in:   "ERROR:kafka.conn:Connect attempt to " + connBoot + " returned error 111. Disconnecting.\n" + long + "\nplain text\n",
		want: analyzer.Stats{Layout: LayoutBasic, Lines: 3, Events: 1, Unparsed: 2,
			Problems: []string{"t.log: line 2: longer than 65536 bytes, skipped"}},
	}, {
		name: "asctime without zone",
		in:   "2023-04-05 10:11:12,345 INFO kafka.conn Probing node bootstrap-0 broker version",
		want: analyzer.Stats{Layout: LayoutTimed, Lines: 1, ZoneAssumed: true},
	}, {
		name: "pytest's layout, a section banner unparsed",
		in: "------------------------------ Captured log call ------------------------------\n" +
			"WARNING  kafka.client:client_async.py:1049 No node available during check_version; sleeping 0.06 secs\n",
		want: analyzer.Stats{Layout: LayoutUntimed, Lines: 2, Unparsed: 1},
	}, {
		name: "a message without a logger: undated, then after a time without zone",
		in: "Unable to update metadata from [0]\n" +
			"2019-04-11 12:06:55,732 Unable to update metadata from [0]\n" +
			"2019-04-11 12:06:55,733 Unable to update metadata from [0]\n",
		want: analyzer.Stats{Layout: LayoutMessage, Lines: 3, ZoneAssumed: true},
	}, {
		name: "asctime with offset",
		in:   "2023-04-05 10:11:12,345+0200 INFO kafka.conn Probing node bootstrap-0 broker version\n",
		want: analyzer.Stats{Layout: LayoutTimed, Lines: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &analyzer.Source{Path: "t.log", Zone: time.UTC, R: bufio.NewReaderSize(strings.NewReader(tt.in), 4096)}
			got, err := New().Parse(context.Background(), src, &recorder{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}
