package e2e

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// mergeByTime is mergecap: every frame of the captures in time order (ties
// keep input order) in one pcapng with an interface per input, each keeping
// its own link type.
func mergeByTime(name string, cs []*capture) *capture {
	out := &capture{name: name, side: "client", format: pcapNG}
	for i, c := range cs {
		out.ifaceLinks = append(out.ifaceLinks, c.link)
		out.snap = max(out.snap, c.snap)
		for _, f := range c.frames {
			f.iface = i
			out.frames = append(out.frames, f)
		}
	}
	slices.SortStableFunc(out.frames, func(a, b frame) int { return a.ci.Timestamp.Compare(b.ci.Timestamp) })
	return out
}

// clientCapture is a scenario's client-side capture.
func clientCapture(t *testing.T, s *scenarioFiles) *capture {
	t.Helper()
	for _, c := range s.clone() {
		if c.side == "client" {
			return c
		}
	}
	t.Fatalf("%s: no client-side capture", s.name)
	return nil
}

// clientAloneCauses is what each scenario's client-side capture gives
// alone (TestSingleArtifact's packets-only column).
var clientAloneCauses = map[string]string{
	"broker_sigterm_restart": "broker-restart",
	"connection_refused":     "connection-refused",
	"idle_reset_firewall":    "idle-timeout-reset",
	"syn_dropped":            "syn-unanswered",
	"tls_untrusted_cert":     "tls-handshake-failure",
}

// TestMergedCaptures merges two scenarios' client captures into one file,
// as mergecap does with captures of two problems a customer sent together,
// and analyses it alone: both causes must appear, each citing the frames it
// cited in its own capture, and nothing else at warning. The pairs reach
// different brokers (198.18.0.2 and 198.18.2.2), so the two faults do not
// contradict each other; one pair mixes link types (SLL2 and Ethernet).
func TestMergedCaptures(t *testing.T) {
	t.Chdir(repoRoot(t))
	pairs := [][2]string{
		{"connection_refused", "syn_dropped"},
		{"tls_untrusted_cert", "idle_reset_firewall"},
		{"broker_sigterm_restart", "idle_reset_firewall"},
	}
	for _, pair := range pairs {
		for _, interleave := range []bool{false, true} {
			name := pair[0] + "+" + pair[1]
			if interleave {
				name += "/interleaved"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				checkMerge(t, pair[:], interleave)
			})
		}
	}
}

func checkMerge(t *testing.T, scenarios []string, interleave bool) {
	var cs []*capture
	base := map[string]caseRun{}
	allowed := map[string]bool{}
	for _, name := range scenarios {
		c := clientCapture(t, loadScenario(t, name))
		run := writeAndAnalyse(t, name, []*capture{c}, nil)
		maps.Copy(allowed, warnings(run.report))
		// Every scenario's capture has the same file name: origins carry
		// the scenario from here on, in the baseline and the merge.
		for i := range c.frames {
			c.frames[i].origin.file = name + "/" + c.frames[i].origin.file
		}
		base[name] = run
		cs = append(cs, c)
	}
	if interleave {
		// The second capture starts half a second after the first: both
		// faults at once.
		d := cs[0].frames[0].ci.Timestamp.Add(500 * time.Millisecond).Sub(cs[1].frames[0].ci.Timestamp)
		if err := shiftClock(d)(cs[1]); err != nil {
			t.Fatal(err)
		}
	}
	merged := mergeByTime("client-side.pcapng", cs)
	run := writeAndAnalyse(t, "merged", []*capture{merged}, nil)
	got := warnings(run.report)
	for _, name := range scenarios {
		cause := clientAloneCauses[name]
		if !got[cause] {
			t.Errorf("%s's cause %s missing at warning; all: %s", name, cause, causeList(run.report))
			continue
		}
		want := base[name].citedBy(t, cause)
		for o := range run.citedBy(t, cause) {
			if !want[o] {
				t.Errorf("%s cites %s, which its own capture's finding did not (it cited %v)", cause, o, sortedOrigins(want))
			}
		}
	}
	for c := range got {
		if !allowed[c] {
			t.Errorf("extra warning-level cause %s; all: %s", c, causeList(run.report))
		}
	}
	if top := topCause(run.report); top != clientAloneCauses[scenarios[0]] && top != clientAloneCauses[scenarios[1]] {
		t.Errorf("findings[0] = %s, want one of the two causes; all: %s", top, causeList(run.report))
	}
}
