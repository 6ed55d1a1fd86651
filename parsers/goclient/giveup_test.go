package goclient

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestGiveUpCause: sarama's give-up wraps the last attempt's error; printed
// alone (telegraf, kafka_exporter: sarama's Logger discards its own lines
// by default) it is that attempt's failure. After the client's own line
// with the same error, or with no network error inside, it stays a
// give-up.
func TestGiveUpCause(t *testing.T) {
	checkTextCases(t, []textCase{{
		// telegraf's agent line, layout as in influxdata/telegraf#16691.
		name: "telegraf quoted give-up",
		text: "2025-03-25T03:02:05Z I! Loaded outputs: kafka\n" +
			"2025-03-25T03:02:07Z E! [agent] Failed to connect to [outputs.kafka], retrying in 15s, error was \"kafka: client has run out of available brokers to talk to: dial tcp 172.18.0.6:9092: connect: connection refused\"\n",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2025-03-25T03:02:07.000Z", Program: "sarama",
			Addr: "172.18.0.6:9092", Reason: "connection refused", Line: 2}},
	}, {
		name: "give-up wrapping a dial timeout",
		text: "2024/05/03 22:37:05 could not initialise listener: kafka: client has run out of available brokers to talk to: dial tcp 10.1.2.3:9092: i/o timeout\n",
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2024-05-03T22:37:05.000Z", Program: "sarama",
			Addr: "10.1.2.3:9092", Reason: "i/o timeout", Line: 1}},
	}, {
		// ricardo-ch/go-kafka#38: EOF names no cause.
		name: "give-up wrapping EOF stays a give-up",
		text: "2024/05/03 22:37:05 could not initialise listener: kafka: client has run out of available brokers to talk to: EOF\n",
		want: []brief{{Kind: analyzer.NodeDisconnected, Time: "2024-05-03T22:37:05.000Z", Program: "sarama",
			Reason: "client has run out of available brokers", Line: 1}},
	}, {
		name: "give-up without an error stays a give-up",
		text: "[vflow] 2023/01/10 11:14:14 kafka: client has run out of available brokers to talk to (Is your cluster reachable?)\n",
		want: []brief{{Kind: analyzer.NodeDisconnected, Time: "2023-01-10T11:14:14.000Z", Program: "sarama",
			Reason: "client has run out of available brokers", Line: 1}},
	}, {
		name: "give-up after the client's own line is not a second attempt",
		text: "[sarama] 2026/11/23 17:12:56 Failed to connect to broker 127.0.0.1:19092: dial tcp 127.0.0.1:19092: connect: connection refused\n" +
			"2026/11/23 17:12:56 kafka: client has run out of available brokers to talk to: dial tcp 127.0.0.1:19092: connect: connection refused\n",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:12:56.000Z", Program: "sarama",
			NodeHost: "127.0.0.1", Addr: "127.0.0.1:19092", Reason: "connection refused", Line: 1},
			{Kind: analyzer.NodeDisconnected, Time: "2026-11-23T17:12:56.000Z", Program: "sarama",
				Addr: "127.0.0.1:19092", Reason: "client has run out of available brokers", Line: 2}},
	}}, false)
}
