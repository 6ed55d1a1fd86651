package envelope

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestParsePrinted: the printed layouts' variants, around the fixtures'
// inner lines. Each prefix has the shape real logs show (see
// testdata/README.md and the layouts' doc comments).
func TestParsePrinted(t *testing.T) {
	const chFail = `[rdk:FAIL] [thrd:b-1.orders-msk.kafka.example.net:9092/1]: b-1.orders-msk.kafka.example.net:9092/1: Disconnected (after 350007ms in state UP)`
	tests := []struct {
		name     string
		input    string
		want     []ev
		layout   string
		zoneNote bool
	}{{
		name:   "docker logs -t: the container's offset is learned",
		input:  "2024-03-05T09:19:00.100123456Z " + javaRefused + "\n",
		layout: LayoutTimePrefix,
		want:   []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T09:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name: "Docker Desktop's local time before every line, stack frames too",
		input: "2024-03-05 05:18:11 " + javaReset + "\n" +
			"2024-03-05 05:18:11 " + javaResetExc + "\n" +
			"2024-03-05 05:18:11 " + javaResetAt + "\n",
		layout: LayoutTimePrefix, zoneNote: true,
		want: []ev{{Kind: analyzer.ConnectionReset, Time: "2024-03-05T10:18:11.002Z", Level: "DEBUG", Program: "java-client", Client: "billing-producer", Exception: "java.io.IOException", Line: 1}},
	}, {
		name: "a CI report quoting a ClickHouse line with a query id",
		input: "[2024-03-05 10:20:00] Failure\n" +
			"[2024-03-05 10:20:00]   | Failures: 1/1\n" +
			"[2024-03-05 10:20:00]     | 2026.05.19 14:08:01.419000 [ 8094 ] {de2d06ca-8b96-4ad7-b805-09414f05fdad} <Warning> StorageKafka (kafka_engine_table): " + chFail + "\n",
		layout: LayoutTimePrefix + "+" + LayoutClickHouse, zoneNote: true,
		want: []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "WARN", Program: "librdkafka", Node: "1", Line: 3}},
	}, {
		name: "ClickHouse: an old server's line without query id, a message that is not librdkafka's",
		input: "2026.05.19 14:08:01.100 [ 45 ] <Information> StorageKafka (orders_queue): Started streaming to 1 attached views\n" +
			"2026.05.19 14:08:01.419 [ 45 ] <Error> StorageKafka (orders_queue): [client.id:orders-ch] " + chFail + "\n",
		layout: LayoutClickHouse, zoneNote: true,
		want: []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Client: "orders-ch", Node: "1", Line: 2}},
	}, {
		name: "cf logs: two instances interleaved, OUT and ERR, the source column padded",
		input: "Retrieving logs for app billing in org shop / space prod as ops@example.com...\n\n" +
			"   2024-03-05T04:18:11.00-0500 [APP/PROC/WEB/0] OUT " + javaReset + "\n" +
			"   2024-03-05T04:19:00.10-0500 [APP/PROC/WEB/1]  OUT " + javaRefused + "\n" +
			"   2024-03-05T04:18:11.00-0500 [APP/PROC/WEB/0] ERR " + javaResetExc + "\n" +
			"   2024-03-05T04:18:12.51-0500 [RTR/0]      OUT billing.example.com - [2024-03-05T09:18:12.510Z] \"GET /healthz HTTP/1.1\" 200 0 2 \"-\" \"probe/1.0\"\n",
		layout: LayoutCloudFoundry,
		want: []ev{
			{Kind: analyzer.ConnectionReset, Time: "2024-03-05T09:18:11.002Z", Level: "DEBUG", Program: "java-client", Client: "billing-producer", Exception: "java.io.IOException", Line: 3},
			{Kind: analyzer.ConnectFailed, Time: "2024-03-05T09:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 4},
		},
	}, {
		name: "Lambda: platform lines, Node.js outside an invocation, Python's level first",
		input: "INIT_START Runtime Version: nodejs:16.v36\n" +
			"2026-05-19T14:08:01.419Z undefined INFO " + rdkafkaFail + "\n" +
			"START RequestId: 3bf6616c-1a25-4f55-8047-09cb748b4ddf Version: $LATEST\n" +
			"[ERROR]\t2026-05-19T14:08:02.419Z\t3bf6616c-1a25-4f55-8047-09cb748b4ddf\t" + strings.Replace(rdkafkaFail, "1779199681.419", "1779199682.419", 1) + "\n" +
			"END RequestId: 3bf6616c-1a25-4f55-8047-09cb748b4ddf\n",
		layout: LayoutLambda,
		want: []ev{
			{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Client: "orders-svc#producer-1", Node: "1", Line: 2},
			{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:02.419Z", Level: "ERROR", Program: "librdkafka", Client: "orders-svc#producer-1", Node: "1", Line: 4},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, got := parse(t, "p.log", tt.input)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			gotStats := []any{st.Layout, st.Unparsed, st.Problems, st.ZoneAssumed}
			wantStats := []any{tt.layout, 0, []string(nil), tt.zoneNote}
			if diff := cmp.Diff(wantStats, gotStats); diff != "" {
				t.Errorf("layout, unparsed, problems, zone assumed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCutPrinted takes real lines of each printed layout apart: the time
// the prefix carries and the text it wraps.
func TestCutPrinted(t *testing.T) {
	tests := []struct {
		name, line string
		cut        func(line []byte) cut
		want       cut
	}{{
		name: "time-prefix: Docker Desktop",
		line: "2025-02-03 16:28:04     at kafka.network.Processor.run(SocketServer.scala:1015)",
		cut:  timePrefixCut,
		want: cut{Time: "2025-02-03T16:28:04Z", Text: "    at kafka.network.Processor.run(SocketServer.scala:1015)", OK: true},
	}, {
		name: "time-prefix: docker logs -t",
		line: "2024-04-09T17:33:12.238986028Z nginx: [emerg] host not found",
		cut:  timePrefixCut,
		want: cut{Time: "2024-04-09T17:33:12.238986028Z", Text: "nginx: [emerg] host not found", OK: true},
	}, {
		name: "time-prefix: a CI report's quote bar",
		line: "[2026-03-18 22:04:38]     | 2026.03.18 23:03:01.519388 [ 1135276 ] {} <Error> StorageKafka",
		cut:  timePrefixCut,
		want: cut{Time: "2026-03-18T22:04:38Z", Text: "2026.03.18 23:03:01.519388 [ 1135276 ] {} <Error> StorageKafka", OK: true},
	}, {
		name: "time-prefix: the prefix alone",
		line: "[2026-03-18 22:04:38]",
		cut:  timePrefixCut,
		want: cut{Time: "2026-03-18T22:04:38Z", OK: true},
	}, {
		name: "time-prefix: Logstash's [time][LEVEL]",
		line: "[2024-03-05T10:19:00,123][WARN ][org.apache.kafka.clients.NetworkClient] x",
		cut:  timePrefixCut,
	}, {
		name: "cf logs: indented, two fraction digits, numeric offset",
		line: "   2022-04-13T10:59:14.82-0400 [APP/PROC/WEB/0] OUT \tat java.base/sun.security.ssl.Alert.createSSLException(Unknown Source)",
		cut:  cloudFoundryCut,
		want: cut{Time: "2022-04-13T14:59:14.82Z", Source: "APP/PROC/WEB/0", Text: "\tat java.base/sun.security.ssl.Alert.createSSLException(Unknown Source)", OK: true},
	}, {
		name: "cf logs: ERR keeps the text's own spaces",
		line: "   2020-03-18T10:20:42.14+0530 [APP/PROC/WEB/0] ERR  * Restarting with stat  ",
		cut:  cloudFoundryCut,
		want: cut{Time: "2020-03-18T04:50:42.14Z", Source: "APP/PROC/WEB/0", Text: " * Restarting with stat  ", OK: true},
	}, {
		name: "cf logs: a router line with nothing after the stream",
		line: "   2019-07-31T04:05:08.83+0000 [RTR/0] OUT",
		cut:  cloudFoundryCut,
		want: cut{Time: "2019-07-31T04:05:08.83Z", Source: "RTR/0", OK: true},
	}, {
		name: "cf logs: a logback ISO line with its thread is none",
		line: "2024-03-05T10:19:00.100Z [main] ERROR o.a.k.c.NetworkClient - x",
		cut:  cloudFoundryCut,
	}, {
		name: "lambda: Node.js, tabs",
		line: "2019-06-07T19:11:20.564Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tWARN\tEvent not processed.",
		cut:  lambdaCut,
		want: cut{Time: "2019-06-07T19:11:20.564Z", Text: "Event not processed.", OK: true},
	}, {
		name: "lambda: Node.js before levels",
		line: "2019-02-15T12:01:38.743Z\t7a111162-fe11-4eee-a5f8-0651a0691b8f\tTypeError: Cannot read property '0' of undefined",
		cut:  lambdaCut,
		want: cut{Time: "2019-02-15T12:01:38.743Z", Text: "TypeError: Cannot read property '0' of undefined", OK: true},
	}, {
		name: "lambda: Python, copied with spaces",
		line: "[ERROR]  2021-05-06T10:06:12.451Z    3bf6616c-1a25-4f55-8047-09cb748b4ddf    (1045, \"Access denied\")",
		cut:  lambdaCut,
		want: cut{Time: "2021-05-06T10:06:12.451Z", Text: "(1045, \"Access denied\")", OK: true},
	}, {
		name: "lambda: no request id",
		line: "2020-10-20T09:36:22.149Z 12345 ERROR {}",
		cut:  lambdaCut,
	}, {
		name: "clickhouse: a log callback line",
		line: "2025.03.14 08:44:26.725868 [ 344 ] {} <Warning> StorageKafka (events_kafka): [rdk:MAXPOLL] [thrd:main]: Application maximum poll interval (60000ms) exceeded by 159ms",
		cut:  clickHouseCut,
		want: cut{Time: "2025-03-14T08:44:26.725868Z", Source: "4", Text: "StorageKafka (events_kafka): [rdk:MAXPOLL] [thrd:main]: Application maximum poll interval (60000ms) exceeded by 159ms", OK: true},
	}, {
		name: "clickhouse: an unknown level",
		line: "2025.03.14 08:44:26.725868 [ 344 ] {} <Verbose> x",
		cut:  clickHouseCut,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.cut([]byte(tt.line))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func timePrefixCut(line []byte) cut {
	ts, _, text, ok := cutTimePrefix(line, time.UTC)
	return cut{Time: rfc3339(ts), Text: string(text), OK: ok}
}

func cloudFoundryCut(line []byte) cut {
	ts, source, text, ok := cutCloudFoundry(line)
	return cut{Time: rfc3339(ts), Source: string(source), Text: string(text), OK: ok}
}

func lambdaCut(line []byte) cut {
	ts, text, ok := cutLambda(line)
	return cut{Time: rfc3339(ts), Text: string(text), OK: ok}
}

// clickHouseCut reports the level digit as Source.
func clickHouseCut(line []byte) cut {
	l, ok := cutClickHouse(line, time.UTC)
	src := ""
	if ok {
		src = string(l.level)
	}
	return cut{Time: rfc3339(l.time), Source: src, Text: string(l.msg), OK: ok}
}

// cut is what a printed layout's splitter returns, as text.
type cut struct {
	Time, Source, Text string
	OK                 bool
}

func rfc3339(ts time.Time) string {
	if ts.IsZero() {
		return ""
	}
	return ts.UTC().Format(time.RFC3339Nano)
}

// TestSniffPrintedNearMisses: lines that look like a printed layout's but
// are another parser's, or no envelope at all, are not sniffed.
func TestSniffPrintedNearMisses(t *testing.T) {
	for _, head := range []string{
		javaRefused, // log4j: a bracketed time, then the level
		rdkafkaFail,
		"Mar  5 10:19:00 kafka-3 kafka-server-start.sh[1234]: " + javaRefused,              // journal short
		"2024-03-05T10:19:00+0100 kafka-3 kafka-server-start.sh[1234]: " + javaRefused,     // journal short-iso
		"2024-03-05 10:19:00.123 " + rdkafkaFail,                                           // an application's prefix: rdkafka's wrapped layout
		"2024-03-05 10:19:00.100  WARN 1 --- [main] o.a.k.c.NetworkClient : " + refusedMsg, // Spring Boot
		"2024-03-05T10:19:00.100Z [main] ERROR o.a.k.c.NetworkClient - " + refusedMsg,      // logback ISO with the thread
		"2024-03-05T10:19:00.100Z 12345 ERROR " + refusedMsg,                               // no Lambda request id
		"2024.03.05 10:19:00 not a ClickHouse line",
		"[2024-03-05 10:19:00] WARN a CI step's own text\n[2024-03-05 10:19:01] done",
		"2024/03/05 10:19:00 [sarama] client/metadata fetching metadata for all topics from broker kafka:9092", // Go's log
		"2024-03-05 10:19:00,123 - kafka.conn - ERROR - <BrokerConnection node_id=1 host=kafka:9092> connect failed",
	} {
		if testParser().Sniff([]byte(head + "\n")) {
			t.Errorf("Sniff(%q) = true (%s)", head, sniffLayout([]byte(head+"\n")))
		}
	}
}
