package input

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestXZFromCLI decodes what xz-utils itself writes, when it is installed
// (CI may lack it): the presets' dictionaries up to -9's 64 MiB, the
// multi-block streams of the threaded encoder, every check type,
// concatenated streams, and a filter chain it must refuse by name.
func TestXZFromCLI(t *testing.T) {
	bin, err := exec.LookPath("xz")
	if err != nil {
		t.Skip("xz CLI not installed")
	}
	var b strings.Builder
	for i := range 6000 {
		b.WriteString(logLine(i))
	}
	body := []byte(b.String())
	run := func(t *testing.T, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"-c", "-q"}, args...)...)
		// Standard input, not a file: xz then cannot shrink the dictionary
		// to the input's size, so -9 really declares 64 MiB.
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("xz %v: %v", args, err)
		}
		return out
	}
	cases := []struct {
		name string
		args [][]string // one xz run each, outputs concatenated
		want string     // error; "" means the body decodes whole
	}{
		{"default preset", [][]string{{}}, ""},
		{"-9e: a 64 MiB dictionary, at the cap", [][]string{{"-9e"}}, ""},
		{"-0: a 256 KiB dictionary", [][]string{{"-0"}}, ""},
		{"-T2: multi-block, sizes in block headers", [][]string{{"-T2", "--block-size=65536"}}, ""},
		{"CRC-32", [][]string{{"--check=crc32"}}, ""},
		{"SHA-256", [][]string{{"--check=sha256"}}, ""},
		{"no check", [][]string{{"--check=none"}}, ""},
		{"4 KiB dictionary", [][]string{{"--lzma2=dict=4KiB"}}, ""},
		{"x86 filter before LZMA2", [][]string{{"--x86", "--lzma2"}}, "xz: 2 filters in a chain: only LZMA2 alone is supported"},
		{"delta filter before LZMA2", [][]string{{"--delta", "--lzma2"}}, "xz: 2 filters in a chain: only LZMA2 alone is supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var x []byte
			for _, a := range tc.args {
				x = append(x, run(t, a...)...)
			}
			got, err := readXZ(x)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.want {
				t.Fatalf("error = %q, want %q", gotErr, tc.want)
			}
			if err == nil && !bytes.Equal(got, body) {
				t.Errorf("decoded %d bytes, differing from the %d compressed", len(got), len(body))
			}
		})
	}
	t.Run("two streams from two runs", func(t *testing.T) {
		x := append(run(t, "-1"), run(t, "-T2", "--block-size=65536")...)
		got, err := readXZ(x)
		if err != nil {
			t.Fatal(err)
		}
		if want := append(bytes.Clone(body), body...); !bytes.Equal(got, want) {
			t.Errorf("decoded %d bytes, want both streams, %d", len(got), len(want))
		}
	})
}
