package kafkalog

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// recorder is an analyzer.Sink that keeps everything it is sent.
type recorder struct {
	events  []analyzer.Event
	nodes   []analyzer.Node
	configs []analyzer.Config
}

func (r *recorder) Event(e analyzer.Event)   { r.events = append(r.events, e) }
func (r *recorder) Flow(*flow.Flow)          {}
func (r *recorder) ARP(analyzer.CapturedARP) {}
func (r *recorder) Node(n analyzer.Node)     { r.nodes = append(r.nodes, n) }
func (r *recorder) Config(c analyzer.Config) { r.configs = append(r.configs, c) }

// parseString runs Parse over text as if it were the file "test.log".
func parseString(t testing.TB, text string) (*recorder, analyzer.Stats) {
	t.Helper()
	rec := &recorder{}
	src := &analyzer.Source{Path: "test.log", Host: "h1", R: bufio.NewReader(strings.NewReader(text)), Zone: time.UTC}
	st, err := Parser{}.Parse(context.Background(), src, rec)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return rec, st
}

// parseFile runs Parse over a testdata file.
func parseFile(t testing.TB, name string) (*recorder, analyzer.Stats) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := &recorder{}
	src := &analyzer.Source{Path: name, R: bufio.NewReaderSize(f, 16<<10), Zone: time.UTC}
	st, err := Parser{}.Parse(context.Background(), src, rec)
	if err != nil {
		t.Fatalf("Parse %s: %v", name, err)
	}
	return rec, st
}

// describe renders an event on one line for golden files and diffs.
func describe(e analyzer.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d %s %s %s %s", e.Source.Path, e.Source.Line, e.Time.UTC().Format(time.RFC3339Nano), e.Level, e.Kind, e.Program)
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	field("host", e.Host)
	field("node", e.Node)
	field("nodehost", e.NodeHost)
	if e.Addr.IsValid() {
		field("addr", e.Addr.String())
	}
	if e.Peer.IsValid() {
		field("peer", e.Peer.String())
	}
	field("client", e.Client)
	field("group", e.Group)
	field("reason", e.Reason)
	field("exception", e.Exception)
	field("exmsg", e.ExceptionMsg)
	if e.Size != 0 {
		fmt.Fprintf(&b, " size=%d", e.Size)
	}
	if e.Count != 0 {
		fmt.Fprintf(&b, " count=%d", e.Count)
	}
	field("tp", e.TopicPartition)
	if e.AgeMs != 0 {
		fmt.Fprintf(&b, " age=%d", e.AgeMs)
	}
	if e.AfterMs != 0 {
		fmt.Fprintf(&b, " after=%d", e.AfterMs)
	}
	field("signal", e.Signal)
	if e.TimeGuessed {
		b.WriteString(" time-guessed")
	}
	if e.NoDate {
		b.WriteString(" no-date")
	}
	return b.String()
}
