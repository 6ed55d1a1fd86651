package envelope

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

func TestSniffCompose(t *testing.T) {
	broker := `[2024-03-05 10:15:06,892] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)`
	tests := []struct {
		name  string
		lines []string
		want  bool
	}{
		{"v2 with its progress lines first", []string{
			"[+] Running 3/3", " ✔ Container shop-kafka-1  Created", "Attaching to kafka-1, orders-1",
			"kafka-1   | ===> User", "orders-1  | " + rdkafkaFail, "kafka-1   | " + broker}, true},
		{"v1 names", []string{
			"shop_zookeeper_1  | [2024-03-05 10:14:58,412] INFO binding to port 0.0.0.0/0.0.0.0:2181 (org.apache.zookeeper.server.NIOServerCnxnFactory)",
			"shop_kafka_1      | " + broker, "shop_orders_1     | " + rdkafkaFail}, true},
		{"one service: its program's parser reads the prefix", []string{
			"orders-api_1  | " + javaRefused, "orders-api_1  | " + javaRefused, "orders-api_1  | " + javaRefused}, false},
		{"bars in two columns: not one compose run", []string{
			"kafka-1 | " + broker, "orders-1   | " + rdkafkaFail, "kafka-1 | " + broker}, false},
		{"no space before the bar", []string{
			"kafka-1| " + broker, "orders-1| " + rdkafkaFail, "kafka-1| " + broker}, false},
		{"a Markdown table", []string{"| a | b |", "|---|---|", "| 1 | 2 |", "| 3 | 4 |"}, false},
		{"mostly other lines", []string{
			"kafka-1   | " + broker, "orders-1  | " + rdkafkaFail, "kafka-1   | " + broker,
			broker, broker, broker, broker}, false},
		{"too few lines to tell", []string{"kafka-1   | " + broker, "orders-1  | " + rdkafkaFail}, false},
		{"a log4j line with a bar in its thread name", []string{
			"2025-02-04 15:10:12,140 WARN  [kafka-admin-client-thread | kafka-ui-admin-1] o.a.k.c.NetworkClient: x",
			"2025-02-04 15:10:12,140 WARN  [kafka-admin-client-thread | kafka-ui-admin-2] o.a.k.c.NetworkClient: x",
			"2025-02-04 15:10:12,140 WARN  [kafka-admin-client-thread | kafka-ui-admin-3] o.a.k.c.NetworkClient: x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := []byte(strings.Join(tt.lines, "\n") + "\n")
			if got := sniffCompose(head); got != tt.want {
				t.Errorf("sniffCompose = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestParseCompose: each service's lines go to decoders of its own, with
// the service as host, so a broker's and a client's lines interleaved in
// one stack's log are all read and a stack trace stays with its service.
func TestParseCompose(t *testing.T) {
	input := strings.Join([]string{
		"Attaching to billing-1, kafka-1, orders-1",
		"billing-1  | " + javaReset,
		"orders-1   | " + rdkafkaFail,
		"kafka-1    | [2024-03-05 10:18:11,500] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
		"billing-1  | " + javaResetExc,
		"kafka-1    | [2024-03-05 10:18:12,000] INFO [GroupCoordinator 1]: Startup complete. (kafka.coordinator.group.GroupCoordinator)",
		"billing-1  | " + javaResetAt,
		"orders-1 exited with code 1",
	}, "\n") + "\n"
	st, got := parse(t, "stack.log", input)
	want := []ev{
		{Kind: analyzer.Disconnected, Time: "2026-05-19T14:08:01.419Z", Level: "ERROR", Program: "librdkafka", Host: "orders-1", Client: "orders-svc#producer-1", Node: "1", Line: 3},
		{Kind: analyzer.BrokerStarted, Time: "2024-03-05T10:18:11.5Z", Level: "INFO", Program: "java-broker", Host: "kafka-1", Node: "1", Line: 4},
		// Its exception and frame came three and five lines later, after
		// other services' lines; it is sent when its record ends.
		{Kind: analyzer.ConnectionReset, Time: "2024-03-05T10:18:11.002Z", Level: "DEBUG", Program: "java-client", Host: "billing-1", Client: "billing-producer", Exception: "java.io.IOException", Line: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if st.Layout != LayoutCompose || st.Unparsed != 0 {
		t.Errorf("layout %q, %d unparsed; want %q, 0", st.Layout, st.Unparsed, LayoutCompose)
	}
}
