package goclient

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestUninterestingLinesAllocateNothing: the lines that make up most of a
// client's log (its chatter, the application's own lines, successful
// steps) cost no allocation.
func TestUninterestingLinesAllocateNothing(t *testing.T) {
	lines := []string{
		"[sarama] 2026/11/23 17:12:54 client/metadata fetching metadata for all topics from broker 127.0.0.1:19092",
		"2026/11/23 17:12:54 [sarama] Initializing new client",
		"2024/02/01 08:00:00 starting orders-svc v1.2.3 on :8080",
		"[sarama]2017/03/31 08:48:18 Initializing new client",
		"SARAMA: 2017/02/07 12:14:39 client.go:601: client/metadata fetching metadata for all topics from broker af002173:9092",
		"2018/03/05 10:39:13.556675 async_producer.go:584: producer/broker/1 starting up [sarama] ",
		"web-1  | 2024/02/01 08:00:00 GET /health 200",
		"api_1  | listening on :8080",
		"[2026-11-23 17:13:10.536] [INFO] immediate metadata update triggered; why: querying metadata for consumer initialization",
		`time=2026-11-23T17:13:28.674Z level=INFO msg="beginning to manage the group lifecycle" group=orders`,
		"2024-02-01T08:00:01.123+0100\tINFO\tproducer/main.go:41\tdelivered 120 messages",
		"{\"time\":\"2026-11-23T17:13:34.441Z\",\"level\":\"INFO\",\"msg\":\"ok\"}",
		"",
	}
	var rec recorder
	d := NewLineDecoder(&analyzer.Source{Path: "x.log", Zone: time.UTC}, &rec)
	d.confirmed = true
	loc := analyzer.Location{Path: "x.log", Line: 1}
	for _, l := range lines {
		b := []byte(l)
		if n := testing.AllocsPerRun(200, func() { d.Line(loc, time.Time{}, "", b) }); n != 0 {
			t.Errorf("%q: %v allocations per line", l, n)
		}
	}
	if len(rec.Events) != 0 {
		t.Errorf("events from uninteresting lines: %v", briefsOf(&rec))
	}
}

func BenchmarkLine(b *testing.B) {
	line := []byte("[sarama] 2026/11/23 17:12:54 client/metadata fetching metadata for all topics from broker 127.0.0.1:19092")
	d := NewLineDecoder(&analyzer.Source{Path: "x.log", Zone: time.UTC}, &recorder{})
	loc := analyzer.Location{Path: "x.log", Line: 1}
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		d.Line(loc, time.Time{}, "", line)
	}
}

// BenchmarkParse reads sarama's refused run repeated 1000 times: the
// parser's throughput on a client log, events included.
func BenchmarkParse(b *testing.B) {
	one, err := os.ReadFile("testdata/captured/sarama-refused.log")
	if err != nil {
		b.Fatal(err)
	}
	text := bytes.Repeat(one, 1000)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		src := &analyzer.Source{Path: "x.log", R: bufio.NewReader(bytes.NewReader(text)), Zone: time.UTC}
		if _, err := New().Parse(context.Background(), src, &discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// discard is a sink that keeps nothing.
type discard struct{ recorder }

func (discard) Event(analyzer.Event) {}
func (discard) Node(analyzer.Node)   {}
