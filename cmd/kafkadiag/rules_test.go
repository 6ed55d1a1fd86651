package main

import (
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

func TestRulesList(t *testing.T) {
	e, out, errb := testEnv("")
	if got := run([]string{"rules", "list"}, e); got != exitOK {
		t.Fatalf("exit %d\nstderr: %s", got, errb)
	}
	lines := strings.Split(out.String(), "\n")
	var rows []string
	for _, l := range lines {
		if strings.Contains(l, "refused") || strings.Contains(l, "restart") {
			rows = append(rows, strings.Join(strings.Fields(strings.ReplaceAll(l, "│", " ")), " "))
		}
	}
	want := []string{
		"refused connection-refused warning Nothing listens on the broker port",
		"restart broker-restart info A broker restarted",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"), out)
	}
	// "rules" alone lists too.
	e2, out2, _ := testEnv("")
	if got := run([]string{"rules"}, e2); got != exitOK || out2.String() != out.String() {
		t.Errorf("`rules` alone: exit %d, output differs from `rules list`", got)
	}
}

func TestRulesListEmpty(t *testing.T) {
	e, out, _ := testEnv("")
	e.rules = func() []analyzer.Rule { return nil }
	if got := run([]string{"rules", "list"}, e); got != exitOK {
		t.Errorf("exit %d", got)
	}
	if !strings.Contains(out.String(), "No rules") {
		t.Errorf("output: %q", out)
	}
}

func TestRulesExplain(t *testing.T) {
	tests := []struct {
		id       string
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{"refused", exitOK, []string{"refused: Nothing listens", "cause connection-refused, severity warning",
			"Looks for:", "SYNs answered at once", "Needs:", "Avoids:", "Fix:", "1. Start the broker"}, nil},
		{"connection-refused", exitOK, []string{"refused: Nothing listens"}, nil},
		{"broker-restart", exitOK, []string{"restart: A broker restarted", "Looks for:"}, nil},
		{"stale-arp", exitUsage, nil, []string{`"stale-arp"`, "rule IDs:  refused, restart", "cause IDs: broker-restart, connection-refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, out, errb := testEnv("")
			if got := run([]string{"rules", "explain", tt.id}, e); got != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr: %s", got, tt.wantCode, errb)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb)
				}
			}
		})
	}
}
