package kafkalog

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseHeaderLayouts(t *testing.T) {
	type got struct {
		Layout, Level, Logger, Msg, Compose string
		Time                                time.Time
		HasTime                             bool
	}
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		line string
		want *got // nil: not a header
	}{
		{"log4j", "[2018-02-12 20:12:55,333] WARN Unexpected error from /10.1.2.3; closing connection (org.apache.kafka.common.network.Selector)",
			&got{"log4j", "WARN", "org.apache.kafka.common.network.Selector", "Unexpected error from /10.1.2.3; closing connection", "", ts("2018-02-12T20:12:55.333Z"), true}},
		{"log4j scala object", "[2023-01-02 03:04:05,006] ERROR Exiting Kafka due to fatal exception during startup. (kafka.Kafka$)",
			&got{"log4j", "ERROR", "kafka.Kafka$", "Exiting Kafka due to fatal exception during startup.", "", ts("2023-01-02T03:04:05.006Z"), true}},
		{"log4j connect line number", "[2023-01-02 03:04:05,006] INFO [Worker clientId=connect-1, groupId=connect-cluster] Node 2 disconnected. (org.apache.kafka.clients.NetworkClient:977)",
			&got{"log4j", "INFO", "org.apache.kafka.clients.NetworkClient", "[Worker clientId=connect-1, groupId=connect-cluster] Node 2 disconnected.", "", ts("2023-01-02T03:04:05.006Z"), true}},
		{"log4j config dump first line", "[2024-03-05 10:15:02,114] INFO ProducerConfig values: ",
			&got{"log4j", "INFO", "", "ProducerConfig values:", "", ts("2024-03-05T10:15:02.114Z"), true}},
		{"log4j fatal", "[2017-01-02 03:04:05,006] FATAL [Kafka Server 1], Fatal error during KafkaServer startup. Prepare to shutdown (kafka.server.KafkaServer)",
			&got{"log4j", "ERROR", "kafka.server.KafkaServer", "[Kafka Server 1], Fatal error during KafkaServer startup. Prepare to shutdown", "", ts("2017-01-02T03:04:05.006Z"), true}},
		{"log4j thread before level", "[2021-02-18 20:46:35,117] [kafka-producer-network-thread | producer-1] ERROR [Producer clientId=producer-1] Connection to node -1 (node1/192.168.98.7:9093) failed authentication due to: x (org.apache.kafka.clients.NetworkClient)",
			&got{"log4j-thread", "ERROR", "org.apache.kafka.clients.NetworkClient", "[Producer clientId=producer-1] Connection to node -1 (node1/192.168.98.7:9093) failed authentication due to: x", "", ts("2021-02-18T20:46:35.117Z"), true}},
		// "[%t}", a typo in a user's pattern (confluentinc/kafka-rest#807).
		{"log4j thread closed by a brace", "[2021-02-18 20:46:34,775] [kafka-producer-network-thread | producer-4} WARN [Producer clientId=producer-4] Bootstrap broker node1:9093 (id: -1 rack: null) disconnected (org.apache.kafka.clients.NetworkClient)",
			&got{"log4j-thread", "WARN", "org.apache.kafka.clients.NetworkClient", "[Producer clientId=producer-4] Bootstrap broker node1:9093 (id: -1 rack: null) disconnected", "", ts("2021-02-18T20:46:34.775Z"), true}},
		{"log4j thread, config dump", "[2021-02-18 20:46:34,775] [main} INFO ProducerConfig values: ",
			&got{"log4j-thread", "INFO", "", "ProducerConfig values:", "", ts("2021-02-18T20:46:34.775Z"), true}},
		{"log4j thread, no level", "[2021-02-18 20:46:34,775] [main] hello (kafka.Kafka$)", nil},
		{"log4j two groups before level", "[2021-02-18 20:46:34,775] [main} [x] INFO hello (kafka.Kafka$)", nil},
		{"log4j brace, bracket inside", "[2021-02-18 20:46:34,775] [ma[i]n} INFO hello (kafka.Kafka$)", nil},
		{"strimzi", "2020-08-05 15:32:44,650 WARN [SocketServer brokerId=1] Unexpected error from /10.1.1.1; closing connection (org.apache.kafka.common.network.Selector) [data-plane-kafka-network-thread-1-ListenerName(PLAIN-9092)-PLAINTEXT-0]",
			&got{"strimzi", "WARN", "org.apache.kafka.common.network.Selector", "[SocketServer brokerId=1] Unexpected error from /10.1.1.1; closing connection", "", ts("2020-08-05T15:32:44.650Z"), true}},
		{"strimzi connect", "2020-05-12 09:28:48,313 ERROR [AdminClient clientId=adminclient-1] Connection to node -1 (my-kafka-bootstrap/10.0.0.1:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient) [kafka-admin-client-thread | adminclient-1]",
			&got{"strimzi", "ERROR", "org.apache.kafka.clients.NetworkClient", "[AdminClient clientId=adminclient-1] Connection to node -1 (my-kafka-bootstrap/10.0.0.1:9092) could not be established. Broker may not be available.", "", ts("2020-05-12T09:28:48.313Z"), true}},
		{"spring boot 2", "2021-01-21 21:56:53.890  WARN 18 --- [ntainer#0-0-C-1] org.apache.kafka.clients.NetworkClient   : [Consumer clientId=c-1, groupId=g] Node 1 disconnected.",
			&got{"spring-boot", "WARN", "org.apache.kafka.clients.NetworkClient", "[Consumer clientId=c-1, groupId=g] Node 1 disconnected.", "", ts("2021-01-21T21:56:53.890Z"), true}},
		{"spring boot 3 app name", "2025-03-11T23:13:55.125Z  INFO 1 --- [kafka-t] [kafka-t-admin-0] org.apache.kafka.clients.NetworkClient   : [AdminClient clientId=adminclient-1] Node -1 disconnected.",
			&got{"spring-boot", "INFO", "org.apache.kafka.clients.NetworkClient", "[AdminClient clientId=adminclient-1] Node -1 disconnected.", "", ts("2025-03-11T23:13:55.125Z"), true}},
		{"spring boot 3 offset", "2025-03-11T23:13:55.125+02:00 ERROR 7 --- [           main] o.a.k.c.NetworkClient                    : boom",
			&got{"spring-boot", "ERROR", "o.a.k.c.NetworkClient", "boom", "", ts("2025-03-11T21:13:55.125Z"), true}},
		// "-%5p" (apache/inlong#4483), and Spring Boot's with no pid.
		{"dash glued to level", "2022-06-02 00:56:32.961 -DEBUG  [           main] o.a.k.c.n.Selector             : [Consumer clientId=consumer-null-1, groupId=null] Connection with /127.0.0.1 disconnected",
			&got{"logback", "DEBUG", "o.a.k.c.n.Selector", "[Consumer clientId=consumer-null-1, groupId=null] Connection with /127.0.0.1 disconnected", "", ts("2022-06-02T00:56:32.961Z"), true}},
		{"dash before padded level", "2022-06-02 00:56:32.961 - INFO  [           main] o.a.k.c.NetworkClient          : x",
			&got{"logback", "INFO", "o.a.k.c.NetworkClient", "x", "", ts("2022-06-02T00:56:32.961Z"), true}},
		{"dash, spring", "2022-06-02 00:56:32.961 - WARN 12345 --- [main] o.a.k.c.NetworkClient                    : x",
			&got{"spring-boot", "WARN", "o.a.k.c.NetworkClient", "x", "", ts("2022-06-02T00:56:32.961Z"), true}},
		{"spring boot, no pid", "2022-06-02 00:56:32.961  INFO   --- [main] o.a.k.c.NetworkClient                    : x",
			&got{"spring-boot", "INFO", "o.a.k.c.NetworkClient", "x", "", ts("2022-06-02T00:56:32.961Z"), true}},
		{"dash, log4j", "[2022-06-02 00:56:32,961] -DEBUG x (kafka.Kafka$)", nil},
		{"logback abbreviated", "2025-02-04 15:10:12,140 WARN  [kafka-admin-client-thread | admin-1] o.a.k.c.NetworkClient: [AdminClient clientId=admin-1] Node 1 disconnected.",
			&got{"logback", "WARN", "o.a.k.c.NetworkClient", "[AdminClient clientId=admin-1] Node 1 disconnected.", "", ts("2025-02-04T15:10:12.140Z"), true}},
		{"logback dash", "2025-02-04 15:10:12.140 INFO [main] org.apache.kafka.clients.Metadata - [Producer clientId=p] Cluster ID: abc",
			&got{"logback", "INFO", "org.apache.kafka.clients.Metadata", "[Producer clientId=p] Cluster ID: abc", "", ts("2025-02-04T15:10:12.140Z"), true}},
		{"logback no date", "WARN  [kafka-producer-network-thread | producer-4] [o.a.k.c.NetworkClient.:] [Producer clientId=producer-4] Node 1 disconnected.",
			&got{"logback", "WARN", "o.a.k.c.NetworkClient", "[Producer clientId=producer-4] Node 1 disconnected.", "", time.Time{}, false}},
		{"iso8601 plain", "2024-05-01T10:00:00.123456Z WARN [Producer clientId=p] Node 1 disconnected. (org.apache.kafka.clients.NetworkClient)",
			&got{"iso8601", "WARN", "org.apache.kafka.clients.NetworkClient", "[Producer clientId=p] Node 1 disconnected.", "", ts("2024-05-01T10:00:00.123456Z"), true}},
		{"docker compose", "kafka0               | [2025-02-03 21:07:42,915] WARN Boom (org.apache.kafka.clients.NetworkClient)",
			&got{"log4j", "WARN", "org.apache.kafka.clients.NetworkClient", "Boom", "kafka0", ts("2025-02-03T21:07:42.915Z"), true}},
		{"docker compose with docker time", "kafka-1-1  | 2025-02-03T21:07:43.000123456Z [2025-02-03 21:07:42,915] WARN Boom (org.apache.kafka.clients.NetworkClient)",
			&got{"log4j", "WARN", "org.apache.kafka.clients.NetworkClient", "Boom", "kafka-1-1", ts("2025-02-03T21:07:42.915Z"), true}},
		{"librdkafka", "%3|1601544943.909|FAIL|rdkafka#producer-1| [thrd:ssl://k:443/bootstrap]: boom", nil},
		{"journal short", "Apr 28 16:50:56 mithrandir kafka-server-start.sh[523358]: [2024-04-28 16:50:56,001] INFO x (kafka.Kafka$)", nil},
		{"journal short-iso", "2024-01-25T01:17:42+0100 host kafka-server-start.sh[523]: [2024-01-25 01:17:42,001] INFO x (kafka.Kafka$)", nil},
		{"dotnet librdkafka", "7|2017-02-28 09:05:52.404|rdkafka#producer-1|REQTMOUT| [thrd:k:9092/1]: timed out", nil},
		{"zookeeper own log", "2020-01-01 00:00:00,000 [myid:1] - INFO  [main:QuorumPeerConfig@173] - Reading configuration", nil},
		{"stack frame", "\tat org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:571)", nil},
		{"exception", "java.io.IOException: Connection reset by peer", nil},
		{"bad month", "[2024-13-05 10:15:02,114] INFO x (kafka.Kafka$)", nil},
		{"no level", "[2024-03-05 10:15:02,114] hello (kafka.Kafka$)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h header
			line := []byte(tt.line)
			ok := parseHeader(line, time.UTC, &h)
			var g *got
			if ok {
				g = &got{h.layout.String(), h.level, string(line[h.loggerStart:h.loggerEnd]), string(line[h.msgStart:h.msgEnd]),
					string(line[:h.composeName]), h.time, h.hasTime}
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("parseHeader(%q) mismatch (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestParseHeaderZone(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	var h header
	if !parseHeader([]byte("[2024-03-05 10:15:02,114] INFO x (kafka.Kafka$)"), zone, &h) {
		t.Fatal("not a header")
	}
	if want := time.Date(2024, 3, 5, 9, 15, 2, 114e6, time.UTC); !h.time.Equal(want) {
		t.Errorf("time = %v, want %v (zone CET applied)", h.time, want)
	}
}

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in   string
		want string // host|addr, "" when rejected
	}{
		{"kafka-1.example.internal/10.20.0.11:9092", "kafka-1.example.internal|10.20.0.11:9092"},
		{"/10.20.0.11:9092", "|10.20.0.11:9092"},
		{"localhost/0:0:0:0:0:0:0:1:9092", "localhost|[::1]:9092"},
		{"localhost/[0:0:0:0:0:0:0:1]:9092", "localhost|[::1]:9092"},
		{"[fd00::5]:9093", "|[fd00::5]:9093"},
		{"b-1.msk-cluster.abc123.c2.kafka.eu-west-1.amazonaws.com:9094", "b-1.msk-cluster.abc123.c2.kafka.eu-west-1.amazonaws.com|"},
		{"kafka-3/<unresolved>:9092", "kafka-3|"},
		{"kafka:notaport", ""},
		{"no port", ""},
		{"bad host!/1.2.3.4:9092", "|1.2.3.4:9092"},
	}
	for _, tt := range tests {
		ep, ok := parseEndpoint(tt.in)
		got := ""
		if ok {
			got = ep.Host + "|"
			if ep.Addr.IsValid() {
				got += ep.Addr.String()
			}
		}
		if got != tt.want {
			t.Errorf("parseEndpoint(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// clockZones have offsets that change: DST at 2:00 and 3:00, a 30-minute
// shift (Lord Howe), a negative DST (Dublin) and an offset in seconds
// (Amsterdam before 1937).
var clockZones = func() []*time.Location {
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600)}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Europe/Dublin", "Europe/Amsterdam"} {
		if z, err := time.LoadLocation(name); err == nil {
			zones = append(zones, z)
		}
	}
	return zones
}()

// FuzzMinuteClock: the remembered minute gives what time.Date gives, for
// runs of civil times read in order (the cache is hit) in zones whose
// offset changes, including times in the gap or overlap of a change.
func FuzzMinuteClock(f *testing.F) {
	f.Add(uint8(2), int64(1711846800), []byte{0, 30, 30, 59, 1, 255, 7})  // Berlin, spring 2024
	f.Add(uint8(3), int64(1730613600), []byte{60, 60, 0, 200, 3, 3, 3})   // New York, autumn 2024
	f.Add(uint8(4), int64(1712412000), []byte{10, 250, 250, 250, 250, 1}) // Lord Howe, April 2024
	f.Add(uint8(6), int64(-1000000000), []byte{1, 2, 3})                  // Amsterdam, 1938
	f.Fuzz(func(t *testing.T, zi uint8, start int64, steps []byte) {
		zone := clockZones[int(zi)%len(clockZones)]
		start %= 1 << 36 // years 0 to about 4100
		if start < -62135596800 {
			start = -start
		}
		var c minuteClock
		at := time.Unix(start, 0).In(zone)
		for _, s := range steps {
			at = at.Add(time.Duration(s) * 7 * time.Second)
			y, mo, d := at.Date()
			hh, mm, ss := at.Clock()
			if s%5 == 0 { // a civil time that may not exist or be ambiguous
				hh = (hh + 1) % 24
			}
			nsec := int(s) * 3_000_001
			want := time.Date(y, mo, d, hh, mm, ss, nsec, zone)
			got := c.date(y, int(mo), d, hh, mm, ss, nsec, zone)
			if got != want {
				t.Fatalf("date(%d-%02d-%02d %02d:%02d:%02d.%09d %s) = %v, time.Date gives %v", y, mo, d, hh, mm, ss, nsec, zone, got, want)
			}
		}
	})
}

// FuzzParseDateTime checks the hand-rolled date reader against time.Parse
// with the layout it claims to have read: whatever both accept reads as
// the same instant, with and without the remembered minute.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"2024-03-05 10:15:02,114", "2025-02-03T21:07:43.000123456Z", "2024-01-25T01:17:42.5+01:00",
		"2024-01-25T01:17:42-0530 x", "2024-03-31 02:30:00.000", "2024-02-30 10:00:00"} {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, b []byte, zi uint8) {
		zone := clockZones[int(zi)%len(clockZones)]
		var c minuteClock
		t1, n, iso, zoned, ok := parseDateTime(b, zone, nil)
		t2, n2, _, _, ok2 := parseDateTime(b, zone, &c)
		t3, _, _, _, _ := parseDateTime(b, zone, &c)
		if ok != ok2 || n != n2 || t1 != t2 || t1 != t3 {
			t.Fatalf("%q: without clock %v %d, with %v %d then %v", b, t1, n, t2, n2, t3)
		}
		if !ok {
			return
		}
		layout := []byte("2006-01-02 15:04:05")
		if iso {
			layout[10] = 'T'
		}
		if n > 19 && (b[19] == ',' || b[19] == '.') {
			layout = append(layout, b[19])
			for i := 20; i < n && isDigit(b[i]); i++ {
				layout = append(layout, '0')
			}
		}
		if zoned {
			switch z := string(b[len(layout):n]); {
			case z == "Z":
				layout = append(layout, "Z07:00"...)
			case len(z) == 6:
				layout = append(layout, "-07:00"...)
			default:
				layout = append(layout, "-0700"...)
			}
		}
		want, err := time.ParseInLocation(string(layout), string(b[:n]), zone)
		if err != nil {
			return // time.Parse is stricter: day 31 of April, second 60
		}
		if !t1.Equal(want) {
			t.Errorf("parseDateTime(%q) = %v, time.Parse(%q) = %v", b[:n], t1, layout, want)
		}
	})
}

// loggerSuffixReference is splitLoggerSuffix written plainly: the "(" is
// the last one before ")" with only logger bytes between, at most
// maxLoggerRun of them, and isLoggerToken (bar its length bound) judges
// the name.
func loggerSuffixReference(line []byte, p int) (ms, me, ls, le int, ok bool) {
	end := trimRightEnd(line, len(line))
	if end > p && line[end-1] == ']' {
		open := matchBracketBack(line, p, end-1)
		if open < 0 {
			return 0, 0, 0, 0, false
		}
		end = trimRightEnd(line, open)
	}
	if end <= p || line[end-1] != ')' {
		return 0, 0, 0, 0, false
	}
	open := end - 2
	for open >= p && end-2-open < maxLoggerRun && loggerBytes[line[open]] != 0 {
		open--
	}
	if open < p || line[open] != '(' {
		return 0, 0, 0, 0, false
	}
	tok := line[open+1 : end-1]
	if len(tok) == 0 || isDigit(tok[0]) || bytes.IndexAny(tok, ".$") < 0 {
		return 0, 0, 0, 0, false
	}
	le = end - 1
	if c := bytes.IndexByte(tok, ':'); c >= 0 {
		le = open + 1 + c
	}
	return p, trimRightEnd(line, open), open + 1, le, true
}

// FuzzSplitLoggerSuffix: the four-bytes-a-step scan finds what the plain
// one finds.
func FuzzSplitLoggerSuffix(f *testing.F) {
	for _, s := range []string{
		"msg (kafka.log.LocalLog)", "msg (org.apache.kafka.connect.runtime.WorkerSinkTask:123)  ",
		"a (b.c) [thread-1]", "x (1a.b)", "(a.b)", "y (ab)", "z (a b.c)", "m (a$b)\t",
		"k (" + strings.Repeat("a.", 128) + "b)", "k (" + strings.Repeat("a.", 128) + ")",
		"k (" + strings.Repeat("ab.", 90) + ")",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, line []byte, p uint8) {
		at := min(int(p), len(line))
		ms, me, ls, le, ok := splitLoggerSuffix(line, at)
		wms, wme, wls, wle, wok := loggerSuffixReference(line, at)
		if got, want := [5]any{ms, me, ls, le, ok}, [5]any{wms, wme, wls, wle, wok}; got != want {
			t.Errorf("splitLoggerSuffix(%q, %d) = %v, plain scan %v", line, at, got, want)
		}
	})
}

func TestParseLevel(t *testing.T) {
	type result struct {
		Level string
		N     int
	}
	tests := []struct {
		in   string
		want result
	}{
		{"INFO x", result{"INFO", 4}},
		{"WARN  x", result{"WARN", 4}},
		{"WARNING x", result{"WARN", 7}},
		{"ERROR x", result{"ERROR", 5}},
		{"SEVERE x", result{"ERROR", 6}},
		{"FATAL x", result{"ERROR", 5}},
		{"DEBUG x", result{"DEBUG", 5}},
		{"TRACE x", result{"TRACE", 5}},
		{"INFO", result{}},
		{"INFOx", result{}},
		{"INFO: x", result{}},
		{"INF x", result{}},
		{"INFOS x", result{}},
		{"info x", result{}},
		{"WARNINGS x", result{}},
		{" INFO x", result{}},
		{"", result{}},
	}
	for _, tc := range tests {
		lvl, n := parseLevel([]byte(tc.in))
		if diff := cmp.Diff(tc.want, result{lvl, n}); diff != "" {
			t.Errorf("parseLevel(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// FuzzParseDateTimeRun reads a run of dates (one a line) through one
// minuteClock, as a log's headers are: each reads as it does without the
// remembered minute, whatever the one before it was (same minute in
// another zone or form, a leap second, a different minute).
func FuzzParseDateTimeRun(f *testing.F) {
	f.Add([]byte("2024-03-05 10:15:02,114\n2024-03-05 10:15:59.9\n2024-03-05 10:15:60\n2024-03-05 10:16:00"), uint8(2))
	f.Add([]byte("2025-02-03T21:07:43Z\n2025-02-03T21:07:44+01:00\n2025-02-03T21:07:45\n2025-02-03 21:07:46"), uint8(3))
	f.Add([]byte("2024-03-31T02:30:00\n2024-03-31T02:30:01.5\n2024-03-31T02:31:00-0530"), uint8(2))
	f.Fuzz(func(t *testing.T, run []byte, zi uint8) {
		zone := clockZones[int(zi)%len(clockZones)]
		var c minuteClock
		for _, b := range bytes.Split(run, []byte("\n")) {
			want, wn, wiso, wzoned, wok := parseDateTime(b, zone, nil)
			got, n, iso, zoned, ok := parseDateTime(b, zone, &c)
			if got != want || n != wn || iso != wiso || zoned != wzoned || ok != wok {
				t.Fatalf("%q after %q: with the clock %v %d %v %v %v, without %v %d %v %v %v",
					b, run, got, n, iso, zoned, ok, want, wn, wiso, wzoned, wok)
			}
		}
	})
}
