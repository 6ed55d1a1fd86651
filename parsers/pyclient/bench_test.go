package pyclient

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// BenchmarkParse reads a generated application log: one kafka-python
// failure with its echo every 100 lines, the rest the application's own
// asctime lines and kafka-python chatter.
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; buf.Len() < 16<<20; i++ {
		switch {
		case i%100 == 0:
			fmt.Fprintf(&buf, "2023-04-05 10:11:%02d,345 ERROR kafka.conn Connect attempt to %s returned error 111. Disconnecting.\n", i%60, connBoot)
			fmt.Fprintf(&buf, "2023-04-05 10:11:%02d,345 INFO kafka.conn %s: Closing connection. KafkaConnectionError: 111 ECONNREFUSED\n", i%60, connBoot)
		case i%10 == 0:
			fmt.Fprintf(&buf, "2023-04-05 10:11:%02d,345 DEBUG kafka.producer.sender Nodes with data ready: []\n", i%60)
		default:
			fmt.Fprintf(&buf, "2023-04-05 10:11:%02d,345 INFO app.orders handled order %d in 3 ms\n", i%60, i)
		}
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src := &analyzer.Source{Path: "b.log", Zone: time.UTC, R: bufio.NewReaderSize(bytes.NewReader(data), 64<<10)}
		if _, err := New().Parse(context.Background(), src, &recorder{}); err != nil {
			b.Fatal(err)
		}
	}
}
