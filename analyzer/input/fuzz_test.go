package input

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// FuzzWalker walks arbitrary bytes as one file, with tight limits: it must
// never panic, hang or leave anything in the temp dir, and every read must
// end.
func FuzzWalker(f *testing.F) {
	f.Add([]byte("plain text\n"))
	f.Add([]byte("\xff\xfe[\x002\x00]\x00 \x00W\x00\n\x00"))
	f.Add([]byte("\xef\xbb\xbf[2024] x\n"))
	f.Add(tgzOf(f, entry{name: "broker-1/server.log", body: logLine(1)}, entry{name: "../x", body: "y"}))
	f.Add(zipOf(f, entry{name: "a.log.gz", body: string(gzipOf(f, []byte(logLine(2))))}))
	f.Add(tarOf(f, entry{name: "in.zip", body: string(zipOf(f, entry{name: "b", body: "c"}))}))
	f.Add(gzipOf(f, gzipOf(f, tarOf(f, entry{name: "l", typ: '2', link: "/etc/passwd"}))))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x00})
	f.Add([]byte("BZh91AY&SY\x00\x00\x00\x00"))
	f.Add(xzOf(f, tarOf(f, entry{name: "sosreport-kafka-3/var/log/messages", body: logLine(3)}), smallXZ))
	f.Add(xzOf(f, []byte(logLine(4)), xz.WriterConfig{DictCap: 64 << 10, BlockSize: 64, CheckSum: xz.CRC32}))
	f.Add(gzipOf(f, xzOf(f, tarOf(f, entry{name: "a.log.xz", body: string(xzOf(f, []byte(logLine(5)), smallXZ))}), smallXZ)))
	f.Add(withXZDict(f, xzOf(f, []byte(logLine(6)), smallXZ), 30))
	// One folder for the whole run: a fresh t.TempDir per input costs more
	// disk round trips than the walk itself.
	dir := f.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		f.Fatal(err)
	}
	p := filepath.Join(dir, "input")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := Options{TempDir: tmp, MaxDecompressed: 64 << 20, RatioGrace: 1 << 20, MaxMembers: 1000, MaxTempCopy: 16 << 20}
		for _, stdin := range []bool{false, true} {
			args := []string{p}
			if stdin {
				args = []string{"-"}
			}
			w := NewWithOptions(args, bytes.NewReader(b), opts)
			for i := 0; ; i++ {
				if i > 10_000 {
					t.Fatal("walker yields without end")
				}
				it, err := w.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if (it.R == nil) == (it.Skip == "") {
					t.Fatalf("item %q: R set %v, Skip %q", it.Path, it.R != nil, it.Skip)
				}
				if it.R != nil {
					io.Copy(io.Discard, it.R)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("temp dir not emptied: %d entries", len(left))
			}
		}
	})
}

// FuzzHostFromPath: never panics, and a host it returns is spelled in the
// path and made of host-name characters.
func FuzzHostFromPath(f *testing.F) {
	for _, p := range []string{"bundle.tgz!broker-1/logs/server.log", "sosreport-kafka-3-0123456-2024-06-29-abcdef/var/log/messages",
		"reports/podlogs/my-cluster-kafka-0-previous.log", "logs-broker-2-2024-06-29.zip!server.log", "!!/", "-"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		h := HostFromPath(p)
		if h == "" {
			return
		}
		if !strings.Contains(p, h) || !validHostChars(h) {
			t.Fatalf("HostFromPath(%q) = %q", p, h)
		}
	})
}
