package rules

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

const brokerTLS = "198.18.0.3:9093"

// helloFlow is a TLS client's connection; server says what came back.
func helloFlow(resp string, port string, start float64, frame int, server flow.Payload, dur time.Duration, bytes int64) *flow.Flow {
	f := sfFlow(clientPcap, client1+port, resp, start, frame)
	f.FirstPayload = [2]flow.Payload{
		{Class: flow.PayloadTLSClientHello, Frame: frame + 3, TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0301, SNI: "kafka-1", HandshakeType: 1,
			OfferedVersions: []uint16{0x0304, 0x0303}}},
		server,
	}
	f.End, f.OrigBytes, f.RespBytes = f.Start.Add(dur), 517, bytes-517
	if bytes <= 517 {
		f.RespBytes = 0
	}
	f.FINBy = "resp"
	return f
}

var (
	noReply     = flow.Payload{Class: flow.PayloadNone}
	serverHello = flow.Payload{Class: flow.PayloadTLSOther, Frame: 9, TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0303, HandshakeType: 2}}
	alertOf     = func(desc uint8) flow.Payload {
		return flow.Payload{Class: flow.PayloadTLSOther, Frame: 9, TLS: &flow.TLSRecord{ContentType: 21, Version: 0x0303, AlertLevel: 2, AlertDescription: desc}}
	}
)

// plainFlow is a plaintext client's ApiVersions to the TLS port.
func plainFlow(port string, start float64, frame int, server flow.Payload) *flow.Flow {
	f := sfFlow(clientPcap, client1+port, brokerTLS, start, frame)
	f.FirstPayload[1] = server
	f.End, f.RespBytes, f.FINBy = f.Start.Add(20*time.Millisecond), 7, "resp"
	if server.Class == flow.PayloadNone {
		f.RespBytes = 0
	}
	return f
}

func invalidReceive(sec float64, line int, size int64) analyzer.Event {
	e := brokerLine(analyzer.InvalidReceive, sec, line,
		"[2026-03-14 10:00:10,333] WARN [SocketServer listenerType=ZK_BROKER, nodeId=1] Unexpected error from /198.18.0.2 (channelId=198.18.0.3:9092-198.18.0.2:40112-0); closing connection (org.apache.kafka.common.network.Selector)")
	e.Level, e.Size, e.Peer, e.Node = "WARN", size, ap(client1+":1").Addr(), ""
	e.Exception, e.ExceptionMsg = "org.apache.kafka.common.network.InvalidReceiveException", "Invalid receive (size = "+strconv.FormatInt(size, 10)+" larger than 104857600)"
	return e
}

func brokerSSLFailed(sec float64, line int) analyzer.Event {
	e := brokerLine(analyzer.SSLHandshakeFailed, sec, line,
		"[2026-03-14 10:00:10,400] INFO [SocketServer listenerType=ZK_BROKER, nodeId=1] Failed authentication with /198.18.0.2 (channelId=198.18.0.3:9093-198.18.0.2:40112-3) (SSL handshake failed) (org.apache.kafka.common.network.Selector)")
	e.Reason, e.Peer, e.Node = "SSL handshake failed", ap(client1+":1").Addr(), ""
	return e
}

func rdSSL(sec float64, line int, reason string) analyzer.Event {
	e := rdkafka(analyzer.SSLHandshakeFailed, sec, line,
		"%3|1773482410.100|FAIL|rdkafka#producer-1| [thrd:ssl://198.18.0.3:9092/bootstrap]: ssl://198.18.0.3:9092/bootstrap: SSL handshake failed: "+reason+" (after 3ms in state SSL_HANDSHAKE)")
	e.Node, e.Addr, e.Reason, e.State = "-1", ap(broker1), reason, "SSL_HANDSHAKE"
	return e
}

func javaPKIX(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.SSLHandshakeFailed, sec, line,
		"[Producer clientId=producer-1] Connection to node -1 (kafka-1/198.18.0.3:9093) failed authentication due to: SSL handshake failed")
	e.Node, e.Addr, e.Level, e.Reason = "-1", ap(brokerTLS), "ERROR", "SSL handshake failed"
	e.Exception = "javax.net.ssl.SSLHandshakeException"
	e.ExceptionMsg = "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target"
	return e
}

func rdHint(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.SecurityProtocolHint, sec, line,
		"%3|1773482410.010|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9093/bootstrap]: 198.18.0.3:9093/bootstrap: Disconnected while requesting ApiVersion: might be caused by incorrect security.protocol configuration (connecting to a SSL listener?) or broker version is < 0.10 (see api.version.request) (after 1ms in state APIVERSION_QUERY)")
	e.Node, e.Addr, e.State = "-1", ap(brokerTLS), "APIVERSION_QUERY"
	return e
}

// javaOOM is the Java client's KAFKA-4493 signature as kafkalog reads it
// (bitnami/charts#16859): an OutOfMemoryError in the admin client's
// thread; inReceive says whether a stack frame placed it in NetworkReceive.
func javaOOM(sec float64, line int, inReceive bool) analyzer.Event {
	e := javaClient(analyzer.SecurityProtocolHint, sec, line,
		"[2026-03-14 10:00:10,000] ERROR Uncaught exception in thread 'kafka-admin-client-thread | adminclient-1': (org.apache.kafka.common.utils.KafkaThread)")
	e.Level, e.Exception, e.ExceptionMsg = "ERROR", "java.lang.OutOfMemoryError", "Java heap space"
	e.Reason = "OutOfMemoryError in a Kafka client thread, no stack frame says where: plaintext client on a TLS listener? (KAFKA-4493)"
	if inReceive {
		e.Reason = "OutOfMemoryError allocating a receive in NetworkReceive: plaintext client on a TLS listener? (KAFKA-4493)"
	}
	return e
}

// rdPlainHint is librdkafka's own guess when a TLS handshake meets a
// plaintext listener; the parser reads it as a security.protocol hint.
func rdPlainHint(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.SecurityProtocolHint, sec, line,
		"%3|1795436934.664|FAIL|rdkafka#producer-1| [thrd:ssl://198.18.0.3:9092/bootstrap]: ssl://198.18.0.3:9092/bootstrap: SSL handshake failed: Disconnected: connecting to a PLAINTEXT broker listener? (after 0ms in state SSL_HANDSHAKE)")
	e.Node, e.Addr, e.State, e.Reason = "-1", ap(broker1), "SSL_HANDSHAKE", "PLAINTEXT listener?"
	return e
}

func TestTLSToPlaintext(t *testing.T) {
	hellos := []*flow.Flow{helloFlow(broker1, ":40112", 10, 5, noReply, 3*time.Millisecond, 517), helloFlow(broker1, ":40114", 11, 20, noReply, 2*time.Millisecond, 517)}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"broker log only", incident([]analyzer.Event{invalidReceive(10, 300, 369296129)}, nil, node1), want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.75, ConfMax: 0.85, Missing: true,
			Contains: []string{"size 369296129 = 0x16030301: a TLS handshake record header (record version 3.3)",
				"A TLS client from 198.18.0.2 connects to a plaintext listener at broker-1: the broker read"}}},
		{"packets only", incident(nil, hellos, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true,
			Contains: []string{"TLS ClientHello (SNI kafka-1), no ServerHello"}}},
		{"client log only", incident([]analyzer.Event{rdSSL(10, 5, "error:0A00010B:SSL routines::wrong version number")}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true, Contains: []string{"wrong version number"}}},
		{"all three", incident([]analyzer.Event{invalidReceive(10, 300, 369295617), rdSSL(10, 5, "error:0A00010B:SSL routines::wrong version number")}, hellos, node1),
			want{N: 1, Kinds: []string{"packets", "client-log", "broker-log"}, ConfMin: 0.95, ConfMax: 0.95, Contains: []string{"0x16030101"}}},
		{"librdkafka's PLAINTEXT-listener hint alone", incident([]analyzer.Event{rdPlainHint(10, 36)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true, Contains: []string{`the client logged "SSL handshake failed: Disconnected: connecting to a PLAINTEXT broker listener?"`}}},
		{"HTTP probe is not TLS", incident([]analyzer.Event{invalidReceive(10, 300, 1195725856)}, nil, node1), want{N: 0}},
		{"one unanswered hello alone", incident(nil, hellos[:1], node1), want{N: 0}},
		{"healthy plaintext", incident(nil, []*flow.Flow{sfFlow(clientPcap, client1+":40112", broker1, 1, 1)}, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, TLSToPlaintext{}, tc.inc, tc.want) })
	}
}

// javaTerminated is the Java client's "terminated during authentication" to node 1.
func javaTerminated(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.AuthTerminated, sec, line, "[Producer clientId=producer-1] Connection to node 1 (kafka-1/198.18.0.3:9092) terminated during authentication. "+
		"This may happen due to any of the following reasons: (1) Authentication failed due to invalid credentials with brokers older than 1.0.0, "+
		"(2) Firewall blocking Kafka TLS traffic (eg it may only allow HTTPS traffic), (3) Transient network issue.")
	e.Node, e.NodeHost, e.Addr, e.Level = "1", "kafka-1", ap(broker1), "WARN"
	return e
}

// withProtocol is an incident whose client config dump sets security.protocol.
func withProtocol(value string, events ...analyzer.Event) *analyzer.Incident {
	inc := incident(events, nil, node1)
	inc.Configs = []analyzer.Config{{Scope: "producer", Key: "security.protocol", Value: value, Source: analyzer.Location{Path: "client.log", Line: 2}}}
	return inc
}

func TestPlaintextToTLS(t *testing.T) {
	alerts := []*flow.Flow{plainFlow(":40112", 10, 5, alertOf(10)), plainFlow(":40114", 11, 20, alertOf(10))}
	closes := []*flow.Flow{plainFlow(":40112", 10, 5, noReply), plainFlow(":40114", 11, 20, noReply)}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"packets with TLS alert", incident(nil, alerts, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true,
			Contains: []string{"api key 18 v3, client id \"producer-1\"", "TLS alert unexpected_message (10)"}}},
		{"librdkafka hint only", incident([]analyzer.Event{rdHint(10, 3), rdHint(11, 4)}, nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true,
			Contains: []string{"connecting to a SSL listener?", "security.protocol=SSL"}}},
		{"packets, client hint and broker line", incident([]analyzer.Event{rdHint(10, 3), brokerSSLFailed(10, 400)}, closes, node1),
			want{N: 1, Kinds: []string{"packets", "client-log", "broker-log"}, ConfMin: 0.9, ConfMax: 0.95}},
		{"broker's vague SSL line alone", incident([]analyzer.Event{brokerSSLFailed(10, 400), brokerSSLFailed(11, 401)}, nil, node1), want{N: 0}},
		{"one close alone", incident(nil, closes[:1], node1), want{N: 0}},
		{"healthy plaintext", incident(nil, []*flow.Flow{sfFlow(clientPcap, client1+":40112", broker1, 1, 1)}, node1), want{N: 0}},
		{"java terminated during authentication, nothing else", incident([]analyzer.Event{javaTerminated(10, 50), javaTerminated(11, 52)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"still authenticating (2 times)", "firewall", "security.protocol"}}},
		{"terminated, client configured SASL_PLAINTEXT", withProtocol("SASL_PLAINTEXT", javaTerminated(10, 50), javaTerminated(11, 52)),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.5, ConfMax: 0.6, Missing: true,
				Contains: []string{"security.protocol is SASL_PLAINTEXT", "now security.protocol=SASL_PLAINTEXT"}}},
		{"terminated, client configured SASL_SSL", withProtocol("SASL_SSL", javaTerminated(10, 50), javaTerminated(11, 52)), want{N: 0}},
		{"terminated once", incident([]analyzer.Event{javaTerminated(10, 50)}, nil, node1), want{N: 0}},
		{"terminated while the broker restarts", func() *analyzer.Incident {
			inc := restartIncident(true, true, false)
			inc.Events = append(inc.Events, javaTerminated(101, 50), javaTerminated(102, 52))
			sortIncident(inc)
			return inc
		}(), want{N: 0}},
		{"terminated, and the broker's TLS listener failed handshakes", incident([]analyzer.Event{javaTerminated(10, 50), javaTerminated(11, 52),
			brokerSSLFailed(10, 400)}, nil, node1), want{N: 1, Kinds: []string{"client-log", "broker-log"}, ConfMin: 0.45, ConfMax: 0.6, Missing: true,
			Contains: []string{"broker's log agrees"}}},
		{"java client OOM allocating a receive, nothing else", incident([]analyzer.Event{javaOOM(10, 4, true)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.45, ConfMax: 0.55, Missing: true,
				Contains: []string{"to a TLS listener: 1 log line says so", "KAFKA-4493", "config dump (security.protocol)"}}},
		{"java client OOM, client configured PLAINTEXT", withProtocol("PLAINTEXT", javaOOM(10, 4, true)),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true, Contains: []string{"now security.protocol=PLAINTEXT"}}},
		{"java client OOM, client configured SSL: not this", withProtocol("SSL", javaOOM(10, 4, true)), want{N: 0}},
		{"java client OOM no frame places in network code", incident([]analyzer.Event{javaOOM(10, 4, false), javaOOM(20, 9, false)}, nil, node1), want{N: 0}},
		{"java client OOM beside a TLS alert in packets", incident([]analyzer.Event{javaOOM(10, 4, true)}, alerts, node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.9, ConfMax: 0.95}},
		{"terminated beside a client certificate error: tls-handshake-failure's", incident([]analyzer.Event{javaTerminated(10, 50), javaTerminated(11, 52),
			rdSSL(10, 3, "SSL handshake failed: error:0A000086:SSL routines::certificate verify failed")}, nil, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, PlaintextToTLS{}, tc.inc, tc.want) })
	}
}

func TestTLSHandshake(t *testing.T) {
	failed := []*flow.Flow{helloFlow(brokerTLS, ":40112", 10, 5, serverHello, 40*time.Millisecond, 3900),
		helloFlow(brokerTLS, ":40114", 11, 30, serverHello, 35*time.Millisecond, 3900)}
	healthy := helloFlow(brokerTLS, ":40116", 1, 60, serverHello, 300*time.Second, 90000)
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"java PKIX only", incident([]analyzer.Event{javaPKIX(10, 70)}, nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true,
			Contains: []string{"PKIX path building failed", "truststore", "(1 log line)"}}},
		{"packets only: short TLS connections", incident(nil, failed, node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.45, ConfMax: 0.55, Missing: true,
			Contains: []string{"ClientHello, ServerHello, then closed after 0 s"}}},
		{"server alert protocol_version", incident(nil, []*flow.Flow{helloFlow(brokerTLS, ":40112", 10, 5, alertOf(70), 5*time.Millisecond, 524)}, node1),
			want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true, Contains: []string{"protocol_version (70)", "ssl.enabled.protocols"}}},
		{"all kinds", incident([]analyzer.Event{javaPKIX(10, 70), brokerSSLFailed(10, 400)}, failed, node1),
			want{N: 1, Kinds: []string{"packets", "client-log", "broker-log"}, ConfMin: 0.9, ConfMax: 0.95}},
		{"librdkafka SAN mismatch", incident([]analyzer.Event{rdSSL(10, 5, "error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured")}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true}},
		{"long healthy TLS connection", incident(nil, []*flow.Flow{healthy}, node1), want{N: 0}},
		{"wrong version number is the listener mismatch", incident([]analyzer.Event{rdSSL(10, 5, "error:0A00010B:SSL routines::wrong version number")}, nil, node1), want{N: 0}},
		{"broker's vague SSL lines alone", incident([]analyzer.Event{brokerSSLFailed(10, 400), brokerSSLFailed(11, 401)}, nil, node1),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.35, ConfMax: 0.45, Missing: true,
				Contains: []string{"failed 2 times and no line says why", "plaintext client on a TLS listener", "security.protocol is SSL or SASL_SSL"}}},
		{"handshakes the broker ended with a bare close", incident([]analyzer.Event{rdSSL(10, 5, "SSL connection closed by peer"), rdSSL(11, 6, "SSL connection closed by peer")}, nil, node1), want{N: 0}},
		{"one vague SSL line", incident([]analyzer.Event{brokerSSLFailed(10, 400)}, nil, node1), want{N: 0}},
		{"vague SSL lines, client configured PLAINTEXT", withProtocol("PLAINTEXT", brokerSSLFailed(10, 400), brokerSSLFailed(11, 401)), want{N: 0}},
		{"vague SSL lines beside terminated during authentication: plaintext's guess", incident([]analyzer.Event{javaTerminated(10, 50), javaTerminated(11, 52),
			brokerSSLFailed(10, 400), brokerSSLFailed(11, 401)}, nil, node1), want{N: 0}},
		{"vague SSL lines while the broker restarts", func() *analyzer.Incident {
			inc := restartIncident(true, true, false)
			inc.Events = append(inc.Events, brokerSSLFailed(101, 400), brokerSSLFailed(102, 401))
			sortIncident(inc)
			return inc
		}(), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, TLSHandshake{}, tc.inc, tc.want) })
	}
}

// Each TLS situation is claimed by exactly one of the three TLS rules.
func TestTLSRulesDoNotOverlap(t *testing.T) {
	rules := []analyzer.Rule{PlaintextToTLS{}, TLSToPlaintext{}, TLSHandshake{}}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want []analyzer.Cause
	}{
		{"tls client on plaintext port", incident([]analyzer.Event{invalidReceive(10, 300, 369296129), rdSSL(10, 5, "error:0A00010B:SSL routines::wrong version number")},
			[]*flow.Flow{helloFlow(broker1, ":40112", 10, 5, noReply, 3*time.Millisecond, 517), helloFlow(broker1, ":40114", 11, 20, noReply, 2*time.Millisecond, 517)}, node1),
			[]analyzer.Cause{analyzer.TLSToPlaintextListener}},
		{"java client OOM on a TLS port", incident([]analyzer.Event{javaOOM(10, 4, true)}, nil, node1),
			[]analyzer.Cause{analyzer.PlaintextToTLSListener}},
		{"java client OOM outside network code", incident([]analyzer.Event{javaOOM(10, 4, false)}, nil, node1), nil},
		{"plaintext client on TLS port", incident([]analyzer.Event{rdHint(10, 3)},
			[]*flow.Flow{plainFlow(":40112", 10, 5, alertOf(10)), plainFlow(":40114", 11, 20, alertOf(10))}, node1),
			[]analyzer.Cause{analyzer.PlaintextToTLSListener}},
		{"untrusted certificate", incident([]analyzer.Event{javaPKIX(10, 70)},
			[]*flow.Flow{helloFlow(brokerTLS, ":40112", 10, 5, serverHello, 40*time.Millisecond, 3900)}, node1),
			[]analyzer.Cause{analyzer.TLSHandshakeFailure}},
		{"vague SSL lines only", incident([]analyzer.Event{brokerSSLFailed(10, 400), brokerSSLFailed(11, 401)}, nil, node1),
			[]analyzer.Cause{analyzer.TLSHandshakeFailure}},
		{"vague SSL lines and terminated during authentication", incident([]analyzer.Event{javaTerminated(10, 50), javaTerminated(11, 52),
			brokerSSLFailed(10, 400), brokerSSLFailed(11, 401)}, nil, node1),
			[]analyzer.Cause{analyzer.PlaintextToTLSListener}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []analyzer.Cause
			for _, f := range analyzer.Evaluate(tc.inc, rules) {
				got = append(got, f.Cause)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("causes (-want +got):\n%s", diff)
			}
		})
	}
}
