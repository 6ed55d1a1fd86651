package kafkalog

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The regexps findNodeAddr and findNodeID stand for.
var (
	reNodeAddr = regexp.MustCompile(`\b[Nn]ode (-?\d+) \(([^()\s]+)\)`)
	reNodeID   = regexp.MustCompile(`\b[Nn]ode (-?\d+)\b`)
)

// nodeRefs lists what findNodeAddr finds in s, match after match as
// learnNodes reads them, then what findNodeID finds.
func nodeRefs(s string) (addrs [][]string, id []string) {
	for n, from := 0, 0; n < 8; n++ {
		i, a, end, ok := findNodeAddr(s, from)
		if !ok {
			break
		}
		addrs = append(addrs, []string{i, a})
		from = end
	}
	if i, ok := findNodeID(s); ok {
		id = []string{i}
	}
	return addrs, id
}

// nodeRefsReference is nodeRefs by the regexps.
func nodeRefsReference(s string) (addrs [][]string, id []string) {
	for _, m := range reNodeAddr.FindAllStringSubmatch(s, 8) {
		addrs = append(addrs, m[1:])
	}
	if m := reNodeID.FindStringSubmatch(s); m != nil {
		id = m[1:]
	}
	return addrs, id
}

var nodeRefSeeds = []string{
	"Connection to node 3 (kafka-3.internal/10.0.4.33:9092) could not be established.",
	"Node -1 disconnected.",
	"node 1 (a:1) and Node 2 (b/1.2.3.4:9092), node 3 (c:3)",
	"xnode 1 (a:1) Node 2x (b:2) node -x (c:3) node 4 (d e) node 5 () node 6 (f(g)) node 7 (h:7",
	"Anode 1 node 2\tnode 3 (é/1.2.3.4:1) node 4 (\xff:1)_node 5",
	"ode node node 8 (node 9 (x:9))",
	"Node 1 disconnected.node 2",
}

func TestNodeRefs(t *testing.T) {
	for _, s := range nodeRefSeeds {
		wa, wi := nodeRefsReference(s)
		ga, gi := nodeRefs(s)
		if diff := cmp.Diff([]any{wa, wi}, []any{ga, gi}); diff != "" {
			t.Errorf("%q (-regexp +by hand):\n%s", s, diff)
		}
	}
}

// FuzzNodeRefs: the hand-written finders find what the regexps find.
func FuzzNodeRefs(f *testing.F) {
	for _, s := range nodeRefSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		wa, wi := nodeRefsReference(s)
		ga, gi := nodeRefs(s)
		if diff := cmp.Diff([]any{wa, wi}, []any{ga, gi}); diff != "" {
			t.Errorf("%q (-regexp +by hand):\n%s", s, diff)
		}
	})
}
