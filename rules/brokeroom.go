package rules

import (
	"fmt"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// BrokerOOMKill diagnoses a broker JVM killed by the kernel's OOM killer: on
// the wire it looks like any restart, so only the journal (and a broker log
// with no shutdown sequence) tells.
type BrokerOOMKill struct{}

var brokerOOMKillMeta = analyzer.RuleMeta{
	ID:       "broker-oom-kill",
	Cause:    analyzer.BrokerOOMKill,
	Title:    "The broker was killed by the OOM killer",
	Severity: analyzer.Critical,
	LooksFor: "Kernel \"Out of memory: Killed process N (java)\" / \"Memory cgroup out of memory\", systemd \"A process of this unit has been killed by the OOM killer\", " +
		"\"Main process exited, code=killed, status=9/KILL\", \"Failed with result 'oom-kill'\"; a broker log that stops with no shutdown lines; " +
		"a broker container whose pod status (kubectl describe pod) says Reason: OOMKilled.",
	Needs:  "The journal (kernel and systemd lines) of the broker host, or the broker pod's status.",
	Avoids: "A plain kill -9 or stop timeout (broker-restart, killed) without OOM lines.",
	Fix: []string{
		"Size the broker's heap (KAFKA_HEAP_OPTS) and the host/cgroup memory so heap + page cache headroom + off-heap fit; check MemoryMax= on the unit.",
	},
}

func (BrokerOOMKill) Meta() analyzer.RuleMeta { return brokerOOMKillMeta }

func (BrokerOOMKill) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	clock := clockOffsetOf(inc)
	var out []analyzer.Finding
	for _, o := range brokerOutages(inc, clock) {
		if !o.OOM {
			continue
		}
		f := outageFinding(inc, brokerOOMKillMeta, o, clock)
		if pod := podOOMVictim(o); pod != "" {
			f.Remediation = append([]string{fmt.Sprintf(
				"Compare the memory limit of %s's broker container (`kubectl get pod %s -o jsonpath='{.spec.containers[*].resources.limits.memory}'`) "+
					"with the broker heap (-Xmx in KAFKA_HEAP_OPTS) plus its off-heap memory: the kernel kills the container when the sum reaches the limit.",
				pod, pod)}, f.Remediation...)
		} else if pid, unit := oomVictim(o); pid != 0 && unit != "" {
			f.Remediation = append([]string{fmt.Sprintf(
				"Compare the memory limit of %s (`systemctl show %s -p MemoryMax`; the OOM victim was PID %d) with the broker heap (-Xmx in KAFKA_HEAP_OPTS).",
				unit, unit, pid)}, f.Remediation...)
		}
		out = append(out, f)
	}
	return out
}

// oomVictim returns the killed PID and the unit it ran in, from the OOM
// lines of an outage.
func oomVictim(o *outage) (int, string) {
	pid, unit := 0, ""
	for _, e := range o.Signs {
		if e.Kind == analyzer.OOMKill && e.PID != 0 && pid == 0 {
			pid = e.PID
		}
		// A unit name ("kafka.service") beats a job line's description
		// ("Apache Kafka"), which systemctl does not accept.
		if e.Unit != "" && (unit == "" || !unitName(unit) && unitName(e.Unit)) {
			unit = e.Unit
		}
	}
	if !unitName(unit) {
		unit = "<kafka unit>"
	}
	return pid, unit
}

// unitName reports whether s is a systemd unit name rather than a
// description: one word with a unit suffix.
func unitName(s string) bool {
	return !strings.Contains(s, " ") && (strings.HasSuffix(s, ".service") || strings.HasSuffix(s, ".scope"))
}

// podOOMVictim is the pod whose broker container the pod status says was
// OOMKilled, "" when no pod status named one.
func podOOMVictim(o *outage) string {
	for _, e := range o.Signs {
		// The unit is "pod/container" (or the pod alone) when the dump
		// named the pod; else Host is only where the file was found.
		if e.Kind == analyzer.OOMKill && e.Program == "kubelet" && e.Host != "" && (e.Unit == e.Host || strings.HasPrefix(e.Unit, e.Host+"/")) {
			return e.Host
		}
	}
	return ""
}
