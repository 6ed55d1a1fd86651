package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/internal/golden"
)

const captures = "../../testdata/captures"

// runFlows runs the CLI in-process and returns the exit code and streams.
func runFlows(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

// TestFlowsGolden compares `flows` output for real captures with the
// golden files in testdata/captures/golden (rewrite with -update).
func TestFlowsGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"sf_loopback.json", []string{"--format", "json", "sf_loopback.pcap"}},
		{"sf_loopback.zeek", []string{"--format", "zeek", "sf_loopback.pcap"}},
		{"sf_loopback.txt", []string{"sf_loopback.pcap"}},
		{"rst_and_tls.json", []string{"--format=json", "rst_linger0.pcap", "tls_client_plaintext_listener.pcap"}},
		{"rst_and_tls.txt", []string{"rst_linger0.pcap", "tls_client_plaintext_listener.pcap"}},
		{"mixed_linktypes.zeek", []string{"--format", "zeek", "mixed_linktypes.pcapng"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			args := []string{"flows"}
			for _, a := range tt.args {
				if strings.Contains(a, ".pcap") {
					a = filepath.Join(captures, a)
				}
				args = append(args, a)
			}
			code, out, errOut := runFlows(t, nil, args...)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			path := filepath.Join(captures, "golden", tt.golden)
			golden.Check(t, path, []byte(out))
		})
	}
}

// TestFlowsInputs covers exit codes and what stderr says about inputs.
func TestFlowsInputs(t *testing.T) {
	dir := t.TempDir()
	sf, err := os.ReadFile(filepath.Join(captures, "sf_loopback.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.txt")
	cut := filepath.Join(dir, "cut.pcap")
	cutGz := filepath.Join(dir, "cut.pcap.gz")
	write(t, notes, []byte("nothing to see here\n"))
	write(t, cut, sf[:len(sf)-10])
	write(t, cutGz, gzipped(t, sf)[:200])
	missing := filepath.Join(dir, "missing.pcap")
	good := filepath.Join(captures, "sf_loopback.pcap")

	tests := []struct {
		name       string
		stdin      []byte
		args       []string
		code       int
		stdoutHas  []string
		stderrHas  []string
		stderrNone bool
	}{
		{name: "a capture", args: []string{"flows", good}, code: exitOK, stdoutHas: []string{"SF", "6/4", "1-10"}, stderrNone: true},
		{name: "from stdin", stdin: sf, args: []string{"flows", "--format", "json", "-"}, code: exitOK, stdoutHas: []string{`"conn_state":"SF"`}, stderrNone: true},
		{name: "only text", args: []string{"flows", notes}, code: exitUsage,
			stderrHas: []string{"skipped " + notes + ": unknown format: text in no known log layout", "no readable capture"}},
		{name: "missing file", args: []string{"flows", missing}, code: exitUsage, stderrHas: []string{"skipped " + missing + ":"}},
		{name: "text beside a capture", args: []string{"flows", notes, good}, code: exitOK,
			stdoutHas: []string{"SF"}, stderrHas: []string{"skipped " + notes}},
		{name: "truncated capture", args: []string{"flows", "--format", "json", cut}, code: exitOK,
			stdoutHas: []string{`"orig_pkts":5`, `"resp_pkts":4`, `"last_packet":9`},
			stderrHas: []string{cut + ": frame 10: file ends inside the record"}},
		// The frame the cut falls in depends on the compression; what counts
		// is that the frames before it are replayed and the error names both.
		{name: "gzip cut short", args: []string{"flows", "--format", "json", cutGz}, code: exitOK,
			stdoutHas: []string{`"first_packet":1`},
			stderrHas: []string{cutGz + ": frame ", ": file ends inside the record (cut short?): byte 328: gzip: unexpected EOF"}},
		{name: "bad format", args: []string{"flows", "--format", "csv", good}, code: exitUsage, stderrHas: []string{"--format"}},
		{name: "help", args: []string{"flows", "--help"}, code: exitOK, stdoutHas: []string{"kafkadiag flows --format zeek", "zeek-cut"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runFlows(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			for _, s := range tt.stdoutHas {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			if tt.stderrNone && errOut != "" {
				t.Errorf("stderr %q, want nothing", errOut)
			}
		})
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
