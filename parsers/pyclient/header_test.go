package pyclient

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSplitHeader: the layouts Python applications print, and lines that
// look close but are not a client's.
func TestSplitHeader(t *testing.T) {
	type got struct {
		Layout, Time, Level, Logger, Msg string
		Zoned                            bool
	}
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		line string
		want *got
	}{
		{"ERROR:kafka.conn:Connect attempt", &got{LayoutBasic, "", "ERROR", "kafka.conn", "Connect attempt", false}},
		{"WARNING:kafka.coordinator.consumer:Auto offset commit failed", &got{LayoutBasic, "", "WARN", "kafka.coordinator.consumer", "Auto offset commit failed", false}},
		{"2023-04-05 10:11:12,345 ERROR kafka.conn msg: x", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "ERROR", "kafka.conn", "msg: x", false}},
		{"2023-04-05 10:11:12,345 - kafka.conn - WARNING - msg", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "WARN", "kafka.conn", "msg", false}},
		{"[2023-04-05 10:11:12,345] CRITICAL [kafka.client] msg", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "ERROR", "kafka.client", "msg", false}},
		{"2023-04-05 10:11:12,345 ERROR kafka.conn: msg", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "ERROR", "kafka.conn", "msg", false}},
		{"2023-04-05T10:11:12.345678+02:00 INFO aiokafka.consumer.group_coordinator msg", &got{LayoutTimed, "2023-04-05T08:11:12.345Z", "INFO", "aiokafka.consumer.group_coordinator", "msg", true}},
		{"2023-04-05 10:11:12,345Z DEBUG aiokafka msg", &got{LayoutTimed, "2023-04-05T10:11:12.345Z", "DEBUG", "aiokafka", "msg", true}},
		{"2023-04-05 10:11:12,345 | INFO | kafka.conn | msg", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "INFO", "kafka.conn", "msg", false}},
		{"ERROR    kafka.conn:conn.py:798 <BrokerConnection x>: y", &got{LayoutUntimed, "", "ERROR", "kafka.conn", "<BrokerConnection x>: y", false}},
		{"WARNING  kafka.sasl.scram:scram.py:31 Exchanging credentials", &got{LayoutUntimed, "", "WARN", "kafka.sasl.scram", "Exchanging credentials", false}},
		{"DEBUG aiokafka.conn msg", &got{LayoutUntimed, "", "DEBUG", "aiokafka.conn", "msg", false}},
		{"2023-04-05 10:11:12,345 ERROR kafka.conn conn.py:429 msg", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "ERROR", "kafka.conn", "msg", false}},
		{"2023-04-05 10:11:12,345 [ ERROR] kafka.conn:conn.py:429: msg", &got{LayoutTimed, "2023-04-05T09:11:12.345Z", "ERROR", "kafka.conn", "msg", false}},
		{"Unable connect to node with id 1: x", &got{LayoutMessage, "", "", "", "Unable connect to node with id 1: x", false}},
		{"ERROR Unable connect to \"k:9092\": x", &got{LayoutMessage, "", "ERROR", "", "Unable connect to \"k:9092\": x", false}},
		{"2019-04-11 12:06:55,732 Unable connect to node with id 0: x", &got{LayoutMessage, "2019-04-11T11:06:55.732Z", "", "", "Unable connect to node with id 0: x", false}},
		{"[2018-06-19 10:18:54,654: ERROR]: Unable connect to node with id 102: x", &got{LayoutMessage, "2018-06-19T09:18:54.654Z", "ERROR", "", "Unable connect to node with id 102: x", false}},
		{"2023-04-05 10:11:12,345 INFO <BrokerConnection node_id=1 host=k:9092 <connected> [IPv4 ('10.0.0.1', 9092)]>: Connection complete.", &got{LayoutMessage, "2023-04-05T09:11:12.345Z", "INFO", "", "<BrokerConnection node_id=1 host=k:9092 <connected> [IPv4 ('10.0.0.1', 9092)]>: Connection complete.", false}},
		// Airflow's task log: a {file.py:N} location, no logger; 2.2 and
		// later print "YYYY-MM-DD, HH:MM:SS ZONE", MWAA doubles the braces.
		{"[2021-07-09 17:27:20,590] {conn.py:419} ERROR - Connect attempt to <BrokerConnection node_id=1 host=k:9092>", &got{LayoutMessage, "2021-07-09T16:27:20.590Z", "ERROR", "", "Connect attempt to <BrokerConnection node_id=1 host=k:9092>", false}},
		{"[2022-11-09, 09:59:40 UTC] {conn.py:1259} WARNING - <BrokerConnection node_id=1 host=k:9092>: timed out", &got{LayoutMessage, "2022-11-09T09:59:40.000Z", "WARN", "", "<BrokerConnection node_id=1 host=k:9092>: timed out", true}},
		{"[2023-09-13, 12:26:30 BST] {conn.py:419} ERROR - Connect attempt to <BrokerConnection x>", &got{LayoutMessage, "2023-09-13T11:26:30.000Z", "ERROR", "", "Connect attempt to <BrokerConnection x>", false}},
		{"[2023-01-15 08:15:23,735] {{conn.py:419}} ERROR - Connect attempt to <BrokerConnection x>", &got{LayoutMessage, "2023-01-15T07:15:23.735Z", "ERROR", "", "Connect attempt to <BrokerConnection x>", false}},
		// Not a client's.
		{"[2022-11-09, 09:59:40 UTC] {taskinstance.py:1851} ERROR - Task failed with exception", nil},
		{"[2021-07-09 17:27:20,590] {producer.py:12} ERROR - Unable to connect to node with id 1: x", nil},
		{"[2021-07-09 17:27:20,590] {conn} ERROR - Connect attempt to <BrokerConnection x>", nil},
		{"[2021-07-09 17:27:20,590] {{conn.py:419} ERROR - Connect attempt to <BrokerConnection x>", nil},
		{"[2022-11-09, 09:59:40 Utc] {conn.py:419} ERROR - Connect attempt to <BrokerConnection x>", nil},
		{"2022-11-09,09:59:40 ERROR kafka.conn msg", nil},
		{"ERROR    app.kafka:producer.py:12 Connect attempt to <BrokerConnection x>", nil},
		{"ERROR    kafka:conn.py:12 msg", nil},
		{"ERROR    kafka.conn:conn.py msg", nil},
		{"kafka.conn ERROR msg", nil},
		{"INFO     urllib3.connectionpool:connectionpool.py:1049 Starting new HTTPS connection", nil},
		{"2023-04-05 10:11:12,345 ERROR app Unable connect to node with id 1: x", nil},
		{"2023-04-05 10:11:12,345 ERROR [main] Unable connect to node with id 1: x", nil},
		{"Unable to connect to node with id 1: x", nil},
		{"[2023-04-05 10:11:12,345: ERROR]: orders: Unable connect to node with id 1: x", nil},
		{"ERROR:root:Connect attempt", nil},
		{"ERROR:kafka:message", nil},
		{"2023-04-05 10:11:12,345 ERROR orders.kafka kafka error: KafkaError{code=_TRANSPORT}", nil},
		{"2023-04-05 10:11:12,345 INFO kafka.server.KafkaServer started", nil},
		{"2023-04-05 10:11:12,345 INFO kafka.authorizer.logger Principal = User:ANONYMOUS is Allowed", nil},
		{"2023-04-05 10:11:12,345 DEBUG kafka.request.logger Completed request", nil},
		{"2023-04-05 10:11:12,345 INFO kafka.controller Processing automatic preferred replica leader election", nil},
		{"2023-04-05 10:11:12,345 INFO aiokafka.Consumer msg", nil},
		{"2023-04-05 10:11:12,345 INFO [main] org.apache.kafka.clients.NetworkClient msg", nil},
		{"2023-13-05 10:11:12,345 ERROR kafka.conn msg", nil},
		{"2023-04-05 10:11:12, ERROR kafka.conn msg", nil},
		{"[2023-04-05 10:11:12,345 ERROR kafka.conn msg", nil},
		{"2023-04-05 10:11:12,345", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var zc zoneCache
			h, ok := splitHeader([]byte(tt.line), cet, &zc)
			var g *got
			if ok {
				g = &got{Layout: h.layout, Level: h.level, Logger: string(h.logger), Msg: string(h.msg), Zoned: h.zoned}
				if !h.time.IsZero() {
					g.Time = h.time.UTC().Format("2006-01-02T15:04:05.000Z")
				}
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
