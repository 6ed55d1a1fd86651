package kafkalog

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// maxNodeFacts bounds the distinct Node facts one input may send: a log
// of a client that chases a moving cluster is still finite, a hostile
// one is not.
const maxNodeFacts = 4096

// learnNodes sends a Node fact for every "node 3 (kafka-3/10.0.4.33:9092)"
// in the message of a classified record.
func (d *LineDecoder) learnNodes(msg string, loc analyzer.Location) {
	for n, from := 0, 0; n < 8; n++ {
		id, addr, end, ok := findNodeAddr(msg, from)
		if !ok {
			return
		}
		from = end
		if ep, ok := parseEndpoint(addr); ok {
			d.node(id, ep, loc)
		}
	}
}

// findNodeAddr finds the first "node 3 (kafka-3/10.0.4.33:9092)" in s
// starting at or after from: what the regexp
// \b[Nn]ode (-?\d+) \(([^()\s]+)\) finds (FuzzNodeRefs checks), by hand,
// as it runs on every classified record. end is where the match ends.
func findNodeAddr(s string, from int) (id, addr string, end int, ok bool) {
	for i := from; ; {
		p, q, idEnd, found := nextNodeWord(s, i, from)
		if !found {
			return "", "", 0, false
		}
		i = p + 2 // past this "ode "
		if !strings.HasPrefix(s[idEnd:], " (") {
			continue
		}
		a := idEnd + 2
		k := a
		for k < len(s) && !isAddrStop(s[k]) {
			k++
		}
		if k > a && k < len(s) && s[k] == ')' {
			return s[q:idEnd], s[a:k], k + 1, true
		}
	}
}

// findNodeID finds the first "node 3" in s, with the id ending a word:
// what \b[Nn]ode (-?\d+)\b finds.
func findNodeID(s string) (id string, ok bool) {
	for i := 0; ; {
		p, q, idEnd, found := nextNodeWord(s, i, 0)
		if !found {
			return "", false
		}
		i = p + 2 // past this "ode "
		if idEnd == len(s) || !isWordByte(s[idEnd]) {
			return s[q:idEnd], true
		}
	}
}

// nextNodeWord finds the first "Node N" or "node N" at or after i that
// starts a word (looking before from, as a regexp's \b does) and no
// earlier than from: p is where it starts, s[q:idEnd] the id, "-" and
// digits.
func nextNodeWord(s string, i, from int) (p, q, idEnd int, ok bool) {
	for {
		j := strings.Index(s[i:], "ode ")
		if j < 0 {
			return 0, 0, 0, false
		}
		p, i = i+j-1, i+j+1
		if p < from || (s[p] != 'N' && s[p] != 'n') || (p > 0 && isWordByte(s[p-1])) {
			continue
		}
		q = p + len("Node ")
		k := q
		if k < len(s) && s[k] == '-' {
			k++
		}
		digits := k
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > digits {
			return p, q, k, true
		}
	}
}

// isWordByte is regexp's \w, for \b: an ASCII letter, digit or "_".
func isWordByte(c byte) bool {
	return c == '_' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// isAddrStop ends the address in a node's parentheses: "(", ")" and
// regexp's \s.
func isAddrStop(c byte) bool {
	return c == '(' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// learnNodeStrings reads Node.toString() forms, "kafka-3:9092 (id: 3 rack:
// r1)", optionally followed by " using address kafka-3/10.0.4.33:9092".
// They appear in many ordinary INFO lines (fetch positions, coordinator
// discovery), so this runs on every line that has "(id: " and is written
// by hand: a reference already sent costs a map lookup and no allocation.
func (d *LineDecoder) learnNodeStrings(msg []byte, loc analyzer.Location) {
	for n := 0; n < 8; n++ {
		i := bytes.Index(msg, []byte("(id: "))
		if i < 0 {
			return
		}
		if i == 0 || msg[i-1] != ' ' {
			msg = msg[i+len("(id: "):]
			continue
		}
		i-- // at the space before "(id: "
		start := i
		for start > 0 && !isNodeStringStop(msg[start-1]) {
			start--
		}
		hostPort := msg[start:i]
		rest := msg[i+len(" (id: "):]
		j := 0
		for j < len(rest) && (isDigit(rest[j]) || (j == 0 && rest[j] == '-')) {
			j++
		}
		id := rest[:j]
		msg = rest[j:]
		if len(id) == 0 || len(hostPort) == 0 || !bytes.HasPrefix(msg, []byte(" rack: ")) {
			continue
		}
		var using []byte
		if k := bytes.IndexByte(msg, ')'); k >= 0 && bytes.HasPrefix(msg[k+1:], []byte(" using address ")) {
			using = msg[k+1+len(" using address "):]
			if e := bytes.IndexByte(using, ' '); e >= 0 {
				using = using[:e]
			}
		}
		d.keyBuf = append(append(append(append(d.keyBuf[:0], id...), '|'), hostPort...), '|')
		d.keyBuf = append(d.keyBuf, using...)
		if _, seen := d.nodeStrings[string(d.keyBuf)]; seen || len(d.nodeStrings) >= maxNodeFacts {
			continue
		}
		d.nodeStrings[string(d.keyBuf)] = struct{}{}
		if ep, ok := parseEndpoint(string(hostPort)); ok {
			d.node(string(id), ep, loc)
		}
		if ep, ok := parseEndpoint(string(using)); ok {
			d.node(string(id), ep, loc)
		}
	}
}

// isNodeStringStop ends the host:port token before " (id: ".
func isNodeStringStop(c byte) bool {
	return c == ' ' || c == '(' || c == '[' || c == ',' || c == '{' || c == '='
}

// node sends one Node fact unless the same was sent before. Coordinator
// ids (Integer.MAX_VALUE - broker id) are not brokers and are skipped.
func (d *LineDecoder) node(id string, ep endpoint, loc analyzer.Location) {
	n, err := strconv.ParseInt(id, 10, 32)
	if err != nil || n > 1<<30 {
		return
	}
	if ep.Host == "" && !ep.Addr.IsValid() {
		return
	}
	key := id + "|" + ep.Host + "|" + ep.Addr.String()
	if _, seen := d.nodes[key]; seen || len(d.nodes) >= maxNodeFacts {
		return
	}
	d.nodes[key] = struct{}{}
	d.sink.Node(analyzer.Node{ID: id, Host: ep.Host, Addr: ep.Addr, Bootstrap: n < 0, Source: loc})
}
