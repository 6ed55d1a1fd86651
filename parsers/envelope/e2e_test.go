package envelope_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// The incidents whose diagnosis comes from one log: a Java producer's
// (log4j layout), a librdkafka producer's (native layout) and a broker's.
const (
	javaIncident    = "../../testdata/incidents/java_request_timeouts_after_idle/app/ledger-sync.log"
	rdkafkaIncident = "../../testdata/incidents/nlb_idle_reset_rdkafka_only/orders-svc/stderr.log"
	// brokerIncident's diagnosis rests on exceptions in stack traces.
	brokerIncident = "../../testdata/incidents/tls_client_plaintext_broker_log_only/kafka-3/server.log"
	// kafkajsIncident is KafkaJS's default JSON output of refused connects.
	kafkajsIncident = "../kafkajs/testdata/refused.log"
)

// TestEnvelopesKeepFindings puts each incident's client log through every
// envelope a bundle may hold it in and checks that the same findings come
// out as from the plain file. chunk > 0 splits every line into Docker or
// CRI partial records of that many bytes, as the runtimes do with long
// lines.
func TestEnvelopesKeepFindings(t *testing.T) {
	tests := []struct {
		name, plain, layout string
		convert             func(lines []string) []string
	}{
		{"java/docker", javaIncident, "docker-json", func(l []string) []string { return dockerRecords(l, 0) }},
		{"java/docker-split", javaIncident, "docker-json", func(l []string) []string { return dockerRecords(l, 48) }},
		{"java/cri", javaIncident, "cri", func(l []string) []string { return criRecords(l, 0) }},
		{"java/cri-split", javaIncident, "cri", func(l []string) []string { return criRecords(l, 48) }},
		{"java/kubectl", javaIncident, "kubectl-prefix", func(l []string) []string { return prefixed(l, "[pod/ledger-sync-5d8f7-x2x9q/app] ") }},
		{"java/logstash", javaIncident, "logstash-json", logstashRecords},
		{"java/ecs", javaIncident, "ecs-json", ecsRecords},
		{"java/log4j2", javaIncident, "log4j2-json", log4j2Records},
		{"java/cri+logstash", javaIncident, "cri+logstash-json", func(l []string) []string { return criRecords(logstashRecords(l), 0) }},
		{"broker/cri", brokerIncident, "cri", func(l []string) []string { return criRecords(l, 0) }},
		{"broker/docker-split", brokerIncident, "docker-json", func(l []string) []string { return dockerRecords(l, 64) }},
		{"broker/logstash", brokerIncident, "logstash-json", logstashRecords},
		{"broker/ecs", brokerIncident, "ecs-json", ecsRecords},
		{"broker/log4j2", brokerIncident, "log4j2-json", log4j2Records},
		{"rdkafka/docker", rdkafkaIncident, "docker-json", func(l []string) []string { return dockerRecords(l, 0) }},
		{"rdkafka/cri-split", rdkafkaIncident, "cri", func(l []string) []string { return criRecords(l, 40) }},
		{"rdkafka/pod-prefix", rdkafkaIncident, "pod-prefix", func(l []string) []string { return prefixed(l, "[orders-svc-7c9d4-abcde] ") }},
		{"rdkafka/zap-json", rdkafkaIncident, "json", zapRecords},
		{"rdkafka/docker+zap-json", rdkafkaIncident, "docker-json+json", func(l []string) []string { return dockerRecords(zapRecords(l), 0) }},
		{"java/docker-timestamps", javaIncident, "time-prefix", dockerTimestamps},
		{"java/docker-desktop", javaIncident, "time-prefix", dockerDesktop},
		{"broker/docker-desktop", brokerIncident, "time-prefix", dockerDesktop},
		{"broker/ci", brokerIncident, "time-prefix", ciPrefixed},
		{"java/cf", javaIncident, "cf-logs", cfLogs},
		{"broker/cf", brokerIncident, "cf-logs", cfLogs},
		{"kafkajs/lambda", kafkajsIncident, "lambda+json", lambdaRecords},
		{"rdkafka/lambda+zap-json", rdkafkaIncident, "lambda+json", func(l []string) []string { return lambdaRecords(zapRecords(l)) }},
		{"rdkafka/clickhouse", rdkafkaIncident, "clickhouse", clickHouseRecords},
		{"rdkafka/ci+clickhouse", rdkafkaIncident, "time-prefix+clickhouse", func(l []string) []string { return ciPrefixed(clickHouseRecords(l)) }},
		{"rdkafka/cri+clickhouse", rdkafkaIncident, "cri+clickhouse", func(l []string) []string { return criRecords(clickHouseRecords(l), 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, plain := diagnose(t, tt.plain)
			if len(want) == 0 {
				t.Fatal("the plain log gives no finding")
			}
			path := filepath.Join(t.TempDir(), "wrapped.log")
			writeLines(t, path, tt.convert(readLines(t, tt.plain)))
			got, in := diagnose(t, path)
			if in.Format != "envelope" || in.Layout != tt.layout || in.Unparsed != 0 {
				t.Errorf("input read as %s/%s with %d unparsed (%v), want envelope/%s", in.Format, in.Layout, in.Unparsed, in.Problems, tt.layout)
			}
			if in.Events != plain.Events {
				t.Errorf("%d events, the plain log gives %d", in.Events, plain.Events)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-plain +wrapped):\n%s", diff)
			}
		})
	}
}

// TestNonKafkaContainerLog: a CRI log of a web server is read, yields no
// event and no finding, and is no error.
func TestNonKafkaContainerLog(t *testing.T) {
	var lines []string
	for i := range 200 {
		ts := time.Date(2024, 3, 2, 10, 0, i, 123456789, time.UTC).Format(time.RFC3339Nano)
		lines = append(lines, fmt.Sprintf(`%s stdout F 10.0.3.%d - - [02/Mar/2024:10:00:%02d +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"`, ts, i%250, i%60))
	}
	path := filepath.Join(t.TempDir(), "nginx.log")
	writeLines(t, path, lines)
	findings, in := diagnose(t, path)
	if in.Format != "envelope" || in.Layout != "cri" || in.Events != 0 || in.Unparsed != 0 || in.Skipped != "" {
		t.Errorf("input = %+v, want envelope/cri with no event, nothing unparsed", in)
	}
	if len(findings) != 0 {
		t.Errorf("findings = %v, want none", findings)
	}
}

// finding is what must not change when a log is wrapped: the diagnosis,
// not where its evidence sits in the file.
type finding struct {
	Cause, Severity     string
	Confidence          float64
	Count               int
	FirstSeen, LastSeen time.Time
	Subjects            []analyzer.Subject
}

func diagnose(t *testing.T, path string) ([]finding, analyzer.InputStat) {
	t.Helper()
	res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	var out []finding
	for _, f := range res.Findings {
		out = append(out, finding{string(f.Cause), f.Severity.String(), f.Confidence, f.Count, f.FirstSeen, f.LastSeen, f.Subjects})
	}
	return out, res.Incident.Inputs[0]
}

// log4jHeader is Kafka's stock "[date] LEVEL message" first line.
var log4jHeader = regexp.MustCompile(`^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3})\] ([A-Z]+) (.*)$`)

// loggerSuffix is the " (logger)" that ends a log4j record's last line.
var loggerSuffix = regexp.MustCompile(`\s?\(([\w.$]+)\)$`)

// stackLine starts the stack-trace part of a record.
var stackLine = regexp.MustCompile(`^(\s+at |Caused by: |[\w$.]+(Exception|Error)(: |$))`)

// javaRecord is one log4j record taken apart.
type javaRecord struct {
	time                      time.Time
	level, logger, msg, stack string
}

// logstashRecords converts log4j records into logstash-logback-encoder
// objects.
func logstashRecords(lines []string) []string {
	return encodeJava(lines, func(r javaRecord) map[string]any {
		obj := map[string]any{
			"@timestamp": r.time.Format("2006-01-02T15:04:05.000Z07:00"), "@version": "1", "message": r.msg,
			"logger_name": r.logger, "thread_name": "kafka-producer-network-thread | ledger-sync",
			"level": r.level, "level_value": 20000,
		}
		if r.stack != "" {
			obj["stack_trace"] = r.stack
		}
		return obj
	})
}

// ecsRecords converts log4j records into ECS objects with nested keys, as
// ecs-logging-java can print them.
func ecsRecords(lines []string) []string {
	return encodeJava(lines, func(r javaRecord) map[string]any {
		obj := map[string]any{
			"@timestamp": r.time.Format("2006-01-02T15:04:05.000Z"), "message": r.msg,
			"log":     map[string]any{"level": r.level, "logger": r.logger},
			"ecs":     map[string]any{"version": "1.2.0"},
			"process": map[string]any{"thread": map[string]any{"name": "main"}},
		}
		if r.stack != "" {
			obj["error"] = map[string]any{"stack_trace": r.stack}
		}
		return obj
	})
}

// log4j2Records converts log4j records into Log4j2 JsonLayout objects
// (compact, eventEol, stacktraceAsString).
func log4j2Records(lines []string) []string {
	return encodeJava(lines, func(r javaRecord) map[string]any {
		obj := map[string]any{
			"instant": map[string]any{"epochSecond": r.time.Unix(), "nanoOfSecond": r.time.Nanosecond()},
			"thread":  "main", "level": r.level, "loggerName": r.logger, "message": r.msg,
			"endOfBatch": false, "loggerFqcn": "org.apache.logging.slf4j.Log4jLogger", "threadId": 1, "threadPriority": 5,
		}
		if r.stack != "" {
			obj["thrown"] = map[string]any{"extendedStackTrace": r.stack}
		}
		return obj
	})
}

// encodeJava takes log4j records (header plus continuation lines) apart
// and encodes each as one JSON line.
func encodeJava(lines []string, encode func(javaRecord) map[string]any) []string {
	var out []string
	for i := 0; i < len(lines); {
		m := log4jHeader.FindStringSubmatch(lines[i])
		if m == nil {
			panic("not a log4j header: " + lines[i])
		}
		body := []string{m[4]}
		for i++; i < len(lines) && !log4jHeader.MatchString(lines[i]); i++ {
			body = append(body, lines[i])
		}
		// The logger closes the first line, or the last of a multi-line
		// message (a config dump).
		logger := ""
		if s := loggerSuffix.FindStringSubmatchIndex(body[0]); s != nil {
			logger, body[0] = body[0][s[2]:s[3]], body[0][:s[0]]
		}
		text := strings.Join(body, "\n")
		if s := loggerSuffix.FindStringSubmatchIndex(text); logger == "" && s != nil {
			logger, text = text[s[2]:s[3]], text[:s[0]]
		}
		msg, stack := text, ""
		parts := strings.Split(text, "\n")
		for j, p := range parts {
			if j > 0 && stackLine.MatchString(p) {
				msg, stack = strings.Join(parts[:j], "\n"), strings.Join(parts[j:], "\n")
				break
			}
		}
		ts, _ := time.Parse("2006-01-02 15:04:05.000", m[1]+"."+m[2])
		out = append(out, mustJSON(encode(javaRecord{ts, m[3], logger, msg, stack})))
	}
	return out
}

// nativeLine is librdkafka's "%L|secs.ms|FAC|name| text".
var nativeLine = regexp.MustCompile(`^%(\d)\|(\d+\.\d+)\|([A-Z0-9_]+)\|([^|]*)\| (.*)$`)

// zapRecords converts librdkafka's native lines into what a Go service
// logging confluent-kafka-go's log events through zap prints.
func zapRecords(lines []string) []string {
	levels := map[string]string{"3": "error", "4": "warn", "5": "info", "6": "info", "7": "debug"}
	var out []string
	for _, l := range lines {
		m := nativeLine.FindStringSubmatch(l)
		if m == nil {
			panic("not a native librdkafka line: " + l)
		}
		out = append(out, mustJSON(map[string]any{
			"level": levels[m[1]], "ts": json.Number(m[2]), "logger": "kafka", "msg": m[5],
			"fac": m[3], "name": m[4], "caller": "kafka/log.go:42",
		}))
	}
	return out
}

// dockerRecords wraps lines as Docker's json-file driver does; chunk > 0
// splits each into records of that many bytes, the last one carrying the
// newline.
func dockerRecords(lines []string, chunk int) []string {
	var out []string
	for i, l := range lines {
		ts := recordTime(i).Format(time.RFC3339Nano)
		for _, part := range chunks(l+"\n", chunk) {
			out = append(out, mustJSON(map[string]string{"log": part, "stream": "stdout", "time": ts}))
		}
	}
	return out
}

// criRecords wraps lines as containerd and CRI-O do; chunk > 0 splits
// each into "P" records ending in an "F" one.
func criRecords(lines []string, chunk int) []string {
	var out []string
	for i, l := range lines {
		ts := recordTime(i).Format(time.RFC3339Nano)
		parts := chunks(l, chunk)
		for j, part := range parts {
			tag := "P"
			if j == len(parts)-1 {
				tag = "F"
			}
			out = append(out, ts+" stderr "+tag+" "+part)
		}
	}
	return out
}

// dockerTimestamps is `docker logs -t`: the runtime's RFC 3339 time
// before each line.
func dockerTimestamps(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = recordTime(i).Format(time.RFC3339Nano) + " " + l
	}
	return out
}

// dockerDesktop is a copy of Docker Desktop's log view: the viewer's
// local time, to the second and without a zone, before each line.
func dockerDesktop(lines []string) []string {
	local := time.FixedZone("EST", -5*3600)
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = recordTime(i).In(local).Format("2006-01-02 15:04:05") + " " + l
	}
	return out
}

// ciPrefixed is what a CI runner prints: "[RFC 3339 time] ".
func ciPrefixed(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "[" + recordTime(i).Format("2006-01-02T15:04:05.000Z07:00") + "] " + l
	}
	return out
}

// cfLogs is `cf logs`: three spaces, the time with two fraction digits
// and a numeric offset, the source and the stream, the CLI's heading
// first.
func cfLogs(lines []string) []string {
	local := time.FixedZone("EDT", -4*3600)
	out := []string{"Retrieving logs for app ledger-sync in org shop / space prod as ops@example.com...", ""}
	for i, l := range lines {
		out = append(out, "   "+recordTime(i).In(local).Format("2006-01-02T15:04:05.00-0700")+" [APP/PROC/WEB/0] OUT "+l)
	}
	return out
}

// lambdaRecords is a Node.js function's CloudWatch log: tab-separated
// time, request id and level before each line, the platform's START and
// END lines around them.
func lambdaRecords(lines []string) []string {
	const id = "792bad59-e2e3-43de-a089-46b2b98bf354"
	out := []string{"START RequestId: " + id + " Version: $LATEST"}
	for i, l := range lines {
		out = append(out, recordTime(i).Format("2006-01-02T15:04:05.000Z")+"\t"+id+"\tERROR\t"+l)
	}
	return append(out, "END RequestId: "+id)
}

// clickHouseRecords converts librdkafka's native lines into what
// ClickHouse's Kafka table engine logs for them.
func clickHouseRecords(lines []string) []string {
	levels := map[string]string{"2": "Critical", "3": "Error", "4": "Warning", "5": "Notice", "6": "Information", "7": "Debug"}
	var out []string
	for _, l := range lines {
		m := nativeLine.FindStringSubmatch(l)
		if m == nil {
			panic("not a native librdkafka line: " + l)
		}
		secs, frac, _ := strings.Cut(m[2], ".")
		sec, _ := strconv.ParseInt(secs, 10, 64)
		nsec, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		ts := time.Unix(sec, nsec).UTC().Format("2006.01.02 15:04:05.000000")
		out = append(out, fmt.Sprintf("%s [ 1135276 ] {} <%s> StorageKafka (shop.`orders_queue`): [client.id:%s] [rdk:%s] %s", ts, levels[m[1]], m[4], m[3], m[5]))
	}
	return out
}

func prefixed(lines []string, prefix string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

// recordTime is the runtime's receive time; the inner line's own time
// must win over it.
func recordTime(i int) time.Time {
	return time.Date(2030, 1, 1, 0, 0, i, 123456789, time.UTC)
}

func chunks(s string, n int) []string {
	if n <= 0 || len(s) <= n {
		return []string{s}
	}
	var out []string
	for len(s) > n {
		out, s = append(out, s[:n]), s[n:]
	}
	return append(out, s)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
