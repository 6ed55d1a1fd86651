package report

import (
	"sort"
	"strconv"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// IdleGaps is what the HTML report's idle-gap histogram draws for an
// idle-timeout-reset finding: the silences before the resets, the device
// timeout the rule inferred and what the clients themselves are set to.
type IdleGaps struct {
	// Gaps are the silences before each reset, shortest first: from the
	// captures the finding cites (one per connection), else the ages of
	// the connections the client log saw dropped.
	Gaps []time.Duration
	// FromLog is set when Gaps are connection ages from the client log.
	FromLog bool
	// Device is the inferred device timeout; 0 when the rule gave none.
	Device time.Duration
	// Clients are the clients' connections.max.idle.ms settings.
	Clients []ClientIdle
}

// ClientIdle is one client's connections.max.idle.ms.
type ClientIdle struct {
	Client string
	// Ms is the setting; 0 means the client never closes idle connections
	// (librdkafka's default).
	Ms int64
	// Source is where the value was printed ("client.log:12"); "" for a
	// default.
	Source string
}

// Defaults of connections.max.idle.ms for clients whose config dump the
// inputs lack (Kafka documentation; librdkafka's 0 disables it).
const javaClientIdleMs = 540000

func buildIdleGaps(inc *analyzer.Incident, f *Finding, device time.Duration) *IdleGaps {
	g := &IdleGaps{Device: device, Clients: clientIdles(inc)}
	sources := map[string]bool{}
	for _, e := range f.Evidence {
		sources[e.Source] = true
	}
	seen := map[connKey]bool{}
	for _, fl := range inc.Flows {
		if !sources[fl.Capture] || fl.RST == nil || !fl.HandshakeDone || fl.IdleBeforeEnd <= 0 {
			continue
		}
		k := connKey{fl.Orig, fl.Resp, fl.OrigISN}
		if seen[k] {
			continue
		}
		seen[k] = true
		g.Gaps = append(g.Gaps, fl.IdleBeforeEnd)
	}
	if len(g.Gaps) == 0 {
		g.FromLog = true
		for _, e := range inc.EventsOf(analyzer.Disconnected, analyzer.ConnectionReset) {
			if sources[e.Source.Path] && e.State == "UP" && e.AfterMs > 0 {
				g.Gaps = append(g.Gaps, time.Duration(e.AfterMs)*time.Millisecond)
			}
		}
	}
	sort.Slice(g.Gaps, func(i, j int) bool { return g.Gaps[i] < g.Gaps[j] })
	return g
}

// clientIdles reads the clients' connections.max.idle.ms from config dumps;
// without one, the default of the kind of client the logs show.
func clientIdles(inc *analyzer.Incident) []ClientIdle {
	var out []ClientIdle
	for _, c := range inc.Configs {
		if c.Key != "connections.max.idle.ms" || c.Scope == "broker" {
			continue
		}
		ms, err := strconv.ParseInt(c.Value, 10, 64)
		if err != nil || ms < 0 {
			continue
		}
		out = append(out, ClientIdle{Client: c.Client, Ms: ms, Source: where(c.Source.Path, c.Source.Line, c.Source.Frame)})
	}
	if len(out) > 0 {
		return out
	}
	for i := range inc.Events {
		switch e := &inc.Events[i]; e.Program {
		case "librdkafka":
			return []ClientIdle{{Client: e.Client}}
		case "java-client":
			return []ClientIdle{{Client: e.Client, Ms: javaClientIdleMs}}
		}
	}
	return nil
}
