package goclient

import (
	"context"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// MaxLineLen bounds one line; longer lines are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// sniffLines is how many leading lines Sniff looks at: applications log
// their own start-up lines before the client's first.
const sniffLines = 64

// Parser reads log files of Go Kafka clients.
type Parser struct{}

// New returns the Go client log parser.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "go-kafka-client" }

// Sniff accepts an input when one of its first lines names a Go Kafka
// client: a sarama, kafka-go or franz-go template, or a logger prefix
// naming sarama ("[sarama] ", "SARAMA: "). A bare Go network error is not
// enough: every Go program prints "dial tcp …". The one exception is a
// docker compose service's dial to a Kafka client port (see kafkaDial).
func (*Parser) Sniff(head []byte) bool {
	for line := range lines.Leading(head, sniffLines) {
		h := splitHeader(line, time.UTC)
		if h.sarama {
			return true
		}
		if m := matchMessage(&h); m.role != roleNone && m.role != roleGeneric || h.kafkaDial(&m) {
			return true
		}
	}
	return false
}

// Parse implements analyzer.Parser.
func (*Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (st analyzer.Stats, err error) {
	d := NewLineDecoder(src, sink)
	d.confirmed = true // Sniff found a client's line
	defer func() {
		d.Flush()
		st.Events, st.Layout, st.ZoneAssumed = d.Events, d.Layout(), d.ZoneAssumed()
	}()
	lr := lines.Reader{R: src.R, Max: MaxLineLen}
	err = lines.Feed(ctx, src.Path, MaxLineLen, lr.Next, d, &st)
	return st, err
}
