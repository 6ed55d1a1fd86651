package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// variant is what one artifact of a scenario, analysed alone, must say.
type variant struct {
	// Cause is findings[0].cause; "" means no finding at warning or above.
	Cause string
	// Missing, when set, must appear in findings[0].missing: one kind of
	// evidence says honestly which artifact would settle the question.
	Missing string
	// MaxConfidence caps findings[0].confidence: one artifact alone must
	// not read as certain.
	MaxConfidence float64
}

// TestSingleArtifact analyses each scenario's client-side capture alone
// (packets only) and its client log alone (log only): what a support
// engineer often gets. Each must still name the scenario's cause, or a
// weaker cause the artifact cannot tell apart from it, and say what is
// missing.
func TestSingleArtifact(t *testing.T) {
	t.Chdir(repoRoot(t))
	tests := []struct {
		scenario      string
		packets, logs variant
	}{
		// On the wire, and from one client, a kill and a clean stop look
		// alike: both must name the restart and ask for the broker's side.
		{"broker_sigkill_restart",
			variant{"broker-restart", "journalctl -u kafka", 0.55},
			variant{"broker-restart", "journalctl -u kafka", 0.5}},
		{"broker_sigterm_restart",
			variant{"broker-restart", "journalctl -u kafka", 0.55},
			variant{"broker-restart", "journalctl -u kafka", 0.5}},
		// Back within ~2 s: two refused reconnects in the client log.
		{"broker_sigkill_restart_2s",
			variant{"broker-restart", "journalctl -u kafka", 0.55},
			variant{"broker-restart", "journalctl -u kafka", 0.5}},
		{"connection_refused",
			variant{"connection-refused", "client's log", 0.7},
			variant{"connection-refused", "capture on the client", 0.7}},
		{"healthy", variant{}, variant{}},
		{"idle_reset_firewall",
			variant{"idle-timeout-reset", "client logs", 0.8},
			variant{"idle-timeout-reset", "capture at the client", 0.6}},
		// A 6 s firewall timeout: the forged RSTs after ~10 s of silence
		// name it; librdkafka's 10 s disconnect ages alone are below what
		// the logs may call idle (20 s), so the log says nothing.
		{"idle_reset_firewall_10s",
			variant{"idle-timeout-reset", "client logs", 0.8},
			variant{}},
		// The router's RSTs arrive with the broker's own TTL and neither
		// side uses timestamps: nothing shows the forgery, the idle
		// cluster alone names the device.
		{"idle_reset_firewall_ttl65",
			variant{"idle-timeout-reset", "client logs", 0.8},
			variant{"idle-timeout-reset", "capture at the client", 0.6}},
		{"plaintext_to_tls_listener",
			variant{"plaintext-to-tls-listener", "broker's", 0.6},
			variant{"plaintext-to-tls-listener", "capture", 0.75}},
		{"plaintext_to_tls_listener_v6_sll2_snap96",
			variant{"plaintext-to-tls-listener", "broker's", 0.6},
			variant{"plaintext-to-tls-listener", "capture", 0.75}},
		// A client-side capture of dropped SYNs cannot tell a dropped SYN
		// from a lost SYN-ACK; nor can a single timed-out connect line.
		{"syn_dropped",
			variant{"syn-unanswered", "broker-side capture", 0.65},
			variant{"syn-unanswered", "broker-side one", 0.4}},
		{"synack_lost_stale_arp",
			variant{"syn-unanswered", "syn-ack-lost", 0.65},
			variant{"syn-unanswered", "syn-ack-lost", 0.4}},
		{"tls_to_plaintext_listener",
			variant{"tls-to-plaintext-listener", "server.log", 0.65},
			variant{"tls-to-plaintext-listener", "capture", 0.65}},
		{"tls_to_plaintext_listener_v6_sll2_snap96",
			variant{"tls-to-plaintext-listener", "server.log", 0.65},
			variant{"tls-to-plaintext-listener", "capture", 0.65}},
		{"tls_untrusted_cert",
			variant{"tls-handshake-failure", "client's log", 0.6},
			variant{"tls-handshake-failure", "capture", 0.7}},
	}
	for _, tc := range tests {
		dir := filepath.Join("testdata", "scenarios", tc.scenario)
		pcaps, err := filepath.Glob(filepath.Join(dir, "client-side.*"))
		if err != nil || len(pcaps) != 1 {
			t.Fatalf("%s: want one client-side capture, got %v (%v)", dir, pcaps, err)
		}
		for _, v := range []struct {
			kind, path string
			want       variant
		}{
			{"packets-only", pcaps[0], tc.packets},
			{"log-only", filepath.Join(dir, "client.log"), tc.logs},
		} {
			t.Run(tc.scenario+"/"+v.kind, func(t *testing.T) {
				checkVariant(t, report.Build(analyze(t, v.path), report.Options{}), v.want)
			})
		}
	}
}

func checkVariant(t *testing.T, r *report.Report, want variant) {
	t.Helper()
	if want.Cause == "" {
		if n := r.CountAtLeast(analyzer.Warning); n > 0 {
			t.Errorf("want no warning, got %s", causeList(r))
		}
		return
	}
	if len(r.Findings) == 0 {
		t.Fatalf("no finding, want %s", want.Cause)
	}
	top := r.Findings[0]
	if top.Cause != want.Cause {
		t.Errorf("findings[0] = %s, want %s; all: %s", top.Cause, want.Cause, causeList(r))
	}
	if !strings.Contains(top.Missing, want.Missing) || top.Missing == "" {
		t.Errorf("missing = %q, want it to name %q", top.Missing, want.Missing)
	}
	if top.Confidence > want.MaxConfidence {
		t.Errorf("confidence %.3f from one artifact, want at most %.2f", top.Confidence, want.MaxConfidence)
	}
}
