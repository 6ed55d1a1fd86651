package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// LayoutClickHouse is ClickHouse's server log (clickhouse-server.log,
// .err.log, the container's stderr):
//
//	2026.03.18 23:03:01.518030 [ 1135276 ] {} <Error> StorageKafka (db.`t`): [client.id:ClickHouse-…] [rdk:FAIL] [thrd:127.0.0.1:9092/bootstrap]: 127.0.0.1:9092/bootstrap: Connect to … failed: Connection refused
//
// The Kafka table engine logs librdkafka's log callback as
// "[rdk:<facility>] [thrd:…]: text", since ClickHouse 22.x behind
// "[client.id:<id>] ". Older servers print no query id ("{…}") and
// milliseconds only.
const LayoutClickHouse = "clickhouse"

// clickHouseLine is one server log line taken apart. msg ("Logger (args):
// text") aliases the line.
type clickHouseLine struct {
	time time.Time
	// level is the <Level> as a librdkafka/syslog digit.
	level byte
	msg   []byte
}

// cutClickHouse reads "YYYY.MM.DD HH:MM:SS[.fraction] [ thread ]
// [{query id} ]<Level> msg"; the time is the server's, without a zone,
// read in zone.
func cutClickHouse(line []byte, zone *time.Location) (l clickHouseLine, ok bool) {
	t, n, ok := parseClickHouseTime(line, zone)
	if !ok || n+2 >= len(line) || line[n] != ' ' || line[n+1] != '[' {
		return clickHouseLine{}, false
	}
	// "[ 1135276 ] ": the thread id, padded with spaces.
	rest := line[n+2:]
	end := bytes.IndexByte(rest[:min(len(rest), 32)], ']')
	if end < 0 || !isThreadID(rest[:end]) || end+2 >= len(rest) || rest[end+1] != ' ' {
		return clickHouseLine{}, false
	}
	rest = rest[end+2:]
	if rest[0] == '{' {
		// The query id: empty, a UUID or whatever id the client sent.
		end := bytes.IndexByte(rest[:min(len(rest), 256)], '}')
		if end < 0 || end+2 >= len(rest) || rest[end+1] != ' ' {
			return clickHouseLine{}, false
		}
		rest = rest[end+2:]
	}
	if rest[0] != '<' {
		return clickHouseLine{}, false
	}
	end = bytes.IndexByte(rest[:min(len(rest), 16)], '>')
	if end < 0 {
		return clickHouseLine{}, false
	}
	level := clickHouseLevel(rest[1:end])
	if level == 0 || end+1 < len(rest) && rest[end+1] != ' ' {
		return clickHouseLine{}, false
	}
	return clickHouseLine{time: t, level: level, msg: rest[min(end+2, len(rest)):]}, true
}

// isThreadID accepts " 1135276 ": digits with spaces around.
func isThreadID(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// clickHouseLevel maps ClickHouse's (Poco's) level names to the syslog
// digit of a librdkafka line; 0 for any other word.
func clickHouseLevel(name []byte) byte {
	switch string(name) {
	case "Fatal", "Critical":
		return '2'
	case "Error":
		return '3'
	case "Warning":
		return '4'
	case "Notice":
		return '5'
	case "Information":
		return '6'
	case "Debug", "Trace", "Test":
		return '7'
	}
	return 0
}

// clickHouse hands one server log line on. A librdkafka message
// ("[rdk:FAIL] [thrd:…]: …") is rebuilt as a native line with the line's
// level and time and the client.id as the instance; any other message
// goes to the decoders as printed after the level ("StorageKafka (t):
// …"), the line's time standing in.
func (r *router) clickHouse(ds *decoders, loc analyzer.Location, host string, l *clickHouseLine) {
	msg := l.msg
	if fac, client, text, ok := cutRdkCallback(msg); ok {
		msg = appendNative(r.native[:0], l.level, l.time, fac, client, text)
		r.native = msg
	}
	if ds.line(loc, l.time, host, msg) {
		// The server's clock, no zone printed.
		r.zoneAssumed = true
	}
}

// cutRdkCallback finds "[client.id:<id>] [rdk:<FAC>] <text>" in a
// ClickHouse message; client is empty when the id is not printed.
func cutRdkCallback(msg []byte) (fac, client, text []byte, ok bool) {
	i := bytes.Index(msg, []byte("[rdk:"))
	if i < 0 {
		return nil, nil, nil, false
	}
	rest := msg[i+len("[rdk:"):]
	end := bytes.IndexByte(rest[:min(len(rest), 20)], ']')
	if end < 0 || !isFacility(rest[:end]) {
		return nil, nil, nil, false
	}
	fac, text = rest[:end], bytes.TrimLeft(rest[end+1:], " ")
	if j := bytes.Index(msg[:i], []byte("[client.id:")); j >= 0 {
		c := msg[j+len("[client.id:") : i]
		if k := bytes.IndexByte(c, ']'); k >= 0 {
			client = c[:k]
		}
	}
	return fac, client, text, true
}

// sniffClickHouse accepts a ClickHouse server log line.
func sniffClickHouse(line []byte) bool {
	_, ok := cutClickHouse(line, time.UTC)
	return ok
}
