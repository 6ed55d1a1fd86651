package journal

import (
	"bytes"
	"strconv"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// kafkaUnit decides whether a unit name or description (lower-cased by
// the caller) is a Kafka broker's: it must mention "kafka" or be one of
// Confluent's broker units (confluent-server, confluent-kafka,
// confluent-kraft), and must not name a tool that merely talks to Kafka
// (UIs, exporters, REST proxy, Connect, MirrorMaker, schema registry,
// ksqlDB, Cruise Control) or ZooKeeper, which is not a broker.
func kafkaUnit(lower []byte) bool {
	if !(text.Has(lower, "kafka") || text.Has(lower, "confluent-server") || text.Has(lower, "confluent server") ||
		text.Has(lower, "confluent-kraft")) {
		return false
	}
	for _, not := range notBroker {
		if text.Has(lower, not) {
			return false
		}
	}
	return true
}

var notBroker = [...]string{
	"zookeeper", "-ui", " ui", "kafdrop", "akhq", "manager", "exporter",
	"-rest", " rest", "rest-proxy", "connect", "mirror", "schema", "ksql", "cruise",
	"control-center", "control center", "-lag", " lag", "burrow",
}

// lowerBuf lower-cases b into buf (bounded) without allocating.
func lowerBuf(buf *[256]byte, b []byte) []byte {
	n := min(len(b), len(buf))
	for i := 0; i < n; i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:n]
}

// systemd maps the service manager's messages about Kafka units
// (src/core/service.c, unit.c, job.c).
func (h *handler) systemd(e *entry, msg []byte) {
	unit, body := unitOf(e, msg)
	var buf [256]byte
	if len(unit) > 0 {
		if !kafkaUnit(lowerBuf(&buf, unit)) {
			return
		}
		h.unitMessage(e, msg, unit, body)
		return
	}
	if unit, kind, reason := oldUnitLine(msg); kind != "" {
		if kafkaUnit(lowerBuf(&buf, unit)) {
			ev := h.event(e, kind, "systemd", msg)
			ev.Unit, ev.Reason = string(unit), reason
			h.sink.Event(ev)
		}
		return
	}
	// A job status line of a journal without UNIT fields: the description
	// (or, from v252, "kafka.service - Description") is all there is.
	kind, desc := jobLine(msg)
	if kind == "" || !kafkaUnit(lowerBuf(&buf, desc)) {
		return
	}
	ev := h.event(e, kind, "systemd", msg)
	if i := bytes.Index(desc, []byte(" - ")); i > 0 && bytes.IndexByte(desc[:i], ' ') < 0 && bytes.IndexByte(desc[:i], '.') > 0 {
		desc = desc[:i]
	}
	ev.Unit = string(desc)
	h.sink.Event(ev)
}

// unitOf is the unit a systemd message is about — the UNIT/USER_UNIT field
// or the `<unit>: ` prefix — and the message without that prefix.
func unitOf(e *entry, msg []byte) (unit, body []byte) {
	body = msg
	if i := bytes.Index(msg, []byte(": ")); i > 0 && i < 256 && IsUnitName(msg[:i]) {
		unit, body = msg[:i], msg[i+2:]
	}
	if len(e.unit) > 0 {
		unit = e.unit
	}
	return unit, body
}

// unitMessage maps one message about a Kafka unit.
func (h *handler) unitMessage(e *entry, msg, unit, body []byte) {
	var ev analyzer.Event
	switch {
	case bytes.HasPrefix(body, []byte("Main process exited, code=")) || bytes.HasPrefix(body, []byte("main process exited, code=")):
		// Lower-case "main" is systemd before v233 (RHEL/CentOS 7's 219).
		ev = h.mainExited(e, msg, body)
	case bytes.HasPrefix(body, []byte("Failed with result '")):
		ev = h.event(e, analyzer.ServiceFailed, "systemd", msg)
		r := body[len("Failed with result '"):]
		if i := bytes.IndexByte(r, '\''); i >= 0 {
			r = r[:i]
		}
		ev.Reason = string(r)
	case text.Has(body, "killed by the OOM killer"):
		ev = h.event(e, analyzer.OOMKill, "systemd", msg)
	case bytes.HasPrefix(body, []byte("State '")) && text.Has(body, "timed out. Killing"):
		ev = h.event(e, analyzer.ProcessKilled, "systemd", msg)
		ev.Signal, ev.Reason = "KILL", "stop-timeout"
	case bytes.HasPrefix(body, []byte("Scheduled restart job")):
		ev = h.event(e, analyzer.ServiceStarting, "systemd", msg)
		ev.Reason = "scheduled restart"
		if i := bytes.LastIndex(body, []byte("counter is at ")); i >= 0 {
			n := bytes.TrimRight(body[i+len("counter is at "):], ".")
			if _, ok := text.Atoi(n); ok {
				ev.Reason = "scheduled restart " + string(n)
			}
		}
	default:
		kind, _ := jobLine(body)
		if kind == "" {
			return
		}
		ev = h.event(e, kind, "systemd", msg)
	}
	if ev.Kind == "" {
		return
	}
	ev.Unit = string(unit)
	h.sink.Event(ev)
}

// oldUnitLine reads the unit state lines of systemd before v233 (RHEL and
// CentOS 7 ship 219), which name the unit without the "<unit>: " prefix:
// "Unit kafka.service entered failed state.", "kafka.service failed.",
// "kafka.service holdoff time over, scheduling restart.".
func oldUnitLine(msg []byte) (unit []byte, kind analyzer.EventKind, reason string) {
	if rest, ok := bytes.CutPrefix(msg, []byte("Unit ")); ok {
		if u, ok := bytes.CutSuffix(rest, []byte(" entered failed state.")); ok && IsUnitName(u) {
			return u, analyzer.ServiceFailed, "failed"
		}
		return nil, "", ""
	}
	if u, ok := bytes.CutSuffix(msg, []byte(" failed.")); ok && IsUnitName(u) {
		return u, analyzer.ServiceFailed, "failed"
	}
	if u, ok := bytes.CutSuffix(msg, []byte(" holdoff time over, scheduling restart.")); ok && IsUnitName(u) {
		return u, analyzer.ServiceStarting, "scheduled restart"
	}
	return nil, "", ""
}

// mainExited reads `Main process exited, code=killed, status=9/KILL`.
func (h *handler) mainExited(e *entry, msg, body []byte) analyzer.Event {
	code := kv(body, "code=")
	status := kv(body, "status=")
	status = bytes.TrimRight(status, ".")
	num, name, _ := bytes.Cut(status, []byte("/"))
	switch string(code) {
	case "killed", "dumped":
		ev := h.event(e, analyzer.ProcessKilled, "systemd", msg)
		ev.Signal = string(name)
		if len(name) == 0 {
			if n, err := strconv.Atoi(string(num)); err == nil {
				ev.Signal = strconv.Itoa(n)
			}
		}
		ev.Reason = string(code)
		return ev
	}
	if n, ok := text.Atoi(num); ok && n == 0 {
		return analyzer.Event{} // a clean exit, logged at DEBUG
	}
	ev := h.event(e, analyzer.ProcessExited, "systemd", msg)
	ev.Reason = string(status)
	return ev
}

// jobLine reads job.c's status lines; desc is the unit description (v252+:
// "kafka.service - Description").
func jobLine(msg []byte) (analyzer.EventKind, []byte) {
	type form struct {
		prefix, suffix string
		kind           analyzer.EventKind
	}
	forms := [...]form{
		{"Starting ", "...", analyzer.ServiceStarting},
		{"Started ", ".", analyzer.ServiceStarted},
		{"Stopping ", "...", analyzer.ServiceStopping},
		{"Stopped (with error) ", ".", analyzer.ServiceStopped},
		{"Stopped ", ".", analyzer.ServiceStopped},
	}
	for _, f := range forms {
		if bytes.HasPrefix(msg, []byte(f.prefix)) && bytes.HasSuffix(msg, []byte(f.suffix)) && len(msg) > len(f.prefix)+len(f.suffix) {
			return f.kind, msg[len(f.prefix) : len(msg)-len(f.suffix)]
		}
	}
	return "", nil
}
