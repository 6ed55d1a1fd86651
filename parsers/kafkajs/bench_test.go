package kafkajs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// BenchmarkParse reads a text logCreator log in which one line in 100 is
// a KafkaJS failure and the rest an HTTP service's own lines.
//
//	go test -run '^$' -bench BenchmarkParse -benchmem ./parsers/kafkajs/
func BenchmarkParse(b *testing.B) {
	var in bytes.Buffer
	for i := 0; in.Len() < 8<<20; i++ {
		if i%100 == 0 {
			fmt.Fprintf(&in, "2026-11-23T17:%02d:%02d.576Z ERROR [Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092 {\"broker\":\"127.0.0.1:9092\",\"clientId\":\"capture-app\"}\n", i/60%60, i%60)
			continue
		}
		fmt.Fprintf(&in, "2026-11-23T17:%02d:%02d.576Z INFO [http] GET /api/orders/%d 200 3ms {\"reqId\":\"r-%d\"}\n", i/60%60, i%60, i, i)
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(bytes.NewReader(data), 64<<10)}
		if _, err := New().Parse(context.Background(), src, &discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{ recorder }

func (*discard) Event(analyzer.Event) {}
