package rules

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
)

func TestDecodeSize(t *testing.T) {
	tests := []struct {
		size int64
		tls  bool
		want string
	}{
		{369295617, true, "size 369295617 = 0x16030101: a TLS handshake record header (record version 3.1), i.e. a ClientHello"},
		{369296129, true, "size 369296129 = 0x16030301: a TLS handshake record header (record version 3.3), i.e. a ClientHello"},
		{1195725856, false, "size 1195725856 = 0x47455420: the ASCII text \"GET \", an HTTP request"},
		{352518912, false, "size 352518912 = 0x15030300"},
		{-5, false, "size -5 = 0xfffffffb"},
	}
	for _, tc := range tests {
		if got := tlsRecordSize(tc.size); got != tc.tls {
			t.Errorf("tlsRecordSize(%d) = %v, want %v", tc.size, got, tc.tls)
		}
		if diff := cmp.Diff(tc.want, decodeSize(tc.size)); diff != "" {
			t.Errorf("decodeSize(%d) (-want +got):\n%s", tc.size, diff)
		}
	}
}

// goTLS is a Go client's TLS failure as sarama logs it.
func goTLS(reason string) analyzer.Event {
	e := analyzer.Event{Kind: analyzer.SSLHandshakeFailed, Program: "go-kafka-client", Reason: reason,
		Text: "2024/03/02 10:15:02 [sarama] Failed to connect to broker kafka.example.com:9093: " + reason}
	return e
}

func TestClassifyTLSLine(t *testing.T) {
	tests := []struct {
		name string
		e    analyzer.Event
		want tlsVerdict
	}{
		{"openssl wrong version", rdSSL(1, 1, "error:1408F10B:SSL routines:ssl3_get_record:wrong version number"), tlsClientOnPlain},
		{"librdkafka plaintext hint", rdSSL(1, 1, "Disconnected: connecting to a PLAINTEXT broker listener?"), tlsClientOnPlain},
		{"JSSE unrecognized", func() analyzer.Event {
			e := brokerSSLFailed(1, 1)
			e.ExceptionMsg = "Unrecognized SSL message, plaintext connection?"
			return e
		}(), tlsPlainOnTLS},
		{"PKIX", javaPKIX(1, 1), tlsNoAgreement},
		{"verify failed", rdSSL(1, 1, "error:0A000086:SSL routines::certificate verify failed"), tlsNoAgreement},
		{"broker generic", brokerSSLFailed(1, 1), tlsUnclear},
		{"go unknown authority", goTLS("tls: failed to verify certificate: x509: certificate signed by unknown authority"), tlsNoAgreement},
		{"go hostname", goTLS("x509: certificate is valid for kafka-0.internal, not kafka.example.com"), tlsNoAgreement},
		{"go alert from the broker", goTLS("remote error: tls: bad certificate"), tlsNoAgreement},
		{"invalid receive TLS", invalidReceive(1, 1, 369295617), tlsClientOnPlain},
		{"invalid receive HTTP", invalidReceive(1, 1, 1195725856), tlsUnclear},
		{"SASL hint is not TLS", func() analyzer.Event {
			e := rdHint(1, 1)
			e.Text = "%3|1.0|FAIL|x| [thrd:a:9092/1]: a:9092/1: Disconnected: verify that security.protocol is correctly configured, broker might require SASL authentication (after 1ms in state UP)"
			return e
		}(), tlsUnclear},
	}
	for _, tc := range tests {
		if got := classifyTLSLine(&tc.e); got != tc.want {
			t.Errorf("%s: verdict %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestLineGistAndRTT(t *testing.T) {
	e := rdHint(1, 1)
	if got, want := lineGist(&e), "Disconnected while requesting ApiVersion: might be caused by incorrect security.protocol configuration"; !strings.HasPrefix(got, want) {
		t.Errorf("gist %q, want prefix %q", got, want)
	}
	e.Text = "%3|1.0|FAIL|rdkafka#producer-1| [thrd:b:9092/1]: b:9092/1: 3 request(s) timed out: disconnect (average rtt 4210.331ms) (after 61234ms in state UP)"
	rtt, ok := eventRTT(&e)
	if !ok || rtt != 4210331*time.Microsecond {
		t.Errorf("rtt %v %v, want 4.210331s", rtt, ok)
	}
}

func TestFlowEvidence(t *testing.T) {
	f := s0Flow(clientPcap, client1+":40112", broker1, 10, 7, 5, 1)
	got := FlowEvidence(f, f.SynFrame, f.Start, synText(f))
	want := analyzer.Evidence{Location: analyzer.Location{Path: clientPcap, Frame: 5}, Time: at(10),
		Text: "198.18.0.2:40112 → 198.18.0.3:9092 SYN ×7 over 63 s, no reply (S0)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Log text is untrusted: the helpers that read it never panic and keep
// what they return bounded.
func FuzzLogText(f *testing.F) {
	f.Add("%3|1601544943.909|FAIL|rdkafka#producer-1| [thrd:ssl://h:443/bootstrap]: ssl://h:443/bootstrap: SSL handshake failed: x", int64(369295617))
	f.Add("3 request(s) timed out: disconnect (average rtt 99999999999999999999.5ms)", int64(-1))
	f.Add("]: : ", int64(1<<40))
	f.Fuzz(func(t *testing.T, text string, size int64) {
		e := analyzer.Event{Kind: analyzer.SSLHandshakeFailed, Program: "librdkafka", Text: text, Size: size}
		if g := lineGist(&e); len(g) > gistLen+len("…") {
			t.Fatalf("gist of %d bytes", len(g))
		}
		eventRTT(&e)
		classifyTLSLine(&e)
		e.Kind = analyzer.InvalidReceive
		classifyTLSLine(&e)
		if g := lineGist(&e); utf8.ValidString(text) && !utf8.ValidString(g) {
			t.Fatalf("gist %q of valid UTF-8 is not UTF-8", g)
		}
		if s := decodeSize(size); !strings.HasPrefix(s, "size ") {
			t.Fatalf("decodeSize(%d) = %q", size, s)
		}
	})
}
