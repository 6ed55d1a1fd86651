package e2e

import (
	"maps"
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// The lab's captures are Ethernet pcaps on 198.18.0.0/15, all from one run.
// A capture of the same fault taken another way — another link type, file
// format, address range, IP version, clock, pace — must give the same
// diagnosis, or an honestly weaker one where the other way loses the
// evidence. TestTransforms rewrites every scenario's captures in memory
// (pcapgo readers and writers, gopacket layers to re-serialise headers) and
// analyses the rewritten folder as TestScenarios does.

// mode says what a case folder holds.
type mode int

const (
	withLogs      mode = iota // captures and the scenario's logs (logs rewritten where the transform needs it)
	capturesAlone             // captures only: the transform cannot keep the logs consistent
)

// outcome is what one (scenario, transform) must give.
type outcome struct {
	// cause is findings[0].cause; "" means no finding at warning or above.
	cause string
	// missing, when set, must appear in findings[0].missing.
	missing string
	// payloadLost says the snap length cut the first payload below what
	// tells a Kafka request from a ClientHello: the cause then rests on
	// the logs, without the packets.
	payloadLost bool
}

// scenarioCauses is what each scenario gives untransformed, with its logs
// (expected.json's cause) and from its two captures alone.
var scenarioCauses = map[string]struct{ withLogs, alone string }{
	"broker_sigkill_restart":                   {"broker-restart", "broker-restart"},
	"broker_sigkill_restart_2s":                {"broker-restart", "broker-restart"},
	"broker_sigterm_restart":                   {"broker-restart", "broker-restart"},
	"connection_refused":                       {"connection-refused", "connection-refused"},
	"healthy":                                  {"", ""},
	"idle_reset_firewall":                      {"idle-timeout-reset", "idle-timeout-reset"},
	"idle_reset_firewall_10s":                  {"idle-timeout-reset", "idle-timeout-reset"},
	"idle_reset_firewall_dumpcap":              {"idle-timeout-reset", "idle-timeout-reset"},
	"idle_reset_firewall_ttl65":                {"idle-timeout-reset", "idle-timeout-reset"},
	"plaintext_to_tls_listener":                {"plaintext-to-tls-listener", "plaintext-to-tls-listener"},
	"plaintext_to_tls_listener_v6_sll2_snap96": {"plaintext-to-tls-listener", "plaintext-to-tls-listener"},
	"syn_dropped":                              {"syn-unanswered", "syn-unanswered"},
	"synack_lost_stale_arp":                    {"stale-arp-entry", "stale-arp-entry"},
	"synack_lost_stale_arp_v6_nano":            {"stale-arp-entry", "stale-arp-entry"},
	"tls_to_plaintext_listener":                {"tls-to-plaintext-listener", "tls-to-plaintext-listener"},
	"tls_to_plaintext_listener_v6_sll2_snap96": {"tls-to-plaintext-listener", "tls-to-plaintext-listener"},
	"tls_untrusted_cert":                       {"tls-handshake-failure", "tls-handshake-failure"},
}

// recordedTransformed are lab fixtures already taken the way the transforms
// rewrite to (testdata/lab/variants.sh: IPv6, tcpdump -i any -s 96, other
// addresses): the transforms start from IPv4 captures on the lab's default
// addresses and do not apply to them.
var recordedTransformed = map[string]string{
	"plaintext_to_tls_listener_v6_sll2_snap96": "recorded over IPv6 with tcpdump -i any -s 96; the transforms rewrite IPv4 captures",
	"tls_to_plaintext_listener_v6_sll2_snap96": "recorded over IPv6 with tcpdump -i any -s 96; the transforms rewrite IPv4 captures",
	"synack_lost_stale_arp_v6_nano":            "recorded over IPv6; the transforms rewrite IPv4 captures",
	"idle_reset_firewall_dumpcap":              "recorded on 192.168 addresses, port 9093; the transforms' address maps start from the lab's 198.18 defaults",
}

// transformCase is one way of having taken the captures.
type transformCase struct {
	name string
	mode mode
	// whole rewrites the case's captures together, before steps.
	whole func([]*capture) error
	// steps rewrite each capture, in order.
	steps []func(*capture) error
	// logs rewrites each log's text; nil keeps the logs verbatim.
	logs func(string) string
	// want overrides scenarioCauses where the transform loses evidence;
	// each entry says why.
	want map[string]outcome
	// skip skips scenarios where the case cannot hold (the fault lies
	// outside what the transform keeps) or where the tool is known wrong
	// for a reason outside this task's reach; the text says why and where.
	skip map[string]string
	// skipAll skips the transform on every scenario, for the reason given.
	skipAll string
	// fewerFrames says why findings[0] may cite fewer of the original
	// frames: those it cites must still be ones the untransformed case
	// cited.
	fewerFrames string
	// unjoined says the transform leaves logs and packets impossible to
	// join: findings[0] may then rest on fewer kinds of evidence.
	unjoined bool
	// check, when set, inspects the report further.
	check func(t *testing.T, run, base caseRun)
}

// noMACs is what losing the Ethernet header does to the stale-ARP
// scenario: without the SYN-ACK's destination MAC a stale neighbour entry
// cannot be told from a lost SYN-ACK.
var noMACs = map[string]outcome{
	"synack_lost_stale_arp": {cause: "syn-ack-lost"},
}

// cutPayload is what a snap length that keeps 2 payload bytes or fewer
// (-s 68 over Ethernet and IPv4 with TCP timestamps) does to the scenarios
// that rest on first bytes: the logs still say it, the packets no longer
// can.
var cutPayload = map[string]outcome{
	"plaintext_to_tls_listener": {cause: "plaintext-to-tls-listener", payloadLost: true},
	"tls_to_plaintext_listener": {cause: "tls-to-plaintext-listener", payloadLost: true},
	"tls_untrusted_cert":        {cause: "tls-handshake-failure", payloadLost: true},
}

// cutPayloadAlone is cutPayload without the logs: nothing is left to tell.
var cutPayloadAlone = map[string]outcome{
	"plaintext_to_tls_listener": {},
	"tls_to_plaintext_listener": {},
	"tls_untrusted_cert":        {},
}

// union merges outcome tables (no scenario is in two).
func union(ms ...map[string]outcome) map[string]outcome {
	out := map[string]outcome{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

var tenNet = addrMap{ip: labToRange(netip.MustParsePrefix("10.42.0.0/16")), port: map[uint16]uint16{9092: 19092, 9093: 29093}}
var docNet = addrMap{ip: labToRange(netip.MustParsePrefix("203.0.113.0/24")), port: map[uint16]uint16{9092: 19092, 9093: 29093}}
var v6Net = addrMap{ip: labToIPv6}
var natClients = addrMap{ip: fixedAddrs(map[netip.Addr]netip.Addr{
	netip.MustParseAddr("198.18.0.1"): netip.MustParseAddr("203.0.113.7"),
	netip.MustParseAddr("198.18.1.1"): netip.MustParseAddr("203.0.113.8"),
})}

// shortScenarios are the scenarios whose fault happens in the capture's
// first seconds: a late start leaves nothing of it.
var shortScenarios = map[string]string{
	"connection_refused":        "fault within the capture's first 2 s",
	"healthy":                   "capture shorter than the cut",
	"plaintext_to_tls_listener": "fault within the capture's first 2 s",
	"syn_dropped":               "fault within the capture's first 2 s",
	"synack_lost_stale_arp":     "fault within the capture's first 2 s",
	"tls_to_plaintext_listener": "fault within the capture's first 2 s",
	"tls_untrusted_cert":        "fault within the capture's first 2 s",
}

// onlySigkill skips every scenario but broker_sigkill_restart, which is
// skipped for why unless it is "".
func onlySigkill(why string) map[string]string {
	m := map[string]string{}
	for name := range scenarioCauses {
		m[name] = "only broker_sigkill_restart has an outage 5 s in"
	}
	m["broker_sigkill_restart"] = why
	return m
}

// idleUnseen is why a late start loses an idle reset: the connection's only
// packets before its RST were sent before the capture began, so the flow
// shows no silence (its idle time does not count from the capture's start).
const idleUnseen = "the first connection's silence began before the capture"

// clockJump is how far the shifted captures' clock is off: years, days and
// hours, so nothing lines up by accident.
const clockJump = (3*365+41)*24*time.Hour + 7*time.Hour

func transformCases() []transformCase {
	return []transformCase{
		{name: "identity"},
		{name: "pcapng", steps: steps(toPcapNG)},
		{name: "pcap-nanos", steps: steps(toNanos)},
		{name: "pcapng-nanos", steps: steps(toPcapNG, toNanos)},
		{name: "pcap-big-endian", steps: steps(toBigEndian)},
		{name: "vlan-42", steps: steps(vlanTag(42))},
		{name: "sll2", steps: steps(toSLL2), want: noMACs},
		{name: "sll", steps: steps(toSLL), want: noMACs},
		{name: "sll2-pcapng", steps: steps(toSLL2, toPcapNG), want: noMACs},
		{name: "raw-ip", steps: steps(toRawIP(layers.LinkTypeRaw)), want: noMACs},
		{name: "raw-ipv4", steps: steps(toRawIP(layers.LinkTypeIPv4)), want: noMACs},
		{name: "null-loopback", steps: steps(toNull), want: noMACs},
		{name: "snap-128", steps: steps(snapTo(128))},
		{name: "snap-96", steps: steps(snapTo(96))},
		{name: "sll2-snap-96", steps: steps(toSLL2, snapTo(96)), want: noMACs},
		{name: "sll2-snap-96-alone", mode: capturesAlone, steps: steps(toSLL2, snapTo(96)), want: noMACs},
		{name: "snap-96-alone", mode: capturesAlone, steps: steps(snapTo(96))},
		// IPv6 with TCP timestamps leaves 10 payload bytes at -s 96: the
		// Kafka header is cut before the client id. The scenario whose
		// client capture is SLL2 also loses its SYNs (20+40+40 bytes).
		{name: "ipv6-snap-96", steps: steps(remap(v6Net), snapTo(96)), logs: logsVia(v6Net)},
		{name: "ipv6-snap-96-alone", mode: capturesAlone, steps: steps(remap(v6Net), snapTo(96))},
		// `tcpdump -i any -s 96` over IPv6: every SYN is cut in its options,
		// and a data segment keeps 4 payload bytes (20+40+32): a Kafka
		// request's size, exactly the rest of its segment, and a TLS
		// record's header still tell them apart (the lab's v6_sll2_snap96
		// variant recorded this).
		{name: "ipv6-sll2-snap-96", steps: steps(remap(v6Net), toSLL2, snapTo(96)), logs: logsVia(v6Net), want: noMACs},
		{name: "ipv6-sll2-snap-96-alone", mode: capturesAlone, steps: steps(remap(v6Net), toSLL2, snapTo(96)), want: noMACs},
		// tcpdump's old default (-s 68) cuts every SYN and SYN-ACK inside
		// its TCP options (14+20+40 = 74 bytes).
		{name: "snap-68", steps: steps(snapTo(68)), want: cutPayload},
		{name: "snap-68-alone", mode: capturesAlone, steps: steps(snapTo(68)), want: cutPayloadAlone},
		{name: "addr-10.42", steps: steps(remap(tenNet)), logs: logsVia(tenNet)},
		{name: "addr-203.0.113", steps: steps(remap(docNet)), logs: logsVia(docNet)},
		{name: "addr-203.0.113-sll2-pcapng", steps: steps(remap(docNet), toSLL2, toPcapNG),
			logs: logsVia(docNet), want: noMACs},
		// IPv6 over Ethernet keeps the MACs: the SYN-ACK still goes to
		// the stale one, only the ARP history (dropped) is gone.
		{name: "ipv6", steps: steps(remap(v6Net)), logs: logsVia(v6Net)},
		{name: "ipv6-raw", steps: steps(remap(v6Net), toRawIP(layers.LinkTypeIPv6)),
			logs: logsVia(v6Net), want: noMACs},
		{name: "ipv6-null", steps: steps(remap(v6Net), toNull),
			logs: logsVia(v6Net), want: noMACs},
		// The broker sees its clients through a source NAT: another
		// client address in the broker-side capture and in the broker's
		// logs (Java prints the peer), the client's own view unchanged.
		{name: "nat-broker-side", steps: steps(onSide("broker", remap(natClients))), logs: func(s string) string {
			if styleOf(s) == styleJava {
				return rewriteLog(s, natClients)
			}
			return s
		}},
		{name: "clock-years-alone", mode: capturesAlone, steps: steps(shiftClock(clockJump))},
		// Logs kept, capture clock years off: no offset that large is
		// searched, so packets and lines stay apart; the logs' diagnosis
		// must stand and the packets must not add a wrong one.
		{name: "clock-years-logs", steps: steps(shiftClock(clockJump)), unjoined: true, check: notesSay("days apart")},
		// The capture host's clock 37 s fast, logs kept: every finding
		// that joins packets with lines must still join them and say the
		// clocks disagree.
		{name: "clock-37s", steps: steps(shiftClock(37 * time.Second)), check: saysClockOffset("log clocks run 37 s behind the capture clock")},
		// tcpdump started after the long-lived connections were up: their
		// handshakes are missing; the faults come later.
		{name: "late-2s", whole: startLate(2 * time.Second), skip: shortScenarios, fewerFrames: idleUnseen},
		{name: "late-2s-alone", mode: capturesAlone, whole: startLate(2 * time.Second), skip: shortScenarios, fewerFrames: idleUnseen},
		// Started during the SIGKILL outage: refusals, then reconnects.
		// Without the burst of closes no outage is seen; the refusals
		// must say the listener came back and ask for the broker's side.
		{name: "late-5s-alone", mode: capturesAlone, whole: startLate(5 * time.Second), skip: onlySigkill(""),
			want: map[string]outcome{"broker_sigkill_restart": {cause: "connection-refused", missing: "journalctl -u kafka"}}},
		// A slower world: the device's idle timeout reads 1.5× longer.
		{name: "stretch-1.5-alone", mode: capturesAlone, whole: stretchGaps(1.5), check: idleTimeoutScaled(1.5)},
	}
}

func steps(s ...func(*capture) error) []func(*capture) error { return s }

// logsVia rewrites logs with the same address map as the captures.
func logsVia(m addrMap) func(string) string {
	return func(s string) string { return rewriteLog(s, m) }
}

// TestTransforms runs every transform on every scenario.
func TestTransforms(t *testing.T) {
	t.Chdir(repoRoot(t))
	names := slices.Sorted(maps.Keys(scenarioCauses))
	if got := caseDirs(t, "testdata/scenarios"); len(got) != len(names) {
		t.Fatalf("testdata/scenarios holds %d scenarios, the table %d: add the new one to scenarioCauses", len(got), len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if why := recordedTransformed[name]; why != "" {
				t.Skip(why)
			}
			t.Parallel()
			s := loadScenario(t, name)
			base := map[mode]caseRun{
				withLogs:      writeAndAnalyse(t, name, s.clone(), s.logs),
				capturesAlone: writeAndAnalyse(t, name, s.clone(), nil),
			}
			for _, tc := range transformCases() {
				t.Run(tc.name, func(t *testing.T) {
					if why := tc.skip[name] + tc.skipAll; why != "" {
						t.Skip(why)
					}
					runTransform(t, s, tc, base[tc.mode])
				})
			}
		})
	}
}

func runTransform(t *testing.T, s *scenarioFiles, tc transformCase, base caseRun) {
	want, ok := tc.want[s.name]
	if !ok {
		want.cause = scenarioCauses[s.name].withLogs
		if tc.mode == capturesAlone {
			want.cause = scenarioCauses[s.name].alone
		}
	}
	captures := s.clone()
	if tc.whole != nil {
		if err := tc.whole(captures); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range captures {
		for _, step := range tc.steps {
			if err := step(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	var logs []logFile
	if tc.mode == withLogs {
		for _, l := range s.logs {
			if tc.logs != nil {
				l.text = tc.logs(l.text)
			}
			logs = append(logs, l)
		}
	}
	run := writeAndAnalyse(t, s.name, captures, logs)
	checkTransformed(t, run, base, want, !tc.unjoined, tc.fewerFrames != "")
	if tc.check != nil {
		tc.check(t, run, base)
	}
}

// checkTransformed compares a transformed case with what it must give and
// with the untransformed baseline.
func checkTransformed(t *testing.T, run, base caseRun, want outcome, joined, fewerFrames bool) {
	t.Helper()
	r := run.report
	if got := topCause(r); got != want.cause {
		t.Fatalf("findings[0] = %q, want %q; all: %s (untransformed: %s)", got, want.cause, causeList(r), causeList(base.report))
	}
	if want.missing != "" && !strings.Contains(r.Findings[0].Missing, want.missing) {
		t.Errorf("missing = %q, want it to name %q", r.Findings[0].Missing, want.missing)
	}
	// No warning the untransformed captures did not give, other than the
	// (weaker) cause this transform is expected to give.
	allowed := warnings(base.report)
	allowed[want.cause] = true
	for c := range warnings(r) {
		if !allowed[c] {
			t.Errorf("extra warning-level cause %s; all: %s (untransformed: %s)", c, causeList(r), causeList(base.report))
		}
	}
	if want.payloadLost {
		// The logs alone carry it: every kind but the packets, no frame.
		wantKinds := slices.DeleteFunc(slices.Clone(base.report.Findings[0].Kinds), func(k string) bool { return k == "packets" })
		if diff := cmp.Diff(wantKinds, r.Findings[0].Kinds); diff != "" {
			t.Errorf("findings[0] evidence kinds (-untransformed without packets +transformed):\n%s", diff)
		}
		if frames := run.citedFrames(t); len(frames) > 0 {
			t.Errorf("findings[0] cites frames %v from first bytes the snap length cut", sortedOrigins(frames))
		}
		return
	}
	if want.cause == "" || want.cause != topCause(base.report) || !joined {
		return
	}
	// Rewritten logs must still join the rewritten packets: the same
	// kinds of evidence agree as before.
	if diff := cmp.Diff(base.report.Findings[0].Kinds, r.Findings[0].Kinds); diff != "" {
		t.Errorf("findings[0] evidence kinds (-untransformed +transformed):\n%s", diff)
	}
	// The same diagnosis must point at the same records. Frames a
	// transform dropped (ARP under raw IP) can no longer be cited.
	wantFrames := base.citedFrames(t)
	kept := map[origin]bool{}
	for _, c := range run.captures {
		for _, f := range c.frames {
			kept[f.origin] = true
		}
	}
	maps.DeleteFunc(wantFrames, func(o origin, _ bool) bool { return !kept[o] })
	if fewerFrames {
		for o := range run.citedFrames(t) {
			if !wantFrames[o] {
				t.Errorf("findings[0] cites %s, which the untransformed case did not (%v)", o, sortedOrigins(wantFrames))
			}
		}
		return
	}
	if diff := cmp.Diff(sortedOrigins(wantFrames), sortedOrigins(run.citedFrames(t))); diff != "" {
		t.Errorf("findings[0] evidence frames, as original records (-untransformed +transformed):\n%s", diff)
	}
}

// saysClockOffset checks that every warning joining packets with log lines
// names the clock offset.
func saysClockOffset(words string) func(*testing.T, caseRun, caseRun) {
	return func(t *testing.T, run, _ caseRun) {
		t.Helper()
		for _, f := range run.report.Findings {
			if f.Level < analyzer.Warning || len(f.Kinds) < 2 || !slices.Contains(f.Kinds, "packets") {
				continue
			}
			if !strings.Contains(f.Summary, words) {
				t.Errorf("%s joins %v but its summary does not say %q:\n%s", f.Cause, f.Kinds, words, f.Summary)
			}
		}
	}
}

// idleTimeoutScaled checks that an idle-timeout-reset finding infers a
// device timeout k times the untransformed one (within 5%).
func idleTimeoutScaled(k float64) func(*testing.T, caseRun, caseRun) {
	return func(t *testing.T, run, base caseRun) {
		t.Helper()
		idle := func(r caseRun) time.Duration {
			for _, f := range r.result.Findings {
				if f.Cause == analyzer.IdleTimeoutReset {
					return f.IdleTimeout
				}
			}
			return 0
		}
		got, was := idle(run), idle(base)
		if was == 0 {
			if got != 0 {
				t.Errorf("idle timeout %v inferred where the untransformed captures gave none", got)
			}
			return
		}
		if want := time.Duration(float64(was) * k); math.Abs(float64(got-want)) > 0.05*float64(want) {
			t.Errorf("idle timeout %v, want ≈%v (%.1f × %v)", got, want, k, was)
		}
	}
}

// notesSay checks that the report's notes mention words (when the case
// had logs and captures to compare).
func notesSay(words string) func(*testing.T, caseRun, caseRun) {
	return func(t *testing.T, run, _ caseRun) {
		t.Helper()
		if !slices.ContainsFunc(run.report.Notes, func(n string) bool { return strings.Contains(n, words) }) {
			t.Errorf("notes %q, want one saying %q", run.report.Notes, words)
		}
	}
}
