package envelope

import (
	"bufio"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
	"github.com/kafkadiag/kafkadiag/parsers/kafkalog"
	"github.com/kafkadiag/kafkadiag/parsers/rdkafka"
)

// Inner lines, as the fixtures under testdata/incidents and the parsers'
// testdata print them.
const (
	javaRefused   = `[2024-03-05 10:19:00,100] WARN [Producer clientId=billing-producer] Connection to node 3 (kafka-3.example.internal/10.20.0.13:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)`
	javaReset     = `[2024-03-05 10:18:11,002] DEBUG [Producer clientId=billing-producer] Connection with kafka-3.example.internal/10.20.0.13 disconnected (org.apache.kafka.common.network.Selector)`
	javaResetExc  = `java.io.IOException: Connection reset by peer`
	javaResetAt   = "\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)"
	rdkafkaFail   = `%3|1779199681.419|FAIL|orders-svc#producer-1| [thrd:b-1.orders-msk.kafka.example.net:9092/1]: b-1.orders-msk.kafka.example.net:9092/1: Disconnected (after 350007ms in state UP)`
	nginxAccess   = `10.0.3.7 - - [02/Mar/2024:10:00:01 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"`
	refusedMsg    = `[Producer clientId=billing-producer] Connection to node 3 (kafka-3.example.internal/10.20.0.13:9092) could not be established. Node may not be available.`
	networkClient = `org.apache.kafka.clients.NetworkClient`
)

// ev is the part of an event these tests check.
type ev struct {
	Kind                      analyzer.EventKind
	Time                      string
	Level, Program, Host      string
	Client, Node, Exception   string
	Line                      int
	TimeGuessed, NoYearOrZone bool
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		input string
		want  []ev
		// layout, unparsed and problems of the input.
		layout   string
		unparsed int
		problems []string
		zoneNote bool
		host     string
	}{{
		name:   "docker",
		input:  `{"log":"` + jsonEsc(javaRefused) + `\n","stream":"stdout","time":"2024-03-05T10:19:00.100999999Z"}`,
		layout: LayoutDocker,
		want:   []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name: "docker long line in parts, stderr between",
		input: `{"log":"` + jsonEsc(javaRefused[:70]) + `","stream":"stdout","time":"2024-03-05T10:19:00.1Z"}` + "\n" +
			`{"log":"unrelated stderr text\n","stream":"stderr","time":"2024-03-05T10:19:00.2Z"}` + "\n" +
			`{"log":"` + jsonEsc(javaRefused[70:140]) + `","stream":"stdout","time":"2024-03-05T10:19:00.3Z"}` + "\n" +
			`{"log":"` + jsonEsc(javaRefused[140:]) + `\n","stream":"stdout","time":"2024-03-05T10:19:00.4Z"}`,
		layout: LayoutDocker,
		want:   []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name: "docker damaged record",
		path: "bundle.tgz!app/app.log",
		input: `{"log":"` + jsonEsc(javaReset) + `\n","stream":"stdout","time":"2024-03-05T10:18:11.002Z"}` + "\n" +
			`{"log":"cut off` + "\n" +
			`{"log":"` + jsonEsc(javaResetExc) + `\n","stream":"stdout","time":"2024-03-05T10:18:11.002Z"}` + "\n" +
			`{"log":"` + jsonEsc(javaResetAt) + `\n","stream":"stdout","time":"2024-03-05T10:18:11.002Z"}`,
		layout: LayoutDocker, unparsed: 1,
		problems: []string{"bundle.tgz!app/app.log: line 2: not a Docker json-file record"},
		want:     []ev{{Kind: analyzer.ConnectionReset, Time: "2024-03-05T10:18:11.002Z", Level: "DEBUG", Program: "java-client", Client: "billing-producer", Exception: "java.io.IOException", Line: 1}},
	}, {
		name: "cri with stack trace records and a partial line",
		input: "2024-03-05T10:18:11.002345678Z stdout F " + javaReset + "\n" +
			"2024-03-05T10:18:11.002345678Z stdout F " + javaResetExc + "\n" +
			"2024-03-05T10:18:11.002345678Z stdout F " + javaResetAt + "\n" +
			"2024-03-05T10:19:00.100000000+01:00 stdout P " + javaRefused[:100] + "\n" +
			"2024-03-05T10:19:00.100000000+01:00 stdout F " + javaRefused[100:] + "\n" +
			"not a cri line\n",
		layout: LayoutCRI, unparsed: 1,
		problems: []string{"p.log: line 6: not a CRI log record"},
		want: []ev{
			{Kind: analyzer.ConnectionReset, Time: "2024-03-05T10:18:11.002Z", Level: "DEBUG", Program: "java-client", Client: "billing-producer", Exception: "java.io.IOException", Line: 1},
			{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 4},
		},
	}, {
		name:   "cri librdkafka, pod from the kubelet's path",
		path:   "bundle.tgz!var/log/pods/shop_orders-svc-7c9d4-abcde_0d6c7e3a-1b1d-4e0f-9a53-2c1f1b7d6b11/orders/0.log",
		input:  "2026-05-19T14:08:01.419000000Z stderr F " + rdkafkaFail + "\n",
		layout: LayoutCRI, host: "orders-svc-7c9d4-abcde",
		want: []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Host: "orders-svc-7c9d4-abcde", Client: "orders-svc#producer-1", Node: "1", Line: 1}},
	}, {
		name:   "cri from a container on UTC+01:00: the offset is learned",
		input:  "2024-03-05T09:19:00.100123456Z stdout F " + javaRefused + "\n",
		layout: LayoutCRI,
		want:   []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T09:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name:   "cri written minutes after the line: no offset learned",
		input:  "2024-03-05T10:23:00.1Z stdout F " + javaRefused + "\n",
		layout: LayoutCRI, zoneNote: true,
		want: []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name:   "cri web server",
		input:  "2024-03-02T10:00:01.123456789Z stdout F " + nginxAccess + "\n",
		layout: LayoutCRI,
	}, {
		name: "kubectl prefix, two pods interleaved",
		input: "[pod/billing-0/app] " + javaReset + "\n" +
			"[pod/billing-1/app] " + javaRefused + "\n" +
			"[pod/billing-0/app] " + javaResetExc + "\n",
		layout: LayoutKubectl, zoneNote: true,
		want: []ev{
			{Kind: analyzer.ConnectionReset, Time: "2024-03-05T10:18:11.002Z", Level: "DEBUG", Program: "java-client", Host: "billing-0", Client: "billing-producer", Exception: "java.io.IOException", Line: 1},
			{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Host: "billing-1", Client: "billing-producer", Node: "3", Line: 2},
		},
	}, {
		name: "logstash with a JVM banner line",
		input: `{"@timestamp":"2024-03-05T10:19:00.100Z","@version":"1","message":"` + refusedMsg + `","logger_name":"` + networkClient + `","level":"WARN"}` + "\n" +
			"Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75\n" +
			`{"@timestamp":"2024-03-05T10:19:01.100Z","@version":"1","message":"Started","logger_name":"com.example.App","level":"INFO"` + "\n",
		layout: LayoutLogstash, unparsed: 2,
		problems: []string{
			"p.log: line 2: neither a JSON log object nor a Kafka or librdkafka line",
			"p.log: line 3: neither a JSON log object nor a Kafka or librdkafka line",
		},
		want: []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name: "kubectl prefix with --timestamps",
		input: "[pod/billing-1/app] 2024-03-05T09:19:00.100456Z " + javaRefused + "\n" +
			"[pod/billing-2/app] 2026-05-19T14:08:01.5Z " + rdkafkaFail + "\n",
		layout: LayoutKubectl,
		want: []ev{
			{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Host: "billing-2", Client: "orders-svc#producer-1", Node: "1", Line: 2},
			{Kind: analyzer.ConnectFailed, Time: "2024-03-05T09:19:00.1Z", Level: "WARN", Program: "java-client", Host: "billing-1", Client: "billing-producer", Node: "3", Line: 1},
		},
	}, {
		name:   "pod prefix librdkafka",
		input:  "[orders-svc-3982490069-4tbrc] " + rdkafkaFail + "\n",
		layout: LayoutPodPrefix,
		want:   []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Host: "orders-svc-3982490069-4tbrc", Client: "orders-svc#producer-1", Node: "1", Line: 1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				tt.path = "p.log"
			}
			st, got := parse(t, tt.path, tt.input)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			gotStats := []any{st.Layout, st.Unparsed, st.Problems, st.ZoneAssumed, st.Host}
			wantStats := []any{tt.layout, tt.unparsed, tt.problems, tt.zoneNote, tt.host}
			if diff := cmp.Diff(wantStats, gotStats); diff != "" {
				t.Errorf("layout, unparsed, problems, zone assumed, host (-want +got):\n%s", diff)
			}
		})
	}
}

// parse runs the parser with the real embedded decoders over input.
func parse(t *testing.T, path, input string) (analyzer.Stats, []ev) {
	t.Helper()
	if !testParser().Sniff([]byte(input[:min(len(input), analyzer.SniffLen)])) {
		t.Fatalf("Sniff refused %q", input[:min(len(input), 80)])
	}
	st, sink := run(t, path, input)
	return st, sink.events
}

// parseQuiet runs the parser over any input the sniff takes and returns
// the event count (-1 when it did not sniff).
func parseQuiet(t *testing.T, input string) (analyzer.Stats, int) {
	t.Helper()
	if !testParser().Sniff([]byte(input[:min(len(input), analyzer.SniffLen)])) {
		return analyzer.Stats{}, 0
	}
	st, sink := run(t, "fuzz.log", input)
	return st, len(sink.events)
}

func testParser() *Parser {
	return New(
		func(src *analyzer.Source, sink analyzer.Sink) Embedded { return kafkalog.NewLineDecoder(src, sink) },
		func(src *analyzer.Source, sink analyzer.Sink) Embedded { return rdkafka.NewLineDecoder(src, sink) },
	)
}

// run parses input and checks what holds for every input: no error,
// every line counted, every event counted.
func run(t *testing.T, path, input string) (analyzer.Stats, *recorder) {
	t.Helper()
	var sink recorder
	src := &analyzer.Source{Path: path, R: bufio.NewReader(strings.NewReader(input)), Zone: time.UTC}
	st, err := testParser().Parse(context.Background(), src, &sink)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != len(sink.events) {
		t.Errorf("Stats.Events = %d, sink got %d", st.Events, len(sink.events))
	}
	lines := strings.Count(input, "\n")
	if !strings.HasSuffix(input, "\n") {
		lines++
	}
	if st.Lines != lines {
		t.Errorf("Stats.Lines = %d, input has %d", st.Lines, lines)
	}
	return st, &sink
}

// recorder keeps the events it is sent.
type recorder struct{ events []ev }

func (r *recorder) Event(e analyzer.Event) {
	r.events = append(r.events, ev{
		Kind: e.Kind, Time: e.Time.UTC().Format(time.RFC3339Nano), Level: e.Level, Program: e.Program, Host: e.Host,
		Client: e.Client, Node: e.Node, Exception: e.Exception, Line: e.Source.Line, TimeGuessed: e.TimeGuessed,
		NoYearOrZone: e.NoYear,
	})
}
func (r *recorder) Flow(*flow.Flow)          {}
func (r *recorder) ARP(analyzer.CapturedARP) {}
func (r *recorder) Node(analyzer.Node)       {}
func (r *recorder) Config(analyzer.Config)   {}

// jsonEsc escapes s as a JSON string body.
func jsonEsc(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\t", `\t`, "\n", `\n`)
	return r.Replace(s)
}
