package rules

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

var (
	bootNode  = analyzer.Node{ID: "-1", Host: "kafka-1.lab", Addr: ap(broker1), Bootstrap: true, Source: analyzer.Location{Path: "client.log", Line: 5}}
	localNode = analyzer.Node{ID: "1", Host: "localhost", Addr: ap("127.0.0.1:9092"), Source: analyzer.Location{Path: "client.log", Line: 60}}
)

func localFail(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.ConnectFailed, sec, line,
		"[Producer clientId=producer-1] Connection to node 1 (localhost/127.0.0.1:9092) could not be established. Node may not be available.")
	e.Node, e.NodeHost, e.Addr = "1", "localhost", ap("127.0.0.1:9092")
	return e
}

// coordRefused is librdkafka's group coordinator connection refused at
// localhost: a logical broker, no node id.
func coordRefused(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.ConnectRefused, sec, line,
		"%3|1758357099.805|FAIL|rdkafka#consumer-2| [thrd:GroupCoordinator]: GroupCoordinator: localhost:9092: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)")
	e.NodeHost, e.Addr, e.Reason, e.State = "localhost", ap("127.0.0.1:9092"), "Connection refused", "CONNECT"
	return e
}

// localRd is librdkafka's refused connect to node id at localhost:port,
// at the address the name resolved to (ipv4 or ipv6 as addr says).
func localRd(id, addr string, sec float64, line int) analyzer.Event {
	a := ap(addr)
	family := "ipv4"
	if a.Addr().Is6() {
		family = "ipv6"
	}
	name := fmt.Sprintf("localhost:%d/%s", a.Port(), id)
	e := rdkafka(analyzer.ConnectRefused, sec, line, fmt.Sprintf(
		"%%3|%d.%03d|FAIL|rdkafka#consumer-2| [thrd:%s]: %s: Connect to %s#%s failed: Connection refused (after 0ms in state CONNECT)",
		at(sec).Unix(), at(sec).Nanosecond()/1e6, name, name, family, a))
	e.Node, e.NodeHost, e.Addr, e.Reason, e.State = id, "localhost", a, "Connection refused", "CONNECT"
	return e
}

func resolveFail(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.ResolveFailed, sec, line,
		"%3|1773482410.500|FAIL|rdkafka#producer-1| [thrd:kafka:9092/1001]: kafka:9092/1001: Failed to resolve 'kafka:9092': Name or service not known (after 2ms in state CONNECT)")
	e.Node, e.NodeHost, e.Reason = "1001", "kafka", "Name or service not known"
	return e
}

func bootConnected(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.Connected, sec, line, "[Producer clientId=producer-1] Completed connection to node -1. Fetching API versions.")
	e.Node, e.Level = "-1", "DEBUG"
	return e
}

// withBootstrapConfig is an incident whose only word on the bootstrap
// servers is the client's config dump.
func withBootstrapConfig(value string, events ...analyzer.Event) *analyzer.Incident {
	inc := incident(events, nil, localNode)
	inc.Configs = []analyzer.Config{{Scope: "admin", Key: "bootstrap.servers", Value: value, Source: analyzer.Location{Path: "client.log", Line: 2}}}
	return inc
}

func TestAdvertisedListener(t *testing.T) {
	fails := []analyzer.Event{bootConnected(1, 20), localFail(2, 61), localFail(3, 62), localFail(5, 63)}
	bootFlow := sfFlow(clientPcap, client1+":40100", broker1, 0.9, 1)
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"java logs only", incident(fails, nil, bootNode, localNode), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true,
			Contains: []string{"Bootstrap via kafka-1.lab/198.18.0.3:9092", "node 1 at localhost/127.0.0.1:9092", "advertised.listeners", "failed connects (node 1) ×3"}}},
		{"logs and the bootstrap flow", incident(fails, []*flow.Flow{bootFlow}, bootNode, localNode), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.85, ConfMax: 0.9,
			Contains: []string{"bootstrap connection completed"}}},
		{"librdkafka: advertised name does not resolve", incident([]analyzer.Event{resolveFail(2, 9), resolveFail(4, 10)}, nil, bootNode),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true, Contains: []string{"node 1001 at kafka"}}},
		{"all on one host: localhost is right", incident([]analyzer.Event{localFail(2, 61), localFail(3, 62)}, nil,
			analyzer.Node{ID: "-1", Host: "localhost", Addr: ap("127.0.0.1:9092"), Bootstrap: true}, localNode), want{N: 0}},
		{"bootstrap itself failing", incident([]analyzer.Event{func() analyzer.Event {
			e := localFail(2, 61)
			e.Node = "-1"
			return e
		}()}, nil, bootNode), want{N: 0}},
		{"refusal at a routable advertised address", incident([]analyzer.Event{refusedRd(2, 1), refusedRd(3, 2)}, nil, bootNode, node1), want{N: 0}},
		{"bootstrap known only from the config dump", withBootstrapConfig("[172.23.0.20:9092, 172.23.0.21:9092]", localFail(2, 61), localFail(3, 62), localFail(5, 63)),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true,
				Contains: []string{"Bootstrap via 172.23.0.20:9092 answered (node ids ≥ 0 come only from its metadata)", "bootstrap.servers = [172.23.0.20:9092, 172.23.0.21:9092]"}}},
		{"node 1 at localhost, nothing says where bootstrap was", incident([]analyzer.Event{localFail(2, 61), localFail(3, 62)}, nil),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.45, ConfMax: 0.55, Missing: true,
				Contains: []string{"node 1 at localhost/127.0.0.1:9092", "node ids ≥ 0 come only from its metadata", "Unless this client runs on the broker's own host"}}},
		{"librdkafka's group coordinator at localhost (an address from FindCoordinator)", incident([]analyzer.Event{coordRefused(2, 1), coordRefused(3, 2)}, nil),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.45, ConfMax: 0.55, Missing: true, Contains: []string{"localhost/127.0.0.1:9092"}}},
		{"localhost tried at ::1 and 127.0.0.1: one name, one finding", incident([]analyzer.Event{
			localRd("1", "[::1]:9092", 2, 1), localRd("1", "127.0.0.1:9092", 2.1, 2), localRd("1", "[::1]:9092", 2.2, 3), localRd("1", "127.0.0.1:9092", 2.3, 4)}, nil),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.45, ConfMax: 0.55, Missing: true,
				Contains: []string{"node 1 at localhost ([::1]:9092, 127.0.0.1:9092) and all 4 attempts there failed"}}},
		{"two nodes at localhost on two ports: two findings", incident([]analyzer.Event{
			localRd("1", "127.0.0.1:9092", 2, 1), localRd("2", "127.0.0.1:9093", 2.1, 2), localRd("1", "[::1]:9092", 2.2, 3), localRd("2", "[::1]:9093", 2.3, 4)}, nil),
			want{N: 2, Kinds: []string{"client-log"}, ConfMin: 0.45, ConfMax: 0.55, Missing: true,
				Contains: []string{"localhost (127.0.0.1:909", "all 2 attempts there failed"}}},
		{"config dump bootstraps at localhost too", withBootstrapConfig("[localhost:9092]", localFail(2, 61), localFail(3, 62)), want{N: 0}},
		{"advertised name does not resolve, nothing says where bootstrap was", incident([]analyzer.Event{resolveFail(2, 9), resolveFail(4, 10)}, nil),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true, Contains: []string{"node 1001 at kafka", "node ids ≥ 0 come only from its metadata"}}},
		{"the advertised name resolves later: a DNS blip", incident([]analyzer.Event{resolveFail(2, 9), resolveFail(4, 10), func() analyzer.Event {
			e := rdkafka(analyzer.Connected, 9, 11, "%7|1773482417.500|CONNECT|rdkafka#producer-1| [thrd:kafka:9092/1001]: kafka:9092/1001: Connected to ipv4#172.23.0.20:9092")
			e.Node, e.NodeHost = "1001", "kafka"
			return e
		}()}, nil), want{N: 0}},
		{"one failed lookup in the middle of a long log: a DNS hiccup", func() *analyzer.Incident {
			inc := incident([]analyzer.Event{resolveFail(2, 9)}, nil)
			inc.Inputs = []analyzer.InputStat{{Path: "rdkafka.log", Lines: 400}}
			return inc
		}(), want{N: 0}},
		{"the bootstrap name itself does not resolve", incident([]analyzer.Event{func() analyzer.Event {
			e := resolveFail(2, 9)
			e.Node = "-1"
			return e
		}()}, nil), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, AdvertisedListener{}, tc.inc, tc.want) })
	}
	if got := (ConnectionRefused{}).Evaluate(incident(fails, nil, bootNode, localNode)); len(got) != 0 {
		t.Errorf("connection-refused claimed the advertised-listener case: %s", got[0].Summary)
	}
}

func TestSASLAuth(t *testing.T) {
	client := javaClient(analyzer.SASLAuthFailed, 10, 44,
		"[Producer clientId=producer-1] Connection to node -1 (kafka-1/198.18.0.3:9094) failed authentication due to: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")
	client.Node, client.Addr, client.Level = "-1", ap("198.18.0.3:9094"), "ERROR"
	client.Reason = "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"
	broker := brokerLine(analyzer.SASLAuthFailed, 10, 900,
		"[2026-03-14 10:00:10,010] INFO [SocketServer listenerType=ZK_BROKER, nodeId=1] Failed authentication with /198.18.0.2 (channelId=198.18.0.3:9094-198.18.0.2:40112-5) (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512) (org.apache.kafka.common.network.Selector)")
	broker.Peer, broker.Reason = ap(client1+":1").Addr(), client.Reason
	mech := brokerLine(analyzer.SASLAuthFailed, 10, 901,
		"[2026-03-14 10:00:10,010] INFO [SocketServer listenerType=ZK_BROKER, nodeId=1] Failed authentication with /198.18.0.2 (channelId=198.18.0.3:9094-198.18.0.2:40118-5) (Unexpected Kafka request of type METADATA during SASL handshake.) (org.apache.kafka.common.network.Selector)")
	mech.Peer, mech.Reason = ap(client1+":1").Addr(), "Unexpected Kafka request of type METADATA during SASL handshake."
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"client only", incident([]analyzer.Event{client}, nil), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true,
			Contains: []string{"invalid credentials", "sasl.jaas.config"}}},
		{"both sides", incident([]analyzer.Event{client, broker}, nil), want{N: 1, Kinds: []string{"client-log", "broker-log"}, ConfMin: 0.75, ConfMax: 0.8}},
		{"non-SASL client on a SASL listener", incident([]analyzer.Event{mech}, nil), want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true,
			Contains: []string{"security.protocol=SASL_PLAINTEXT or SASL_SSL", "198.18.0.2"}}},
		{"an SSL failure is not SASL", incident([]analyzer.Event{javaPKIX(10, 70)}, nil), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, SASLAuth{}, tc.inc, tc.want) })
	}
}

// fdOut is the broker's Acceptor out of file descriptors.
func fdOut(sec float64, line int) analyzer.Event {
	e := brokerLine(analyzer.FDExhausted, sec, line,
		"[2026-03-14 10:00:10,000] ERROR Error while accepting connection (kafka.network.Acceptor)")
	e.Node, e.Reason, e.Exception, e.ExceptionMsg = "1", "Too many open files", "java.io.IOException", "Too many open files"
	return e
}

// quotaFrom is the broker refusing 198.18.0.2 over max.connections.per.ip.
func quotaFrom(sec float64, line int) analyzer.Event {
	e := brokerLine(analyzer.ConnectionQuota, sec, line,
		"[2026-03-14 10:00:10,000] INFO [SocketServer listenerType=ZK_BROKER, nodeId=1] Rejected connection from /198.18.0.2, address already has the configured maximum of 100 connections. (kafka.network.ConnectionQuotas)")
	e.Peer, e.Reason = ap(client1+":1").Addr(), "maximum of 100 connections"
	return e
}

func TestBrokerOverload(t *testing.T) {
	slow := func(sec float64, line int) analyzer.Event {
		e := rdkafka(analyzer.RequestTimeout, sec, line,
			"%3|1773482470.000|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: 3 request(s) timed out: disconnect (average rtt 4210.331ms) (after 61234ms in state UP)")
		e.Node, e.Addr = "1", ap(broker1)
		return e
	}
	quota := brokerLine(analyzer.ConnectionQuota, 10, 77,
		"[2026-03-14 10:00:10,000] INFO Rejected connection from /198.18.0.2, address already has the configured maximum of 100 connections. (kafka.network.ConnectionQuotas)")
	zeroA := sfFlow(clientPcap, client1+":40112", broker1, 1, 1)
	zeroB := sfFlow(clientPcap, client1+":40114", broker1, 2, 50)
	zeroA.ZeroWindows[1], zeroB.ZeroWindows[1] = 14, 9
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"slow requests", incident([]analyzer.Event{slow(70, 1), slow(140, 2)}, nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true,
			Contains: []string{"2 with average rtt ≥ 1 s"}}},
		{"quota, slow requests and zero windows", incident([]analyzer.Event{slow(70, 1), quota}, []*flow.Flow{zeroA, zeroB}, node1),
			want{N: 1, Kinds: []string{"packets", "client-log", "broker-log"}, ConfMin: 0.65, ConfMax: 0.7, Missing: true, Contains: []string{"tcp.analysis.zero_window"}}},
		{"one fast timeout", incident([]analyzer.Event{func() analyzer.Event {
			e := slow(70, 1)
			e.Text = "Disconnecting from node 1 due to request timeout."
			return e
		}()}, nil, node1), want{N: 0}},
		{"timeouts during a restart", restartWithTimeouts(), want{N: 0}},
		{"the broker ran out of file descriptors", incident([]analyzer.Event{fdOut(10, 90), fdOut(10.5, 93)}, nil, node1),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.7, ConfMax: 0.7, Missing: true,
				Contains: []string{"ran out of file descriptors", "2 times", "LimitNOFILE"}}},
		{"file descriptors and request timeouts: the timeouts follow", incident([]analyzer.Event{fdOut(10, 90), slow(70, 1), slow(140, 2)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log", "broker-log"}, ConfMin: 0.75, ConfMax: 0.75, Missing: true,
				Contains: []string{"ran out of file descriptors", "2 other signs of overload beside it follow from it"}}},
		{"quota rejections alone: a connection leak, not a slow broker", incident([]analyzer.Event{quotaFrom(10, 77), quotaFrom(11, 78)}, nil, node1),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true,
				Contains: []string{"rejected 2 connections from 198.18.0.2", "maximum of 100 connections", "max.connections.per.ip"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, BrokerOverload{}, tc.inc, tc.want) })
	}
}

func restartWithTimeouts() *analyzer.Incident {
	inc := restartIncident(true, true, false)
	for i := 0; i < 6; i++ {
		e := javaClient(analyzer.RequestTimeout, 101+float64(i), 200+i, "[Producer clientId=producer-1] Disconnecting from node 1 due to request timeout.")
		e.Node, e.Level = "1", "INFO"
		inc.Events = append(inc.Events, e)
	}
	sortIncident(inc)
	return inc
}

func TestConfigList(t *testing.T) {
	for in, want := range map[string][]string{
		"[172.23.0.20:9092, kafka-2:9092]":     {"172.23.0.20:9092", "kafka-2:9092"},
		"a:9092,b:9093":                        {"a:9092", "b:9093"},
		"[INTERNAL://:9092,EXTERNAL://h:9094]": {"INTERNAL://:9092", "EXTERNAL://h:9094"},
		"[]":                                   nil,
		" SASL_SSL://b:9093 ":                  {"SASL_SSL://b:9093"},
	} {
		if got := configList(in); !slices.Equal(got, want) {
			t.Errorf("configList(%q) = %q, want %q", in, got, want)
		}
	}
}
