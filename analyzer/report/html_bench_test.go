package report

import (
	"io"
	"testing"
)

// BenchmarkHTML measures the chart and the page for an incident the size
// of a busy hour (200k events, 20k flows): the chart costs one Mark per
// drawable fact and no per-fact string; the page draws at most a few
// hundred merged marks per lane and lists maxListedMarks.
func BenchmarkHTML(b *testing.B) {
	res := bigReportResult()
	b.Run("Build+chart", func(b *testing.B) {
		for b.Loop() {
			Build(res, Options{Chart: true})
		}
	})
	r := Build(res, Options{Chart: true})
	b.Run("write-html", func(b *testing.B) {
		for b.Loop() {
			if err := WriteHTML(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
