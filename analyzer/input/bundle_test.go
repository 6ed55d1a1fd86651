package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func TestBundleKind(t *testing.T) {
	tarball := tarOf(t, entry{name: "host/server.log", body: logLine(1)})
	zipped := zipOf(t, entry{name: "host/server.log", body: logLine(1)})
	zstdOf := func(b []byte) []byte {
		var out bytes.Buffer
		zw, err := zstd.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(b)
		zw.Close()
		return out.Bytes()
	}
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"tar", tarball, "tar"},
		{"zip", zipped, "zip"},
		{"tgz", gzipOf(t, tarball), "tar.gz"},
		{"tar.zst", zstdOf(tarball), "tar.zst"},
		{"zip in gzip", gzipOf(t, zipped), "zip.gz"},
		{"tar.xz", xzOf(t, tarball, xz.WriterConfig{}), "tar.xz"},
		{"xz-compressed log", xzOf(t, []byte(logLine(1)), xz.WriterConfig{}), ""},
		{"xz with a damaged header", []byte{0xfd, '7', 'z', 'X', 'Z', 0, 0, 4}, ""},
		{"gzipped log", gzipOf(t, []byte(strings.Repeat(logLine(1), 20))), ""},
		{"gzip truncated in its header", gzipOf(t, tarball)[:5], ""},
		{"gzip of nothing", gzipOf(t, nil), ""},
		{"plain log", []byte(logLine(1)), ""},
		{"pcap", append([]byte{0xd4, 0xc3, 0xb2, 0xa1}, make([]byte, 600)...), ""},
		{"empty", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BundleKind(bytes.NewReader(tc.body))
			if err != nil {
				t.Fatalf("BundleKind: %v", err)
			}
			if got != tc.want {
				t.Errorf("BundleKind = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBundleKindGzipReadsLittle: however big a tgz, BundleKind reads no
// more of it than gzipSniffInput, also when the gzip header carries a
// file name and a comment and the first member does not compress.
func TestBundleKindGzipReadsLittle(t *testing.T) {
	noise := make([]byte, 1<<20)
	for i := range noise {
		noise[i] = byte(i*7919>>3 ^ i*31)
	}
	tarball := tarOf(t, entry{name: "host/broker.pcap", body: string(noise)}, entry{name: "host/server.log", body: logLine(1)})
	var named bytes.Buffer
	zw := gzip.NewWriter(&named)
	zw.Name = strings.Repeat("case-4411-", 50) + ".tar"
	zw.Comment = strings.Repeat("collected by support ", 10)
	if _, err := zw.Write(tarball); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"plain header": gzipOf(t, tarball), "named and commented": named.Bytes()} {
		r := &countedReader{r: bytes.NewReader(body)}
		got, err := BundleKind(r)
		if err != nil || got != "tar.gz" {
			t.Errorf("%s: BundleKind = %q, %v; want tar.gz", name, got, err)
		}
		if r.n > gzipSniffInput {
			t.Errorf("%s: read %d bytes, want at most %d", name, r.n, gzipSniffInput)
		}
	}
}

type countedReader struct {
	r io.Reader
	n int
}

func (c *countedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestBundleKindReadError(t *testing.T) {
	boom := errors.New("disk gone")
	if _, err := BundleKind(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
}

// FuzzBundleKind feeds hostile heads: BundleKind must never panic, read
// error or not, and must answer the same for the same bytes.
func FuzzBundleKind(f *testing.F) {
	f.Add(tgzOf(f, entry{name: "a.log", body: "x"}))
	f.Add(zipOf(f, entry{name: "a.log", body: "x"}))
	f.Add(gzipOf(f, []byte("plain text")))
	f.Add([]byte("BZh91AY&SY\x00\x00"))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00})
	f.Add(xzOf(f, tarOf(f, entry{name: "a.log", body: "x"}), smallXZ))
	f.Fuzz(func(t *testing.T, b []byte) {
		k1, err1 := BundleKind(bytes.NewReader(b))
		k2, err2 := BundleKind(bytes.NewReader(b))
		if k1 != k2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("BundleKind differs between calls: %q/%v, %q/%v", k1, err1, k2, err2)
		}
	})
}
