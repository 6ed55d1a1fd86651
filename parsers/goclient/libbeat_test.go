package goclient

import (
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestLibbeat reads sarama's lines as Filebeat and the other Beats print
// them: zap's console encoder with the caller kafka/log.go (libbeat's
// sarama logger) and "kafka message: " before what sarama printed with
// Println. Layouts as posted in elastic/beats#2945 and #42346 and
// AliwareMQ/aliware-kafka-demos#26; hosts and addresses changed.
func TestLibbeat(t *testing.T) {
	checkTextCases(t, []textCase{{
		name: "Println error formatted as EXTRA, then the client's own line",
		text: "2018-07-17T04:09:37.366Z\tINFO\tkafka/log.go:36\tkafka message: client/metadata got error from broker while fetching metadata:%!(EXTRA *net.OpError=read tcp 10.20.1.14:45936->10.17.10.2:9092: read: connection reset by peer)\n" +
			"2018-07-17T04:09:37.366Z\tINFO\tkafka/log.go:36\tclient/brokers resurrecting 3 dead seed brokers\n" +
			"2018-07-17T04:09:37.617Z\tINFO\tkafka/log.go:36\tFailed to connect to broker 10.17.10.3:9092: read tcp 10.20.1.14:49526->10.17.10.3:9092: read: connection reset by peer\n",
		want: []brief{
			{Kind: analyzer.ConnectionReset, Time: "2018-07-17T04:09:37.366Z", Level: "INFO", Program: "sarama",
				Reason: "connection reset by peer", Line: 1},
			{Kind: analyzer.ConnectionReset, Time: "2018-07-17T04:09:37.617Z", Level: "INFO", Program: "sarama",
				NodeHost: "10.17.10.3", Addr: "10.17.10.3:9092", Reason: "connection reset by peer", Line: 3},
		},
	}, {
		name: "local offset, seed broker EOF",
		text: "2021-02-09T10:23:43.049-0800\tINFO\tkafka/log.go:53\tConnected to broker at localhost:9092 (unregistered)\n" +
			"\n" +
			"2021-02-09T10:23:43.050-0800\tINFO\tkafka/log.go:53\tclient/metadata got error from broker -1 while fetching metadata: EOF\n",
		want: []brief{{Kind: analyzer.Disconnected, Time: "2021-02-09T18:23:43.050Z", Level: "INFO", Program: "sarama",
			Node: "-1", Reason: "EOF", Line: 3}},
	}, {
		name: "dial timed out during the name lookup",
		text: "2025-01-20T09:39:55.270+0800\tINFO\tkafka/log.go:53\tclient/metadata got error from broker -1 while fetching metadata: dial tcp: i/o timeout\n",
		want: []brief{{Kind: analyzer.ResolveFailed, Time: "2025-01-20T01:39:55.270Z", Level: "INFO", Program: "sarama",
			Node: "-1", Reason: "name lookup timed out", Line: 1}},
	}}, true)
}

// TestZapCallerNearMisses: zap lines whose caller is not libbeat's sarama
// logger name no client, and a field that is no caller is left in the
// message.
func TestZapCallerNearMisses(t *testing.T) {
	for _, line := range []string{
		"2024-02-01T08:00:01.123Z\tINFO\tapp/main.go:41\tkafka message: order 17 accepted",
		"2024-02-01T08:00:01.123Z\tINFO\tapp/kafka/logger.go:41\tclient/metadata fetching metadata for all topics",
		"2024-02-01T08:00:01.123Z\tINFO\tkafka/log.go\tclient/metadata fetching metadata for all topics",
		"2024-02-01T08:00:01.123Z\tINFO\tkafka/log go:53\tclient/metadata fetching metadata for all topics",
		"2024-02-01 08:00:01 INFO kafka/log.go:53 client/metadata fetching metadata for all topics",
	} {
		if New().Sniff([]byte(line + "\n")) {
			t.Errorf("sniffed %q", line)
		}
	}
	h := splitHeader([]byte("2024-02-01T08:00:01.123Z\tINFO\tnot a caller\tmsg"), time.UTC)
	if got := string(h.msg); got != "not a caller\tmsg" {
		t.Errorf("msg %q", got)
	}
}
