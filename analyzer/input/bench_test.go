package input

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// benchTgz is a tgz of 2 000 log members of 32 KiB each (64 MiB of logs).
func benchTgz(b *testing.B) (path string, members int, logBytes int64) {
	es, size := benchEntries(2000)
	p := filepath.Join(b.TempDir(), "bundle.tgz")
	if err := os.WriteFile(p, tgzOf(b, es...), 0o644); err != nil {
		b.Fatal(err)
	}
	return p, len(es), size
}

// benchEntries is n broker-log members of 32 KiB each and their total size.
func benchEntries(n int) ([]entry, int64) {
	var es []entry
	var body strings.Builder
	// Varying offsets and ids compress about 6:1, like real broker logs;
	// one repeated line would compress 1000:1 and flatter the figure.
	rng := rand.New(rand.NewPCG(1, 2))
	for body.Len() < 32<<10 {
		fmt.Fprintf(&body, "[2024-06-29 09:%02d:%02d,%03d] INFO [ReplicaFetcher replicaId=%d, leaderId=%d, fetcherId=0] Truncating partition orders-%d to offset %d (kafka.server.ReplicaFetcherThread)\n",
			rng.IntN(60), rng.IntN(60), rng.IntN(1000), rng.IntN(6), rng.IntN(6), rng.IntN(48), rng.Int64N(1<<40))
	}
	for i := range n {
		es = append(es, entry{name: fmt.Sprintf("broker-%d/logs/server.log.%d", i%5, i), body: body.String()})
	}
	return es, int64(n * body.Len())
}

// BenchmarkWalkTgz walks the tgz and reads every byte; SetBytes makes MB/s
// the uncompressed rate. Compare with BenchmarkTgzStdlib for the walker's
// own cost.
func BenchmarkWalkTgz(b *testing.B) {
	p, members, size := benchTgz(b)
	benchWalk(b, p, members, size)
}

// benchTarXZ is a .tar.xz, as sos writes it (xz's default 8 MiB
// dictionary), of 500 log members of 32 KiB each (16 MiB of logs).
func benchTarXZ(b *testing.B) (path string, members int, logBytes int64) {
	es, size := benchEntries(500)
	p := filepath.Join(b.TempDir(), "sosreport.tar.xz")
	if err := os.WriteFile(p, xzOf(b, tarOf(b, es...), xz.WriterConfig{}), 0o644); err != nil {
		b.Fatal(err)
	}
	return p, len(es), size
}

// BenchmarkWalkTarXZ walks a sosreport-like .tar.xz; compare with
// BenchmarkTarXZLibrary for the cost of parsing the container here.
func BenchmarkWalkTarXZ(b *testing.B) {
	p, members, size := benchTarXZ(b)
	benchWalk(b, p, members, size)
}

// BenchmarkTarXZLibrary is the floor: ulikunitz/xz's own reader and
// archive/tar, no sniffing, no limits.
func BenchmarkTarXZLibrary(b *testing.B) {
	p, members, size := benchTarXZ(b)
	benchLibraryTar(b, p, members, size, func(r io.Reader) (io.Reader, error) { return xz.NewReader(r) })
}

// benchWalk walks p and reads every byte of its members.
func benchWalk(b *testing.B, p string, members int, size int64) {
	b.SetBytes(size)
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
		if n != members {
			b.Fatalf("walked %d members, want %d", n, members)
		}
	}
}

// BenchmarkTgzStdlib is the floor: gzip and tar from the standard library,
// no sniffing, no limits.
func BenchmarkTgzStdlib(b *testing.B) {
	p, members, size := benchTgz(b)
	benchLibraryTar(b, p, members, size, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
}

// benchLibraryTar reads the tar inside p through decompress with
// archive/tar alone: the floor the walker is compared with.
func benchLibraryTar(b *testing.B, p string, members int, size int64, decompress func(io.Reader) (io.Reader, error)) {
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := decompress(bufio.NewReaderSize(f, ReadBufferSize))
		if err != nil {
			b.Fatal(err)
		}
		tr := tar.NewReader(zr)
		n := 0
		for {
			if _, err := tr.Next(); err != nil {
				break
			}
			io.Copy(io.Discard, tr)
			n++
		}
		f.Close()
		if n != members {
			b.Fatalf("read %d members, want %d", n, members)
		}
	}
}
