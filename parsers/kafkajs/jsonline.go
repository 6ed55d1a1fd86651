package kafkajs

import (
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/jsontext"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// entry is one KafkaJS log entry, from a JSON line or a record the
// envelope took apart. Byte fields alias the line or the decoder's
// buffers: valid until the next entry.
type entry struct {
	time time.Time
	// zoned is false when time was printed without a zone.
	zoned bool
	level string
	// logger is "kafkajs" in every entry KafkaJS's logger builds.
	logger []byte
	// namespace is "Connection", "BrokerPool" …: the "[…] " message
	// prefix of the default logger, or a wrapper's own field.
	namespace, body []byte
	// broker is the "host:port" Connection lines carry; client the
	// clientId.
	broker, client []byte
	// stack is the Node.js stack printed beside the message, if any.
	stack []byte
}

// jsonLine reads the fields of one JSON object line that KafkaJS's
// loggers print: the default console logger's
// {"level","timestamp","logger","message",…extra}, and the same fields
// one level down under a wrapper's key (the documented winston
// logCreator puts them in "extra"). Strings are unescaped into buf,
// which is returned for reuse. ok is false for anything that is not a
// KafkaJS entry.
func jsonLine(line []byte, buf []byte, zone *time.Location) (e entry, out []byte, ok bool) {
	i := jsontext.SkipWS(line, 0)
	if i >= len(line) || line[i] != '{' {
		return e, buf, false
	}
	buf = buf[:0]
	var spans [nFields][2]int
	for k := range spans {
		spans[k] = [2]int{-1, -1}
	}
	var epochMs []byte
	buf, ok = walkObject(line, i, 0, buf, &spans, &epochMs)
	if !ok {
		return e, buf, false
	}
	get := func(f int) []byte {
		if spans[f][0] < 0 {
			return nil
		}
		return buf[spans[f][0]:spans[f][1]]
	}
	e.logger = get(fLogger)
	if string(e.logger) != "kafkajs" {
		return e, buf, false
	}
	e.body, e.namespace = get(fMessage), get(fNamespace)
	e.broker, e.client, e.stack = get(fBroker), get(fClient), get(fStack)
	e.level = levelWord(get(fLevel))
	if ts := get(fTime); len(ts) > 0 {
		e.time, e.zoned, _ = parseTime(ts, zone)
	}
	if e.time.IsZero() && len(epochMs) > 0 {
		if ms, ok := text.Atoi(epochMs); ok && len(epochMs) >= 12 && len(epochMs) <= 14 {
			e.time, e.zoned = time.UnixMilli(ms).UTC(), true
		}
	}
	return e, buf, len(e.body) > 0
}

// Field slots of jsonLine.
const (
	fLevel = iota
	fTime
	fLogger
	fMessage
	fNamespace
	fBroker
	fClient
	fStack
	nFields
)

// fieldOf names the slot of a key, -1 for keys not read. Wrapper keys
// ("extra.broker") are looked up by their last part.
func fieldOf(key []byte) int {
	switch string(key) {
	case "level", "label":
		return fLevel
	case "timestamp":
		return fTime
	case "logger":
		return fLogger
	case "message", "msg":
		return fMessage
	case "namespace":
		return fNamespace
	case "broker":
		return fBroker
	case "clientId":
		return fClient
	case "stack":
		return fStack
	}
	return -1
}

// walkObject reads the object at line[i] (depth 0 the top, 1 one wrapper
// down; deeper objects are skipped) and stores the string fields it
// reads. The first value of a field wins, top level first only because
// KafkaJS's own fields are printed there.
func walkObject(line []byte, i, depth int, buf []byte, spans *[nFields][2]int, epochMs *[]byte) ([]byte, bool) {
	i++ // '{'
	for {
		i = jsontext.SkipWS(line, i)
		if i >= len(line) {
			return buf, false
		}
		switch line[i] {
		case '}':
			return buf, true
		case ',':
			i++
			continue
		case '"':
		default:
			return buf, false
		}
		end := jsontext.SkipString(line, i)
		if end < 0 {
			return buf, false
		}
		key := line[i+1 : end-1]
		i = jsontext.SkipWS(line, end)
		if i >= len(line) || line[i] != ':' {
			return buf, false
		}
		i = jsontext.SkipWS(line, i+1)
		if i >= len(line) {
			return buf, false
		}
		vend := jsontext.SkipValue(line, i)
		if vend < 0 {
			return buf, false
		}
		raw := line[i:vend]
		switch {
		case raw[0] == '{' && depth == 0:
			var ok bool
			if buf, ok = walkObject(line, i, 1, buf, spans, epochMs); !ok {
				return buf, false
			}
		case raw[0] == '"':
			if f := fieldOf(key); f >= 0 && spans[f][0] < 0 {
				start := len(buf)
				var ok bool
				if buf, ok = jsontext.AppendString(buf, raw); !ok {
					return buf, false
				}
				spans[f] = [2]int{start, len(buf)}
			}
		case depth == 0 && string(key) == "time":
			*epochMs = raw // pino's epoch milliseconds
		case depth == 0 && string(key) == "level" && spans[fLevel][0] < 0:
			start := len(buf)
			buf = append(buf, raw...) // pino's numeric level
			spans[fLevel] = [2]int{start, len(buf)}
		}
		i = vend
	}
}
