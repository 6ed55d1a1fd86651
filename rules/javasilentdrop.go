package rules

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// The Java client's side of the silent idle drop. At INFO (3.1+) it logs
// "Disconnecting from node N due to request timeout." when a request got
// no answer within request.timeout.ms; it never logs a connection's age or
// that the connection sat idle before. What INFO can show is the spacing:
// a few such disconnects, each alone, minutes apart — far longer than the
// request timeout — with nothing else wrong, is what a device that forgets
// idle flows leaves (one lost request each time a quiet connection next
// speaks). An overloaded broker times out many requests close together,
// and answers some with REQUEST_TIMED_OUT itself: that stays
// broker-overload. The reading is weak, so its confidence is low.
const (
	// javaRequestTimeout is request.timeout.ms's default (30 s; consumers
	// before 2.0 used 305 s, but those log the disconnect only at DEBUG).
	javaRequestTimeout = 30 * time.Second
	// dropSpacingFactor: episodes must be this many request timeouts
	// apart, and at least minJavaDropSpacing, to be separate idle drops
	// rather than one slow stretch.
	dropSpacingFactor  = 4
	minJavaDropSpacing = 2 * time.Minute
	// javaDropConfidence is low: the idle period itself is not in the log.
	javaDropConfidence = 0.35
)

// javaSilentDrops returns the Java request-timeout disconnects that fit
// the silent idle drop, or nil: at least minSilentDrops, every one spaced
// far beyond request.timeout.ms from the one before, none inside a broker
// outage, and no sign of a slow broker (its own REQUEST_TIMED_OUT
// answers, connection-quota rejections).
func javaSilentDrops(inc *analyzer.Incident, outs []*outage) []*analyzer.Event {
	if len(inc.EventsOf(analyzer.ConnectionQuota)) > 0 {
		return nil
	}
	spacing := max(dropSpacingFactor*javaRequestTimeoutOf(inc), minJavaDropSpacing)
	var drops []*analyzer.Event
	for _, e := range inc.EventsOf(analyzer.RequestTimeout) {
		if e.Program != "java-client" {
			continue
		}
		if e.Reason == "REQUEST_TIMED_OUT" {
			return nil // the broker answered "timed out": it is slow, the path works
		}
		if e.Reason != "request timeout" || inOutage(outs, e.Time, eventTarget(inc, e)) {
			continue
		}
		if k := len(drops); k > 0 && e.Time.Sub(drops[k-1].Time) < spacing {
			return nil // timeouts close together: a slow broker or path, not idle drops
		}
		drops = append(drops, e)
	}
	if len(drops) < minSilentDrops {
		return nil
	}
	return drops
}

// javaRequestTimeoutOf is the smallest request.timeout.ms a Java client's
// config dump printed, or the default.
func javaRequestTimeoutOf(inc *analyzer.Incident) time.Duration {
	d := time.Duration(0)
	for _, c := range inc.Configs {
		if c.Key != "request.timeout.ms" || c.Scope == "broker" || c.Scope == "librdkafka" {
			continue
		}
		if ms, err := strconv.ParseInt(c.Value, 10, 64); err == nil && ms > 0 {
			if v := time.Duration(ms) * time.Millisecond; d == 0 || v < d {
				d = v
			}
		}
	}
	if d == 0 {
		return javaRequestTimeout
	}
	return d
}

// javaSilentDropFinding is the low-confidence finding for the Java
// pattern; it says plainly what the log cannot show.
func javaSilentDropFinding(inc *analyzer.Incident, drops []*analyzer.Event) analyzer.Finding {
	kinds := kindSet{}
	for _, e := range drops {
		kinds.addEvent(e)
	}
	f := analyzer.NewFinding(idleResetMeta, javaDropConfidence)
	f.Kinds = kinds.list()
	for _, e := range drops {
		f.AddEvidence(analyzer.EventEvidence(e))
	}
	f.Subjects = ageSubjects(inc, drops)
	shortest := drops[1].Time.Sub(drops[0].Time)
	for i := 2; i < len(drops); i++ {
		shortest = min(shortest, drops[i].Time.Sub(drops[i-1].Time))
	}
	f.Summary = fmt.Sprintf("%d times the Java client closed a connection because a request got no answer within request.timeout.ms (%s), "+
		"each time alone and at least %s after the one before, over %s, with nothing else wrong: "+
		"the pattern of a device in the path (load balancer, NAT, firewall) that forgets idle connections and silently drops their next packets. "+
		"The client's INFO log shows neither the connection's idle period nor its age, so this is a likely reading, not a proof.",
		len(drops), seconds(javaRequestTimeoutOf(inc)), span(shortest), span(drops[len(drops)-1].Time.Sub(drops[0].Time)))
	if azureHost(drops) {
		f.Summary += " The broker is an Azure service: its load balancer drops flows idle for 4 minutes."
	}
	f.Missing = "a capture at the client would show the idle gap before each lost request and that no answer (not even a RST) came back; " +
		"DEBUG logging of org.apache.kafka.clients.NetworkClient would show when each connection last carried a request"
	settings := clientIdleSettings(inc)
	f.Remediation = []string{
		fmt.Sprintf("Set connections.max.idle.ms on %s (now %s) below the idle timeout of the device between client and broker "+
			"(AWS NLB 350 s, Azure 240 s; read it from the device's config).", settings[0].who(), settings[0].describe()),
		"Or lower net.ipv4.tcp_keepalive_time on the client host below that timeout: the Java client enables SO_KEEPALIVE on its sockets, so kernel keepalives keep the flow alive in the device.",
	}
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.RequestTimeout, analyzer.BatchExpired, analyzer.NodeDisconnected}})
	return f
}
