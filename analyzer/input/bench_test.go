package input

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkWalkTgz walks a tgz of 2 000 log members of 32 KiB each (64 MiB
// of logs) and reads every byte; SetBytes makes MB/s the uncompressed rate.
func BenchmarkWalkTgz(b *testing.B) {
	var es []entry
	var body strings.Builder
	for i := 0; body.Len() < 32<<10; i++ {
		body.WriteString(logLine(i))
	}
	for i := range 2000 {
		es = append(es, entry{name: fmt.Sprintf("broker-%d/logs/server.log.%d", i%5, i), body: body.String()})
	}
	p := filepath.Join(b.TempDir(), "bundle.tgz")
	if err := os.WriteFile(p, tgzOf(b, es...), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(es) * body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		w := New([]string{p}, nil)
		n := 0
		for {
			it, err := w.Next()
			if err == io.EOF {
				break
			}
			if it.R == nil {
				b.Fatalf("%s: %s", it.Path, it.Skip)
			}
			io.Copy(io.Discard, it.R)
			n++
		}
		w.Close()
		if n != len(es) {
			b.Fatalf("walked %d members, want %d", n, len(es))
		}
	}
}
