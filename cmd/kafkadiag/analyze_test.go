package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeLog writes a fake-log file with the given event lines.
func writeLog(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	body := "FAKE-LOG\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeExitCodes(t *testing.T) {
	dir := t.TempDir()
	quiet := writeLog(t, dir, "quiet.log", "2024-05-02T10:00:00Z debug 1 nothing to see")
	info := writeLog(t, dir, "info.log", "2024-05-02T10:00:00Z info 1 restarted")
	warn := writeLog(t, dir, "warn.log", "2024-05-02T10:00:00Z warning 3 refused")
	crit := writeLog(t, dir, "crit.log", "2024-05-02T10:00:00Z critical 3 refused")
	tests := []struct {
		failOn string // "" for the default
		path   string
		want   int
	}{
		{"", quiet, exitOK},
		{"", info, exitOK},
		{"", warn, exitFindings},
		{"", crit, exitFindings},
		{"none", crit, exitOK},
		{"info", info, exitFindings},
		{"info", quiet, exitOK},
		{"warning", info, exitOK},
		{"critical", warn, exitOK},
		{"critical", crit, exitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.failOn+"/"+filepath.Base(tt.path), func(t *testing.T) {
			args := []string{"analyze", "--format", "json"}
			if tt.failOn != "" {
				args = append(args, "--fail-on", tt.failOn)
			}
			e, out, errb := testEnv("")
			if got := run(append(args, tt.path), e); got != tt.want {
				t.Errorf("exit %d, want %d\nstderr: %s", got, tt.want, errb)
			}
			var doc map[string]any
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Errorf("stdout is not JSON: %v", err)
			}
		})
	}
}

func TestAnalyzeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	ok := writeLog(t, dir, "ok.log", "2024-05-02T10:00:00Z warning 3 refused")
	empty := filepath.Join(dir, "empty.log")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	prose := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(prose, []byte("call the broker team\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		// wantErr are strings stderr must contain.
		wantErr []string
	}{
		{"bad zone", []string{"analyze", "--tz", "Mars/Olympus", ok}, []string{`"Mars/Olympus"`, "time zone"}},
		{"unknown format flag", []string{"analyze", "--format", "pdf", ok}, []string{"pdf"}},
		{"bad fail-on", []string{"analyze", "--fail-on", "sometimes", ok}, []string{"sometimes"}},
		{"no path", []string{"analyze"}, []string{"path"}},
		{"nothing readable", []string{"analyze", empty, prose, filepath.Join(dir, "missing.pcap")}, []string{
			"no readable input", "3 inputs skipped",
			empty + ": empty", prose + ": unknown format", filepath.Join(dir, "missing.pcap") + ": ",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, out, errb := testEnv("")
			if got := run(tt.args, e); got != exitUsage {
				t.Errorf("exit %d, want %d\nstderr: %s", got, exitUsage, errb)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb)
				}
			}
			if strings.Contains(out.String(), "kafkadiag report") {
				t.Errorf("a report was written despite the error:\n%s", out)
			}
		})
	}
}

func TestAnalyzeOutputFile(t *testing.T) {
	dir := t.TempDir()
	in := writeLog(t, dir, "warn.log", "2024-05-02T10:00:00Z warning 3 refused")
	outDir := t.TempDir()
	dest := filepath.Join(outDir, "report.json")
	if err := os.WriteFile(dest, []byte("old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, out, errb := testEnv("")
	e.stdoutTTY = true // a file is never coloured, terminal or not
	if got := run([]string{"analyze", "--format", "json", "--output", dest, in}, e); got != exitFindings {
		t.Fatalf("exit %d, want %d\nstderr: %s", got, exitFindings, errb)
	}
	if out.Len() != 0 {
		t.Errorf("stdout got %d bytes with --output", out.Len())
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema   string
		Findings []struct{ Cause, Severity string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", dest, err, b)
	}
	want := []struct{ Cause, Severity string }{{"connection-refused", "warning"}}
	if doc.Schema != "kafkadiag/report/v1" || !cmp.Equal(want, doc.Findings) {
		t.Errorf("report = %+v", doc)
	}
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("output folder holds %d entries, want only report.json (temp file left behind?)", len(entries))
	}
}

func TestAnalyzeOutputUnwritable(t *testing.T) {
	dir := t.TempDir()
	in := writeLog(t, dir, "warn.log", "2024-05-02T10:00:00Z warning 3 refused")
	e, _, errb := testEnv("")
	dest := filepath.Join(dir, "no-such-dir", "report.txt")
	if got := run([]string{"analyze", "-o", dest, in}, e); got != exitUsage {
		t.Errorf("exit %d, want %d", got, exitUsage)
	}
	if !strings.Contains(errb.String(), dest) {
		t.Errorf("stderr does not name %s:\n%s", dest, errb)
	}
}

func TestAnalyzeTextZoneColourAndStdin(t *testing.T) {
	log := "FAKE-LOG\n2024-05-02T10:00:00Z warning 3 refused\n"
	tests := []struct {
		name      string
		args      []string
		tty       bool
		noColor   string
		wantIn    []string
		wantNotIn []string
	}{
		{"utc, pipe", []string{"analyze", "-"}, false, "",
			[]string{"Times are shown in UTC.", "2024-05-02 10:00:00.000", "-:2"}, []string{"\x1b["}},
		{"berlin", []string{"analyze", "--tz", "Europe/Berlin", "-"}, false, "",
			[]string{"Times are shown in Europe/Berlin.", "2024-05-02 12:00:00.000"}, nil},
		{"terminal", []string{"analyze", "-"}, true, "", []string{"\x1b["}, nil},
		{"terminal, NO_COLOR", []string{"analyze", "-"}, true, "1", nil, []string{"\x1b["}},
		{"markdown never coloured", []string{"analyze", "--format", "markdown", "-"}, true, "", []string{"# kafkadiag report"}, []string{"\x1b["}},
		{"timeline", []string{"analyze", "--timeline", "-"}, false, "", []string{"Timeline (1 entry, times in UTC)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, out, errb := testEnv(log)
			e.stdoutTTY = tt.tty
			e.getenv = func(k string) string {
				if k == "NO_COLOR" {
					return tt.noColor
				}
				return ""
			}
			if got := run(tt.args, e); got != exitFindings {
				t.Fatalf("exit %d, want %d\nstderr: %s", got, exitFindings, errb)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(out.String(), s) {
					t.Errorf("report lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.wantNotIn {
				if strings.Contains(out.String(), s) {
					t.Errorf("report has %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestAnalyzeProgressOnlyOnTerminal(t *testing.T) {
	dir := t.TempDir()
	in := writeLog(t, dir, "warn.log", "2024-05-02T10:00:00Z warning 3 refused")
	for _, tty := range []bool{false, true} {
		e, _, errb := testEnv("")
		e.stderrTTY = tty
		run([]string{"analyze", "--fail-on", "none", in}, e)
		if got := strings.Contains(errb.String(), "reading "); got != tty {
			t.Errorf("stderr TTY %v: progress shown %v:\n%q", tty, got, errb)
		}
	}
}

func TestAnalyzeHelp(t *testing.T) {
	e, out, _ := testEnv("")
	if got := run([]string{"analyze", "--help"}, e); got != exitOK {
		t.Errorf("exit %d, want 0", got)
	}
	for _, s := range []string{"Examples:", "kafkadiag analyze --format json", "--tz Europe/Berlin", "Exit codes:"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("help lacks %q:\n%s", s, out)
		}
	}
}

func TestAnalyzeTextFileNeverColoured(t *testing.T) {
	dir := t.TempDir()
	in := writeLog(t, dir, "warn.log", "2024-05-02T10:00:00Z warning 3 refused")
	dest := filepath.Join(dir, "report.txt")
	e, _, errb := testEnv("")
	e.stdoutTTY = true
	if got := run([]string{"analyze", "--output", dest, in}, e); got != exitFindings {
		t.Fatalf("exit %d, want %d\nstderr: %s", got, exitFindings, errb)
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "Primary cause: Nothing listens on the broker port") {
		t.Errorf("report lacks the verdict:\n%s", b)
	}
	if strings.Contains(string(b), "\x1b[") {
		t.Errorf("file report has colour codes:\n%q", b)
	}
}
