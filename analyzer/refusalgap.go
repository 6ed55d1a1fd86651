package analyzer

import (
	"slices"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// refusalGap is the time from one refusal to the next refusal to the same
// server endpoint, as their start times order them. An outage the packets
// show ends at the first connection that completes a handshake after the
// outage's last refusal: the earliest-starting such flow of that refusal's
// gap, or of a later gap when the gap has none. Keeping each gap's first
// connection keeps every possible outage end, at one flow per refusal.
//
// Flows arrive as they finish, not as they start, so a gap's first is
// provisional: a flow that started earlier in the gap and finished later
// replaces it. A refusal that finishes after flows that started later
// than it (refusals finish at once, so rarely) splits a gap; flows of the
// split-off part tallied before then are not recovered.
type refusalGap struct {
	start time.Time // the refusal's start
	// first is the start of the earliest kept flow in the gap that
	// completed a handshake; valid iff hasFirst.
	first    time.Time
	hasFirst bool
	// pending is that flow when nothing but this gap keeps it (a plain
	// healthy flow past every cap); nil otherwise.
	pending *flow.Flow
}

// refusalGaps are one server endpoint's gaps, sorted by start.
type refusalGaps []*refusalGap

// refusal opens the gap of a refusal started at t, taking over the first
// connection of the gap it splits when that started after t.
func (gs *refusalGaps) refusal(t time.Time) {
	i, found := slices.BinarySearchFunc(*gs, t, func(g *refusalGap, t time.Time) int { return g.start.Compare(t) })
	if found {
		return
	}
	g := &refusalGap{start: t}
	if i > 0 {
		prev := (*gs)[i-1]
		if prev.hasFirst && prev.first.After(t) {
			g.first, g.hasFirst, g.pending = prev.first, true, prev.pending
			prev.first, prev.hasFirst, prev.pending = time.Time{}, false, nil
		}
	}
	*gs = slices.Insert(*gs, i, g)
}

// of returns the gap a flow started at t falls in: the latest refusal
// that started strictly before t. nil before the first refusal.
func (gs refusalGaps) of(t time.Time) *refusalGap {
	i, _ := slices.BinarySearchFunc(gs, t, func(g *refusalGap, t time.Time) int { return g.start.Compare(t) })
	if i == 0 {
		return nil
	}
	return gs[i-1]
}

// firsts reports whether a handshake-complete flow started at t would be
// the gap's first connection. A nil gap has none.
func (g *refusalGap) firsts(t time.Time) bool {
	return g != nil && (!g.hasFirst || t.Before(g.first))
}

// kept records a kept handshake-complete flow started at t. When it is the
// gap's new first, the flow pending as the former first is no longer
// needed and is returned for tallying; nil otherwise.
func (g *refusalGap) kept(t time.Time) *flow.Flow {
	if !g.firsts(t) {
		return nil
	}
	old := g.pending
	g.first, g.hasFirst, g.pending = t, true, nil
	return old
}
