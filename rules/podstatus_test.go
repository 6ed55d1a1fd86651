package rules

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// podLine is a kubectl describe pod state of the broker container of
// kafka-1 (parsers/kubedescribe).
func podLine(kind analyzer.EventKind, sec float64, line int, text string) analyzer.Event {
	return analyzer.Event{Kind: kind, Time: at(sec), Source: analyzer.Location{Path: "describe-kafka-1.txt", Line: line},
		Program: "kubelet", Host: "kafka-1", Unit: "kafka-1/broker", Text: text}
}

// TestPodStatusOutages: a broker container's terminations and restarts as
// the pod status shows them are outages of their own kind of evidence,
// worded for a container, and remediated with Kubernetes' tools.
func TestPodStatusOutages(t *testing.T) {
	term := func(kind analyzer.EventKind, signal, reason, text string) analyzer.Event {
		e := podLine(kind, 100, 24, text)
		e.Signal, e.Reason = signal, reason
		return e
	}
	start := podLine(analyzer.ServiceStarted, 102, 19, "kafka-1/broker (bitnami/kafka:3.7.0) State: Running, Started: Sat, 14 Mar 2026 10:01:42 +0000")
	oom := term(analyzer.OOMKill, "KILL", "OOMKilled", "kafka-1/broker (bitnami/kafka:3.7.0) Last State: Terminated, Reason: OOMKilled, Exit Code: 137")
	kill := term(analyzer.ProcessKilled, "KILL", "exit code 137", "kafka-1/broker (bitnami/kafka:3.7.0) Last State: Terminated, Reason: Error, Exit Code: 137")
	stop := term(analyzer.ProcessKilled, "TERM", "exit code 143", "kafka-1/broker (bitnami/kafka:3.7.0) Last State: Terminated, Reason: Error, Exit Code: 143")
	// The container's name says nothing of Kafka: the parser vouches.
	plain := oom
	plain.Unit, plain.Text = "broker-0/server", "broker-0/server (confluentinc/cp-server:7.6.0) Last State: Terminated, Reason: OOMKilled"

	t.Run("oom", func(t *testing.T) {
		checkRule(t, BrokerOOMKill{}, incident([]analyzer.Event{oom, start}, nil, node1), want{N: 1, Kinds: []string{"pod-status"}, ConfMin: 0.7, ConfMax: 0.8,
			Contains: []string{"container at its memory limit", "as the pod status shows", "kubectl get pod kafka-1 -o jsonpath"}})
	})
	t.Run("oom of a container named without kafka", func(t *testing.T) {
		checkRule(t, BrokerOOMKill{}, incident([]analyzer.Event{plain}, nil, node1), want{N: 1, Kinds: []string{"pod-status"}, ConfMin: 0.7, ConfMax: 0.8})
	})
	t.Run("sigkill", func(t *testing.T) {
		checkRule(t, BrokerRestart{}, incident([]analyzer.Event{kill, start}, nil, node1), want{N: 1, Kinds: []string{"pod-status"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true,
			Contains: []string{"killed with SIGKILL (exit code 137, not OOMKilled)", "kubectl get events --field-selector involvedObject.name=kafka-1"}})
	})
	t.Run("sigterm", func(t *testing.T) {
		checkRule(t, BrokerRestart{}, incident([]analyzer.Event{stop, start}, nil, node1), want{N: 1, Kinds: []string{"pod-status"}, ConfMin: 0.35, ConfMax: 0.45, Missing: true,
			Contains: []string{"container ended and was started again, as the pod status shows", "kubectl logs --previous"}})
	})
}
