package kafkalog

import (
	"strconv"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// maxNodeFacts bounds the distinct Node facts one input may send: a log
// of a client that chases a moving cluster is still finite, a hostile
// one is not.
const maxNodeFacts = 4096

// learnNodes sends a Node fact for every node reference in msg:
// "node 3 (kafka-3/10.0.4.33:9092)", "kafka-3:9092 (id: 3 rack: r1)" and
// "… (id: 3 rack: null) using address kafka-3/10.0.4.33:9092".
func (d *LineDecoder) learnNodes(msg string, loc analyzer.Location) {
	for _, m := range reNodeAddr.FindAllStringSubmatch(msg, 8) {
		if ep, ok := parseEndpoint(m[2]); ok {
			d.node(m[1], ep, loc)
		}
	}
	for _, m := range reNodeString.FindAllStringSubmatch(msg, 8) {
		if ep, ok := parseEndpoint(m[1] + ":" + m[2]); ok {
			d.node(m[3], ep, loc)
		}
	}
	if m := reUsingAddr.FindStringSubmatch(msg); m != nil {
		if ep, ok := parseEndpoint(m[2]); ok {
			d.node(m[1], ep, loc)
		}
	}
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
