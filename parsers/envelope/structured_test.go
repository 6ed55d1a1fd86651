package envelope

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// fields is what readObject took from one object.
type fields struct {
	Time               string
	Zoned              bool
	Level, Logger, Msg string
	Stack, Fac, Client string
	Layout             string
}

// TestReadObject reads one object of each encoder, in the field names
// and shapes each library documents.
func TestReadObject(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600)
	}
	tests := []struct {
		name, line string
		want       fields
	}{{
		name: "logstash-logback-encoder",
		line: `{"@timestamp":"2024-03-05T10:19:00.100+01:00","@version":"1","message":"` + refusedMsg + `","logger_name":"` + networkClient + `","thread_name":"kafka-producer-network-thread | billing-producer","level":"WARN","level_value":30000,"stack_trace":"java.io.IOException: x\n\tat a.b(C.java:1)"}`,
		want: fields{Time: "2024-03-05T09:19:00.1Z", Zoned: true, Level: "WARN", Logger: networkClient, Msg: refusedMsg, Stack: "java.io.IOException: x\n\tat a.b(C.java:1)", Layout: LayoutLogstash},
	}, {
		name: "ECS nested",
		line: `{"@timestamp":"2024-03-05T10:19:00.100Z","log":{"level":"warn","logger":"` + networkClient + `"},"message":"` + refusedMsg + `","ecs":{"version":"1.2.0"},"process":{"thread":{"name":"main"}},"error":{"type":"java.net.ConnectException","message":"Connection refused"}}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "WARN", Logger: networkClient, Msg: refusedMsg, Stack: "java.net.ConnectException: Connection refused", Layout: LayoutECS},
	}, {
		name: "ECS dotted",
		line: `{"@timestamp":"2024-03-05T10:19:00.100Z","log.level":"ERROR","message":"m","ecs.version":"1.2.0","log.logger":"a.B","error.stack_trace":"java.lang.Exception\n\tat x"}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "ERROR", Logger: "a.B", Msg: "m", Stack: "java.lang.Exception\n\tat x", Layout: LayoutECS},
	}, {
		name: "fluentd: Ruby's Time#to_s, zone after a space",
		line: `{"time":"2021-09-07 23:49:44 +0200","level":"error","message":"[kafka] rdkafka: x","worker_id":3}`,
		want: fields{Time: "2021-09-07T21:49:44Z", Zoned: true, Level: "ERROR", Msg: "[kafka] rdkafka: x", Layout: LayoutJSON},
	}, {
		name: "a zone after a space with more after it is no time",
		line: `{"time":"2021-09-07 23:49:44 +0000 UTC","level":"error","message":"m"}`,
		want: fields{Level: "ERROR", Msg: "m", Layout: LayoutJSON},
	}, {
		name: "a zoned time with a second zone is no time",
		line: `{"time":"2021-09-07T23:49:44Z +0000","level":"error","message":"m"}`,
		want: fields{Level: "ERROR", Msg: "m", Layout: LayoutJSON},
	}, {
		name: "Log4j2 JsonLayout",
		line: `{"instant":{"epochSecond":1709633940,"nanoOfSecond":100000000},"thread":"main","level":"WARN","loggerName":"` + networkClient + `","message":"` + refusedMsg + `","thrown":{"commonElementCount":0,"localizedMessage":"boom","message":"boom","name":"java.io.IOException","extendedStackTrace":[{"class":"a.B","method":"c","file":"B.java","line":1}]},"endOfBatch":false,"loggerFqcn":"org.apache.logging.slf4j.Log4jLogger","threadId":1,"threadPriority":5}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "WARN", Logger: networkClient, Msg: refusedMsg, Stack: "java.io.IOException: boom", Layout: LayoutLog4j2},
	}, {
		name: "Log4j2 JsonLayout timeMillis",
		line: `{"timeMillis":1709633940100,"thread":"main","level":"INFO","loggerName":"a.B","message":"m"}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "INFO", Logger: "a.B", Msg: "m", Layout: LayoutLog4j2},
	}, {
		name: "GCP structured",
		line: `{"severity":"WARNING","message":"m","timestamp":{"seconds":1709633940,"nanos":100000000},"logging.googleapis.com/sourceLocation":{"file":"a.java"}}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "WARN", Msg: "m", Layout: LayoutGCP},
	}, {
		name: "Serilog compact, template only",
		line: `{"@t":"2024-03-05T10:19:00.1000000Z","@mt":"Kafka error {Reason}","@l":"Warning","@x":"System.Exception: boom","Reason":"x","SourceContext":"Orders.Worker"}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "WARN", Logger: "Orders.Worker", Msg: "Kafka error {Reason}", Stack: "System.Exception: boom", Layout: LayoutSerilog},
	}, {
		name: "Serilog rendered beats template",
		line: `{"@t":"2024-03-05T10:19:00.1Z","@mt":"a {X}","@m":"a 1","X":1}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "INFO", Msg: "a 1", Layout: LayoutSerilog},
	}, {
		name: ".NET JSON console, local time with trailing space",
		line: `{"Timestamp":"2024-03-05 10:19:00.100 ","EventId":0,"LogLevel":"Warning","Category":"Orders.Kafka","Message":"m","State":{"Message":"m","{OriginalFormat}":"m"}}`,
		want: fields{Time: "2024-03-05T09:19:00.1Z", Level: "WARN", Logger: "Orders.Kafka", Msg: "m", Layout: LayoutDotnet},
	}, {
		name: "zap with a librdkafka log event",
		line: `{"level":"error","ts":1779199681.419,"logger":"kafka","msg":"[thrd:b-1:9092/1]: b-1:9092/1: Disconnected","fac":"FAIL","name":"orders-svc#producer-1"}`,
		want: fields{Time: "2026-05-19T14:08:01.419Z", Zoned: true, Level: "ERROR", Logger: "kafka", Msg: "[thrd:b-1:9092/1]: b-1:9092/1: Disconnected", Fac: "FAIL", Client: "orders-svc#producer-1", Layout: LayoutJSON},
	}, {
		name: "pino",
		line: `{"level":40,"time":1709633940100,"pid":7,"hostname":"h","name":"orders","msg":"m"}`,
		want: fields{Time: "2024-03-05T10:19:00.1Z", Zoned: true, Level: "WARN", Logger: "orders", Msg: "m", Client: "orders", Layout: LayoutJSON},
	}, {
		name: "logrus with escapes",
		line: `{"level":"warning","msg":"caf\u00e9 \ud83d\ude00 \"q\" \u003c","time":"2024-03-05T10:19:00+01:00"}`,
		want: fields{Time: "2024-03-05T09:19:00Z", Zoned: true, Level: "WARN", Msg: "café 😀 \"q\" <", Layout: LayoutJSON},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f flattener
			var r jsonRecord
			if !r.readObject(&f, []byte(tt.line), berlin) {
				t.Fatal("readObject refused the line")
			}
			got := fields{
				Zoned: r.zoned, Level: r.level, Logger: string(r.logger), Msg: string(r.msg),
				Stack: string(r.stack), Fac: string(r.facility), Client: string(r.client), Layout: r.layoutName(),
			}
			if !r.time.IsZero() {
				got.Time = r.time.UTC().Format(time.RFC3339Nano)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if sniffLayout([]byte(tt.line+"\n")) != tt.want.Layout {
				t.Errorf("sniffed as %q", sniffLayout([]byte(tt.line+"\n")))
			}
		})
	}
}

// TestStructuredEvents: records reach the decoders with their logger,
// stack trace and time; a local time sets ZoneAssumed.
func TestStructuredEvents(t *testing.T) {
	tests := []struct {
		name, input string
		want        []ev
		zoneNote    bool
	}{{
		name:  "logstash Java client with stack trace",
		input: `{"@timestamp":"2024-03-05T10:18:11.002Z","@version":"1","message":"[Producer clientId=billing-producer] Connection with kafka-3.example.internal/10.20.0.13 disconnected","logger_name":"org.apache.kafka.common.network.Selector","thread_name":"t","level":"DEBUG","level_value":10000,"stack_trace":"java.io.IOException: Connection reset by peer\n\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)\n"}`,
		want:  []ev{{Kind: analyzer.ConnectionReset, Time: "2024-03-05T10:18:11.002Z", Level: "DEBUG", Program: "java-client", Client: "billing-producer", Exception: "java.io.IOException", Line: 1}},
	}, {
		name:     "dotnet local time",
		input:    `{"Timestamp":"2024-03-05 10:19:00.100","LogLevel":"Warning","Category":"` + networkClient + `","Message":"` + refusedMsg + `"}`,
		zoneNote: true,
		want:     []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name:     "dotnet with a byte-order mark and CRLF",
		input:    "\xef\xbb\xbf" + `{"Timestamp":"2024-03-05 10:19:00.100","LogLevel":"Warning","Category":"` + networkClient + `","Message":"` + refusedMsg + `"}` + "\r",
		zoneNote: true,
		want:     []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name:  "zap librdkafka event rebuilt",
		input: `{"level":"error","ts":1779199681.419,"logger":"kafka","msg":"[thrd:b-1.orders-msk.kafka.example.net:9092/1]: b-1.orders-msk.kafka.example.net:9092/1: Disconnected (after 350007ms in state UP)","fac":"FAIL","name":"orders-svc#producer-1"}`,
		want:  []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Client: "orders-svc#producer-1", Node: "1", Line: 1}},
	}, {
		name:  "native librdkafka line as message",
		input: `{"@t":"2026-05-19T14:08:01.5Z","@l":"Error","@m":"` + rdkafkaFail + `"}`,
		want:  []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Client: "orders-svc#producer-1", Node: "1", Line: 1}},
	}, {
		name:     "fluent-bit record holding the printed line",
		input:    `{"date":1709633940.1,"log":"` + jsonEsc(javaRefused) + `","kubernetes":{"pod_name":"billing-0"}}`,
		zoneNote: true,
		want:     []ev{{Kind: analyzer.ConnectFailed, Time: "2024-03-05T10:19:00.1Z", Level: "WARN", Program: "java-client", Client: "billing-producer", Node: "3", Line: 1}},
	}, {
		name:  "node-rdkafka log event with syslog severity",
		input: `{"time":"2026-05-19T14:08:01.419Z","severity":3,"fac":"FAIL","message":"[thrd:b-1.orders-msk.kafka.example.net:9092/1]: b-1.orders-msk.kafka.example.net:9092/1: Disconnected (after 350007ms in state UP)"}`,
		want:  []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Node: "1", Line: 1}},
	}, {
		name: "JSON records mixed with librdkafka's own stderr lines",
		input: `{"level":"info","ts":1779199600.1,"msg":"service started"}` + "\n" + rdkafkaFail + "\n" +
			`{"level":"info","ts":1779199700.1,"msg":"request served"}`,
		want: []ev{{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Client: "orders-svc#producer-1", Node: "1", Line: 2}},
	}, {
		name:  "not Kafka",
		input: `{"level":"info","ts":1779199681.419,"msg":"GET /healthz 200"}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, got := parse(t, "app.json", tt.input+"\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if st.ZoneAssumed != tt.zoneNote || st.Unparsed != 0 {
				t.Errorf("ZoneAssumed = %v, Unparsed = %d", st.ZoneAssumed, st.Unparsed)
			}
		})
	}
}
