package kafkalog

import (
	"bufio"
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/internal/synth"
)

// The stage benchmarks time each of Parse's two goroutines alone on the
// bench log's generator output (bench/analyze_test.go's input, 64 MiB),
// read from memory: the reading stage with the whole pre-filter, and the
// decoding stage over batches that stage split and flagged. Parse's wall
// time is about the larger of the two once they balance.
var stageLog = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if _, err := synth.WriteLog(&b, synth.LogSpec{Bytes: 64 << 20, Seed: 1}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

func BenchmarkReadingStage(b *testing.B) {
	data := stageLog()
	b.SetBytes(int64(len(data)))
	src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(nil, 1<<20), Zone: time.UTC}
	for b.Loop() {
		src.R.Reset(bytes.NewReader(data))
		s := newSplitter(src, lineArena, batchLines, shareSteps)
		free := newLinePool()
		r := lineSteps{s: s, b: s.take(free, nil)}
		for last := false; !last; {
			var bt *lineBatch
			bt, last = r.next(context.Background(), free, true)
			bt.arena, bt.lines = bt.arena[:0], bt.lines[:0]
			free <- bt
		}
	}
}

func BenchmarkDecodingStage(b *testing.B) {
	data := stageLog()
	b.SetBytes(int64(len(data)))
	// Split and flag the whole log once, keeping every batch.
	src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(bytes.NewReader(data), 1<<20), Zone: time.UTC}
	s := newSplitter(src, lineArena, batchLines, shareSteps)
	free := make(chan *lineBatch, 1)
	free <- &lineBatch{}
	r := lineSteps{s: s}
	r.b = s.take(free, nil)
	var batches []lineBatch
	for last := false; !last; {
		free <- &lineBatch{}
		var bt *lineBatch
		bt, last = r.next(context.Background(), free, true)
		batches = append(batches, *bt)
	}
	for b.Loop() {
		d := NewLineDecoder(&analyzer.Source{Path: "bench.log", Zone: time.UTC}, &countingSink{})
		d.borrow = true
		loc := analyzer.Location{Path: "bench.log"}
		for i := range batches {
			bt := batches[i] // batch empties its copy, not the kept one
			d.batch(&bt, &loc)
		}
		d.Flush()
	}
}
