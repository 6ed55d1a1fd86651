package kafkajs

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// pino-pretty prints a record as a header line and its fields indented
// below it, the namespace and logger among them:
//
//	[17:25:19.693] ERROR (2487): Connection error: connect ECONNREFUSED 127.0.0.1:9092
//	    namespace: "Connection"
//	    logger: "kafkajs"
//	    broker: "127.0.0.1:9092"
//
// A header whose message KafkaJS would log on a failure is held until its
// fields show logger "kafkajs" (then it is an event) or the block ends
// without (then it is dropped). The header's time of day has no date:
// such events stay undated unless an envelope gives a time.

// prettyBlock is the held header and the fields read so far.
type prettyBlock struct {
	open, kafkajs bool
	// box says the block is a box of KafkaJS's example logger (boxed.go).
	box  bool
	loc  analyzer.Location
	host string
	// time is the record's time, else the box's timestamp; zoned says it
	// carried a zone.
	time      time.Time
	zoned     bool
	level     string
	msg, line []byte
	broker    []byte
	client    []byte
}

// prettyHeader reads "[HH:MM:SS.mmm] LEVEL (pid): message"; ok is false
// for any other line.
func prettyHeader(line []byte) (level string, msg []byte, ok bool) {
	if len(line) < 16 || line[0] != '[' || line[3] != ':' || line[6] != ':' {
		return "", nil, false
	}
	end := bytes.IndexByte(line, ']')
	if end < 9 || end > 20 || end+2 >= len(line) || line[end+1] != ' ' {
		return "", nil, false
	}
	rest := line[end+2:]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return "", nil, false
	}
	level = levelWord(rest[:sp])
	colon := bytes.Index(rest, []byte("): "))
	if level == "" || colon < 0 || colon > sp+24 || rest[sp+1] != '(' {
		return "", nil, false
	}
	return level, rest[colon+3:], true
}

// prettyField reads an indented `    key: "value"` line of a block.
func prettyField(line []byte) (key, value []byte, ok bool) {
	if !bytes.HasPrefix(line, []byte("    ")) {
		return nil, nil, false
	}
	k, v, found := bytes.Cut(bytes.TrimLeft(line, " "), []byte(": "))
	if !found || len(k) == 0 || bytes.IndexByte(k, ' ') >= 0 {
		return nil, nil, false
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return k, v, true
}

// prettyLine takes a line of a pino-pretty block; it reports whether the
// line belonged to one (then the decoder has nothing more to do with it).
func (d *LineDecoder) prettyLine(loc analyzer.Location, ts time.Time, host string, line []byte) bool {
	b := &d.pretty
	if b.open {
		if k, v, ok := prettyField(line); ok {
			switch string(k) {
			case "logger":
				b.kafkajs = string(v) == "kafkajs"
			case "broker":
				b.broker = append(b.broker[:0], v...)
			case "clientId":
				b.client = append(b.client[:0], v...)
			}
			return true
		}
		d.closePretty()
	}
	level, msg, ok := prettyHeader(line)
	if !ok || classify(firstLine(msg)).kind == "" {
		return false
	}
	*b = prettyBlock{open: true, loc: loc, host: host, time: ts, zoned: true, level: level,
		msg: append(b.msg[:0], msg...), line: append(b.line[:0], line...),
		broker: b.broker[:0], client: b.client[:0],
		// The seed-broker give-up is KafkaJS's wording alone.
		kafkajs: bytes.HasPrefix(msg, []byte(seedFailed))}
	return true
}

// closePretty emits the held header if its block said logger "kafkajs".
func (d *LineDecoder) closePretty() {
	b := &d.pretty
	if !b.open {
		return
	}
	b.open = false
	if !b.kafkajs {
		return
	}
	e := entry{time: b.time, zoned: b.zoned, level: b.level, logger: []byte("kafkajs"), body: b.msg, broker: b.broker, client: b.client}
	d.entry(b.loc, b.host, &e, b.line)
}
