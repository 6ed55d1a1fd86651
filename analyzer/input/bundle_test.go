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
