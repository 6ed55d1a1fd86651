package pyclient_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/parsers/pyclient"
	"github.com/kafkadiag/kafkadiag/rules"
)

// event is what TestCaptured compares of an event.
type event struct {
	Kind   analyzer.EventKind
	Node   string
	Addr   string
	Reason string
	Dated  bool
}

func eventsOf(inc *analyzer.Incident) []event {
	var out []event
	for _, e := range inc.Events {
		ev := event{Kind: e.Kind, Node: e.Node, Reason: e.Reason, Dated: !e.Time.IsZero()}
		if e.Addr.IsValid() {
			ev.Addr = e.Addr.String()
		}
		if ev.Node == "" && e.NodeHost != "" {
			ev.Node = "host " + e.NodeHost
		}
		out = append(out, ev)
	}
	return out
}

// TestCaptured reads the output kafka-python 2.0.2 really printed when made
// to fail by testdata/capture.sh, through the whole parser list and rule
// list, as a user's bundle would be: each file is ours, gives the events
// its failure means, and the rules name the cause they decide.
func TestCaptured(t *testing.T) {
	const boot = "-1"
	noBrokers := event{Kind: analyzer.NodeDisconnected, Reason: "NoBrokersAvailable", Dated: true}
	tests := []struct {
		file     string
		layout   string
		want     []event
		findings []string
	}{{
		file: "kafka-python-refused.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.ConnectRefused, boot, "127.0.0.1:9092", "Connection refused", true},
			{analyzer.ConnectRefused, boot, "127.0.0.1:9092", "Connection refused", true},
			noBrokers,
		},
		findings: []string{"connection-refused"},
	}, {
		file: "kafka-python-refused-basic.log", layout: pyclient.LayoutBasic,
		want: []event{
			{analyzer.ConnectRefused, boot, "127.0.0.1:9092", "Connection refused", false},
			{analyzer.ConnectRefused, boot, "127.0.0.1:9092", "Connection refused", false},
			{analyzer.NodeDisconnected, "", "", "NoBrokersAvailable", false},
		},
		findings: []string{"connection-refused"},
	}, {
		file: "kafka-python-dns.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.ResolveFailed, "host kafka.invalid", "", "Name or service not known", true},
			{analyzer.ResolveFailed, "host kafka.invalid", "", "Name or service not known", true},
			noBrokers,
		},
		// A bootstrap name that does not resolve: no rule claims it (the
		// advertised-listener rule needs a bootstrap that answered).
	}, {
		file: "kafka-python-timeout.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.ConnectTimeout, boot, "198.18.0.2:9092", "timed out", true},
			{analyzer.ConnectTimeout, boot, "198.18.0.2:9092", "timed out", true},
		},
		findings: []string{"syn-unanswered"},
	}, {
		file: "kafka-python-no-route.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.ConnectNoRoute, boot, "198.19.0.2:9092", "No route to host", true},
			{analyzer.ConnectNoRoute, boot, "198.19.0.2:9092", "No route to host", true},
			noBrokers,
		},
	}, {
		file: "kafka-python-request-timeout.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.Connected, boot, "127.0.0.1:19093", "", true},
			{analyzer.RequestTimeout, boot, "127.0.0.1:19093", "", true},
			noBrokers,
		},
	}, {
		file: "kafka-python-reset.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.Connected, boot, "127.0.0.1:19094", "", true},
			{analyzer.ConnectionReset, boot, "127.0.0.1:19094", "Connection reset by peer", true},
		},
	}, {
		file: "kafka-python-closed.log", layout: pyclient.LayoutBasic,
		want: repeat(5,
			event{analyzer.Connected, boot, "127.0.0.1:19095", "", false},
			event{analyzer.Disconnected, boot, "127.0.0.1:19095", "socket disconnected", false}),
	}, {
		file: "kafka-python-tls-plaintext.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.SSLHandshakeFailed, boot, "127.0.0.1:19096", "wrong version number", true},
		},
		findings: []string{"tls-to-plaintext-listener"},
	}, {
		file: "kafka-python-tls-closed.log", layout: pyclient.LayoutTimed,
		want: []event{
			{analyzer.SSLHandshakeFailed, boot, "127.0.0.1:19097", "SSL connection closed by server during handshake", true},
			{analyzer.SSLHandshakeFailed, boot, "127.0.0.1:19097", "SSL connection closed by server during handshake", true},
			noBrokers,
		},
		// "Closed by server" names no reason: the TLS rules leave it unclear.
	}, {
		file: "kafka-python-sasl-closed.log", layout: pyclient.LayoutTimed,
		want:     repeat(8, event{analyzer.SASLAuthFailed, boot, "127.0.0.1:19098", "broker closed the connection during SASL authentication", true}),
		findings: []string{"sasl-auth-failure"},
	}, {
		file: "realworld/90-kafka-python.log", layout: pyclient.LayoutTimed,
		want:     repeat(3, event{analyzer.ConnectRefused, boot, "127.0.0.1:9092", "Connection refused", true}),
		findings: []string{"connection-refused"},
	}, {
		file: "realworld/91-kafka-python-basic.log", layout: pyclient.LayoutBasic,
		want: []event{
			{analyzer.ConnectRefused, boot, "172.18.0.3:9092", "Connection refused", false},
			{analyzer.Disconnected, "2", "", "idle connection closed by client", false},
		},
		findings: []string{"connection-refused"},
	}, {
		file: "realworld/kafka-python-pytest-scram.log", layout: pyclient.LayoutUntimed,
		want:     []event{{analyzer.SASLAuthFailed, boot, "10.110.85.56:9092", "SaslAuthenticationFailedError (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512)", false}},
		findings: []string{"sasl-auth-failure"},
	}, {
		file: "realworld/kafka-python-pytest-macos-refused.log", layout: pyclient.LayoutUntimed,
		want: repeat(2,
			event{analyzer.ConnectRefused, boot, "[::1]:9092", "Connection refused", false},
			event{analyzer.ConnectRefused, "1", "[::1]:9092", "Connection refused", false}),
		findings: []string{"connection-refused"},
	}, {
		// Node 1 comes from metadata, so bootstrap worked; it advertises a
		// loopback address.
		file: "realworld/aiokafka-bare-message-node1-loopback.log", layout: pyclient.LayoutMessage,
		want:     []event{{analyzer.ConnectRefused, "1", "127.0.0.1:9092", "Connection refused", false}},
		findings: []string{"advertised-listener-unreachable"},
	}, {
		// Airflow's task log names no logger; the messages are
		// kafka-python's own. Bootstrap worked, node 1 is a loopback.
		file: "realworld/airflow-kafka-python-node1-loopback.log", layout: pyclient.LayoutMessage,
		want: []event{
			{analyzer.Connected, boot, "172.30.0.9:9092", "", true},
			{analyzer.ConnectRefused, "1", "127.0.0.1:9092", "Connection refused", true},
		},
		findings: []string{"advertised-listener-unreachable"},
	}, {
		file: "realworld/aiokafka-asctime-only-refused.log", layout: pyclient.LayoutMessage,
		want:     repeat(4, event{analyzer.ConnectRefused, "0", "10.0.3.2:9092", "Connection refused", true}),
		findings: []string{"connection-refused"},
	}, {
		file: "realworld/faust-aiokafka-refused.log", layout: pyclient.LayoutMessage,
		want:     repeat(3, event{analyzer.ConnectRefused, "102", "10.1.65.249:9092", "Connection refused", true}),
		findings: []string{"connection-refused"},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := analyzer.Analyze(context.Background(), []string{filepath.Join("testdata", tt.file)},
				analyzer.Options{OneGoroutine: true}, parsers.All(), rules.All())
			if err != nil {
				t.Fatal(err)
			}
			in := res.Incident.Inputs[0]
			if diff := cmp.Diff([]string{"kafka-python", tt.layout}, []string{in.Format, in.Layout}); diff != "" {
				t.Errorf("format, layout (-want +got):\n%s", diff)
			}
			got := eventsOf(res.Incident)
			for i := range got {
				if got[i].Kind == analyzer.RequestTimeout {
					got[i].Reason = "" // the float ms differs per run; TestMessageKinds checks it
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var causes []string
			for _, f := range res.Findings {
				if f.Severity != analyzer.Info {
					causes = append(causes, string(f.Cause))
				}
			}
			if diff := cmp.Diff(tt.findings, causes); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func repeat(n int, es ...event) []event {
	var out []event
	for range n {
		out = append(out, es...)
	}
	return out
}

// ownIncidents are the incidents whose logs are kafka-python's or
// aiokafka's: this parser must take them.
var ownIncidents = []string{"airflow_kafka_python_node1_loopback"}

func ownIncident(path string) bool {
	for _, name := range ownIncidents {
		if strings.Contains(filepath.ToSlash(path), "/incidents/"+name+"/") {
			return true
		}
	}
	return false
}

// TestSniffLeavesOthersAlone: the parser sits before kafkalog, so it must
// take none of the other parsers' fixtures, nor an nginx log or a Python
// program's own traceback.
func TestSniffLeavesOthersAlone(t *testing.T) {
	var paths []string
	for _, glob := range []string{"../kafkalog/testdata/*", "../rdkafka/testdata/*", "../rdkafka/testdata/realworld/*",
		"../journal/testdata/*", "../envelope/testdata/*", "../../testdata/incidents/*/*", "../../testdata/incidents/*/*/*"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	p := pyclient.New()
	n := 0
	for _, path := range paths {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() || strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng") {
			continue
		}
		if ownIncident(path) {
			continue
		}
		head := make([]byte, analyzer.SniffLen)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := f.Read(head)
		f.Close()
		n++
		if p.Sniff(head[:k]) {
			t.Errorf("sniffs %s", path)
		}
	}
	if n < 30 {
		t.Fatalf("only %d fixtures found", n)
	}
	for _, s := range []string{
		`10.0.0.7 - - [05/Apr/2023:10:11:12 +0000] "GET /kafka.conn HTTP/1.1" 502 157 "-" "kafka-python/2.0.2"` + "\n",
		"Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nConnectionRefusedError: [Errno 111] Connection refused\n",
		"2023-04-05 10:11:12,345 ERROR app.kafka_sink Connect attempt to <BrokerConnection node_id=1> returned error 111.\n",
		"2023-04-05 10:11:12,345 INFO kafka.server.KafkaServer [KafkaServer id=1] started\n",
		"2023-04-05 10:11:12.345 WARN [main] kafka.network.Processor - Closing socket\n",
		// pytest's layout of other loggers, and aiokafka's words in others' mouths.
		"ERROR    app.kafka:producer.py:12 Connect attempt to <BrokerConnection node_id=1> returned error 111.\n",
		"INFO     urllib3.connectionpool:connectionpool.py:1049 Starting new HTTPS connection (1): example.com:443\n",
		"Unable to connect to node with id 1: [Errno 111] Connection refused\n",
		"2023-04-05 10:11:12,345 ERROR orders Unable connect to node with id 1: [Errno 111] Connect call failed ('127.0.0.1', 9092)\n",
	} {
		if p.Sniff([]byte(s)) {
			t.Errorf("sniffs %q", s)
		}
	}
}

// TestEmbedded: the same lines inside a journal, a Docker json-file log
// and a python-json-logger record reach the decoder through parsers.All().
func TestEmbedded(t *testing.T) {
	refused := `Connect attempt to <BrokerConnection node_id=bootstrap-0 host=kafka:9092 <connecting> [IPv4 ('172.18.0.3', 9092)]> returned error 111. Disconnecting.`
	jsonMsg := strings.ReplaceAll(refused, "'", `'`)
	refusedEvent := "kafka-python connect-refused -1 172.18.0.3:9092 10:11:12"
	tests := []struct {
		name, content, format, want string
	}{{
		name:    "journal short",
		content: "Apr 05 10:11:12 app-1 orders[812]: 2023-04-05 10:11:12,345 ERROR kafka.conn " + refused + "\n",
		format:  "journal", want: refusedEvent,
	}, {
		name:    "journal short, basic layout",
		content: "Apr 05 10:11:12 app-1 orders[812]: ERROR:kafka.conn:" + refused + "\n",
		format:  "journal", want: refusedEvent,
	}, {
		name:    "docker json-file",
		content: `{"log":"ERROR:kafka.conn:` + jsonMsg + `\n","stream":"stderr","time":"2023-04-05T10:11:12.345678901Z"}` + "\n",
		format:  "envelope", want: refusedEvent,
	}, {
		name: "python-json-logger",
		content: `{"asctime": "2023-04-05 10:11:12,345", "levelname": "ERROR", "name": "kafka.conn", "message": "` + jsonMsg + `"}` + "\n" +
			`{"asctime": "2023-04-05 10:11:12,346", "levelname": "INFO", "name": "kafka.conn", "message": "Probing node bootstrap-0 broker version"}` + "\n",
		format: "envelope", want: refusedEvent,
	}, {
		name: "python-json-logger with exc_info",
		content: `{"asctime": "2023-04-05 10:11:12,345", "levelname": "ERROR", "name": "kafka.conn", ` +
			`"message": "Error sending request data to <BrokerConnection node_id=1 host=kafka-1:9092 <connected> [IPv4 ('10.0.4.33', 9092)]>", ` +
			`"exc_info": "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/kafka/conn.py\", line 998, in send_pending_requests\n` +
			`    total_bytes = self._send_bytes_blocking(data)\nBrokenPipeError: [Errno 32] Broken pipe"}` + "\n",
		format: "envelope", want: "kafka-python broken-pipe 1 10.0.4.33:9092 10:11:12",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.log")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			inc, err := analyzer.Collect(context.Background(), []string{path}, analyzer.Options{OneGoroutine: true}, parsers.All())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range inc.Events {
				got = append(got, e.Program+" "+string(e.Kind)+" "+e.Node+" "+e.Addr.String()+" "+e.Time.Format("15:04:05"))
			}
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if f := inc.Inputs[0].Format; f != tt.format {
				t.Errorf("format %q, want %q", f, tt.format)
			}
		})
	}
}
