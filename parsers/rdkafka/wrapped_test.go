package rdkafka

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestWrappedParts checks what splitWrapped takes from each core: the
// facility, instance name and level that drive twin merging and echo
// dropping, and where the text starts.
func TestWrappedParts(t *testing.T) {
	type parts struct {
		Fac, Client, Text string
		Level             int
		Callback          bool
	}
	const tail = "[thrd:b:9092/1]: b:9092/1: Disconnected"
	tests := []struct {
		line string
		want parts
	}{
		{"x %7|1706181867.123|FAIL|app#consumer-2| " + tail, parts{"FAIL", "app#consumer-2", tail, 7, false}},
		{"[error]cb.c:27(on_logger): RDKAFKA-4-FAIL: app#consumer-2: " + tail, parts{"FAIL", "app#consumer-2", tail, 4, false}},
		{`{"Message":"Log from Kafka: Warning || FAIL || app#consumer-2 || ` + tail + `"},`, parts{"FAIL", "app#consumer-2", tail, 4, false}},
		{"2024-01-25 12:24:27,123 DEBUG a.b FAIL [app#consumer-2] " + tail, parts{"FAIL", "app#consumer-2", tail, 7, false}},
		{"[12:24:27 WRN] app#consumer-2: FAIL - " + tail, parts{"FAIL", "app#consumer-2", tail, 4, false}},
		{"[2024-01-25T12:24:27+01:00][app#consumer-2][FAIL][6]" + tail, parts{"FAIL", "app#consumer-2", tail, 6, false}},
		{"Z  INFO librdkafka: librdkafka: FAIL " + tail, parts{"FAIL", "", tail, 6, false}},
		{"[WRN] Kafka log: FAIL: " + tail, parts{"FAIL", "", tail, 4, false}},
		{`INFO:LOG{"severity":3,"fac":"FAIL","message":"` + tail + `"}`, parts{"FAIL", "", tail, 3, false}},
		{"ERROR x: Global error: BrokerTransportFailure (Local: Broker transport failure): b:9092/1: Disconnected", parts{"", "", "b:9092/1: Disconnected", 3, true}},
		{`ERROR kafka error: KafkaError{code=_TRANSPORT,val=-195,str="b:9092/1: Disconnected"}`, parts{"", "", "b:9092/1: Disconnected", 3, true}},
		{"host omkafka: kafka message b:9092/1: Disconnected [v8.25.0 try http://www.rsyslog.com/e/2422 ]", parts{"", "", "b:9092/1: Disconnected", -1, false}},
		{`warn: Error: "b:9092/1: Disconnected (after 5ms in state UP)"`, parts{"", "", "b:9092/1: Disconnected (after 5ms in state UP)", 4, true}},
	}
	for _, tt := range tests {
		r, ok := splitWrapped([]byte(tt.line), time.UTC)
		if !ok {
			t.Errorf("splitWrapped(%q) failed", tt.line)
			continue
		}
		got := parts{string(r.fac), string(r.client), string(r.text), r.level, r.callback}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("splitWrapped(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}
