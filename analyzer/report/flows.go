package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// FlowRecord is one line of `flows --format json`: Zeek conn.log names
// where Zeek has the field, ours after them (DESIGN.md). Times and
// durations are seconds with microsecond precision, as Zeek's JSON writer
// prints them.
type FlowRecord struct {
	TS          json.Number `json:"ts"`
	UID         string      `json:"uid"`
	OrigH       string      `json:"id.orig_h"`
	OrigP       uint16      `json:"id.orig_p"`
	RespH       string      `json:"id.resp_h"`
	RespP       uint16      `json:"id.resp_p"`
	Duration    json.Number `json:"duration"`
	OrigBytes   int64       `json:"orig_bytes"`
	RespBytes   int64       `json:"resp_bytes"`
	ConnState   string      `json:"conn_state"`
	History     string      `json:"history"`
	OrigPkts    int         `json:"orig_pkts"`
	RespPkts    int         `json:"resp_pkts"`
	FirstPayld  string      `json:"first_payload"`
	MaxIdleS    json.Number `json:"max_idle_s"`
	RSTBy       string      `json:"rst_by"`
	RSTMismatch bool        `json:"rst_fingerprint_mismatch"`
	FirstPacket int         `json:"first_packet"`
	LastPacket  int         `json:"last_packet"`
}

// NewFlowRecord converts a flow to its JSON record.
func NewFlowRecord(f *flow.Flow) FlowRecord {
	return FlowRecord{
		TS:          json.Number(flowEpoch(f.Start)),
		UID:         f.UID,
		OrigH:       f.Orig.Addr().String(),
		OrigP:       f.Orig.Port(),
		RespH:       f.Resp.Addr().String(),
		RespP:       f.Resp.Port(),
		Duration:    json.Number(flowSeconds(f.End.Sub(f.Start))),
		OrigBytes:   f.OrigBytes,
		RespBytes:   f.RespBytes,
		ConnState:   f.State,
		History:     f.History,
		OrigPkts:    f.OrigPkts,
		RespPkts:    f.RespPkts,
		FirstPayld:  flowPayloadClass(f.FirstPayload[0]),
		MaxIdleS:    json.Number(flowSeconds(f.MaxIdle)),
		RSTBy:       f.RSTBy,
		RSTMismatch: f.RST != nil && f.RST.FingerprintMismatch,
		FirstPacket: f.FirstFrame,
		LastPacket:  f.LastFrame,
	}
}

// WriteFlowsJSON writes one JSON object per flow per line, in the order
// given (Collect sorts flows by start time).
func WriteFlowsJSON(w io.Writer, flows []*flow.Flow) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, f := range flows {
		if err := enc.Encode(NewFlowRecord(f)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// flowColumns are the table's columns; numbers are right-aligned.
var flowColumns = []struct {
	name  string
	align tw.Align
}{
	{"start (UTC)", tw.AlignLeft}, {"originator", tw.AlignLeft}, {"responder", tw.AlignLeft},
	{"state", tw.AlignLeft}, {"history", tw.AlignLeft},
	{"pkts o/r", tw.AlignRight}, {"bytes o/r", tw.AlignRight}, {"duration", tw.AlignRight},
	{"max idle", tw.AlignRight}, {"first payload", tw.AlignLeft}, {"rst by", tw.AlignLeft},
	{"frames", tw.AlignRight},
}

// WriteFlowsTable writes the flows as a text table for a person to read.
// A capture column leads when the flows come from more than one capture.
func WriteFlowsTable(w io.Writer, flows []*flow.Flow) error {
	multi := false
	for _, f := range flows {
		multi = multi || f.Capture != flows[0].Capture
	}
	var names []any
	var aligns tw.Alignment
	if multi {
		names, aligns = append(names, "capture"), append(aligns, tw.AlignLeft)
	}
	for _, c := range flowColumns {
		names, aligns = append(names, c.name), append(aligns, c.align)
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
	)
	t.Header(names...)
	for _, f := range flows {
		row := flowRow(f)
		if multi {
			row = append([]string{f.Capture}, row...)
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

func flowRow(f *flow.Flow) []string {
	rst := f.RSTBy
	if f.RST != nil && f.RST.FingerprintMismatch {
		rst += " (forged?)"
	}
	return []string{
		f.Start.UTC().Format("2006-01-02 15:04:05.000000"),
		f.Orig.String(), f.Resp.String(), f.State, f.History,
		fmt.Sprintf("%d/%d", f.OrigPkts, f.RespPkts),
		fmt.Sprintf("%d/%d", f.OrigBytes, f.RespBytes),
		flowSeconds(f.End.Sub(f.Start)) + "s",
		flowSeconds(f.MaxIdle) + "s",
		flowPayloadClass(f.FirstPayload[0]),
		rst,
		fmt.Sprintf("%d-%d", f.FirstFrame, f.LastFrame),
	}
}

// flowPayloadClass is the class DESIGN.md names, "none" when nothing was sent.
func flowPayloadClass(p flow.Payload) string {
	if p.Class == "" {
		return flow.PayloadNone
	}
	return p.Class
}

// flowEpoch formats t as Zeek does: seconds since 1970 with six
// decimals. Integer arithmetic keeps the digits exact.
func flowEpoch(t time.Time) string { return flowMicros(t.UnixMicro()) }

// flowSeconds formats d as seconds with six decimals ("0.301300").
func flowSeconds(d time.Duration) string { return flowMicros(d.Microseconds()) }

func flowMicros(us int64) string {
	sign := ""
	if us < 0 {
		sign, us = "-", -us
	}
	return fmt.Sprintf("%s%d.%06d", sign, us/1e6, us%1e6)
}
