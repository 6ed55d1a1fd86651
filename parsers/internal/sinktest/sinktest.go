// Package sinktest holds the recording analyzer.Sink the parsers' tests
// share: each used to declare its own, field for field the same.
package sinktest

import (
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Recorder keeps everything a parser reports, in the order reported.
type Recorder struct {
	Events  []analyzer.Event
	Nodes   []analyzer.Node
	Configs []analyzer.Config
	Flows   []*flow.Flow
	ARPs    []analyzer.CapturedARP
}

func (r *Recorder) Event(e analyzer.Event)     { r.Events = append(r.Events, e) }
func (r *Recorder) Flow(f *flow.Flow)          { r.Flows = append(r.Flows, f) }
func (r *Recorder) ARP(a analyzer.CapturedARP) { r.ARPs = append(r.ARPs, a) }
func (r *Recorder) Node(n analyzer.Node)       { r.Nodes = append(r.Nodes, n) }
func (r *Recorder) Config(c analyzer.Config)   { r.Configs = append(r.Configs, c) }
