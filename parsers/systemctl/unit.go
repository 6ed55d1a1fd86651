package systemctl

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
)

// Program is Event.Program of the status lines' events: systemd printed them.
const Program = "systemd"

// unit is one unit's status as printed; the strings are copies.
type unit struct {
	name, desc string
	// active is the Active line: state (active, failed …), sub (running,
	// auto-restart …; "" when only a Result is printed), result (the
	// "Result: x" in parentheses), since the time after "since" as
	// printed ("Thu 2021-05-27 16:57:53 IST"), "" when none.
	active     string
	activeLine int
	state, sub string
	result     string
	since      string
	// stop is an ExecStop/ExecStopPost Process line, "" when none.
	stop     string
	stopLine int
	// mainCode and mainStatus are the Main PID line's "(code=…, status=…)"
	// or "(code=…, signal=…)"; "" while the process runs.
	mainCode, mainStatus string
	mainLine             int
	main                 string
}

// field reads one status line of the unit.
func (u *unit) field(key, value, line []byte, lineNo int) {
	switch string(key) {
	case "Active":
		u.active, u.activeLine = string(bytes.TrimSpace(line)), lineNo
		u.state, u.sub, u.result, u.since = activeLine(value)
	case "Process":
		// "32416 ExecStop=/opt/kafka/bin/kafka-server-stop.sh (code=exited, status=0/SUCCESS)"
		_, cmd, _ := bytes.Cut(value, []byte(" "))
		if bytes.HasPrefix(cmd, []byte("ExecStop=")) || bytes.HasPrefix(cmd, []byte("ExecStopPost=")) {
			u.stop, u.stopLine = string(bytes.TrimSpace(line)), lineNo
		}
	case "Main PID":
		u.main, u.mainLine = string(bytes.TrimSpace(line)), lineNo
		u.mainCode, u.mainStatus = exitOf(value)
	}
}

// activeLine splits "active (running) since Thu 2021-05-27 16:57:53 IST;
// 5min ago" and "failed (Result: oom-kill) since …".
func activeLine(v []byte) (state, sub, result, since string) {
	head, ts, hasSince := bytes.Cut(v, []byte(" since "))
	sp := bytes.IndexByte(head, ' ')
	if sp < 0 {
		return string(head), "", "", ""
	}
	state = string(head[:sp])
	for rest := head[sp:]; ; {
		open := bytes.IndexByte(rest, '(')
		if open < 0 {
			break
		}
		end := bytes.IndexByte(rest[open:], ')')
		if end < 0 {
			break
		}
		group := rest[open+1 : open+end]
		if r, isResult := bytes.CutPrefix(group, []byte("Result: ")); isResult {
			result = string(r)
		} else if sub == "" {
			sub = string(group)
		}
		rest = rest[open+end+1:]
	}
	if !hasSince {
		return state, sub, result, ""
	}
	if i := bytes.IndexByte(ts, ';'); i >= 0 {
		ts = ts[:i]
	}
	return state, sub, result, string(bytes.TrimSpace(ts))
}

// exitOf reads "(code=killed, signal=KILL)" or "(code=exited,
// status=1/FAILURE)" behind a PID; both are "" while the process runs
// ("32709 (java)").
func exitOf(v []byte) (code, status string) {
	i := bytes.Index(v, []byte("(code="))
	if i < 0 {
		return "", ""
	}
	inner := v[i+1:]
	if j := bytes.IndexByte(inner, ')'); j >= 0 {
		inner = inner[:j]
	}
	for _, kv := range bytes.Split(inner, []byte(", ")) {
		k, val, _ := bytes.Cut(kv, []byte("="))
		switch string(k) {
		case "code":
			code = string(val)
		case "status", "signal":
			status = string(val)
		}
	}
	return code, status
}

// events are the unit's status as lifecycle events; none for a unit that
// is not a Kafka broker's.
func (u *unit) events(d *decoder) []analyzer.Event {
	if !(journal.KafkaUnit([]byte(u.name)) || journal.KafkaUnit([]byte(u.desc))) || u.activeLine == 0 {
		return nil
	}
	at := d.since(u)
	var out []analyzer.Event
	add := func(kind analyzer.EventKind, t time.Time, line int, text, reason string) *analyzer.Event {
		out = append(out, analyzer.Event{Kind: kind, Time: t, Source: analyzer.Location{Path: d.src.Path, Line: line},
			Level: "INFO", Program: Program, Unit: u.name, Reason: reason, Text: text[:min(len(text), analyzer.MaxTextLen)]})
		return &out[len(out)-1]
	}
	switch {
	case u.state == "active" || u.state == "reloading":
		if at.IsZero() {
			return nil
		}
		if u.stop != "" {
			add(analyzer.ServiceStopped, time.Time{}, u.stopLine, u.stop, "stopped before the start at "+u.since)
		}
		add(analyzer.ServiceStarted, at, u.activeLine, u.active, "")
	case u.state == "failed" || u.state == "activating" && u.sub == "auto-restart":
		if u.result != "" {
			add(analyzer.ServiceFailed, at, u.activeLine, u.active, u.result).Level = "WARN"
		} else {
			add(analyzer.ServiceStopped, at, u.activeLine, u.active, u.sub)
		}
		if ev, ok := u.mainEnd(); ok {
			e := add(ev.Kind, at, u.mainLine, u.main, ev.Reason)
			e.Signal, e.Level = ev.Signal, "WARN"
		}
	case u.state == "inactive":
		if !at.IsZero() {
			add(analyzer.ServiceStopped, at, u.activeLine, u.active, "")
		}
	case u.state == "deactivating" && strings.HasSuffix(u.sub, "sigkill"):
		e := add(analyzer.ProcessKilled, at, u.activeLine, u.active, "stop-timeout")
		e.Signal, e.Level = "KILL", "WARN"
	case u.state == "deactivating":
		add(analyzer.ServiceStopping, at, u.activeLine, u.active, "")
	case u.state == "activating":
		if !at.IsZero() {
			add(analyzer.ServiceStarting, at, u.activeLine, u.active, "")
		}
	}
	return out
}

// mainEnd is how the main process ended, as the journal reports systemd's
// "Main process exited" line: killed or dumped by a signal, or exited with
// a non-zero status; ok is false for a clean exit or a running process.
func (u *unit) mainEnd() (analyzer.Event, bool) {
	switch u.mainCode {
	case "killed", "dumped":
		sig := u.mainStatus
		if n, ok := text.Atoi([]byte(sig)); ok {
			sig = strconv.FormatInt(n, 10)
		}
		return analyzer.Event{Kind: analyzer.ProcessKilled, Signal: sig, Reason: u.mainCode}, true
	case "exited":
		num, _, _ := strings.Cut(u.mainStatus, "/")
		if num == "0" || u.mainStatus == "" {
			return analyzer.Event{}, false
		}
		return analyzer.Event{Kind: analyzer.ProcessExited, Reason: u.mainStatus}, true
	}
	return analyzer.Event{}, false
}
