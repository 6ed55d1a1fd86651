package input

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// v7Tar turns a ustar archive's first header into an old v7 one: magic and
// version blanked, checksum recomputed.
func v7Tar(t testing.TB, b []byte) []byte {
	b = bytes.Clone(b)
	for i := 257; i < 265; i++ {
		b[i] = 0
	}
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b[:512] {
		sum += int(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func TestSniffLayer(t *testing.T) {
	ustar := tarOf(t, entry{name: "a.log", body: "x"})
	gnu := func() []byte {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: "a.log", Size: 1, Mode: 0o644, Format: tar.FormatGNU, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
		tw.Close()
		return b.Bytes()
	}()
	broken := v7Tar(t, ustar)
	broken[0] ^= 1 // checksum no longer matches
	cases := []struct {
		name string
		head []byte
		want layerKind
	}{
		{"gzip", gzipOf(t, []byte("x")), gzipLayer},
		{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00}, zstdLayer},
		{"bzip2", []byte("BZh91AY&SY\x00\x00"), bzip2Layer},
		{"text starting BZh", []byte("BZh is not bzip2\n"), plainLayer},
		{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0, 0, 4}, xzLayer},
		{"zip", zipOf(t, entry{name: "a", body: "x"}), zipLayer},
		{"empty zip", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), zipLayer},
		{"pax tar", ustar, tarLayer},
		{"gnu tar", gnu, tarLayer},
		{"v7 tar", v7Tar(t, ustar), tarLayer},
		{"v7 tar with a bad checksum", broken, plainLayer},
		{"long log text", []byte(strings.Repeat(logLine(1), 10)), plainLayer},
		{"pcap", append([]byte{0xd4, 0xc3, 0xb2, 0xa1}, make([]byte, 600)...), plainLayer},
		{"gzip magic with a bad method", []byte{0x1f, 0x8b, 0x07}, plainLayer},
		{"empty", nil, plainLayer},
	}
	for _, tc := range cases {
		if got := sniffLayer(tc.head); got != tc.want {
			t.Errorf("%s: sniffLayer = %v, want %v", tc.name, got, tc.want)
		}
	}
}
