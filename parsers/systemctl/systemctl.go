// Package systemctl reads `systemctl status` output, the status dump
// support bundles and posts about a Kafka outage often hold beside (or
// instead of) the broker's log and the journal, and reports what it says
// about a Kafka broker unit as the lifecycle events the broker-restart and
// broker-oom-kill rules read.
//
// A unit's status, then the last lines of its journal:
//
//	● kafka.service - Apache Kafka server (broker)
//	   Loaded: loaded (/etc/systemd/system/kafka.service; enabled; vendor preset: disabled)
//	   Active: active (running) since Thu 2021-05-27 16:57:53 IST; 5min ago
//	  Process: 32416 ExecStop=/opt/kafka/bin/kafka-server-stop.sh (code=exited, status=0/SUCCESS)
//	 Main PID: 32709 (java)
//	   CGroup: /system.slice/kafka.service
//	           └─32709 java -Xmx1G …
//
//	May 27 16:57:53 host systemd[1]: Started Apache Kafka server (broker).
//
// The `Active:` line's state and its `since` time (when the unit entered
// that state) give the events, Program "systemd", Unit the unit's name:
//   - active (running, exited …) since T: ServiceStarted at T; with an
//     ExecStop or ExecStopPost `Process:` line, a stop ran before that
//     start (systemd keeps the stop command's status): ServiceStopped,
//     undated, for the dump does not say when. A rule pairs it with the
//     start (rules/window.go).
//   - failed (Result: R) since T, and activating (auto-restart) (Result:
//     R) since T: ServiceFailed, Reason R, at T; the `Main PID:` line's
//     end (code=killed, signal=KILL: ProcessKilled; code=exited with a
//     non-zero status: ProcessExited) at T too, for the unit entered that
//     state when its main process ended. Without a Result, auto-restart is
//     a main process that exited cleanly: ServiceStopped.
//   - inactive (dead) since T: ServiceStopped at T.
//   - deactivating (stop-sigterm …) since T: ServiceStopping at T;
//     (stop-sigkill, final-sigkill): ProcessKilled, Signal KILL, Reason
//     "stop-timeout", at T.
//   - activating (start …) since T: ServiceStarting at T.
//
// Only Kafka broker units report, by the journal's rules
// (journal.KafkaUnit on the unit's name or description): ZooKeeper and
// the tools around Kafka give no events, as in the journal.
//
// The journal lines are read by the journal parser's own line handling
// (journal.Tail), systemd, kernel and program lines alike (the broker's
// log4j lines on stdout go to the Kafka decoder). A line the journal tail
// repeats from the status (the "Failed with result" of the failure the
// Active line shows, in the same second) is reported once, from the
// status, whose time carries the year. A paste that lost the newline after
// the ellipsized CGroup command line ("…/logs...May 27 16:57:58 host …")
// still gives its journal line. Several units in one dump (`systemctl
// status zookeeper kafka`) and the shell prompt and command around them
// are read; the prompt's `user@host` names the host until a journal line
// names it.
//
// Times: systemd prints the `since` time in the machine's zone with its
// abbreviation ("IST", "CEST"), which can name several zones. "UTC" and
// "GMT" (and numeric abbreviations such as "+04") are exact; any other is
// read in Source.Zone, as the journal reads its zoneless times, and
// ZoneAssumed is set; when Source.Zone's own abbreviation at that time
// differs from the printed one, a problem says which zone was assumed.
package systemctl

import (
	"bytes"
	"context"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
)

// Layout is Stats.Layout.
const Layout = "status"

// MaxLineLen bounds one line; longer ones are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// sniffLines is how many leading lines Sniff looks at.
const sniffLines = 64

// Parser reads systemctl status output.
type Parser struct {
	journal *journal.Parser
}

// New returns the parser; j reads the journal lines of the dump, with its
// embedded decoders.
func New(j *journal.Parser) *Parser { return &Parser{journal: j} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "systemctl-status" }

// Sniff implements analyzer.Parser: a unit header (`● name.service -
// Description`, with any of systemd's state bullets or none) followed
// within three lines by the unit's indented `Loaded:` line.
func (*Parser) Sniff(head []byte) bool {
	since := -1
	n := 0
	for line := range lines.Leading(head, sniffLines) {
		n++
		if _, _, ok := unitHeader(line); ok {
			since = n
			continue
		}
		if since >= 0 && n-since <= 3 {
			if key, _, ok := statusField(line); ok && string(key) == "Loaded" {
				return true
			}
		}
	}
	return false
}

// Parse implements analyzer.Parser.
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	st := analyzer.Stats{Layout: Layout}
	d := newDecoder(p.journal, src, sink, &st)
	lr := lines.Reader{R: src.R, Max: MaxLineLen}
	err := lines.Feed(ctx, src.Path, MaxLineLen, lr.Next, d, &st)
	d.finish()
	return st, err
}

// unitHeader reads a unit's first line: an optional state bullet, the unit
// name and " - " and its description (systemd leaves both out for a unit
// without one). ok is false for any other line. The callers have cut the
// line's carriage return.
func unitHeader(line []byte) (unit, desc []byte, ok bool) {
	for _, b := range bullets {
		if rest, found := bytes.CutPrefix(line, []byte(b)); found {
			line = rest
			break
		}
	}
	unit, desc, _ = bytes.Cut(line, []byte(" - "))
	if !unitName(unit) {
		return nil, nil, false
	}
	return unit, desc, true
}

// bullets are the state marks systemctl prints before a unit's name: ●
// (active, or any state on older versions), ○ inactive, × failed, ↻
// reloading, and * where the terminal takes no UTF-8.
var bullets = [...]string{"● ", "○ ", "× ", "↻ ", "* "}

// unitName accepts a unit's name in a status header: a name the journal
// accepts (journal.IsUnitName), of at most 256 bytes, without a tab, and
// with something before its type suffix, the last dot (".service" alone
// is no name).
func unitName(b []byte) bool {
	return len(b) <= 256 && bytes.IndexByte(b, '\t') < 0 && bytes.LastIndexByte(b, '.') > 0 && journal.IsUnitName(b)
}

// statusField splits an indented status line `   Active: value` into key
// and value; the key is right-aligned, so the indentation varies with the
// longest key systemd printed.
func statusField(line []byte) (key, value []byte, ok bool) {
	trimmed := bytes.TrimLeft(line, " ")
	if len(trimmed) == len(line) {
		return nil, nil, false
	}
	i := bytes.Index(trimmed, []byte(": "))
	if i <= 0 || i > 16 {
		return nil, nil, false
	}
	key = trimmed[:i]
	for _, c := range key {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == ' ' || c == '-') {
			return nil, nil, false
		}
	}
	return key, bytes.TrimSpace(trimmed[i+2:]), true
}
