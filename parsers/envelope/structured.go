package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/jsontext"
)

// Layout names of structured JSON application logs, one object a line.
const (
	LayoutLogstash = "logstash-json" // logstash-logback-encoder
	LayoutECS      = "ecs-json"      // Elastic Common Schema (ecs-logging-java, Log4j2 EcsLayout)
	LayoutLog4j2   = "log4j2-json"   // Log4j2 JsonLayout / JsonTemplateLayout's default-like templates
	LayoutGCP      = "gcp-json"      // Google Cloud Logging structured JSON
	LayoutSerilog  = "serilog-json"  // Serilog CompactJsonFormatter
	LayoutDotnet   = "dotnet-json"   // Microsoft.Extensions.Logging JSON console formatter
	LayoutJSON     = "json"          // zap, logrus, pino, bunyan and the like
)

// jsonRecord is one structured log object, reduced to what the embedded
// decoders need. Its byte fields are decoded copies in buffers reused
// from one object to the next: valid until the next object is read.
type jsonRecord struct {
	time time.Time
	// zoned is false when time was printed without a zone (read in the
	// Source's zone).
	zoned bool
	level string
	// logger is the logger (Java class, .NET category); msg the message;
	// stack the stack trace or exception text printed with it. Threads
	// are not read: no decoder classifies by them.
	logger, msg, stack []byte
	// facility and client are set when the object carries a librdkafka
	// log callback's parts (facility "FAIL", instance "app#producer-1").
	facility, client []byte
	layout           string
	// namespace, broker and clientID are a client library's own fields
	// (KafkaJS: "[Connection]" kept as a field, "host:port", clientId),
	// also one level down under a logCreator's "extra".
	namespace, broker, clientID []byte

	// ranks of the value kept for each field: a lower rank replaces a
	// higher one ("@m" beats "@mt"; "logger_name" beats "name").
	timeRank, levelRank, loggerRank, msgRank, stackRank int
	// epochSec/nanos collect split times ("instant" of Log4j2, GCP's
	// "timestamp" object); hasSec says epochSec was seen.
	epochSec, nanos int64
	hasSec          bool
	// excName/excMsg are an exception given as fields (Log4j2 "thrown",
	// ECS "error.type"/"error.message") when no stack text came.
	excName, excMsg []byte
	// errText is an error given as a string field beside the message
	// (slog's "err", zap's and logrus's "error"): Go clients log "unable to
	// open connection to broker" with the reason only there.
	errText []byte
	// hasMsg is set once a message key was seen: the object is a log
	// record rather than other JSON.
	hasMsg bool
}

// noRank is the rank of a field not yet seen.
const noRank = 99

func (r *jsonRecord) reset() {
	*r = jsonRecord{
		logger: r.logger[:0], msg: r.msg[:0], stack: r.stack[:0],
		facility: r.facility[:0], client: r.client[:0],
		namespace: r.namespace[:0], broker: r.broker[:0], clientID: r.clientID[:0],
		excName: r.excName[:0], excMsg: r.excMsg[:0], errText: r.errText[:0],
		timeRank: noRank, levelRank: noRank, loggerRank: noRank, msgRank: noRank, stackRank: noRank,
	}
}

// readObject fills r from one JSON object line. ok is false when the line
// is not an object or holds no message field.
func (r *jsonRecord) readObject(f *flattener, line []byte, zone *time.Location) bool {
	r.reset()
	if !f.reset(line) {
		return false
	}
	for {
		key, raw, ok := f.next()
		if !ok {
			break
		}
		r.field(key, raw, zone)
	}
	if f.bad || !r.hasMsg {
		return false
	}
	if r.level == "" && r.layout == LayoutSerilog {
		r.level = "INFO" // CompactJsonFormatter leaves "@l" out for Information
	}
	if r.time.IsZero() && r.hasSec {
		r.time, r.zoned = time.Unix(r.epochSec, r.nanos).UTC(), true
	}
	if len(r.stack) == 0 && len(r.excName) > 0 {
		r.stack = append(r.stack, r.excName...)
		if len(r.excMsg) > 0 {
			r.stack = append(append(r.stack, ": "...), r.excMsg...)
		}
	}
	return true
}

// field takes one leaf. The key lists come from each library's own
// documentation of its output (see the package doc).
func (r *jsonRecord) field(key, raw []byte, zone *time.Location) {
	switch string(key) {
	case "@timestamp", "timestamp", "time", "@t", "Timestamp", "ts", "date", "datetime", "asctime":
		r.setTime(raw, zone, timeRank(string(key)))
	case "timeMillis":
		r.setTime(raw, zone, 0)
	case "extra.timestamp":
		r.setTime(raw, zone, 1) // KafkaJS's own time under its winston logCreator's "extra"
	case "instant.epochSecond", "timestamp.seconds", "timestampSeconds":
		r.epochSec, r.hasSec = numberOr(raw, 0), true
	case "instant.nanoOfSecond", "timestamp.nanos", "timestampNanos":
		r.nanos = numberOr(raw, 0)
	case "level", "log.level", "severity", "@l", "LogLevel", "levelname", "lvl":
		if r.levelRank > 0 {
			if l := levelOf(raw); l != "" {
				r.level, r.levelRank = l, 0
			}
		}
	case "logger_name", "log.logger", "loggerName", "logger", "Category", "SourceContext", "logName":
		r.logger, r.loggerRank = keepString(r.logger, raw, r.loggerRank, 0)
	case "extra.logger":
		// KafkaJS's documented winston logCreator nests its fields in "extra".
		r.logger, r.loggerRank = keepString(r.logger, raw, r.loggerRank, 1)
	case "namespace", "extra.namespace":
		r.namespace, _ = keepString(r.namespace, raw, noRank, 0)
	case "broker", "extra.broker":
		r.broker, _ = keepString(r.broker, raw, noRank, 0)
	case "clientId", "extra.clientId":
		r.clientID, _ = keepString(r.clientID, raw, noRank, 0)
	case "name":
		// bunyan's and pino's "name" is the application, python's the
		// logger: a logger only when nothing better came.
		r.logger, r.loggerRank = keepString(r.logger, raw, r.loggerRank, 2)
		r.client, _ = keepString(r.client, raw, noRank, 0)
	case "message", "msg", "@m", "Message", "textPayload", "jsonPayload.message":
		r.msg, r.msgRank = keepString(r.msg, raw, r.msgRank, 0)
		r.hasMsg = true
	case "@mt":
		r.msg, r.msgRank = keepString(r.msg, raw, r.msgRank, 1)
		r.hasMsg = true
	case "log":
		// fluent-bit's and Vector's file outputs keep the printed line here.
		r.msg, r.msgRank = keepString(r.msg, raw, r.msgRank, 2)
		r.hasMsg = true
	case "stack_trace", "error.stack_trace", "@x", "Exception", "exception", "err.stack", "stacktrace", "exc_info", "stack", "thrown.extendedStackTrace", "extra.stack":
		r.stack, r.stackRank = keepString(r.stack, raw, r.stackRank, 0)
	case "thrown.name", "error.type":
		r.excName, _ = keepString(r.excName, raw, noRank, 0)
	case "thrown.message", "error.message":
		r.excMsg, _ = keepString(r.excMsg, raw, noRank, 0)
	case "err", "error", "err.message", "error.msg":
		r.errText, _ = keepString(r.errText, raw, noRank, 0)
	case "fac", "facility":
		r.facility, _ = keepString(r.facility, raw, noRank, 0)
	case "client", "instance", "rdkafka":
		r.client, _ = keepString(r.client, raw, noRank, 0)
	}
	r.noteLayout(string(key))
}

// noteLayout names the encoder from a key only it prints; the most
// specific wins.
func (r *jsonRecord) noteLayout(key string) {
	var l string
	switch key {
	case "ecs.version", "log.level", "log.logger":
		l = LayoutECS
	case "loggerName", "loggerFqcn", "instant.epochSecond", "timeMillis", "thrown.name":
		l = LayoutLog4j2
	case "@version", "logger_name", "level_value", "thread_name":
		l = LayoutLogstash
	case "severity", "logging.googleapis.com/sourceLocation":
		l = LayoutGCP
	case "@t", "@mt", "@m", "@l":
		l = LayoutSerilog
	case "Category", "LogLevel", "EventId":
		l = LayoutDotnet
	default:
		return
	}
	if r.layout == "" || layoutRank(l) < layoutRank(r.layout) {
		r.layout = l
	}
}

// layoutRank orders layouts by how surely one key names them: ECS also
// prints "@timestamp" as logstash does, and JsonTemplateLayout can print
// ECS.
func layoutRank(l string) int {
	switch l {
	case LayoutECS:
		return 0
	case LayoutLog4j2:
		return 1
	case LayoutLogstash:
		return 2
	case LayoutSerilog:
		return 3
	case LayoutDotnet:
		return 4
	case LayoutGCP:
		return 5
	}
	return 6
}

// timeRank prefers the exact "@timestamp"/"timestamp"/"time" keys over
// ones that may hold something else ("date" a day, "ts" a float).
func timeRank(key string) int {
	switch key {
	case "@timestamp", "@t", "Timestamp", "timestamp", "time":
		return 0
	}
	return 1
}

// setTime reads a time value: an RFC 3339 string or an epoch number
// (seconds with a fraction, or milliseconds and finer).
func (r *jsonRecord) setTime(raw []byte, zone *time.Location, rank int) {
	if rank >= r.timeRank || len(raw) == 0 {
		return
	}
	if raw[0] == '"' && len(raw) >= 2 {
		// .NET's TimestampFormat is usually given with a trailing space.
		s := bytes.TrimSpace(raw[1 : len(raw)-1])
		if t, zoned, ok := parseTimeValue(s, zone); ok {
			r.time, r.zoned, r.timeRank = t, zoned, rank
		} else if t, ok := parseEpoch(s); ok {
			r.time, r.zoned, r.timeRank = t, true, rank
		}
		return
	}
	if t, ok := parseEpoch(raw); ok {
		r.time, r.zoned, r.timeRank = t, true, rank
	}
}

// keepString decodes raw into buf when rank beats have; a non-string
// value (null, a number) is kept as its text only if it is not null.
func keepString(buf, raw []byte, have, rank int) ([]byte, int) {
	if rank >= have || len(raw) == 0 || string(raw) == "null" {
		return buf, have
	}
	if raw[0] != '"' {
		if raw[0] == '{' || raw[0] == '[' {
			return buf, have
		}
		return append(buf[:0], raw...), rank
	}
	out, ok := jsontext.AppendString(buf[:0], raw)
	if !ok {
		return buf[:0], have
	}
	return out, rank
}

// numberOr reads a JSON integer, def when raw is not one.
func numberOr(raw []byte, def int64) int64 {
	var n int64
	if len(raw) == 0 || len(raw) > 18 {
		return def
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
