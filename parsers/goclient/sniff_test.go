package goclient

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestSniffNearMisses: logs of other programs, Kafka clients among them,
// are not taken: other parsers' fixtures, and lines that look alike (a Go
// program's own network error, kafka-python, a Python traceback, nginx).
func TestSniffNearMisses(t *testing.T) {
	texts := map[string]string{
		"go http client": "2024/02/01 08:00:01 http: proxy error: dial tcp 10.0.0.5:443: connect: connection refused\n" +
			"2024/02/01 08:00:02 Get \"https://api.example.com/\": tls: failed to verify certificate: x509: certificate signed by unknown authority\n",
		"go grpc":          `time="2024-02-01T08:00:01Z" level=warning msg="grpc: addrConn.createTransport failed to connect" error="dial tcp 10.0.0.7:50051: i/o timeout"` + "\n",
		"kafka-python":     "2024-02-01 08:00:01,123 - kafka.conn - ERROR - <BrokerConnection node_id=bootstrap-0 host=localhost:9092 <connecting> [IPv4 ('127.0.0.1', 9092)]>: Connect attempt returned error 111. Disconnecting.\n",
		"python traceback": "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    s.connect((\"kafka\", 9092))\nConnectionRefusedError: [Errno 111] Connection refused\n",
		// A Go program's bare dial error counts only under a compose
		// prefix and to a Kafka client port (see TestComposeDial).
		"compose, postgres":         "api_1  | 2024/02/01 08:00:01 dial tcp 172.18.0.3:5432: connect: connection refused\n",
		"compose, http":             "web-1  | dial tcp 172.18.0.9:80: connect: connection refused\n",
		"compose, alertmanager":     "prometheus-1  | dial tcp 172.18.0.5:9093: connect: connection refused\n",
		"9092 without compose":      "dial tcp 172.18.0.4:9092: connect: connection refused\n",
		"9092 after a Go prefix":    "myapp: 2024/02/01 08:00:01 dial tcp 10.0.0.5:9092: connect: connection refused\n",
		"sarama named in a message": "2024/02/01 08:00:01 upgraded github.com/IBM/sarama to v1.43\nSarama is a Go library\n",
		"another tool's prefix":     "[sarama-exporter] 2024/02/01 08:00:01 scrape ok\n[kafka] 2024/02/01 08:00:01 dial tcp 10.0.0.5:9092: i/o timeout\n",
		"nginx": `10.0.0.1 - - [01/Feb/2024:08:00:01 +0000] "GET /kafka/brokers HTTP/1.1" 502 157 "-" "curl/8.5.0"` + "\n" +
			"2024/02/01 08:00:01 [error] 31#31: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.9:9092/\"\n",
	}
	for name, text := range texts {
		if New().Sniff([]byte(text)) {
			t.Errorf("sniffs %s", name)
		}
	}
	var paths []string
	for _, glob := range []string{"../kafkalog/testdata/*", "../rdkafka/testdata/*", "../rdkafka/testdata/realworld/*", "../journal/testdata/*",
		"../envelope/testdata/*", "../../testdata/incidents/*/*", "../../testdata/incidents/*/*/*"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	n := 0
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || strings.HasSuffix(p, ".pcap") || strings.HasSuffix(p, ".pcapng") {
			continue
		}
		head := make([]byte, analyzer.SniffLen)
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := f.Read(head)
		f.Close()
		n++
		if New().Sniff(head[:k]) {
			t.Errorf("sniffs %s", p)
		}
	}
	if n < 20 {
		t.Fatalf("only %d fixtures found", n)
	}
}

// TestSniffClients: each client's plain log is taken by its first lines,
// also after the application's own start-up lines.
func TestSniffClients(t *testing.T) {
	paths, err := filepath.Glob("testdata/captured/*.log")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(p)
		// JSON records are the envelope's to unwrap; the reset runs name
		// no client (see unread in captured_test.go).
		want := (!strings.HasSuffix(base, "-reset.log") || strings.HasPrefix(base, "sarama") || strings.HasPrefix(base, "kafkago-reader")) &&
			!strings.HasPrefix(base, "franz-json")
		if got := New().Sniff(b); got != want {
			t.Errorf("%s: sniff %v, want %v", p, got, want)
		}
		startup := strings.Repeat("2024/02/01 08:00:00 starting orders-svc v1.2.3\n", 20)
		if got := New().Sniff([]byte(startup + string(b))); got != want {
			t.Errorf("%s after start-up lines: sniff %v, want %v", p, got, want)
		}
	}
}
