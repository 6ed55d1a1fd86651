package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// batchCase is a set of incidents made from the lab scenarios, in the
// order given to the command, and what summary.jsonl must say of each.
type batchCase struct {
	paths []string
	want  []summaryRow // Report is checked apart: "" means none expected
}

// mixedIncidents builds real incidents of every shape: bundles packed
// three ways, a folder, one name shared by two bundles, and two that
// cannot be read at all.
func mixedIncidents(t *testing.T) batchCase {
	in := t.TempDir()
	other := filepath.Join(in, "other")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(in, "empty-case")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	var c batchCase
	add := func(path, scenario string, failed bool) {
		cause := ""
		if scenario != "" {
			cause = expectedCause(t, scenario)
		}
		c.paths = append(c.paths, path)
		c.want = append(c.want, summaryRow{Path: path, Cause: cause, Failed: failed})
	}
	add(writeBundle(t, filepath.Join(in, "refused.tgz"), "connection_refused", tgzBundle), "connection_refused", false)
	add(writeBundle(t, filepath.Join(in, "idle.zip"), "idle_reset_firewall", zipBundle), "idle_reset_firewall", false)
	add(copyScenario(t, filepath.Join(in, "healthy"), "healthy"), "healthy", false)
	add(writeFileT(t, filepath.Join(in, "garbage.tgz"), "this is not a bundle\n"), "", true)
	add(empty, "", true)
	add(writeBundle(t, filepath.Join(in, "tls.tar.zst"), "plaintext_to_tls_listener", tarZstBundle), "plaintext_to_tls_listener", false)
	add(writeBundle(t, filepath.Join(other, "refused.tgz"), "connection_refused", tgzBundle), "connection_refused", false)
	return c
}

func TestBatchSummary(t *testing.T) {
	c := mixedIncidents(t)
	out := filepath.Join(t.TempDir(), "reports")
	e, stdout, errb := realEnv()
	if got := run(append([]string{"batch", "--jobs", "2", "--out", out}, c.paths...), e); got != exitFindings {
		t.Fatalf("exit %d, want %d\nstderr: %s", got, exitFindings, errb)
	}
	rows := readSummary(t, out)
	reports := map[string]bool{}
	for i := range rows {
		if rows[i].Report == "" {
			t.Errorf("%s: no report written", rows[i].Path)
		} else if _, err := os.Stat(filepath.Join(out, rows[i].Report)); err != nil {
			t.Errorf("%s: report %s: %v", rows[i].Path, rows[i].Report, err)
		}
		if reports[rows[i].Report] {
			t.Errorf("%s: report name %s used twice", rows[i].Path, rows[i].Report)
		}
		reports[rows[i].Report] = true
		rows[i].Report = ""
	}
	if d := cmp.Diff(c.want, rows); d != "" {
		t.Errorf("summary.jsonl (-want +got):\n%s", d)
	}

	table := tableRows(stdout.String())
	in := filepath.Dir(c.paths[0])
	wantRows := [][]string{
		{"connection-refused", "2", c.paths[0]},
		{"idle-timeout-reset", "1", c.paths[1]},
		{"plaintext-to-tls-listener", "1", c.paths[5]},
		{filepath.Join(in, "healthy"), "4", "read,", "0", "skipped"},
		{filepath.Join(in, "garbage.tgz"), "no", "readable", "input:", "unknown", "format:"},
		{filepath.Join(in, "empty-case"), "no", "readable", "input:", "no", "file", "found"},
	}
	for _, want := range wantRows {
		if !hasRow(table, want) {
			t.Errorf("stdout has no row starting %q:\n%s", want, stdout)
		}
	}
	for _, s := range []string{"7 incidents: 4 with a finding, 1 without, 2 failed", "unknown format"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	if errb.Len() != 0 {
		t.Errorf("stderr: %s", errb)
	}
}

// tableRows splits a tablewriter table's body rows into their words.
func tableRows(s string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "│") {
			continue
		}
		rows = append(rows, strings.Fields(strings.ReplaceAll(line, "│", " ")))
	}
	return rows
}

func hasRow(rows [][]string, prefix []string) bool {
	for _, r := range rows {
		if len(r) >= len(prefix) && cmp.Equal(r[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}

func TestBatchJobsSameBytes(t *testing.T) {
	c := mixedIncidents(t)
	base := t.TempDir()
	var files []map[string]string
	var stdouts []string
	for _, jobs := range []string{"1", "3", "3"} {
		out := filepath.Join(base, "jobs-"+jobs+"-"+string(rune('a'+len(files))))
		e, stdout, errb := realEnv()
		if got := run(append([]string{"batch", "--markdown", "--jobs", jobs, "--out", out}, c.paths...), e); got != exitFindings {
			t.Fatalf("--jobs %s: exit %d, want %d\nstderr: %s", jobs, got, exitFindings, errb)
		}
		f := outFiles(t, out)
		for name := range f {
			if !strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".md") && name != "summary.jsonl" {
				t.Errorf("--jobs %s: stray file %s in the output folder", jobs, name)
			}
		}
		files = append(files, f)
		stdouts = append(stdouts, strings.ReplaceAll(stdout.String(), out, "OUT"))
	}
	// 7 incidents, each a JSON and a Markdown report, and the summary.
	if n := len(files[0]); n != 15 {
		t.Errorf("--jobs 1 wrote %d files, want 15", n)
	}
	for i := 1; i < len(files); i++ {
		if d := cmp.Diff(files[0], files[i]); d != "" {
			t.Errorf("run %d differs from --jobs 1 (-jobs1 +this):\n%s", i, d)
		}
		if d := cmp.Diff(stdouts[0], stdouts[i]); d != "" {
			t.Errorf("run %d stdout differs from --jobs 1:\n%s", i, d)
		}
	}
}

func TestBatchEach(t *testing.T) {
	cases := t.TempDir()
	writeBundle(t, filepath.Join(cases, "a.tgz"), "connection_refused", tgzBundle)
	writeBundle(t, filepath.Join(cases, "b.zip"), "healthy", zipBundle)
	// Content decides, not the name.
	writeBundle(t, filepath.Join(cases, "c-ticket-4411.bin"), "syn_dropped", tgzBundle)
	copyScenario(t, filepath.Join(cases, "d"), "tls_untrusted_cert")
	copyFile(t, mustCreate(t, filepath.Join(cases, "client.log")), filepath.Join(scenarios, "healthy", "client.log"))
	writeFileT(t, filepath.Join(cases, "garbage.tgz"), "not a bundle\n")
	writeFileT(t, filepath.Join(cases, "empty.zip"), "")
	writeBundle(t, filepath.Join(cases, ".partial.tgz"), "healthy", tgzBundle)
	if err := os.Symlink(filepath.Join(cases, "a.tgz"), filepath.Join(cases, "link.tgz")); err != nil {
		t.Fatal(err)
	}
	extra := writeBundle(t, filepath.Join(t.TempDir(), "extra.tgz"), "idle_reset_firewall", tgzBundle)

	// The output folder inside the shelf is not an incident, on a re-run
	// either.
	out := filepath.Join(cases, "reports")
	want := []string{
		filepath.Join(cases, "a.tgz"), filepath.Join(cases, "b.zip"),
		filepath.Join(cases, "c-ticket-4411.bin"), filepath.Join(cases, "d"), extra,
	}
	var errb *bytes.Buffer
	for range 2 {
		var e *env
		e, _, errb = realEnv()
		if got := run([]string{"batch", "--each", "--out", out, cases, extra}, e); got != exitFindings {
			t.Fatalf("exit %d, want %d\nstderr: %s", got, exitFindings, errb)
		}
		var got []string
		for _, r := range readSummary(t, out) {
			got = append(got, r.Path)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("incidents (-want +got):\n%s", d)
		}
	}
	for _, s := range []string{"ignored " + filepath.Join(cases, "client.log") + ": not a bundle",
		"ignored " + filepath.Join(cases, "garbage.tgz"), "ignored " + filepath.Join(cases, "empty.zip"),
		"ignored " + filepath.Join(cases, "link.tgz") + ": symlink"} {
		if !strings.Contains(errb.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, errb)
		}
	}
	if strings.Contains(errb.String(), ".partial") {
		t.Errorf("a hidden entry was mentioned:\n%s", errb)
	}
}

func mustCreate(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestBatchExitCodes(t *testing.T) {
	in := t.TempDir()
	refused := writeBundle(t, filepath.Join(in, "refused.tgz"), "connection_refused", tgzBundle)
	idle := writeBundle(t, filepath.Join(in, "idle.tgz"), "idle_reset_firewall", tgzBundle)
	healthy := writeBundle(t, filepath.Join(in, "healthy.tgz"), "healthy", tgzBundle)
	garbage := writeFileT(t, filepath.Join(in, "garbage.log"), "not a log\n")
	emptyDir := filepath.Join(in, "empty")
	loose := filepath.Join(in, "loose")
	for _, d := range []string{emptyDir, loose} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFileT(t, filepath.Join(loose, "client.log"), "just a log\n")
	notDir := writeFileT(t, filepath.Join(in, "taken"), "a file where the output folder should go\n")
	tests := []struct {
		name  string
		flags []string
		paths []string
		want  int
		// wantErr is a string stderr must hold; "" checks nothing.
		wantErr string
	}{
		{"critical finding, default fail-on", nil, []string{refused, healthy}, exitFindings, ""},
		{"fail-on none", []string{"--fail-on", "none"}, []string{refused}, exitOK, ""},
		{"healthy only", nil, []string{healthy}, exitOK, ""},
		{"warning below fail-on critical", []string{"--fail-on", "critical"}, []string{idle, healthy}, exitOK, ""},
		{"critical at fail-on critical", []string{"--fail-on", "critical"}, []string{idle, refused}, exitFindings, ""},
		{"some failed, rest healthy", nil, []string{garbage, healthy, emptyDir}, exitOK, ""},
		{"all failed", nil, []string{garbage, emptyDir, filepath.Join(in, "missing.tgz")}, exitUsage, "no incident could be read (3 failed)"},
		{"negative jobs", []string{"--jobs=-1"}, []string{refused}, exitUsage, "--jobs -1"},
		{"stdin", nil, []string{"-"}, exitUsage, "not standard input"},
		{"bad zone", []string{"--tz", "Mars/Olympus"}, []string{refused}, exitUsage, "time zone"},
		{"each finds nothing", []string{"--each"}, []string{loose}, exitUsage, "no bundle or folder found"},
		{"no path", nil, nil, exitUsage, "path"},
		{"output folder is a file", []string{"--out", notDir}, []string{refused}, exitUsage, "output folder"},
		{"output folder inside an incident", []string{"--out", filepath.Join(loose, "reports")}, []string{loose}, exitUsage, "inside the incident"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"batch", "--out", filepath.Join(t.TempDir(), "reports")}
			args = append(append(args, tt.flags...), tt.paths...)
			e, _, errb := realEnv()
			if got := run(args, e); got != tt.want {
				t.Errorf("exit %d, want %d\nstderr: %s", got, tt.want, errb)
			}
			if !strings.Contains(errb.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errb)
			}
		})
	}
}

func TestBatchProgress(t *testing.T) {
	in := t.TempDir()
	paths := []string{
		writeBundle(t, filepath.Join(in, "a.tgz"), "healthy", tgzBundle),
		writeBundle(t, filepath.Join(in, "b.tgz"), "healthy", tgzBundle),
	}
	for _, tty := range []bool{false, true} {
		e, _, errb := realEnv()
		e.stderrTTY = tty
		if got := run(append([]string{"batch", "--out", filepath.Join(t.TempDir(), "r")}, paths...), e); got != exitOK {
			t.Fatalf("tty=%v: exit %d\nstderr: %s", tty, got, errb)
		}
		want := ""
		if tty {
			want = "\r\x1b[K1/2 incidents\r\x1b[K2/2 incidents\r\x1b[K"
		}
		if d := cmp.Diff(want, errb.String()); d != "" {
			t.Errorf("tty=%v: stderr (-want +got):\n%s", tty, d)
		}
	}
}
