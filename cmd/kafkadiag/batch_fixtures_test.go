package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
)

// scenarios is where the lab's recorded incidents live.
const scenarios = "../../testdata/scenarios"

// scenarioFiles lists a lab scenario's artifacts: its captures and logs,
// not its README or the expected.json answer key.
func scenarioFiles(t testing.TB, name string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(scenarios, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); n != "README.md" && n != "expected.json" {
			out = append(out, filepath.Join(scenarios, name, n))
		}
	}
	if len(out) == 0 {
		t.Fatalf("scenario %s has no artifact", name)
	}
	return out
}

// expectedCause reads a scenario's answer key: its cause, "" for none.
func expectedCause(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(scenarios, name, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cause *string `json:"cause"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s/expected.json: %v", name, err)
	}
	if doc.Cause == nil {
		return ""
	}
	return *doc.Cause
}

// bundleKind is how a test bundle is packed.
type bundleKind int

const (
	tgzBundle bundleKind = iota
	zipBundle
	tarZstBundle
)

// writeBundle packs a scenario's artifacts under a host folder, as a
// support bundle would, into dest.
func writeBundle(t testing.TB, dest, scenario string, kind bundleKind) string {
	t.Helper()
	var buf bytes.Buffer
	files := scenarioFiles(t, scenario)
	switch kind {
	case zipBundle:
		zw := zip.NewWriter(&buf)
		for _, f := range files {
			w, err := zw.Create("kafka-client-1/" + filepath.Base(f))
			if err != nil {
				t.Fatal(err)
			}
			copyFile(t, w, f)
		}
		closeOrFail(t, zw)
	default:
		var tarBuf bytes.Buffer
		tw := tar.NewWriter(&tarBuf)
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := tw.WriteHeader(&tar.Header{Name: "kafka-client-1/" + filepath.Base(f), Mode: 0o644, Size: st.Size(), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			copyFile(t, tw, f)
		}
		closeOrFail(t, tw)
		var zw io.WriteCloser = gzip.NewWriter(&buf)
		if kind == tarZstBundle {
			var err error
			if zw, err = zstd.NewWriter(&buf); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := zw.Write(tarBuf.Bytes()); err != nil {
			t.Fatal(err)
		}
		closeOrFail(t, zw)
	}
	if err := os.WriteFile(dest, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dest
}

// copyScenario copies a scenario's artifacts into a new folder, dest.
func copyScenario(t testing.TB, dest, scenario string) string {
	t.Helper()
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range scenarioFiles(t, scenario) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dest, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dest
}

func copyFile(t testing.TB, w io.Writer, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		t.Fatal(err)
	}
}

func closeOrFail(t testing.TB, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeFileT writes a small file for a test.
func writeFileT(t testing.TB, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// realEnv is an env with buffers and the real parsers and rules.
func realEnv() (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, &out, &errb
}

// summaryRow is the part of a summary.jsonl line these tests pin down.
type summaryRow struct {
	Path   string
	Report string
	Cause  string
	Failed bool
}

// readSummary reads summary.jsonl, checking every line is one JSON object
// with every key present.
func readSummary(t *testing.T, dir string) []summaryRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "summary.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := []string{"path", "report", "cause", "severity", "confidence", "findings",
		"inputs_read", "inputs_skipped", "flows", "events", "error"}
	var rows []summaryRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("summary.jsonl line %d: %v", n, err)
		}
		var got []string
		for k := range m {
			got = append(got, k)
		}
		want := append([]string(nil), keys...)
		sort.Strings(got)
		sort.Strings(want)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("summary.jsonl line %d keys (-want +got):\n%s", n, d)
		}
		rows = append(rows, summaryRow{
			Path: m["path"].(string), Report: m["report"].(string),
			Cause: m["cause"].(string), Failed: m["error"].(string) != "",
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// outFiles returns every file in dir and its bytes.
func outFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}
