package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAnalyzeHTMLOutput checks the CLI's html branch: --output gets one
// whole page, and the exit code still follows --fail-on.
func TestAnalyzeHTMLOutput(t *testing.T) {
	dir := t.TempDir()
	warn := writeLog(t, dir, "warn.log", "2024-05-02T10:00:00Z warning 3 refused <script>alert(1)</script>")
	out := filepath.Join(dir, "report.html")
	e, stdout, errb := testEnv("")
	if got := run([]string{"analyze", "--format", "html", "--output", out, warn}, e); got != exitFindings {
		t.Fatalf("exit %d, want %d\nstderr: %s", got, exitFindings, errb)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout got %d bytes with --output set", stdout.Len())
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Content-Security-Policy", "</html>"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	if bytes.Contains(page, []byte("<script>alert(1)")) {
		t.Errorf("log text reached the page unescaped")
	}
}

// chromiumArgs keep a headless Chromium offline and free of first-run and
// background traffic; the profile lives in a fresh temporary folder.
func chromiumArgs(t *testing.T) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
}

// consoleTrouble matches what Chromium logs when the page's script throws
// or the page's CSP blocks something.
var consoleTrouble = regexp.MustCompile(`Uncaught|Refused to|CONSOLE.*(?i:error)`)

// TestHTMLInBrowser renders lab scenarios' reports in headless Chromium:
// the DOM after load must show the script ran without error and the marks
// each scenario's story needs; a screenshot goes to $KAFKADIAG_SCREENSHOTS
// (or a temporary folder) for a person to look at.
func TestHTMLInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install -y chromium); browser rendering not checked")
	}
	shots := os.Getenv("KAFKADIAG_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	tests := []struct {
		scenario string
		marks    []string // mark kinds that must be drawn
	}{
		{"idle_reset_firewall", []string{"k-reset-forged", "k-connect-ok", "k-disconnect"}},
		{"broker_sigkill_restart", []string{"k-killed", "k-start", "k-refused"}},
		{"healthy", []string{"k-connect-ok"}},
		{"synack_lost_stale_arp", []string{"k-synack-lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel() // each Chromium takes seconds to start
			in := filepath.Join("..", "..", "testdata", "scenarios", tt.scenario)
			if _, err := os.Stat(in); err != nil {
				t.Skipf("scenario %s is not in this tree: %v", tt.scenario, err)
			}
			page := filepath.Join(t.TempDir(), tt.scenario+".html")
			e, _, errb := testEnv("")
			e.parsers, e.rules = nil, nil // the real parsers and rules
			if got := run([]string{"analyze", "--format", "html", "--fail-on", "none", "--output", page, in}, e); got != exitOK {
				t.Fatalf("exit %d\nstderr: %s", got, errb)
			}
			png := filepath.Join(shots, tt.scenario+".png")
			dom, logs := runChromium(t, chromium, "--dump-dom", "--screenshot="+png,
				"--window-size=1280,2200", "--hide-scrollbars", "file://"+page)
			if !strings.Contains(dom, `data-js="ready"`) {
				t.Errorf("the page's script did not finish (no data-js=\"ready\" in the DOM)")
			}
			if strings.Contains(dom, `data-js-error="1"`) {
				t.Errorf("the page's script raised an error")
			}
			if m := consoleTrouble.FindString(logs); m != "" {
				t.Errorf("browser console reports %q:\n%s", m, logs)
			}
			for _, k := range tt.marks {
				if !strings.Contains(dom, `class="mk `+k) {
					t.Errorf("no %s mark on the timeline", k)
				}
			}
			if st, err := os.Stat(png); err != nil || st.Size() == 0 {
				t.Errorf("no screenshot written: %v", err)
			}
		})
	}
}

// runChromium runs one headless Chromium command, bounded in time, and
// returns its stdout and stderr.
func runChromium(t *testing.T, chromium string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, append(chromiumArgs(t), args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}
