package goclient

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSplitHeader: Go's standard-log header as log.New's prefix and flags
// lay it out, sarama's tag wherever it was put, a docker compose prefix,
// and lines that look close but have no Go header.
func TestSplitHeader(t *testing.T) {
	type got struct {
		Layout, Time, Service, Msg string
		Sarama                     bool
	}
	tests := []struct {
		line string
		want got
	}{
		{"[sarama] 2017/03/31 08:48:18 Initializing new client", got{"go-log", "2017-03-31T08:48:18", "", "Initializing new client", true}},
		{"[sarama]2017/03/31 08:48:18 Initializing new client", got{"go-log", "2017-03-31T08:48:18", "", "Initializing new client", true}},
		{"[Sarama] 2020/08/11 11:35:56 Initializing new client", got{"go-log", "2020-08-11T11:35:56", "", "Initializing new client", true}},
		{"SARAMA: 2017/02/07 12:14:39 client.go:110: Initializing new client", got{"go-log", "2017-02-07T12:14:39", "", "Initializing new client", true}},
		{"sarama: 2017/02/07 12:14:39 Initializing new client", got{"go-log", "2017-02-07T12:14:39", "", "Initializing new client", true}},
		{"2017/02/07 12:14:39.123456 client.go:110: [sarama] Initializing new client", got{"go-log", "2017-02-07T12:14:39", "", "Initializing new client", true}},
		{"2018/03/05 10:39:13.556675 async_producer.go:584: producer/broker/1 starting up [sarama] ", got{"go-log", "2018-03-05T10:39:13", "", "producer/broker/1 starting up", true}},
		{`2017/02/07 12:14:39 C:/src/app/main.go:7: failed to dial: x`, got{"go-log", "2017-02-07T12:14:39", "", "failed to dial: x", false}},
		{"orders-svc 2023/04/05 10:11:12 failed to dial: x", got{"go-log", "2023-04-05T10:11:12", "", "failed to dial: x", false}},
		{"[app/v2] 2023/04/05 10:11:12 msg", got{"go-log", "2023-04-05T10:11:12", "", "msg", false}},
		{"[sarama] 2023/04/05 Initializing new client", got{"go-log", "", "", "Initializing new client", true}},
		{"[sarama] Initializing new client", got{"bare", "", "", "Initializing new client", true}},
		{"orders_1  | [sarama] 2023/04/05 10:11:12 msg", got{"go-log", "2023-04-05T10:11:12", "orders_1", "msg", true}},
		{"producer-random_1    | dial tcp 172.18.0.4:9092: x", got{"bare", "", "producer-random_1", "dial tcp 172.18.0.4:9092: x", false}},
		{"[15:46:27.812]  WARN kafka-client: msg", got{"bracket-time", "2000-01-01T15:46:27", "", "kafka-client: msg", false}},
		{"[2022-12-02 15:46:27.812] [WARN] msg", got{"bracket-time", "2022-12-02T15:46:27", "", "msg", false}},
		// No Go header, or not sarama's tag.
		{"[15:46] WARN msg", got{"bare", "", "", "[15:46] WARN msg", false}},
		{"[15:46:27.] WARN msg", got{"bare", "", "", "[15:46:27.] WARN msg", false}},
		{"[sarama-exporter] 2023/04/05 10:11:12 msg", got{"go-log", "2023-04-05T10:11:12", "", "msg", false}},
		{"2023/04/05 10:11:12 upgraded github.com/IBM/sarama to v1.43", got{"go-log", "2023-04-05T10:11:12", "", "upgraded github.com/IBM/sarama to v1.43", false}},
		{"12023/04/05 10:11:12 msg", got{"bare", "", "", "12023/04/05 10:11:12 msg", false}},
		{"id 2023/13/05 10:11:12 msg", got{"bare", "", "", "id 2023/13/05 10:11:12 msg", false}},
		{"a prefix far longer than any logger's own 2023/04/05 10:11:12 msg", got{"bare", "", "", "a prefix far longer than any logger's own 2023/04/05 10:11:12 msg", false}},
		{"GET /api/v1/orders 2023/04/05", got{"bare", "", "", "GET /api/v1/orders 2023/04/05", false}},
		{"a|b dial tcp", got{"bare", "", "", "a|b dial tcp", false}},
		{"x  |dial tcp", got{"bare", "", "", "x  |dial tcp", false}},
		{"2023/04/05 10:11:12 sarama.go:1x: msg", got{"go-log", "2023-04-05T10:11:12", "", "sarama.go:1x: msg", false}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			h := splitHeader([]byte(tt.line), time.UTC)
			g := got{Layout: layoutOrder[h.layout], Service: string(h.service), Msg: string(h.msg), Sarama: h.sarama}
			if !h.time.IsZero() {
				g.Time = h.time.Format("2006-01-02T15:04:05")
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
