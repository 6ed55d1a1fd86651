// Package journal reads systemd journal exports — `journalctl -o export`
// (binary-safe), `-o json` / `json-seq`, and the text layouts `short`,
// `short-iso`, `short-precise`, `short-iso-precise`, `short-unix` — and
// turns what matters to a Kafka connection diagnosis into events:
//
//   - systemd's lines about Kafka broker units (see kafkaUnit for the
//     matcher): process killed or exited, unit failed, OOM kill, stop
//     timeout, start/stop job lines, scheduled restarts;
//   - kernel OOM kills of any process (Reason is the process name; rules
//     decide whether it was the broker), neighbour-table overflow,
//     conntrack table full;
//   - program output that reached the journal (Kafka's log4j lines on
//     stdout, librdkafka's `%7|…` lines), handed message by message to the
//     Embedded decoders given to New.
//
// Mapping choices:
//   - "Scheduled restart job, restart counter is at N." is ServiceStarting
//     with Reason "scheduled restart N": the counter is what shows a crash
//     loop. The job line "Started X." that follows is a separate
//     ServiceStarted.
//   - "State 'stop-sigterm' timed out. Killing." is ProcessKilled (KILL,
//     Reason "stop-timeout"); the "Killing process N (java) with signal
//     SIGKILL." that follows is not counted again.
//   - "Main process exited, code=exited, status=0/SUCCESS" is no event.
//   - The kernel's `oom-kill:…task_memcg=…` line and the `Killed process`
//     line after it are one OOMKill with the unit from the cgroup path.
//   - Job lines of journals without UNIT fields (`short` text) carry only
//     the unit description: Event.Unit is that description then, or the
//     unit name when systemd ≥ 252 prints "kafka.service - Description".
//   - Times: export/json use _SOURCE_REALTIME_TIMESTAMP, else
//     __REALTIME_TIMESTAMP (µs, UTC). `short` and `short-precise` have no
//     year: events carry NoYear and the placeholder year 2000 until
//     Analyze infers it.
//   - Stats.Lines counts entries for export and json, lines otherwise.
//
// Plain `dmesg` (seconds since boot) is read with undated events; a
// `short-monotonic` journal, which looks the same, is read as if each line
// were the kernel's, so its kernel lines count and the rest match nothing.
// Not read: `short-full`, `json-pretty`/`json-sse`.
package journal

import (
	"context"
	"fmt"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Embedded decodes program output that reached the journal, one message at a time.
type Embedded interface {
	Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool
	Flush()
}

// Parser reads journal exports.
type Parser struct {
	embedded []func(src *analyzer.Source, sink analyzer.Sink) Embedded
}

// New returns the journal parser; each factory makes an embedded decoder per input.
func New(embedded ...func(src *analyzer.Source, sink analyzer.Sink) Embedded) *Parser {
	return &Parser{embedded: embedded}
}

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "journal" }

// Layout names reported in Stats.Layout.
const (
	LayoutExport          = "export"
	LayoutJSON            = "json"
	LayoutShort           = "short"
	LayoutShortPrecise    = "short-precise"
	LayoutShortISO        = "short-iso"
	LayoutShortISOPrecise = "short-iso-precise"
	LayoutShortUnix       = "short-unix"
	// LayoutDmesgCtime is `dmesg -T` (`dmesg --ctime`): the kernel ring
	// buffer, each line `[Mon Jul 13 15:55:12 2022] message`, in local
	// time, with no host or ident (every line is the kernel's). sosreports
	// keep it beside the journal; a dmesg saved after a crash may be the
	// only record of an OOM kill.
	LayoutDmesgCtime = "dmesg-T"
	// LayoutDmesg is plain `dmesg`: `[  1234.567890] message`, seconds
	// since boot. Its events are undated (zero Time): the rules can still
	// use an OOM kill it records, and the report lists it.
	LayoutDmesg = "dmesg"
)

// Sniff implements analyzer.Parser: export field records, a JSON object
// with journal keys, or a short-layout syslog prefix on the first line
// that is not a journalctl "-- …" banner.
func (*Parser) Sniff(head []byte) bool {
	return sniffLayout(head) != ""
}

func sniffLayout(head []byte) string {
	switch {
	case sniffExport(head):
		return LayoutExport
	case sniffJSON(head):
		return LayoutJSON
	}
	return sniffShort(head)
}

// MaxLineLen bounds a text line or JSON object; longer ones are skipped and
// reported.
const MaxLineLen = 256 << 10

// maxProblems bounds Stats.Problems per input.
const maxProblems = 20

// Parse implements analyzer.Parser.
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	head, _ := src.R.Peek(analyzer.SniffLen)
	layout := sniffLayout(head)
	cs := &countingSink{Sink: sink}
	h := newHandler(src, cs, p.embedded)
	h.st.Layout = layout
	var err error
	switch layout {
	case LayoutExport:
		err = h.readExport(ctx)
	case LayoutJSON:
		err = h.readJSON(ctx)
	case "":
		err = fmt.Errorf("%s: %w", src.Path, errNotJournal)
	default:
		// short and short-precise print local times with no zone.
		h.st.ZoneAssumed = layout == LayoutShort || layout == LayoutShortPrecise || layout == LayoutDmesgCtime
		err = h.readShort(ctx, layout)
	}
	h.flush()
	h.st.Events = cs.events
	return h.st, err
}

var errNotJournal = fmt.Errorf("journal: not a journal export")

// countingSink counts events, including the embedded decoders'.
type countingSink struct {
	analyzer.Sink
	events int
}

func (c *countingSink) Event(e analyzer.Event) { c.events++; c.Sink.Event(e) }

// problem records damage at a position, bounded.
func (h *handler) problem(format string, args ...any) {
	if len(h.st.Problems) < maxProblems {
		h.st.Problems = append(h.st.Problems, fmt.Sprintf(format, args...))
	}
}

// anchors are the byte strings a record must contain to be worth decoding
// in full: Kafka-ish names, librdkafka instance names, kernel and systemd
// wording we map. Records without any are counted and skipped unread.
var anchors = [...]string{
	"kafka", "Kafka", "KAFKA", "confluent", "Confluent",
	"#producer-", "#consumer-", "rdkafka",
	"Killed process", "oom-kill", "out of memory", "Out of memory",
	"neighbo", "Neighbour", "nf_conntrack",
	"java", "broker", "Broker",
}

// anchorsByFirst indexes the anchors by their first byte, so that
// anchored scans a record once instead of once per anchor.
var anchorsByFirst = func() (t [256][]string) {
	for _, a := range anchors {
		t[a[0]] = append(t[a[0]], a)
	}
	return t
}()

// anchored reports whether b contains one of the anchors.
func anchored(b []byte) bool {
	for i, c := range b {
		for _, a := range anchorsByFirst[c] {
			if len(b)-i >= len(a) && string(b[i:i+len(a)]) == a {
				return true
			}
		}
	}
	return false
}
