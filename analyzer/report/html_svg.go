package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Timeline geometry, in SVG user units; the page scales the drawing to its
// width.
const (
	tlLabelW   = 190.0 // lane labels
	tlPlotW    = 880.0
	tlRightPad = 34.0
	tlTop      = 34.0 // axis caption and tick labels
	tlLaneH    = 40.0
	// tlRowOff moves trouble marks (refused, reset, killed…) above the
	// lane's line and the rest (connected, started…) below it, so a reset,
	// the disconnect it causes (on the line) and the reconnect right after
	// it do not hide each other.
	tlRowOff   = 8.0
	tlBottom   = 12.0
	tlMaxTicks = 9
	// tlBucket merges marks of one lane and kind closer than this many
	// units into one mark that counts them: a reconnect storm of 10 000
	// attempts draws as a few hundred marks, each saying how many it holds.
	tlBucket = 3.0
	// maxTitle bounds the evidence text in a mark's tooltip.
	maxTitle = 400
)

// svgTimeline is the timeline drawing, laid out for the template.
type svgTimeline struct {
	Width, Height float64
	PlotX, PlotW  float64
	AxisY         float64
	Caption       string
	Ticks         []axisTick
	Lanes         []svgLane
	Marks         []svgMark
	Kinds         []MarkKind // the kinds drawn, for the legend
}

type svgLane struct {
	Y, Top, H   float64
	Label, From string
	Broker      bool
}

type svgMark struct {
	X, Y float64
	// X2 is where a failed attempt's retries ended; 0 for a point.
	X2    float64
	Kind  MarkKind
	Cited bool
	Count int
	// Badge is set when the "×N" count fits: it would not overlap the
	// previous count label on the same row (the tooltip always has it).
	Badge bool
	Title string
}

// badgeWidth is the room a "×N" label needs, with a gap after it.
func badgeWidth(n int) float64 {
	return 6 + 6*float64(len(strconv.Itoa(n))+1)
}

func layoutTimeline(c *Chart, z *time.Location) *svgTimeline {
	if len(c.Marks) == 0 {
		return nil
	}
	from, to := c.Marks[0].Evidence.Time.Time, c.Marks[len(c.Marks)-1].Evidence.Time.Time
	pad := max(to.Sub(from)/40, 500*time.Millisecond)
	from, to = from.Add(-pad), to.Add(pad)
	span := float64(to.Sub(from))
	tl := &svgTimeline{Width: tlLabelW + tlPlotW + tlRightPad, PlotX: tlLabelW, PlotW: tlPlotW, AxisY: tlTop}
	x := func(t time.Time) float64 { return round1(tlLabelW + tlPlotW*float64(t.Sub(from))/span) }
	tl.Ticks = timeTicks(from, to, z, tlMaxTicks, x)
	tl.Caption = axisCaption(from, to, z)
	laneY := map[string]float64{}
	for i, l := range c.Lanes {
		top := tlTop + float64(i)*tlLaneH
		laneY[l.Key] = top + tlLaneH/2
		tl.Lanes = append(tl.Lanes, svgLane{Y: top + tlLaneH/2, Top: top, H: tlLaneH, Label: shown(l.Label, 30),
			From: shown(l.From, 36), Broker: l.Broker})
	}
	tl.Height = tlTop + float64(len(c.Lanes))*tlLaneH + tlBottom
	tl.Marks, tl.Kinds = placeMarks(c.Marks, laneY, x, z)
	return tl
}

// placeMarks positions the marks, merging those of one lane and kind that
// would overlap into one that counts them.
func placeMarks(marks []Mark, laneY map[string]float64, x func(time.Time) float64, z *time.Location) ([]svgMark, []MarkKind) {
	type bucket struct {
		lane string
		kind MarkKind
		x    int
	}
	index := map[bucket]int{}
	var out []svgMark
	var last []Mark // the last mark merged into each output mark
	drawn := map[MarkKind]bool{}
	for _, m := range marks {
		mx := x(m.Evidence.Time.Time)
		b := bucket{m.Lane, m.Kind, int(mx / tlBucket)}
		y := laneY[m.Lane] + tlRowOff
		switch {
		case m.Kind == MarkDisconnect:
			y = laneY[m.Lane] // a thin bar on the line, between the rows
		case troubleMarks[m.Kind]:
			y = laneY[m.Lane] - tlRowOff
		}
		if i, ok := index[b]; ok {
			out[i].Count++
			out[i].Cited = out[i].Cited || m.Cited
			if !m.Until.IsZero() {
				out[i].X2 = max(out[i].X2, x(m.Until.Time))
			}
			last[i] = m
			continue
		}
		index[b] = len(out)
		sm := svgMark{X: mx, Y: y, Kind: m.Kind, Cited: m.Cited, Count: 1, Title: markTitle(&m, z)}
		if !m.Until.IsZero() {
			sm.X2 = x(m.Until.Time)
		}
		out = append(out, sm)
		last = append(last, m)
		drawn[m.Kind] = true
	}
	lastBadge := map[float64]float64{}
	for i := range out {
		if prev, ok := lastBadge[out[i].Y]; out[i].Count > 1 && (!ok || out[i].X >= prev) {
			out[i].Badge = true
			lastBadge[out[i].Y] = out[i].X + badgeWidth(out[i].Count)
		}
		if out[i].Count > 1 {
			out[i].Title += fmt.Sprintf("\n… and %d more %s marks until %s", out[i].Count-1,
				markLabels[out[i].Kind], clock(last[i].Evidence.Time, z))
		}
	}
	var kinds []MarkKind
	for _, k := range MarkKinds {
		if drawn[k] {
			kinds = append(kinds, k)
		}
	}
	return out, kinds
}

// troubleMarks are drawn above a lane's line (what went down or wrong),
// disconnects on it, the rest below.
var troubleMarks = map[MarkKind]bool{MarkKilled: true, MarkStop: true, MarkOOM: true, MarkRefused: true, MarkUnanswered: true,
	MarkSynAckLost: true, MarkResetForged: true, MarkReset: true, MarkTLS: true, MarkExpired: true, MarkKernel: true}

// markTitle is a mark's tooltip: what, when, where to open it, the text.
func markTitle(m *Mark, z *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s", markLabels[m.Kind], clock(m.Evidence.Time, z))
	if m.Cited {
		b.WriteString(" (cited by a finding)")
	}
	b.WriteString("\n" + shown(where(m.Evidence.Source, m.Evidence.Line, m.Evidence.Packet), maxTitle))
	if text := m.Text(); text != "" {
		b.WriteString("\n" + shown(text, maxTitle))
	}
	return b.String()
}

// markLabels name the mark kinds in the legend and tooltips.
var markLabels = map[MarkKind]string{
	MarkKilled: "broker killed / failed", MarkStop: "broker shut down", MarkStart: "broker started", MarkOOM: "OOM kill",
	MarkConnectOK: "connected", MarkRefused: "connection refused / failed",
	MarkUnanswered: "SYN unanswered / connect timeout", MarkSynAckLost: "SYN-ACK sent, never arrived",
	MarkResetForged: "reset forged by a middlebox", MarkReset: "reset by the peer",
	MarkDisconnect: "disconnected", MarkTLS: "TLS / auth failure", MarkExpired: "batch expired / request timeout",
	MarkKernel: "kernel table full",
}

// markShapes are the mark outlines around (0,0): shape tells the kinds
// apart without colour.
var markShapes = map[MarkKind]string{
	MarkKilled:      "M-7,-5H7L0,7ZM-7,-8H7V-6H-7Z",
	MarkStop:        "M-7,-5H7L0,7ZM-3.5,-2.5L0,3L3.5,-2.5Z",
	MarkStart:       "M-7,5H7L0,-7Z",
	MarkOOM:         "M0,-8L2,-2L8,-2L3,2L5,8L0,4L-5,8L-3,2L-8,-2L-2,-2Z",
	MarkConnectOK:   "M-5,0A5,5 0 1,0 5,0A5,5 0 1,0 -5,0Z",
	MarkRefused:     "M-6,-4L-4,-6L0,-2L4,-6L6,-4L2,0L6,4L4,6L0,2L-4,6L-6,4L-2,0Z",
	MarkUnanswered:  "M-6,0A6,6 0 1,0 6,0A6,6 0 1,0 -6,0ZM-3,0A3,3 0 1,1 3,0A3,3 0 1,1 -3,0Z",
	MarkSynAckLost:  "M-6,-6H6V6H-6ZM-3,-3V3H3V-3Z",
	MarkResetForged: "M0,-8L7,0L0,8L-7,0Z",
	MarkReset:       "M0,-8L7,0L0,8L-7,0ZM0,-4L-3,0L0,4L3,0Z",
	MarkDisconnect:  "M-1.5,-8H1.5V8H-1.5Z",
	MarkTLS:         "M-6,-2H6V7H-6ZM-4,-2V-5A4,4 0 0,1 4,-5V-2H2V-5A2,2 0 0,0 -2,-5V-2Z",
	MarkExpired:     "M-6,-7H6L0,0L6,7H-6L0,0Z",
	MarkKernel:      "M-1.5,-7H1.5V-1.5H7V1.5H1.5V7H-1.5V1.5H-7V-1.5H-1.5Z",
}

// axisCaption names the zone and, when the axis stays within one day, the
// date.
func axisCaption(from, to time.Time, z *time.Location) string {
	a, b := from.In(z), to.In(z)
	zone := z.String()
	if name, _ := a.Zone(); name != zone {
		zone += " (" + name + ")"
	}
	if a.Format("2006-01-02") == b.Format("2006-01-02") {
		return "Time in " + zone + ", " + a.Format("Mon 2 Jan 2006")
	}
	return "Time in " + zone + ", " + a.Format("2 Jan") + " – " + b.Format("2 Jan 2006")
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func trimFloat(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/1000, 'f', -1, 64)
}

// Idle-gap histogram geometry.
const (
	hgLeft, hgTop, hgPlotW, hgPlotH, hgBottom = 44.0, 28.0, 600.0, 150.0, 40.0
	hgMaxBins                                 = 40
)

// svgHistogram is the idle-gap histogram, laid out for the template.
type svgHistogram struct {
	Width, Height, PlotX, PlotY, PlotW, PlotH, BaseY float64
	Bars                                             []svgBar
	XTicks                                           []axisTick
	YMax                                             int
	Lines                                            []svgLine
	Notes                                            []string
	Caption                                          string
}

type svgBar struct {
	X, Y, W, H float64
	Count      int
	Title      string
}

// svgLine is a labelled vertical marker: the device timeout, a client
// setting.
type svgLine struct {
	X, LabelY   float64
	Label, Kind string
	Anchor      string
}

func layoutHistogram(g *IdleGaps) *svgHistogram {
	if g == nil || len(g.Gaps) == 0 {
		return nil
	}
	top := g.Gaps[len(g.Gaps)-1].Seconds()
	top = max(top, g.Device.Seconds())
	xmax := top * 1.15
	h := &svgHistogram{PlotX: hgLeft, PlotY: hgTop, PlotW: hgPlotW, PlotH: hgPlotH, BaseY: hgTop + hgPlotH,
		Width: hgLeft + hgPlotW + 30, Height: hgTop + hgPlotH + hgBottom}
	var far []ClientIdle
	for _, c := range g.Clients {
		switch s := float64(c.Ms) / 1000; {
		case c.Ms == 0:
			h.Notes = append(h.Notes, shown(clientName(c)+": connections.max.idle.ms = 0 — never closes idle connections itself"+sourceNote(c), maxCell))
		case s <= xmax*3:
			xmax = max(xmax, s*1.08)
		default:
			far = append(far, c)
		}
	}
	step := niceStep(xmax, hgMaxBins)
	bins := int(math.Ceil(xmax / step))
	xmax = float64(bins) * step
	x := func(s float64) float64 { return round1(hgLeft + hgPlotW*s/xmax) }
	counts := make([]int, bins)
	for _, d := range g.Gaps {
		counts[min(int(d.Seconds()/step), bins-1)]++
	}
	for _, n := range counts {
		h.YMax = max(h.YMax, n)
	}
	for i, n := range counts {
		if n == 0 {
			continue
		}
		bh := round1(hgPlotH * float64(n) / float64(h.YMax))
		lo := float64(i) * step
		h.Bars = append(h.Bars, svgBar{X: x(lo) + 0.5, Y: h.BaseY - bh, W: max(x(lo+step)-x(lo)-1, 1), H: bh, Count: n,
			Title: fmt.Sprintf("%d of %d gaps between %s and %s", n, len(g.Gaps), secondsLabel(lo), secondsLabel(lo+step))})
	}
	tstep := niceStep(xmax, 8)
	for s := 0.0; s <= xmax+1e-9; s += tstep {
		h.XTicks = append(h.XTicks, axisTick{X: x(s), Label: secondsLabel(s)})
	}
	h.Lines = histogramLines(g, x, xmax)
	for _, c := range far {
		h.Notes = append(h.Notes, shown(fmt.Sprintf("%s: connections.max.idle.ms = %d (%s) — far right of this scale: the device fires first%s",
			clientName(c), c.Ms, secondsLabel(float64(c.Ms)/1000), sourceNote(c)), maxCell))
	}
	h.Caption = fmt.Sprintf("Silence before each reset (%d connections", len(g.Gaps))
	if g.FromLog {
		h.Caption = fmt.Sprintf("Age of each dropped connection, from the client log (%d connections", len(g.Gaps))
	}
	h.Caption += fmt.Sprintf("; bins of %s)", secondsLabel(step))
	return h
}

func histogramLines(g *IdleGaps, x func(float64) float64, xmax float64) []svgLine {
	var out []svgLine
	if g.Device > 0 {
		out = append(out, svgLine{X: x(g.Device.Seconds()), Kind: "device",
			Label: "device timeout ≈ " + secondsLabel(g.Device.Seconds())})
	}
	for _, c := range g.Clients {
		if s := float64(c.Ms) / 1000; c.Ms > 0 && s <= xmax {
			out = append(out, svgLine{X: x(s), Kind: "client",
				Label: shown(clientName(c), 40) + " closes idle at " + secondsLabel(s)})
		}
	}
	for i := range out {
		out[i].LabelY = hgTop - 14 + float64(i%2)*11
		out[i].Anchor = "start"
		if out[i].X > hgLeft+hgPlotW*0.6 {
			out[i].Anchor = "end"
		}
	}
	return out
}

func clientName(c ClientIdle) string {
	if c.Client != "" {
		return "client " + c.Client
	}
	return "the clients"
}

func sourceNote(c ClientIdle) string {
	if c.Source == "" {
		return " (the default; no config dump in the inputs)"
	}
	return " (" + c.Source + ")"
}
