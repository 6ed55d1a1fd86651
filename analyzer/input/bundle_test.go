package input

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/zstd"
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
		{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0, 0, 4}, "xz"},
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
	f.Fuzz(func(t *testing.T, b []byte) {
		k1, err1 := BundleKind(bytes.NewReader(b))
		k2, err2 := BundleKind(bytes.NewReader(b))
		if k1 != k2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("BundleKind differs between calls: %q/%v, %q/%v", k1, err1, k2, err2)
		}
	})
}
