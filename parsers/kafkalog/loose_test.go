package kafkalog

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestRealWorldLayouts parses each sample of testdata/realworld (see its
// README) and checks the events it yields.
func TestRealWorldLayouts(t *testing.T) {
	tests := []struct {
		file    string
		layout  string
		wantErr string
		want    []string
	}{
		{"20-lagom.log", "java", "", []string{
			`20-lagom.log:1 2019-01-19T14:22:13.633Z WARN connect-failed java-client node="-1"`,
			`20-lagom.log:2 2019-01-19T14:22:14.701Z WARN connect-failed java-client node="-1"`,
		}},
		{"21-quarkus.log", "java", "", []string{
			`21-quarkus.log:1 2023-06-09T08:18:58.118Z WARN connect-failed java-client node="0" nodehost="localhost" addr="127.0.0.1:33834" client="kafka-consumer-orders" group="it-group"`,
			`21-quarkus.log:2 2023-06-09T08:18:58.119Z WARN connect-failed java-client node="0" nodehost="localhost" addr="127.0.0.1:33834" client="kafka-producer-out"`,
		}},
		{"22-akhq.log", "java", "", []string{
			`22-akhq.log:1 2021-01-27T19:54:32.326Z WARN connect-failed java-client node="-1" addr="10.129.250.83:30000" client="adminclient-2"`,
			`22-akhq.log:2 2021-01-27T19:54:33.334Z WARN connect-failed java-client node="-1" addr="10.129.250.83:30000" client="adminclient-2"`,
		}},
		{"23-logback-default.log", "java-no-date", "", []string{
			`23-logback-default.log:4 2000-01-01T13:57:45.1Z WARN connect-failed java-client node="-1" client="consumer-1" group="headers" no-date`,
		}},
		{"24-ci-prefixed.log", "java", "", []string{
			`24-ci-prefixed.log:1 2023-06-09T08:18:58.118Z WARN connect-failed java-client node="0" nodehost="localhost" addr="127.0.0.1:33834" client="kafka-consumer-orders" group="it-group"`,
		}},
		{"25-connect-ctx.log", "log4j", "", []string{
			`25-connect-ctx.log:1 2024-01-08T10:00:00.123Z WARN connect-failed java-client node="2" nodehost="kafka-2.example.com" addr="10.0.0.12:9092" client="connector-consumer-my-sink-0" group="connect-my-sink"`,
			`25-connect-ctx.log:2 2024-01-08T10:00:01.123Z INFO node-disconnected java-client node="2" client="connect-1" group="connect-cluster"`,
		}},
		{"32-kafkarest-thread-brace.log", "log4j-thread", "", []string{
			`32-kafkarest-thread-brace.log:1 2021-02-18T20:46:34.775Z WARN node-disconnected java-client node="-1" nodehost="node1" client="producer-4"`,
			`32-kafkarest-thread-brace.log:2 2021-02-18T20:46:35.116Z INFO sasl-auth-failed java-client nodehost="node1" peer="192.168.98.7" client="producer-1" reason="LDAP user restproxy-producer-api-v2-basicauth-wrong-client-id authentication failed by LDAP"`,
			`32-kafkarest-thread-brace.log:3 2021-02-18T20:46:35.117Z ERROR sasl-auth-failed java-client node="-1" nodehost="node1" addr="192.168.98.7:9093" client="producer-1" reason="LDAP user restproxy-producer-api-v2-basicauth-wrong-client-id authentication failed by LDAP"`,
			`32-kafkarest-thread-brace.log:4 2021-02-18T20:46:35.117Z WARN node-disconnected java-client node="-1" nodehost="node1" client="producer-1"`,
			`32-kafkarest-thread-brace.log:5 2021-02-18T20:46:35.122Z INFO sasl-auth-failed java-client nodehost="node3" peer="192.168.98.6" client="producer-3" reason="LDAP user restproxy-producer-api-v2-basicauth-wrong-client-id authentication failed by LDAP"`,
		}},
		{"26-flink.log", "java", "", []string{
			`26-flink.log:1 2023-01-01T10:00:00.123Z WARN connect-failed java-client node="1" nodehost="kafka-1" addr="10.0.0.11:9092" client="src-0" group="flink-grp"`,
		}},
		{"35-dash-level.log", "logback", "", []string{
			`35-dash-level.log:1 2022-06-02T00:56:32.961Z DEBUG connect-refused java-client peer="127.0.0.1" client="consumer-null-1" reason="Connection refused" exception="java.net.ConnectException" exmsg="Connection refused"`,
		}},
		{"28-slf4j-simple.log", "java-no-time", "", []string{
			`28-slf4j-simple.log:8 0001-01-01T00:00:00Z INFO node-disconnected java-client node="-1" client="producer-1"`,
			`28-slf4j-simple.log:9 0001-01-01T00:00:00Z WARN connect-failed java-client node="-1" nodehost="localhost" addr="127.0.0.1:9092" client="producer-1"`,
			`28-slf4j-simple.log:10 0001-01-01T00:00:00Z WARN node-disconnected java-client node="-1" nodehost="localhost" client="producer-1"`,
			`28-slf4j-simple.log:11 0001-01-01T00:00:00Z INFO node-disconnected java-client node="-1" client="producer-1"`,
			`28-slf4j-simple.log:12 0001-01-01T00:00:00Z WARN connect-failed java-client node="-1" nodehost="localhost" addr="127.0.0.1:9092" client="producer-1"`,
			`28-slf4j-simple.log:13 0001-01-01T00:00:00Z WARN node-disconnected java-client node="-1" nodehost="localhost" client="producer-1"`,
		}},
		{"29-debezium.log", "strimzi", "", []string{
			`29-debezium.log:2 2023-02-20T14:31:36.101Z WARN connect-failed java-client node="-1" nodehost="kafka" addr="172.18.0.4:9092" client="connector-producer-inventory-0"`,
			`29-debezium.log:3 2023-02-20T14:31:36.102Z WARN node-disconnected java-client node="-1" nodehost="kafka" client="connector-producer-inventory-0"`,
			`29-debezium.log:4 2023-02-20T14:31:37.155Z WARN connect-failed java-client node="1" nodehost="kafka" addr="172.18.0.4:9092" client="dbserver1-dbhistory" group="dbserver1-dbhistory"`,
		}},
		{"30-logstash.log", "logstash", "", []string{
			`30-logstash.log:3 2023-01-01T10:00:01.201Z WARN connect-failed java-client node="-1" nodehost="kafka.internal" addr="10.20.0.7:9092" client="producer-1"`,
			`30-logstash.log:4 2023-01-01T10:00:01.202Z WARN node-disconnected java-client node="-1" nodehost="kafka.internal" client="producer-1"`,
		}},
		{"33-logstash-tab-indented.log", "logstash", "", []string{
			`33-logstash-tab-indented.log:1 2026-01-06T00:00:32.018Z INFO node-disconnected java-client node="-1" client="scribbler-WIN-AH9POJL038C"`,
			`33-logstash-tab-indented.log:2 2026-01-06T00:00:32.018Z ERROR sasl-auth-failed java-client node="-1" client="scribbler-WIN-AH9POJL038C" reason="Authentication failed: Invalid username or password"`,
			`33-logstash-tab-indented.log:3 2026-01-06T00:00:32.018Z WARN node-disconnected java-client node="-1" nodehost="kafka.example" client="scribbler-WIN-AH9POJL038C"`,
			`33-logstash-tab-indented.log:4 2026-01-06T00:00:32.433Z INFO sasl-auth-failed java-client nodehost="kafka.example" client="scribbler-WIN-AH9POJL038C" reason="Authentication failed: Invalid username or password"`,
			`33-logstash-tab-indented.log:5 2026-01-06T00:00:32.434Z INFO node-disconnected java-client node="-1" client="scribbler-WIN-AH9POJL038C"`,
		}},
		{"34-console-producer-prompt.log", "log4j", "", []string{
			`34-console-producer-prompt.log:1 2024-05-02T10:15:08.801Z ERROR sasl-auth-failed java-client node="-1" nodehost="kafka-controller-0.kafka-controller-headless.kafka.svc.cluster.local" addr="10.244.1.6:9092" client="console-producer" reason="Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256"`,
			`34-console-producer-prompt.log:2 2024-05-02T10:15:08.803Z WARN node-disconnected java-client node="-1" nodehost="kafka-controller-0.kafka-controller-headless.kafka.svc.cluster.local" client="console-producer"`,
			`34-console-producer-prompt.log:3 2024-05-02T10:15:09.282Z ERROR sasl-auth-failed java-client node="-1" nodehost="kafka-controller-0.kafka-controller-headless.kafka.svc.cluster.local" addr="10.244.1.6:9092" client="console-producer" reason="Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256"`,
		}},
		{"31-spark.log", "spark", "", []string{
			`31-spark.log:3 2023-01-01T10:00:01Z WARN connect-failed java-client node="-1" nodehost="kafka.example.com" addr="10.0.0.5:9092" client="consumer-spark-kafka-source-1" group="spark-kafka-source-1"`,
			`31-spark.log:4 2023-01-01T10:00:01Z WARN node-disconnected java-client node="-1" nodehost="kafka.example.com" client="consumer-spark-kafka-source-1" group="spark-kafka-source-1"`,
		}},
		{"36-gearpump-akka.log", "akka", "", []string{
			`36-gearpump-akka.log:1 2015-02-19T11:40:22.861Z WARN connect-refused java-client reason="Connection refused" exception="java.net.ConnectException" exmsg="Connection refused"`,
			`36-gearpump-akka.log:10 2015-02-19T11:40:22.87Z WARN connect-refused java-client reason="Connection refused" exception="java.net.ConnectException" exmsg="Connection refused"`,
		}},
		{"37-log4j2-method-line.log", "java", "", []string{
			`37-log4j2-method-line.log:1 2024-02-11T07:41:20.118Z WARN connect-failed java-client node="-1" addr="10.20.30.40:9092" client="producer-2"`,
			`37-log4j2-method-line.log:2 2024-02-11T07:41:20.118Z WARN node-disconnected java-client node="-1" addr="10.20.30.40:9092" client="producer-2"`,
			`37-log4j2-method-line.log:3 2024-02-11T07:41:22.79Z INFO node-disconnected java-client node="-1" client="producer-1"`,
			`37-log4j2-method-line.log:4 2024-02-11T07:41:22.79Z WARN connect-failed java-client node="-1" addr="10.20.30.40:9092" client="producer-1"`,
			`37-log4j2-method-line.log:5 2024-02-11T07:41:22.791Z WARN node-disconnected java-client node="-1" addr="10.20.30.40:9092" client="producer-1"`,
		}},
		{"27-jul.log", "java.util.logging", "", []string{
			`27-jul.log:1 2024-03-02T10:15:02Z WARN connect-failed java-client node="1" nodehost="kafka-1" addr="10.0.0.11:9092" client="app-1" group="grp"`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "realworld", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !(Parser{}).Sniff(data) {
				t.Errorf("Sniff refused %s", tc.file)
			}
			rec, st, err := parseAs(tc.file, string(data))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Errorf("Parse error = %v, want %q...", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if st.Layout != tc.layout || st.Unparsed != 0 || len(st.Problems) != 0 {
				t.Errorf("layout=%q unparsed=%d problems=%q, want layout %q and no damage", st.Layout, st.Unparsed, st.Problems, tc.layout)
			}
			var got []string
			for _, e := range rec.events {
				got = append(got, describe(e))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// parseAs runs Parse over text as the file path.
func parseAs(path, text string) (*recorder, analyzer.Stats, error) {
	rec := &recorder{}
	src := &analyzer.Source{Path: path, R: bufio.NewReader(strings.NewReader(text)), Zone: time.UTC}
	st, err := Parser{}.Parse(context.Background(), src, rec)
	return rec, st, err
}

// TestSameAsLog4j checks that a record read by the general reader is
// classified as the same record printed in Kafka's stock log4j layout:
// only Text and the layout may differ.
func TestSameAsLog4j(t *testing.T) {
	const msg = "[Consumer clientId=c-1, groupId=g] Connection to node 2 (kafka-2/10.0.0.12:9092) could not be established. Broker may not be available."
	const disc = "[Producer clientId=p-1] Node 3 disconnected."
	const dump = "ProducerConfig values: \n\tbootstrap.servers = [kafka-1:9092]\n\tclient.id = p-1\n"
	tests := []struct {
		name, logger, line, log4j string
	}{
		{"quarkus", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47,901 WARN  [org.apa.kaf.cli.NetworkClient] (vert.x-worker-thread-1 | x) " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"log4j, thread before level, closed by a brace", "org.apache.kafka.clients.NetworkClient",
			"[2024-03-05 10:15:47,901] [kafka-producer-network-thread | p-1} WARN " + msg + " (org.apache.kafka.clients.NetworkClient)",
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"micronaut", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47,901 WARN  ducer-1 o.a.k.c.NetworkClient      " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"dash glued to level", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47.901 -DEBUG  [           main] o.a.k.c.NetworkClient             : " + disc,
			"[2024-03-05 10:15:47,901] DEBUG " + disc},
		{"dash, pid", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47.901 - WARN 4242 [kafka-producer-network-thread | p-1] o.a.k.c.NetworkClient : " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"lagom", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05T10:15:47.901Z [info] org.apache.kafka.clients.NetworkClient [sourceThread=x] - " + disc,
			"[2024-03-05 10:15:47,901] INFO " + disc},
		{"akka", "org.apache.kafka.clients.NetworkClient",
			"[WARN] [03/05/2024 10:15:47.901] [NetworkClient] " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"flink", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47,901 INFO  org.apache.kafka.clients.NetworkClient                       [] - " + disc,
			"[2024-03-05 10:15:47,901] INFO " + disc},
		{"logstash indented", "org.apache.kafka.clients.NetworkClient",
			"\t[2024-03-05T10:15:47,901][WARN ][org.apache.kafka.clients.NetworkClient][main] " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"console prompt, typed text", "org.apache.kafka.clients.NetworkClient",
			">>he[2024-03-05 10:15:47,901] WARN " + msg + " (org.apache.kafka.clients.NetworkClient)",
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"thread before level, colon", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47.901 [kafka-producer-network-thread | p-1] WARN  o.a.k.c.NetworkClient: " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"jul", "org.apache.kafka.clients.NetworkClient",
			"Mar 5, 2024 10:15:47 AM org.apache.kafka.clients.NetworkClient handleServerDisconnect\nWARNING: " + msg,
			"[2024-03-05 10:15:47,000] WARN " + msg},
		{"jul pm", "org.apache.kafka.clients.NetworkClient",
			"Mar 05, 2024 12:15:47 PM org.apache.kafka.clients.NetworkClient processDisconnection\nINFO: " + disc,
			"[2024-03-05 12:15:47,000] INFO " + disc},
		// log4j2 "%c{1.}#%M(L:%L) -> %m" (apache/logging-log4j2#1666).
		{"log4j2 method and line", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47.901 WARN  [kafka-producer-network-thread | p-1] o.a.k.clients.NetworkClient#processDisconnection(L:814) -> " + msg,
			"[2024-03-05 10:15:47,901] WARN " + msg},
		{"log4j2 method and line, inner class", "org.apache.kafka.clients.NetworkClient",
			"2024-03-05 10:15:47.901 INFO  [kafka-producer-network-thread | p-1] o.a.k.clients.NetworkClient$DefaultMetadataUpdater#handleServerDisconnect(L:1105) -> " + disc,
			"[2024-03-05 10:15:47,901] INFO " + disc},
		{"quarkus config dump", "org.apache.kafka.clients.producer.ProducerConfig",
			"2024-03-05 10:15:47,901 INFO  [org.apa.kaf.cli.pro.ProducerConfig] (main) " + dump,
			"[2024-03-05 10:15:47,901] INFO " + dump},
	}
	ignore := cmpopts.IgnoreFields(analyzer.Event{}, "Text")
	cmpIgnore := cmpopts.IgnoreFields(analyzer.Config{}, "Source")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, st, err := parseAs("test.log", tc.line+"\n")
			if err != nil || st.Unparsed != 0 {
				t.Fatalf("Parse: %v, %d unparsed", err, st.Unparsed)
			}
			// The log4j record carries the full logger where Kafka prints
			// it: at the end of its line, or on a line of its own after a
			// config dump.
			ref, _, err := parseAs("test.log", tc.log4j+" ("+tc.logger+")\n")
			if err != nil {
				t.Fatal(err)
			}
			if len(ref.events)+len(ref.configs) == 0 {
				t.Fatal("the log4j reference yields nothing")
			}
			opts := []cmp.Option{ignore, cmpIgnore, cmpopts.EquateComparable(netip.AddrPort{}, netip.Addr{}), cmpopts.EquateEmpty()}
			if diff := cmp.Diff(ref.events, rec.events, opts...); diff != "" {
				t.Errorf("events differ from log4j's (-log4j +got):\n%s", diff)
			}
			if diff := cmp.Diff(ref.configs, rec.configs, opts...); diff != "" {
				t.Errorf("configs differ from log4j's (-log4j +got):\n%s", diff)
			}
		})
	}
}

// TestNotJavaLogs feeds inputs that are not Kafka Java logs: Sniff must
// refuse them, or (a Java application's log without Kafka lines) accept
// and read it to no event, no unparsed line and no problem.
func TestNotJavaLogs(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		sniff bool
	}{
		{"librdkafka", "%7|1683812345.123|CONNECT|rdkafka#producer-1| [thrd:kafka-1:9092/bootstrap]: kafka-1:9092/bootstrap: Connecting to ipv4#10.0.0.11:9092 (plaintext) with socket 7\n" +
			"%3|1683812345.200|FAIL|rdkafka#producer-1| [thrd:kafka-1:9092/bootstrap]: kafka-1:9092/bootstrap: Connect to ipv4#10.0.0.11:9092 failed: Connection refused (after 0ms in state CONNECT)\n", false},
		{"journal", "Mar 05 10:15:47 host-1 systemd[1]: Started Apache Kafka.\n" +
			"Mar 05 10:15:48 host-1 kafka-server-start.sh[811]: [2024-03-05 10:15:48,000] INFO Registered signal handlers (org.apache.kafka.common.utils.LoggingSignalHandler)\n", false},
		{"python logging", "2024-03-05 10:15:47,901 WARNING kafka.conn <BrokerConnection node_id=1 host=kafka-1:9092 <connecting>>: connect attempt returned error 111. Disconnecting.\n" +
			"2024-03-05 10:15:47,902 ERROR kafka.client_async Connection to node 1 could not be established\n" +
			"2024-03-05 10:15:47,903 - kafka.conn - WARNING - Connection to node 1 refused\n" +
			"2024-03-05 10:15:47,904 INFO [MainThread] app.consumer: Node 1 disconnected.\n", false},
		{"nginx access", `10.0.0.7 - - [05/Mar/2024:10:15:47 +0000] "GET /kafka/topics HTTP/1.1" 200 512 "-" "curl/8.5.0"` + "\n" +
			`10.0.0.7 - - [05/Mar/2024:10:15:48 +0000] "POST /api/org.apache.kafka.clients.NetworkClient HTTP/1.1" 404 0 "-" "curl/8.5.0"` + "\n", false},
		{"akka's own log", "[WARN] [05/09/2017 01:33:40.106] [TcpSpec-akka.io.pinned-dispatcher-7] [akka://TcpSpec/system/IO-TCP/selectors/$a] No longer selecting...\n" +
			"[DEBUG] [05/09/2017 01:33:41.135] [TcpSpec-akka.actor.default-dispatcher-4] [akka://TcpSpec/system/IO-TCP/selectors/$a] Executing [WorkerForCommand]\n", false},
		{"maven", "[INFO] Scanning for projects...\n[INFO] Building kafka-app 1.0\n[ERROR] [Selector] Tests run: 1, Failures: 1\n", false},
		{"cri envelope", "2024-03-02T10:15:01.234567891Z stdout F 2024-03-02 10:15:01 WARN some.app.Main started\n" +
			"2024-03-02T10:15:01.234567891Z stdout F 2024-03-02 10:15:01 WARN some.app.Main stopped\n", false},
		{"python logging, indented", "    2024-03-05 10:15:47,901 WARNING kafka.conn <BrokerConnection node_id=1 host=kafka-1:9092 <connecting>>: connect attempt returned error 111.\n" +
			"    2024-03-05 10:15:47,903 - kafka.conn - WARNING - Connection to node 1 refused\n", false},
		{"stack trace alone, indented", "\tjava.net.ConnectException: Connection refused\n\t\tat org.apache.kafka.common.network.Selector.poll(Selector.java:481)\n\t\t... 5 more\n", false},
		{"console text only", ">hello\n>he[llo] world\n", false},
		{"java app without kafka", "2024-03-05 10:15:47,901 INFO  [io.quarkus] (main) orders 1.0 on JVM started in 1.2s.\n" +
			"2024-03-05 10:15:47,902 INFO  [io.qua.Application] (main) Profile prod activated.\n" +
			"2024-03-05 10:15:48,000 ERROR [com.acme.OrderService] (executor-thread-1) Connection refused while calling the billing service\n" +
			"java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)\n" +
			"2024-03-05 10:15:49,000 WARN  [com.acme.OrderService] (executor-thread-1) Billing call timed out after 3 retries\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Parser{}).Sniff([]byte(tc.in)); got != tc.sniff {
				t.Fatalf("Sniff = %v, want %v", got, tc.sniff)
			}
			if !tc.sniff {
				return
			}
			rec, st, err := parseAs("app.log", tc.in)
			if err != nil || len(rec.events) != 0 || st.Unparsed != 0 || len(st.Problems) != 0 {
				t.Errorf("Parse: err %v, %d events, %d unparsed, problems %q; want a clean read to nothing", err, len(rec.events), st.Unparsed, st.Problems)
			}
		})
	}
}

// TestTimeOfDay checks the time-only pattern: such records are read on the
// placeholder day, marked NoDate, a day later each time the clock turns
// back past midnight (Analyze dates them); a shipper's time or a caller's
// (journal, docker) is a full time and wins.
func TestTimeOfDay(t *testing.T) {
	const msg = " [main] WARN  org.apache.kafka.clients.NetworkClient - [Consumer clientId=c-1, groupId=g] Connection to node -1 could not be established. Broker may not be available."
	const line = "13:57:45.100" + msg
	tests := []struct {
		name  string
		times []string
		want  []string // event times, UTC
	}{
		{"one line", []string{"13:57:45.100"}, []string{"2000-01-01T13:57:45.1Z"}},
		{"comma fraction, nanoseconds", []string{"13:57:45,123456789"}, []string{"2000-01-01T13:57:45.123456789Z"}},
		{"across midnight", []string{"23:59:58.000", "23:59:59.900", "00:00:00.100", "00:00:01.000"},
			[]string{"2000-01-01T23:59:58Z", "2000-01-01T23:59:59.9Z", "2000-01-02T00:00:00.1Z", "2000-01-02T00:00:01Z"}},
		{"threads out of order stay on the day", []string{"10:00:00.500", "10:00:00.300", "09:00:00.000"},
			[]string{"2000-01-01T10:00:00.5Z", "2000-01-01T10:00:00.3Z", "2000-01-01T09:00:00Z"}},
		{"two midnights", []string{"22:00:00", "02:00:00", "23:00:00", "01:00:00"},
			[]string{"2000-01-01T22:00:00Z", "2000-01-02T02:00:00Z", "2000-01-02T23:00:00Z", "2000-01-03T01:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in strings.Builder
			for _, ts := range tc.times {
				in.WriteString(ts + msg + "\n")
			}
			rec, st, err := parseAs("app.log", in.String())
			if err != nil || st.Layout != "java-no-date" || !st.ZoneAssumed {
				t.Fatalf("err %v, layout %q, zone assumed %v; want a java-no-date read in the assumed zone", err, st.Layout, st.ZoneAssumed)
			}
			var got []string
			for _, e := range rec.events {
				if !e.NoDate || e.TimeGuessed {
					t.Errorf("line %d: NoDate %v, TimeGuessed %v; want NoDate alone (Analyze guesses)", e.Source.Line, e.NoDate, e.TimeGuessed)
				}
				got = append(got, e.Time.UTC().Format(time.RFC3339Nano))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("times (-want +got):\n%s", diff)
			}
		})
	}
	rec, _, err := parseAs("app.log", "[2024-03-05T10:15:47.901Z] "+line+"\n")
	want := []string{`app.log:1 2024-03-05T10:15:47.901Z WARN connect-failed java-client node="-1" client="c-1" group="g"`}
	if err != nil || !cmp.Equal(describeAll(rec.events), want) {
		t.Errorf("with a shipper's time: err %v, events %q, want %q", err, describeAll(rec.events), want)
	}
	rec = &recorder{}
	d := NewLineDecoder(&analyzer.Source{Path: "journal"}, rec)
	d.Line(analyzer.Location{Path: "journal", Line: 7}, time.Date(2024, 3, 5, 10, 15, 47, 0, time.UTC), "h1", []byte(line))
	d.Flush()
	want = []string{`journal:7 2024-03-05T10:15:47Z WARN connect-failed java-client host="h1" node="-1" client="c-1" group="g"`}
	if diff := cmp.Diff(want, describeAll(rec.events)); diff != "" {
		t.Errorf("through LineDecoder (-want +got):\n%s", diff)
	}
}

func TestLooseHeader(t *testing.T) {
	type result struct {
		Layout, Time, Docker, Level, Logger, Msg string
	}
	tests := []struct {
		in   string
		want *result // nil: no header
	}{
		{"2019-01-19T14:22:13.633Z [warn] org.apache.kafka.clients.NetworkClient [] - boom",
			&result{"java", "2019-01-19T14:22:13.633Z", "", "WARN", "org.apache.kafka.clients.NetworkClient", "boom"}},
		{"2023-06-09 08:18:58,118 WARN  [org.apa.kaf.cli.NetworkClient] (a b | c) [Producer clientId=p] x",
			&result{"java", "2023-06-09T08:18:58.118Z", "", "WARN", "org.apa.kaf.cli.NetworkClient", "[Producer clientId=p] x"}},
		{"2021-01-27 19:54:32,326 ERROR inclient-2 o.a.k.c.NetworkClient      [AdminClient clientId=a] x",
			&result{"java", "2021-01-27T19:54:32.326Z", "", "ERROR", "o.a.k.c.NetworkClient", "[AdminClient clientId=a] x"}},
		{"13:57:44.697 [main] INFO  o.a.k.c.consumer.ConsumerConfig - ConsumerConfig values: ",
			&result{"java-no-date", "", "", "INFO", "o.a.k.c.consumer.ConsumerConfig", "ConsumerConfig values:"}},
		{"[2023-06-09T12:19:03.724Z] 2023-06-09 08:18:58,118 WARN  [org.apa.kaf.cli.NetworkClient] (t) x",
			&result{"java", "2023-06-09T08:18:58.118Z", "2023-06-09T12:19:03.724Z", "WARN", "org.apa.kaf.cli.NetworkClient", "x"}},
		{"app_1  | 2023-01-01 10:00:00,123 WARN  org.apache.kafka.clients.NetworkClient    [] - x",
			&result{"java", "2023-01-01T10:00:00.123Z", "", "WARN", "org.apache.kafka.clients.NetworkClient", "x"}},
		{"2023-01-01 10:00:00,123 [WARN ] [main] [o.a.k.c.NetworkClient.:] x",
			&result{"java", "2023-01-01T10:00:00.123Z", "", "WARN", "o.a.k.c.NetworkClient", "x"}},
		{"2023-01-01 10:00:00,123 severe [main] com.acme.Foo$Bar - x - y",
			&result{"java", "2023-01-01T10:00:00.123Z", "", "ERROR", "com.acme.Foo$Bar", "x - y"}},
		{"Mar 02, 2024 10:15:02 PM org.apache.kafka.clients.NetworkClient handleServerDisconnect",
			&result{"java.util.logging", "2024-03-02T22:15:02Z", "", "", "org.apache.kafka.clients.NetworkClient", ""}},
		{"09 Jun 2023 08:18:58,118 ERROR [pool-1-thread-1] o.a.k.c.NetworkClient - x",
			&result{"java", "2023-06-09T08:18:58.118Z", "", "ERROR", "o.a.k.c.NetworkClient", "x"}},
		{"09 Jux 2023 08:18:58,118 ERROR [t] o.a.k.c.NetworkClient - x", nil},
		{"Dec 1, 2024 12:00:00 AM com.acme.App main",
			&result{"java.util.logging", "2024-12-01T00:00:00Z", "", "", "com.acme.App", ""}},
		// Kafka's own layout keeps its strict reading when it has no logger.
		{"[2024-03-05 10:15:02,114] INFO [main] org.foo.Bar - x",
			&result{"log4j", "2024-03-05T10:15:02.114Z", "", "INFO", "", "[main] org.foo.Bar - x"}},
		// "[%d] [%t] %p …": the general reader still reads a logger that
		// follows the level.
		{"[2021-02-18 20:46:35,117] [main] INFO org.apache.kafka.clients.Metadata - [Producer clientId=p] Cluster ID: x",
			&result{"java", "2021-02-18T20:46:35.117Z", "", "INFO", "org.apache.kafka.clients.Metadata", "[Producer clientId=p] Cluster ID: x"}},
		// A message starting with an exception is no logger.
		{"2024-03-05 10:15:02,114 ERROR (main) java.net.ConnectException: Connection refused",
			&result{"strimzi", "2024-03-05T10:15:02.114Z", "", "ERROR", "", "(main) java.net.ConnectException: Connection refused"}},
		{"2024-03-05 10:15:02,114 WARNING kafka.conn Connection refused", &result{"strimzi", "2024-03-05T10:15:02.114Z", "", "WARN", "", "kafka.conn Connection refused"}},
		{"2024-03-05 10:15:02,114 - kafka.conn - WARNING - x", nil},
		// "-%5p": a dash glued to a five-letter level, padded before a
		// four-letter one, and an optional pid (apache/inlong#4483).
		{"2022-06-02 00:56:32.961 - INFO 12345 [           main] o.a.k.c.NetworkClient          : x",
			&result{"java", "2022-06-02T00:56:32.961Z", "", "INFO", "o.a.k.c.NetworkClient", "x"}},
		{"2022-06-02 00:56:32.961 - WARN   12345 [main] org.apache.kafka.clients.NetworkClient - x",
			&result{"java", "2022-06-02T00:56:32.961Z", "", "WARN", "org.apache.kafka.clients.NetworkClient", "x"}},
		{"2024-03-05 10:15:02,114 - WARNING - kafka.conn - x", nil},                             // Python's " - " separators
		{"2024-03-05 10:15:02,114 -  ERROR [main] org.foo.Bar - x", nil},                        // not "-%5p"
		{"2020-01-01 00:00:00,000 [myid:1] - INFO  [main:QuorumPeerConfig@173] - Reading", nil}, // ZooKeeper's own
		{"2024-03-05 10:15:02,114 NOTICE org.foo.Bar x", nil},
		{"2024-03-05 10:15:02,114 WARN a b org.foo.Bar x", &result{"strimzi", "2024-03-05T10:15:02.114Z", "", "WARN", "", "a b org.foo.Bar x"}},
		{"13:57:44 [main] x.Y - z", nil},
		{"Mar 02, 2024 10:15:02 AM org.apache.kafka.clients.NetworkClient handle two", nil},
		{"Mar 02, 2024 13:15:02 AM org.foo.Bar m", nil},
		{"Mar 02 10:15:02 host app[1]: INFO org.foo.Bar x", nil},
		{"\tat org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:1)", nil},
		{"Caused by: java.net.ConnectException: Connection refused", nil},
		// Akka's and Gearpump's "[LEVEL] [MM/dd/yyyy HH:mm:ss.SSS] [source]"
		// (gearpump/gearpump#526, #712; akka/akka-core#22875).
		{"[WARN] [02/19/2015 11:40:22.861] [Selector] Error in I/O with localhost/127.0.0.1",
			&result{"akka", "2015-02-19T11:40:22.861Z", "", "WARN", "Selector", "Error in I/O with localhost/127.0.0.1"}},
		{"[INFO] [03/29/2015 19:48:56.648] [KafkaUtil$] ZOOKEEPER CONNECTION 10.10.10.8:2181",
			&result{"akka", "2015-03-29T19:48:56.648Z", "", "INFO", "KafkaUtil$", "ZOOKEEPER CONNECTION 10.10.10.8:2181"}},
		{"[WARN] [05/09/2017 01:33:40.106] [sys-akka.actor.default-dispatcher-3] [org.apache.kafka.clients.NetworkClient] [Producer clientId=p] x",
			&result{"akka", "2017-05-09T01:33:40.106Z", "", "WARN", "org.apache.kafka.clients.NetworkClient", "[Producer clientId=p] x"}},
		{"[WARN] [02/19/2015 11:40:22] [Selector] [Producer clientId=p] x",
			&result{"akka", "2015-02-19T11:40:22Z", "", "WARN", "Selector", "[Producer clientId=p] x"}},
		{"[WARN] [05/09/2017 01:33:40.106] [TcpSpec-akka.io.pinned-dispatcher-7] [akka://TcpSpec/system/IO-TCP/selectors/$a] x", nil},
		{"[WARN] [13/09/2017 01:33:40.106] [Selector] x", nil}, // day first: not Akka's
		{"[WARN] [02/19/2015 11:40:22.861] [Selector]x", nil},
		{"[WARN] [02/19/2015 11:40:22.861] Selector x", nil},
		// A caller's location glued to the logger: log4j2's
		// "%c{1.}#%M(L:%L)" with an arrow before the message, and the
		// same without the method or the line.
		{"2023-08-05 02:14:50.464 WARN  [kafka-producer-network-thread | producer-2] o.a.k.clients.NetworkClient#processDisconnection(L:814) -> [Producer clientId=p] x",
			&result{"java", "2023-08-05T02:14:50.464Z", "", "WARN", "o.a.k.clients.NetworkClient", "[Producer clientId=p] x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.clients.NetworkClient$DefaultMetadataUpdater#handleServerDisconnect(L:1105) -> x",
			&result{"java", "2023-08-05T02:14:50.464Z", "", "WARN", "o.a.k.clients.NetworkClient$DefaultMetadataUpdater", "x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient#poll - x",
			&result{"java", "2023-08-05T02:14:50.464Z", "", "WARN", "o.a.k.c.NetworkClient", "x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient(NetworkClient.java:814) - x",
			&result{"java", "2023-08-05T02:14:50.464Z", "", "WARN", "o.a.k.c.NetworkClient", "x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient#<init>(L:1): x",
			&result{"java", "2023-08-05T02:14:50.464Z", "", "WARN", "o.a.k.c.NetworkClient", "x"}},
		// Near misses, read with no logger: no method after "#", a group
		// that does not end the token or holds other bytes, a location
		// with no logger before it; and an arrow glued to the message
		// stays in it.
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient# - x", &result{"strimzi", "2023-08-05T02:14:50.464Z", "", "WARN", "", "[t] o.a.k.c.NetworkClient# - x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient(L:814)x - x", &result{"strimzi", "2023-08-05T02:14:50.464Z", "", "WARN", "", "[t] o.a.k.c.NetworkClient(L:814)x - x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient(a/b) - x", &result{"strimzi", "2023-08-05T02:14:50.464Z", "", "WARN", "", "[t] o.a.k.c.NetworkClient(a/b) - x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient#poll(L:814)#x - x", &result{"strimzi", "2023-08-05T02:14:50.464Z", "", "WARN", "", "[t] o.a.k.c.NetworkClient#poll(L:814)#x - x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] #poll(L:814) - x", &result{"strimzi", "2023-08-05T02:14:50.464Z", "", "WARN", "", "[t] #poll(L:814) - x"}},
		{"2023-08-05 02:14:50.464 WARN  [t] o.a.k.c.NetworkClient#poll ->x",
			&result{"java", "2023-08-05T02:14:50.464Z", "", "WARN", "o.a.k.c.NetworkClient", "->x"}},
		{"[INFO] Building kafkadiag 1.0", nil}, // Maven
		{"[ERROR] [Selector] x", nil},
	}
	for _, tc := range tests {
		var h header
		var got *result
		if parseHeader([]byte(tc.in), time.UTC, &h) {
			got = &result{Layout: h.layout.String(), Level: h.level, Logger: tc.in[h.loggerStart:h.loggerEnd], Msg: tc.in[h.msgStart:h.msgEnd]}
			if h.hasTime {
				got.Time = h.time.UTC().Format(time.RFC3339Nano)
			}
			if h.hasDocker {
				got.Docker = h.dockerTime.UTC().Format(time.RFC3339Nano)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestCanonicalLogger(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"o.a.k.c.NetworkClient", "org.apache.kafka.clients.NetworkClient"},
		{"org.apa.kaf.cli.NetworkClient", "org.apache.kafka.clients.NetworkClient"},
		{"o.a.kafka.common.network.Selector", "org.apache.kafka.common.network.Selector"},
		{"o.a.k.c.c.i.ConsumerCoordinator", "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator"},
		{"o.a.k.c.r.d.WorkerCoordinator", "org.apache.kafka.connect.runtime.distributed.WorkerCoordinator"},
		{"k.s.KafkaServer", "kafka.server.KafkaServer"},
		{"k.n.SocketServer", "kafka.network.SocketServer"},
		{"ka.se.KafkaServer", "kafka.server.KafkaServer"},
		{"kaf.ser.KafkaServer", "kafka.server.KafkaServer"},
		{"org.apa.kaf.cli.con.ConsumerConfig", "org.apache.kafka.clients.consumer.ConsumerConfig"},
		{"org.apache.kafka.clients.NetworkClient", "org.apache.kafka.clients.NetworkClient"},
		{"o.a.k.c.UnknownClass", "o.a.k.c.UnknownClass"},   // not known: as printed
		{"o.a.k.NetworkClient", "o.a.k.NetworkClient"},     // one segment short
		{"o.a.k.x.NetworkClient", "o.a.k.x.NetworkClient"}, // x abbreviates no package of it
		{"o.a.k.c.networkclient", "o.a.k.c.networkclient"}, // class names match exactly
		{"o..k.c.NetworkClient", "o..k.c.NetworkClient"},   // empty segment
		{"o.s.k.l.KafkaMessageListenerContainer", "o.s.k.l.KafkaMessageListenerContainer"},
		{"NetworkClient", "NetworkClient"},
		{"", ""},
	} {
		if got := string(canonicalLogger([]byte(tc.in))); got != tc.want {
			t.Errorf("canonicalLogger(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in           string
		kafka, broke bool
	}{
		{"org.apa.kaf.cli.con.int.Unknown", true, false},
		{"o.a.k.c.NetworkClient", true, false},
		{"k.s.KafkaServer", true, true},
		{"org.apache.karaf.Main", false, false},
		{"or.ap.ka", false, false},
	} {
		l := canonicalLogger([]byte(tc.in))
		if isKafkaLogger(l) != tc.kafka || isBrokerLogger(l) != tc.broke {
			t.Errorf("%q: kafka %v broker %v, want %v %v", tc.in, isKafkaLogger(l), isBrokerLogger(l), tc.kafka, tc.broke)
		}
	}
}

// TestAllocsLooseLines extends TestAllocsBoringLines to the general
// reader: its layouts, abbreviated loggers and JUL records cost nothing
// when they are uninteresting.
func TestAllocsLooseLines(t *testing.T) {
	d := NewLineDecoder(&analyzer.Source{Path: "x", Zone: time.UTC}, &countingSink{})
	var lines [][]byte
	for i, l := range []string{
		"2023-06-09 08:18:58,118 INFO  [org.apa.kaf.cli.con.int.ConsumerCoordinator] (smallrye-kafka-consumer-thread-3) [Consumer clientId=c, groupId=g] Setting offset for partition t-%d",
		"[2021-02-18 20:46:35,116] [kafka-producer-network-thread | producer-1} INFO [Producer clientId=p] Cluster ID: %d (org.apache.kafka.clients.Metadata)",
		"2021-01-27 19:54:32,326 INFO  inclient-2 o.a.k.c.NetworkClient      [AdminClient clientId=adminclient-2] Sending metadata request %d",
		"2022-06-02 00:56:32.961 -DEBUG  [           main] o.a.k.c.Metadata             : Cluster ID: %d",
		"2019-01-19T14:22:13.633Z [info] org.apache.kafka.clients.Metadata [] - Cluster ID: %d",
		"[INFO] [03/29/2015 19:48:56.648] [Metadata] Cluster ID: %d",
		"[2023-06-09T12:19:03.724Z] 2023-06-09 08:18:58,118 INFO  [org.apa.kaf.cli.NetworkClient] (t) x %d",
		"Mar 02, 2024 10:15:02 AM org.apache.kafka.clients.Metadata update\nINFO: Cluster ID: %d",
		"13:57:44.697 [main] INFO  o.a.k.c.consumer.ConsumerConfig - group %d",
		"\t[2026-01-06T00:00:32,018][INFO ][org.apache.kafka.clients.Metadata][main] Cluster ID: %d",
		">he[2024-05-02 10:15:08,801] INFO [Producer clientId=p] Cluster ID: %d (org.apache.kafka.clients.Metadata)",
	} {
		lines = append(lines, []byte(fmt.Sprintf(l, i)))
	}
	for _, l := range lines {
		d.Line(analyzer.Location{Path: "x", Line: 1}, time.Time{}, "", l)
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, l := range lines {
			d.Line(analyzer.Location{Path: "x", Line: 1}, time.Time{}, "", l)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per %d loose lines, want 0", allocs, len(lines))
	}
}

// TestJULRecords checks java.util.logging's two-line records where they
// arrive: in a compose log interleaved with another service, and through
// LineDecoder one journal entry per line.
func TestJULRecords(t *testing.T) {
	const head = "Mar 02, 2024 10:15:02 AM org.apache.kafka.clients.NetworkClient handleServerDisconnect"
	const msg = "WARNING: [Consumer clientId=app-1, groupId=grp] Connection to node 1 (kafka-1/10.0.0.11:9092) could not be established. Broker may not be available."
	want := `2024-03-02T10:15:02Z WARN connect-failed java-client host="app" node="1" nodehost="kafka-1" addr="10.0.0.11:9092" client="app-1" group="grp"`
	in := "app  | " + head + "\n" +
		"kafka  | [2024-03-02 10:15:02,500] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)\n" +
		"app  | " + msg + "\n"
	rec, st, err := parseAs("compose.log", in)
	var got []string
	for _, e := range rec.events {
		if e.Program == "java-client" {
			got = append(got, strings.TrimPrefix(describe(e), "compose.log:1 "))
			if e.Text != "app  | "+head+" "+msg {
				t.Errorf("Text = %q", e.Text)
			}
		}
	}
	if err != nil || st.Unparsed != 0 || !cmp.Equal(got, []string{want}) {
		t.Errorf("compose: err %v, unparsed %d, client events %q, want %q", err, st.Unparsed, got, want)
	}

	rec = &recorder{}
	d := NewLineDecoder(&analyzer.Source{Path: "journal"}, rec)
	ts := time.Date(2024, 3, 2, 10, 15, 3, 0, time.UTC)
	for i, l := range []string{head, msg} {
		if !d.Line(analyzer.Location{Path: "journal", Line: i + 1}, ts, "app", []byte(l)) {
			t.Errorf("line %d not claimed", i+1)
		}
	}
	d.Flush()
	if got := describeAll(rec.events); !cmp.Equal(got, []string{"journal:1 " + want}) {
		t.Errorf("journal: events %q, want %q", got, want)
	}
}

// TestNoTimeNearMisses: slf4j-simple's "[thread] LEVEL logger - msg" is a
// record only in a log of such records; inside a dated log it is a line
// of the message before it, and without " - " after the logger it is no
// header at all.
func TestNoTimeNearMisses(t *testing.T) {
	const dated = "[2024-03-05 10:15:02,114] WARN [Producer clientId=p-1] Connection to node 1 (kafka-1/10.0.0.11:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)\n"
	const noTime = "[kafka-producer-network-thread | p-1] WARN org.apache.kafka.clients.NetworkClient - [Producer clientId=p-1] Connection to node 1 (kafka-1/10.0.0.11:9092) could not be established. Broker may not be available.\n"
	rec, st, err := parseAs("app.log", dated+noTime)
	if err != nil || st.Layout != "log4j" || len(rec.events) != 1 || rec.events[0].Source.Line != 1 {
		t.Errorf("dated log: err %v, layout %q, events %q; want one event, line 1, the second line its continuation", err, st.Layout, describeAll(rec.events))
	}
	for _, line := range []string{
		"[main] WARN org.apache.kafka.clients.NetworkClient [Producer clientId=p-1] Node 1 disconnected.",
		"[main] WARN org.apache.kafka.clients.NetworkClient: [Producer clientId=p-1] Node 1 disconnected.",
		"[main] org.apache.kafka.clients.NetworkClient - [Producer clientId=p-1] Node 1 disconnected.",
	} {
		h := header{}
		if parseHeader([]byte(line), time.UTC, &h) && h.layout == layoutJavaNoTime {
			t.Errorf("%q read as a no-time record", line)
		}
	}
}
