// Package kubedescribe reads `kubectl describe pod` and `oc describe po`
// output, the status dump support bundles and forum posts about a Kafka
// outage on Kubernetes often hold instead of the broker's own log, and
// reports what it says about a Kafka broker container's terminations and
// restarts as the lifecycle events the broker-restart and broker-oom-kill
// rules read.
//
// Per container kubectl prints the current `State:` and, once the
// container has restarted, the `Last State:` it ended in:
//
//	State:          Running
//	  Started:      Thu, 24 May 2018 11:33:16 -0700
//	Last State:     Terminated
//	  Reason:       Error
//	  Exit Code:    143
//	  Started:      Mon, 21 May 2018 16:51:47 -0700
//	  Finished:     Thu, 24 May 2018 11:33:14 -0700
//	Ready:          True
//	Restart Count:  1
//
// A terminated state (last or current) is one event at its Finished time:
//   - Reason OOMKilled: OOMKill. The container's memory cgroup reached its
//     limit and the kernel's OOM killer killed it (exit code 137).
//   - Exit code 137 without OOMKilled: ProcessKilled, Signal KILL (the
//     kubelet when the grace period ran out after a failed liveness probe
//     or a deletion, an eviction, a kill -9; a kernel OOM kill that the
//     runtime did not attribute).
//   - 143: ProcessKilled, Signal TERM: the container was stopped (deleted,
//     rolled, evicted) and the JVM exited on SIGTERM.
//   - Another 128+N where N is a signal Linux names: ProcessKilled with
//     that signal (134, ABRT: a JVM crash). A "Signal: N" line wins.
//   - Other non-zero codes: ProcessExited, Reason "exit code N".
//   - Exit code 0 (Completed): no event; the container ended its work.
//
// After a termination other than a clean exit, the Started time of the
// state that followed it (the current Running, or Terminated, state) is
// the container's restart: ServiceStarted. A container that is Waiting
// (CrashLoopBackOff) has not come back, and nothing says when it will.
//
// Events carry Program "kubelet" (the node agent that reports container
// status), Host the pod name, Unit "pod/container" (the pod alone when the
// dump names no container), and a Text made of the fields as printed.
// Only containers that run a Kafka broker give events, as the journal
// reports only Kafka units: the container's name decides, else its image,
// else the pod's name (brokerRole); ZooKeeper, operators, exporters,
// proxies and other Kafka tools give none.
//
// Dumps as posted: several pods in one file (each `Name:` at the start of
// a line, or each `kubectl|oc|k describe po… NAME` command line, begins a
// pod); `| grep -C 3 OOMKilled` fragments without pod header; indentation
// lost in a paste (fields are told by name, not by column); the 2015
// layout with tabs; a termination message (`Message:`, which can hold the
// container's last log lines) is read past up to its `Exit Code:`.
//
// Times are RFC 1123 with a numeric zone, exact (a "UTC" or "GMT" zone is
// read too). A termination without a Finished time (a fragment cut short)
// is emitted undated, with a zero Time: the report lists it, and no time
// is invented. The Events table's ages are relative to when describe ran
// ("3m (x5 over 10m)"); its rows are read past, not put on the timeline.
// Lines before the first describe line (other output pasted above it) are
// counted as unparsed.
//
// Not read: `kubectl get pod -o yaml|json` (containerStatuses), describe
// output of other kinds (deployments, nodes).
package kubedescribe

import (
	"bytes"
	"context"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// Program is Event.Program of every event this package emits.
const Program = "kubelet"

// Layout is Stats.Layout.
const Layout = "pod"

// MaxLineLen bounds one line; longer ones are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// sniffLines is how many leading lines Sniff looks at.
const sniffLines = 64

// Parser reads kubectl describe pod output.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "kubectl-describe" }

// Sniff implements analyzer.Parser. It accepts an input when one of its
// first lines is a `kubectl|oc|k describe pod` command, when `Name:`,
// `Namespace:` and a pod's `Node:` or `Start Time:` begin lines before any
// other text, or when a container state line (`State:` or `Last State:`
// with Running, Waiting or Terminated) is followed by one of that state's
// fields. Logs, YAML (lower-case keys) and `kubectl get pods` tables have
// none of these.
func (*Parser) Sniff(head []byte) bool {
	var name, namespace, pod bool
	prevState := false
	for line := range lines.Leading(head, sniffLines) {
		trimmed := bytes.TrimLeft(line, " \t")
		key, value, ok := field(trimmed)
		if prevState && ok && isStateKey(key) {
			return true
		}
		prevState = ok && stateLine(key, value)
		if _, cmd := describeLine(line); cmd {
			return true
		}
		if !ok || len(trimmed) != len(line) {
			continue
		}
		switch string(key) {
		case "Name":
			name = true
		case "Namespace":
			namespace = name
		case "Node", "Start Time":
			pod = namespace
		}
		if pod {
			return true
		}
	}
	return false
}

// stateLine reports whether a field opens a container state.
func stateLine(key, value []byte) bool {
	if string(key) != "State" && string(key) != "Last State" {
		return false
	}
	switch string(value) {
	case "Running", "Waiting", "Terminated":
		return true
	}
	return false
}

// Parse implements analyzer.Parser.
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	st := analyzer.Stats{Layout: Layout}
	d := newDecoder(src, sink, &st)
	lr := lines.Reader{R: src.R, Max: MaxLineLen}
	err := lines.Feed(ctx, src.Path, MaxLineLen, lr.Next, d, &st)
	d.finish()
	return st, err
}
