package envelope

import (
	"bytes"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// LayoutCompose is the output of `docker compose up` or `docker compose
// logs` for a whole stack: "<service>  | line", the services' lines
// interleaved, each service's name padded so the bars line up.
//
// kafkalog and goclient read a compose prefix themselves, but a parser
// reads a whole input, so in a stack's log the first one to sniff it
// would read only its own program's lines: the broker's log4j lines, and
// not the Python or librdkafka client beside it that reports the refused
// connections. The envelope takes a log with two or more services and
// gives each service decoders of its own, as it does with pods.
const LayoutCompose = "docker-compose"

// maxServiceName bounds a compose service name (Compose itself allows
// longer ones; project, service and replica number seldom pass 60).
const maxServiceName = 96

// cutCompose reads "<service> | " with at least one space before the
// bar: Compose pads every name to the longest one and then prints " | ".
// bar is the bar's column, the same on every line of one run.
func cutCompose(line []byte) (name, text []byte, bar int, ok bool) {
	i := 0
	for i < len(line) && i <= maxServiceName && isServiceByte(line[i]) {
		i++
	}
	if i == 0 || i > maxServiceName || i >= len(line) || line[i] != ' ' {
		return nil, nil, 0, false
	}
	j := i
	for j < len(line) && line[j] == ' ' {
		j++
	}
	if j >= len(line) || line[j] != '|' {
		return nil, nil, 0, false
	}
	text = line[j+1:]
	if len(text) > 0 && text[0] == ' ' {
		text = text[1:]
	}
	return line[:i], text, j, true
}

// isServiceByte accepts the bytes of a Compose project, service and
// container name (Compose v1 joins them with '_', v2 with '-').
func isServiceByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// sniffCompose accepts a head in which at least half of the lines carry a
// compose prefix, all with the bar in one column, from two services or
// more. Compose's own lines ("Attaching to …", "Creating … done") may come
// first. A log of one service stays with the parser of its program.
func sniffCompose(head []byte) bool {
	var lines, prefixed, bar int
	var first []byte
	two := false
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte{'\n'})
		if !found {
			break // cut by the sniff window
		}
		head = rest
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lines++
		name, _, at, ok := cutCompose(line)
		if !ok {
			continue
		}
		switch {
		case prefixed == 0:
			first, bar = name, at
		case at != bar:
			return false
		case !bytes.Equal(name, first):
			two = true
		}
		prefixed++
	}
	return two && prefixed >= 3 && 2*prefixed >= lines
}

// composed handles one line of a compose log: the service's line goes to
// its decoders with the service as host. A decoder that takes none of the
// line without its prefix is offered it whole: goclient reads a bare Go
// dial error to a Kafka port as a Kafka client's only when a compose
// service printed it. A line without the prefix goes to the last
// service's decoders (a program's line Compose printed bare, or Compose's
// own "orders-1 exited with code 1"); before the first service line there
// is only Compose's progress ("[+] Running 4/4", "Attaching to …"), which
// is skipped.
func (rd *reader) composed(loc analyzer.Location, line []byte) {
	name, text, _, ok := cutCompose(line)
	if !ok {
		rd.toLastPod(loc, line)
		return
	}
	p, ts, text := rd.enterPod(name, name, text)
	if (len(text) > 0 && text[0] == '{') || (len(text) > 4 && text[4] == '.') {
		rd.route.text(p.ds, loc, ts, p.host, text) // JSON or ClickHouse
		return
	}
	if !p.ds.line(loc, ts, p.host, text) {
		p.ds.line(loc, ts, p.host, line)
	}
}
