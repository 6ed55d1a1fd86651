package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// The advertised-listener rule's second signature: brokers that do not all
// define the listener a client comes in on. Metadata names a partition's
// leader, but the leader registered no endpoint under that listener name,
// so the broker answers LISTENER_NOT_FOUND and the Java client warns "N
// partitions have leader brokers without a matching listener". The
// address clients need is missing from some brokers' listeners and
// advertised.listeners: the same cause as an unreachable advertised
// address, seen from a client that did reach a broker.

// listenerTitle and listenerFix replace the rule's generic title and fix,
// which are about an unreachable address.
const listenerTitle = "Partition leaders lack the listener this client connects through"

var listenerFix = []string{
	"Give every broker the same listener names in listeners and advertised.listeners (and listener.security.protocol.map); " +
		"the listener clients bootstrap through must exist on all brokers that lead partitions.",
	"After adding or renaming a listener in a rolling change, finish the roll: until every broker has it, clients on the " +
		"new listener cannot reach the partitions the others lead.",
}

// Thresholds for a lasting mismatch rather than a restart's blip.
const (
	// listenerGrace is how long after a broker's last stop, start or
	// unreachable moment the warning may go on and still be that
	// broker's: a fenced KRaft leader is replaced, or comes back, within
	// seconds to a minute.
	listenerGrace = time.Minute
	// listenerSpan is how long the warnings after the grace must go on:
	// a mismatch lasts until the config changes.
	listenerSpan = time.Minute
	// listenerUndated is the fewest undated warnings, still repeating
	// where the log ends, that stand for a lasting mismatch.
	listenerUndated = 10
	// listenerMin is the fewest warnings that count: a client with a
	// missing listener refreshes metadata and warns again every few
	// hundred milliseconds to seconds.
	listenerMin = 3
)

// listenerMismatch returns the finding for lasting LISTENER_NOT_FOUND
// warnings, none when they are too few, too short or a restart's.
func listenerMismatch(inc *analyzer.Incident) []analyzer.Finding {
	warns := inc.EventsOf(analyzer.ListenerNotFound)
	if len(warns) < listenerMin {
		return nil
	}
	lasting := lastingWarnings(inc, warns)
	if len(lasting) < listenerMin {
		return nil
	}
	last := lasting[len(lasting)-1]
	switch dated := !lasting[0].Time.IsZero() && !last.Time.IsZero(); {
	case dated && last.Time.Sub(lasting[0].Time) < listenerSpan:
		// Seconds of warnings, even where the log ends, are what a
		// client prints while a leader's broker is down and not yet
		// replaced (kafka-lag-exporter#194: one broker down).
		return nil
	case !dated && (len(lasting) < listenerUndated || !endsItsInput(inc, last)):
		return nil
	}
	return []analyzer.Finding{listenerFinding(inc, warns, lasting)}
}

// lastingWarnings returns the warnings later than listenerGrace after the
// last sign that a broker was down or unreachable: a broker's lifecycle
// line, a journal stop or start of the Kafka unit, or a client's failed
// connect. With no such sign every warning counts; undated warnings count
// only when there is none.
func lastingWarnings(inc *analyzer.Incident, warns []*analyzer.Event) []*analyzer.Event {
	var trouble time.Time
	last := warns[len(warns)-1].Time
	for i := range inc.Events {
		e := &inc.Events[i]
		if e.Time.IsZero() || e.Time.After(last) || !brokerTrouble(e) {
			continue
		}
		if e.Time.After(trouble) {
			trouble = e.Time
		}
	}
	if trouble.IsZero() {
		return warns
	}
	var out []*analyzer.Event
	for _, w := range warns {
		if !w.Time.IsZero() && w.Time.Sub(trouble) > listenerGrace {
			out = append(out, w)
		}
	}
	return out
}

// brokerTrouble reports an event that says a broker was stopping,
// starting or out of reach: the warning then has another explanation.
func brokerTrouble(e *analyzer.Event) bool {
	switch e.Kind {
	case analyzer.BrokerStarting, analyzer.ServiceStarting:
		return e.Kind == analyzer.BrokerStarting || isKafkaUnit(e)
	case analyzer.ConnectFailed, analyzer.ConnectRefused, analyzer.ConnectTimeout, analyzer.ConnectNoRoute,
		analyzer.ResolveFailed, analyzer.JVMOutOfMemory:
		return true
	}
	return downSign(e) || upSign(e)
}

func listenerFinding(inc *analyzer.Incident, warns, lasting []*analyzer.Event) analyzer.Finding {
	kinds := kindSet{}
	for _, w := range lasting {
		kinds.addEvent(w)
	}
	brokers := brokerListeners(inc)
	gaps := listenerGaps(brokers)
	base := 0.6
	switch {
	case len(gaps) > 0:
		base = 0.8
		kinds["broker-log"] = true
	case len(brokers) > 1:
		// The dumps show every broker with the same names: a leader
		// that stayed fenced, or a listener added at runtime, is as
		// likely.
		base = 0.45
	}
	f := analyzer.NewFinding(advertisedMeta, agreeing(base, len(kinds)))
	f.Title, f.Remediation = listenerTitle, append([]string(nil), listenerFix...)
	f.Kinds = kinds.list()
	for _, w := range lasting {
		f.AddEvidence(analyzer.EventEvidence(w))
	}
	for _, id := range sortedKeys(brokers) {
		b := brokers[id]
		if b.Source.Path != "" {
			f.AddEvidence(analyzer.Evidence{Location: b.Source,
				Text: fmt.Sprintf("broker %s config: %s = %s", id, b.Key, b.Value)})
		}
	}
	first, last := lasting[0], lasting[len(lasting)-1]
	client := clientOf(lasting)
	f.Subjects = []analyzer.Subject{{Client: client}}
	who := "the client"
	if client != "" {
		who = "client " + client
	}
	most := 0
	for _, w := range lasting {
		most = max(most, w.Count)
	}
	f.Summary = fmt.Sprintf("%s warned %d times that up to %s (first %s) have a leader without a matching listener "+
		"(LISTENER_NOT_FOUND)%s: the leader broker defines no listener of the name this client connected through, "+
		"so those partitions have no leader it can use.",
		who, len(lasting), plural(most, "partition"), first.TopicPartition, spanText(first, last))
	if len(lasting) < len(warns) {
		f.Summary += fmt.Sprintf(" (%d earlier warnings fell within %s of a broker stopping, starting or being unreachable and are not counted.)",
			len(warns)-len(lasting), seconds(listenerGrace))
	}
	switch {
	case len(gaps) > 0:
		f.Summary += " The broker configs differ: " + strings.Join(gaps, "; ") + "."
		f.Remediation = append([]string{"Add the missing listener names: " + strings.Join(gaps, "; ") +
			" (listeners and advertised.listeners, then restart that broker)."}, f.Remediation...)
	case len(brokers) > 1:
		f.Summary += " The broker config dumps show the same listener names on every broker, so a leader that stayed fenced " +
			"or a listener changed at runtime is as likely."
	default:
		f.Missing = "the brokers' KafkaConfig dumps (listeners, advertised.listeners) would name the broker that lacks the listener"
	}
	f.Remediation = append([]string{
		"On every broker compare the listener names: grep -E '^(advertised\\.)?listeners' server.properties, or " +
			"kafka-configs --bootstrap-server HOST:PORT --entity-type brokers --entity-name ID --describe --all | grep listeners; " +
			"the leader of " + first.TopicPartition + " (kafka-topics --describe) is one that lacks the name.",
	}, f.Remediation...)
	f.Explains = explain(inc, symptomScope{From: first.Time, To: last.Time.Add(listenerGrace)})
	return f
}

// spanText says how long the warnings went on: " over 4 min", or "".
func spanText(first, last *analyzer.Event) string {
	if first.Time.IsZero() || last.Time.IsZero() || !last.Time.After(first.Time) {
		return ""
	}
	return " over " + seconds(last.Time.Sub(first.Time))
}

// brokerListenerConfig is one broker's listeners setting.
type brokerListenerConfig struct {
	analyzer.Config
	Names []string // listener names, upper-case, sorted
}

// brokerListeners reads each broker's listener names from its KafkaConfig
// dump (advertised.listeners when set, else listeners), leaving out
// controller-only nodes and controller listeners: clients never use them.
func brokerListeners(inc *analyzer.Incident) map[string]brokerListenerConfig {
	controllerOnly := map[string]bool{}
	controllerNames := map[string]bool{}
	for _, c := range inc.Configs {
		if c.Scope != "broker" {
			continue
		}
		switch c.Key {
		case "process.roles":
			controllerOnly[c.Client] = strings.TrimSpace(c.Value) == "controller"
		case "controller.listener.names":
			for n := range strings.SplitSeq(c.Value, ",") {
				controllerNames[strings.ToUpper(strings.TrimSpace(n))] = true
			}
		}
	}
	out := map[string]brokerListenerConfig{}
	for _, c := range inc.Configs {
		if c.Scope != "broker" || c.Client == "" || controllerOnly[c.Client] ||
			(c.Key != "listeners" && c.Key != "advertised.listeners") {
			continue
		}
		if c.Key == "listeners" {
			if _, ok := out[c.Client]; ok {
				continue // advertised.listeners, when set, wins
			}
		}
		names := listenerNames(c.Value, controllerNames)
		if len(names) == 0 {
			continue
		}
		out[c.Client] = brokerListenerConfig{Config: c, Names: names}
	}
	return out
}

// listenerNames reads "INTERNAL://:9092,EXTERNAL://h:9094" (brackets and
// "null" as dumps print them) into sorted upper-case names.
func listenerNames(v string, skip map[string]bool) []string {
	var names []string
	for _, part := range configList(v) {
		name, _, ok := strings.Cut(part, "://")
		name = strings.ToUpper(name)
		if !ok || name == "" || skip[name] || slices.Contains(names, name) {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// listenerGaps names, per broker, the listener names other brokers define
// and it does not: "broker 2 lacks EXTERNAL (broker 1 has it)".
func listenerGaps(brokers map[string]brokerListenerConfig) []string {
	if len(brokers) < 2 {
		return nil
	}
	all := map[string]string{} // name → first broker that has it
	for _, id := range sortedKeys(brokers) {
		for _, n := range brokers[id].Names {
			if _, ok := all[n]; !ok {
				all[n] = id
			}
		}
	}
	var gaps []string
	for _, id := range sortedKeys(brokers) {
		var lacks []string
		for _, n := range sortedKeys(all) {
			if !slices.Contains(brokers[id].Names, n) {
				lacks = append(lacks, fmt.Sprintf("%s (broker %s has it)", n, all[n]))
			}
		}
		if len(lacks) > 0 {
			gaps = append(gaps, fmt.Sprintf("broker %s lacks %s", id, strings.Join(lacks, ", ")))
		}
	}
	return gaps
}
