package rules

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// disconnectedUp is librdkafka's close of an established connection.
func disconnectedUp(sec float64, line int, ageMs int64) analyzer.Event {
	e := rdkafka(analyzer.Disconnected, sec, line,
		"%4|1773482750.120|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: Disconnected (after "+
			strconv.FormatInt(ageMs, 10)+"ms in state UP)")
	e.Node, e.Addr, e.State, e.AfterMs, e.Level = "1", ap(broker1), "UP", ageMs, "WARN"
	return e
}

func producerIdle(ms string) analyzer.Config {
	return analyzer.Config{Scope: "producer", Client: "producer-1", Key: "connections.max.idle.ms", Value: ms,
		Source: analyzer.Location{Path: "client.log", Line: 12}}
}

func TestIdleReset(t *testing.T) {
	resets := func(forged bool) []*flow.Flow {
		return []*flow.Flow{
			idleResetFlow(clientPcap, client1+":40112", broker1, 0, 351*time.Second, forged, 1),
			idleResetFlow(clientPcap, client1+":40114", broker1, 400, 356*time.Second, forged, 100),
			idleResetFlow(clientPcap, client1+":40116", broker1, 800, 362*time.Second, forged, 200),
			sfFlow(clientPcap, client1+":40118", broker1, 5, 300),
		}
	}
	withConfig := incident(nil, resets(true), node1)
	withConfig.Configs = []analyzer.Config{producerIdle("540000")}
	logs := []analyzer.Event{disconnectedUp(371, 10, 350120), disconnectedUp(771, 11, 350090), disconnectedUp(1171, 12, 350300),
		disconnectedUp(1300, 13, 12000)}
	gracefulFIN := sfFlow(clientPcap, client1+":40112", broker1, 0, 1)
	gracefulFIN.IdleBeforeEnd, gracefulFIN.MaxIdle = 360*time.Second, 360*time.Second
	secondFIN := sfFlow(clientPcap, client1+":40114", broker1, 400, 60)
	secondFIN.IdleBeforeEnd = 355 * time.Second
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"packets, forged RSTs, client config", withConfig, want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.7, ConfMax: 0.8, Missing: true,
			Contains: []string{"3 between 351 s and 362 s", "≈350 s", "AWS NLB", "forged by a device in the path (TTL 255",
				"Set connections.max.idle.ms=315000 on client producer-1 (now 540000, from the producer config at client.log:12)",
				"tcp.port==9092 && ip.addr==198.18.0.3 && tcp.flags.reset==1"}}},
		{"packets, genuine RSTs, no config: default", incident(nil, resets(false), node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true,
			Contains: []string{"540000, the default"}}},
		{"librdkafka ages only", incident(logs, nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.5, ConfMax: 0.6, Missing: true,
			Contains: []string{"3 × 350 s", "librdkafka never closes idle connections itself"}}},
		{"both", incident(logs, resets(true), node1), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.85, ConfMax: 0.9,
			Contains: []string{"disconnects (node 1, state UP) ×4"}}},
		{"packets begun after the connections were up", incident(nil, func() []*flow.Flow {
			fs := resets(true)
			for _, f := range fs[:3] {
				f.HandshakeDone, f.SYNs, f.SynAcks, f.SynTimes, f.SynFrame, f.SynAckFrame = false, 0, 0, nil, 0, 0
			}
			return fs
		}(), node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.8, Missing: true,
			Contains: []string{"3 between 351 s and 362 s"}}},
		{"one reset (a deploy) does not fire", incident(nil, resets(true)[:1], node1), want{N: 0}},
		{"graceful FIN closes after idle", incident(nil, []*flow.Flow{gracefulFIN, secondFIN}, node1), want{N: 0}},
		{"resets that do not cluster", incident(nil, []*flow.Flow{
			idleResetFlow(clientPcap, client1+":40112", broker1, 0, 40*time.Second, false, 1),
			idleResetFlow(clientPcap, client1+":40114", broker1, 400, 300*time.Second, false, 100)}, node1), want{N: 0}},
		{"two resets at one instant (a deploy)", incident(nil, func() []*flow.Flow {
			a := idleResetFlow(clientPcap, client1+":40112", broker1, 0, 100*time.Second, false, 1)
			b := idleResetFlow(clientPcap, client1+":40114", broker1, 1, 99*time.Second, false, 100)
			return []*flow.Flow{a, b}
		}(), node1), want{N: 0}},
		{"ages at the broker's own idle close (600 s): an info note", incident([]analyzer.Event{disconnectedUp(700, 10, 600120), disconnectedUp(1400, 11, 600090),
			disconnectedUp(2100, 12, 600300)}, nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.3,
			Contains: []string{"broker's own connections.max.idle.ms (600 s", "not a device in the path", "Nothing to fix"}}},
		{"two librdkafka ages are not enough", incident(logs[:2], nil, node1), want{N: 0}},
		{"resets inside a restart window are the restart's", restartIncidentWithIdle(), want{N: 0}},
		// A firewall with a 6 s conntrack timeout (the lab's timing_fast
		// variant): ~10 s gaps, every RST forged. Regression: minIdleGap
		// (20 s) hid them all.
		{"short idle, forged RSTs", incident(nil, shortIdleResets(true), node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.8, Missing: true,
			Contains: []string{"forged by a device in the path"}}},
		{"short idle, forged RSTs and the disconnects they caused", incident(shortIdleAges(), shortIdleResets(true), node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.85, ConfMax: 0.9}},
		{"short idle, the broker's own RSTs do not fire", incident(nil, shortIdleResets(false), node1), want{N: 0}},
		{"short disconnect ages alone do not fire", incident(shortIdleAges(), nil, node1), want{N: 0}},
		{"short disconnect ages with the broker's own RSTs do not fire", incident(shortIdleAges(), shortIdleResets(false), node1), want{N: 0}},
		{"forged RSTs after under 5 s do not fire", incident(nil, func() []*flow.Flow {
			fs := shortIdleResets(true)
			for _, f := range fs {
				f.IdleBeforeEnd, f.MaxIdle = 4*time.Second, 4*time.Second
			}
			return fs
		}(), node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, IdleReset{}, tc.inc, tc.want) })
	}
}

// shortIdleResets are three connections reset after ~10 s of silence,
// 10 s apart, by a forged (or, with forged false, the broker's own) RST.
func shortIdleResets(forged bool) []*flow.Flow {
	return []*flow.Flow{
		idleResetFlow(clientPcap, client1+":40112", broker1, 0, 9860*time.Millisecond, forged, 1),
		idleResetFlow(clientPcap, client1+":40114", broker1, 30, 9855*time.Millisecond, forged, 100),
		idleResetFlow(clientPcap, client1+":40116", broker1, 60, 9856*time.Millisecond, forged, 200),
	}
}

// shortIdleAges are librdkafka's disconnects of shortIdleResets' connections.
func shortIdleAges() []analyzer.Event {
	return []analyzer.Event{disconnectedUp(30.1, 10, 10004), disconnectedUp(60.1, 11, 10105), disconnectedUp(90.1, 12, 10106)}
}

// restartIncidentWithIdle is a logged restart during which two idle
// connections were reset by the dying broker.
func restartIncidentWithIdle() *analyzer.Incident {
	inc := restartIncident(true, true, false)
	a := idleResetFlow(clientPcap, client1+":40500", broker1, 0, 80*time.Second, false, 1)
	b := idleResetFlow(clientPcap, client1+":40502", broker1, 0.5, 80*time.Second, false, 50)
	a.End, b.End = at(100.3), at(100.4)
	inc.Flows = []*flow.Flow{a, b}
	return inc
}

func TestDeviceTimeout(t *testing.T) {
	tests := []struct {
		gaps   []time.Duration
		want   time.Duration
		device string
		safe   int64
	}{
		{[]time.Duration{351e9, 356e9, 362e9}, 350 * time.Second, "AWS NLB / NAT gateway / Gateway LB", 315000},
		{[]time.Duration{241e9, 244e9}, 240 * time.Second, "Azure Load Balancer / Azure NAT (4 min)", 215000},
		{[]time.Duration{120e9, 121e9, 125e9}, 120 * time.Second, "", 105000},
		{[]time.Duration{601e9, 603e9}, 600 * time.Second, "GCP VPC firewall / Cloud NAT (10 min)", 540000},
	}
	for _, tc := range tests {
		c := largestCluster(tc.gaps)
		got, device := deviceTimeout(c)
		if got != tc.want || device != tc.device || safeIdleMs(got) != tc.safe {
			t.Errorf("gaps %v: got %v %q %d, want %v %q %d", tc.gaps, got, device, safeIdleMs(got), tc.want, tc.device, tc.safe)
		}
	}
}

// oldDisconnect is a 0.9-era librdkafka "Receive failed: Disconnected":
// no "(after N ms in state S)" suffix, so no State and no age.
func oldDisconnect(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.Disconnected, sec, line, fmt.Sprintf(
		"%%3|%d.%03d|FAIL|rdkafka#producer-1| 198.18.0.3:9092/bootstrap: Receive failed: Disconnected", at(sec).Unix(), at(sec).Nanosecond()/1e6))
	e.Addr = ap(broker1)
	return e
}

// TestIdleFixForOldRdkafka: a librdkafka that prints no "(after …)" suffix
// predates connections.max.idle.ms; the fix must not name a setting it
// lacks as the thing to set, and must offer keepalive and an upgrade.
func TestIdleFixForOldRdkafka(t *testing.T) {
	var old []analyzer.Event
	for i := range 5 {
		old = append(old, oldDisconnect(300.4*float64(i+1), 10+i))
	}
	newer := []analyzer.Event{disconnectedUp(371, 10, 350120), disconnectedUp(771, 11, 350090), disconnectedUp(1171, 12, 350300)}
	tests := []struct {
		name      string
		inc       *analyzer.Incident
		firstFix  string
		forbidden string
	}{
		{"0.9-era lines", incident(old, nil, node1),
			"On client rdkafka#producer-1 set socket.keepalive.enable=true and, on its host, net.ipv4.tcp_keepalive_time below the device's ≈300 s: " +
				"this librdkafka predates connections.max.idle.ms (added in v1.9.0); upgrading it and setting connections.max.idle.ms=270000 is the lasting fix.",
			"Set connections.max.idle.ms"},
		{"lines with the suffix", incident(newer, nil, node1),
			"Set connections.max.idle.ms=315000 on client rdkafka#producer-1 (now 0, librdkafka's default: disabled): below the device's ≈350 s.",
			"predates"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := (IdleReset{}).Evaluate(tc.inc)
			if len(got) != 1 {
				t.Fatalf("%d findings, want 1", len(got))
			}
			if diff := cmp.Diff(tc.firstFix, got[0].Remediation[0]); diff != "" {
				t.Errorf("first fix (-want +got):\n%s", diff)
			}
			if s := got[0].Summary + strings.Join(got[0].Remediation, " "); strings.Contains(s, tc.forbidden) {
				t.Errorf("finding says %q: %s", tc.forbidden, s)
			}
		})
	}
}

// TestIdleResetProvenByTheOtherCapture: a firewall whose RSTs copy the
// broker's TTL, between hosts that send no timestamps, leaves no
// fingerprint; a capture on the broker's side that saw neither the RST nor
// the client's request it answered still proves the RST was made in the
// path (the lab's idle_reset_firewall under LAB_TTL=65 LAB_TCPTS=0).
func TestIdleResetProvenByTheOtherCapture(t *testing.T) {
	// later is a connection both captures saw after the last RST: the
	// broker's capture was still running.
	later := func(capture string) *flow.Flow { return sfFlow(capture, client1+":40200", broker1, 100, 900) }
	tests := []struct {
		name  string
		flows func() []*flow.Flow
		want  want
	}{
		{"neither the RST nor the request reached the broker's capture", func() []*flow.Flow {
			return append(twoSided(func(b *flow.Flow) {}), later(clientPcap), later(brokerPcap))
		}, want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.8, Missing: true,
			Contains: []string{"made in the path (broker-side.pcap, still running, saw neither the RST nor the client's last 100 bytes)"}}},
		{"the broker's capture saw its own RST", func() []*flow.Flow {
			return append(twoSided(func(b *flow.Flow) { b.RSTBy, b.OrigBytes = "resp", 2400 }), later(clientPcap), later(brokerPcap))
		}, want{N: 0}},
		{"the broker's capture saw the request", func() []*flow.Flow {
			return append(twoSided(func(b *flow.Flow) { b.OrigBytes = 2400 }), later(clientPcap), later(brokerPcap))
		}, want{N: 0}},
		{"the broker's capture stopped before the first RST", func() []*flow.Flow {
			fs := twoSided(func(b *flow.Flow) {})
			return append(fs[:2:2], fs[2], fs[4]) // the broker's side of the first connection only
		}, want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRule(t, IdleReset{}, incident(nil, tc.flows(), node1), tc.want)
		})
	}
}

// twoSided is shortIdleResets' three connections (~10 s idle, RSTs with
// the broker's own fingerprint) seen at the client, and the same
// connections seen at the broker, edited by edit: by default without the
// RST or the client's last 100 bytes, their captures ending at the idle gap.
func twoSided(edit func(*flow.Flow)) []*flow.Flow {
	var out []*flow.Flow
	for _, c := range shortIdleResets(false) {
		b := *c
		b.Capture, b.UID = brokerPcap, c.UID+"b"
		b.RSTBy, b.RST, b.State, b.History = "", nil, "S1", "ShADad"
		b.OrigBytes, b.End = c.OrigBytes-100, c.End.Add(-c.IdleBeforeEnd)
		edit(&b)
		out = append(out, c, &b)
	}
	return out
}

// TestPathResetsNeedsTheOtherCaptureRunning: silence proves nothing from
// a capture that had stopped; that it ran is read from its clock (with a
// margin for two hosts' clocks) or, clock-free, from a later connection
// both captures saw.
func TestPathResetsNeedsTheOtherCaptureRunning(t *testing.T) {
	tests := []struct {
		name string
		// end is how long after the RST the broker's capture's last
		// packet came; shared, whether a connection both saw started
		// after the RST.
		end    time.Duration
		shared bool
		want   bool
	}{
		{"clock past the margin", 3 * time.Second, false, true},
		{"clock within the margin", time.Second, false, false},
		{"clock within the margin, a later connection both saw", time.Second, true, true},
		{"stopped before the RST", -5 * time.Second, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := twoSided(func(*flow.Flow) {})[:2]
			c, b := fs[0], fs[1]
			b.End = c.RST.Time.Add(tc.end)
			if tc.shared {
				fs = append(fs, sfFlow(clientPcap, client1+":40200", broker1, 0, 900), sfFlow(brokerPcap, client1+":40200", broker1, 0, 900))
				fs[2].Start = c.RST.Time.Add(time.Second)
				fs[3].End = b.End // no later in the broker's clock
			}
			got := pathResets(incident(nil, fs, node1))[c] == b
			if got != tc.want {
				t.Errorf("proven = %v, want %v", got, tc.want)
			}
		})
	}
}
