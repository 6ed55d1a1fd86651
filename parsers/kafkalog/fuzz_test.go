package kafkalog

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// fuzzSeeds are the fixtures plus a few shapes the fixtures lack.
func fuzzSeeds(f *testing.F) {
	logs, _ := filepath.Glob("testdata/*.log")
	realworld, _ := filepath.Glob("testdata/realworld/*.log")
	for _, p := range append(logs, realworld...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"\n\n\r\n",
		"[2024-03-05 10:15:47,901] WARN [Producer clientId=p] Connection to node 3 (/[::1]:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)\n",
		"[2021-02-18 20:46:35,117] [t} ERROR x (org.apache.kafka.clients.NetworkClient)\n",
		"x | 2025-02-03T21:07:43.000123456Z [2025-02-03 21:07:42,915] INFO (id: 1 rack: (id: -",
		"WARN  [t] [o.a.k.c.NetworkClient.:] [Producer clientId=p, groupId=] Node -1 disconnected.",
		"[WARN] [02/19/2015 11:40:22.861] [Selector] Error in I/O with localhost/127.0.0.1\njava.net.ConnectException: Connection refused\nat a.B.c(B.java:1)\n",
		"2025-03-11T23:13:55.125+99:99  INFO 1 --- [a] [b] x.Y : z",
		"2022-06-02 00:56:32.961 -DEBUG  [ main] o.a.k.c.n.Selector : x\n",
		"[2024-03-05 10:15:02,114] INFO ProducerConfig values: \n\tclient.id = \n\tretries = 3\n (org.apache.kafka.clients.producer.ProducerConfig)\n",
		"%7|1623456789.123|FAIL|rdkafka#producer-1| boom\n",
		"\t[2024-03-05 10:15:02,114] WARN x (org.apache.kafka.common.network.Selector)\n\tjava.net.ConnectException: Connection refused\n\t\tat a.B.c(B.java:1)\n",
		"\tMar 02, 2024 10:15:02 AM org.apache.kafka.clients.NetworkClient m\n\tWARNING: x\n\t\n",
		">[2024-05-02 10:15:08,801] ERROR x (org.apache.kafka.clients.NetworkClient)\nhe[2024-05-02 10:15:09,282] ERROR ProducerConfig values: \n\tacks = 1\n",
		"hello world[2024-05-02 10:15:09,282] ERROR x\n",
		"[2020-11-22 16:03:01,001] WARN [Producer clientId=p] 99999999999999999999 partitions have leader brokers without a matching listener, including [\xff-0 (org.apache.kafka.clients.NetworkClient)\n",
	} {
		f.Add([]byte(s))
	}
}

// checkOutput holds the invariants every input must keep.
func checkOutput(t *testing.T, rec *recorder, st analyzer.Stats) {
	t.Helper()
	for _, e := range rec.events {
		if len(e.Text) > analyzer.MaxTextLen {
			t.Errorf("event Text is %d bytes, over MaxTextLen", len(e.Text))
		}
		if e.Kind == "" {
			t.Errorf("event without kind: %+v", e)
		}
	}
	if len(st.Problems) > maxProblems {
		t.Errorf("%d problems kept, want at most %d", len(st.Problems), maxProblems)
	}
	if st.Events != len(rec.events) {
		t.Errorf("Stats.Events = %d, sink got %d", st.Events, len(rec.events))
	}
}

func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := &recorder{}
		src := &analyzer.Source{Path: "fuzz.log", R: bufio.NewReaderSize(bytes.NewReader(data), 16), Zone: time.UTC}
		st, err := Parser{}.Parse(context.Background(), src, rec)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		if want := bytes.Count(data, []byte("\n")); st.Lines < want {
			t.Errorf("Lines = %d, input has %d newlines", st.Lines, want)
		}
		checkOutput(t, rec, st)
		_ = Parser{}.Sniff(data)
	})
}

func FuzzLineDecoder(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := &recorder{}
		d := NewLineDecoder(&analyzer.Source{Path: "journal", Zone: time.FixedZone("X", -3600)}, rec)
		ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
		// Each NUL-separated piece is one journal entry; pieces may hold
		// several lines.
		for i, msg := range bytes.Split(data, []byte{0}) {
			d.Line(analyzer.Location{Path: "journal", Line: i + 1}, ts, "host", msg)
		}
		d.Flush()
		checkOutput(t, rec, d.Stats())
	})
}
