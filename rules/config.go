package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// idleSetting is a client's connections.max.idle.ms as its config dump
// printed it, or the default when no dump did.
type idleSetting struct {
	Client string // client.id; "" when unknown
	Scope  string // "producer", "consumer", "admin", "librdkafka"
	Ms     int64
	// Source is where the value was printed; zero for a default.
	Source analyzer.Location
	// Old is set on a librdkafka default when the client's lines lack the
	// "(after N ms in state S)" suffix: a librdkafka far older than v1.9.0,
	// which added connections.max.idle.ms, so the setting does not exist.
	Old bool
}

// rdkafkaIdleSince is the first librdkafka with connections.max.idle.ms.
const rdkafkaIdleSince = "v1.9.0"

// Defaults of connections.max.idle.ms (Kafka docs; librdkafka's 0 disables
// its idle close).
const (
	javaClientIdleMs = 540000
	brokerIdleMs     = 600000
)

// describe renders "540000 ms (from ProducerConfig at client.log:12)" or
// "540000 ms (default)".
func (s idleSetting) describe() string {
	if s.Source.Path == "" {
		if s.Old {
			return "none: this librdkafka predates the setting (added in " + rdkafkaIdleSince + ")"
		}
		if s.Ms == 0 {
			return "0, librdkafka's default: disabled"
		}
		return fmt.Sprintf("%d, the default", s.Ms)
	}
	return fmt.Sprintf("%d, from the %s config at %s", s.Ms, s.Scope, loc(s.Source))
}

// who names the client for a remediation line.
func (s idleSetting) who() string {
	if s.Client != "" {
		return "client " + s.Client
	}
	if s.Scope != "" && s.Scope != "librdkafka" {
		return "the " + s.Scope
	}
	return "the clients"
}

// clientIdleSettings lists every client's connections.max.idle.ms; when no
// dump names it, one default entry for the kind of client the logs show.
func clientIdleSettings(inc *analyzer.Incident) []idleSetting {
	var out []idleSetting
	for _, c := range inc.Configs {
		if c.Key != "connections.max.idle.ms" || c.Scope == "broker" {
			continue
		}
		ms, err := strconv.ParseInt(c.Value, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, idleSetting{Client: c.Client, Scope: c.Scope, Ms: ms, Source: c.Source})
	}
	if len(out) > 0 {
		return out
	}
	for i := range inc.Events {
		switch inc.Events[i].Program {
		case "librdkafka":
			return []idleSetting{{Scope: "librdkafka", Client: inc.Events[i].Client, Old: oldRdkafka(inc)}}
		case "java-client":
			return []idleSetting{{Scope: "java client", Client: inc.Events[i].Client, Ms: javaClientIdleMs}}
		}
	}
	return []idleSetting{{Scope: "java client", Ms: javaClientIdleMs}}
}

// brokerIdleSetting is the brokers' connections.max.idle.ms from a
// KafkaConfig dump, or Kafka's default.
func brokerIdleSetting(inc *analyzer.Incident) int64 {
	for _, c := range inc.Configs {
		if c.Scope == "broker" && c.Key == "connections.max.idle.ms" {
			if ms, err := strconv.ParseInt(c.Value, 10, 64); err == nil {
				return ms
			}
		}
	}
	return brokerIdleMs
}

// oldRdkafka reports whether the librdkafka lines come from a version too
// old to print "(after N ms in state S)" on its connection failures (0.9
// era): there are such failure lines and none carries the suffix. Those
// versions lack connections.max.idle.ms.
func oldRdkafka(inc *analyzer.Incident) bool {
	failures := 0
	for _, e := range inc.EventsOf(analyzer.Disconnected, analyzer.ConnectionReset, analyzer.ConnectRefused, analyzer.ConnectTimeout) {
		if e.Program != "librdkafka" {
			continue
		}
		if e.State != "" {
			return false
		}
		failures++
	}
	return failures > 0
}

// configList splits a list value as config dumps print it: Java's
// "[a:9092, SASL_SSL://b:9093]" and librdkafka's "a:9092,b:9093" alike,
// each entry trimmed, empty ones dropped.
func configList(v string) []string {
	var out []string
	for part := range strings.SplitSeq(strings.Trim(v, "[] "), ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
