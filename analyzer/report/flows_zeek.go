package report

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// zeekField is one conn.log column: Zeek's standard ones first, in Zeek's
// order, then kafkadiag's. Columns kafkadiag cannot know (service,
// local_orig, missed_bytes, the IP byte counts, tunnel_parents) are written
// unset ("-"), as Zeek itself does when it lacks a value.
type zeekField struct {
	name, typ string
	value     func(*flow.Flow) string
}

var zeekUnset = func(*flow.Flow) string { return "-" }

var zeekFields = []zeekField{
	{"ts", "time", func(f *flow.Flow) string { return flowEpoch(f.Start) }},
	{"uid", "string", func(f *flow.Flow) string { return zeekString(f.UID) }},
	{"id.orig_h", "addr", func(f *flow.Flow) string { return f.Orig.Addr().String() }},
	{"id.orig_p", "port", func(f *flow.Flow) string { return strconv.Itoa(int(f.Orig.Port())) }},
	{"id.resp_h", "addr", func(f *flow.Flow) string { return f.Resp.Addr().String() }},
	{"id.resp_p", "port", func(f *flow.Flow) string { return strconv.Itoa(int(f.Resp.Port())) }},
	{"proto", "enum", func(*flow.Flow) string { return "tcp" }},
	{"service", "string", zeekUnset},
	{"duration", "interval", func(f *flow.Flow) string { return flowSeconds(f.End.Sub(f.Start)) }},
	{"orig_bytes", "count", func(f *flow.Flow) string { return strconv.FormatInt(f.OrigBytes, 10) }},
	{"resp_bytes", "count", func(f *flow.Flow) string { return strconv.FormatInt(f.RespBytes, 10) }},
	{"conn_state", "string", func(f *flow.Flow) string { return zeekString(f.State) }},
	{"local_orig", "bool", zeekUnset},
	{"local_resp", "bool", zeekUnset},
	{"missed_bytes", "count", zeekUnset},
	{"history", "string", func(f *flow.Flow) string { return zeekString(f.History) }},
	{"orig_pkts", "count", func(f *flow.Flow) string { return strconv.Itoa(f.OrigPkts) }},
	{"orig_ip_bytes", "count", zeekUnset},
	{"resp_pkts", "count", func(f *flow.Flow) string { return strconv.Itoa(f.RespPkts) }},
	{"resp_ip_bytes", "count", zeekUnset},
	{"tunnel_parents", "set[string]", zeekUnset},
	{"first_payload", "string", func(f *flow.Flow) string { return flowPayloadClass(f.FirstPayload[0]) }},
	{"max_idle_s", "interval", func(f *flow.Flow) string { return flowSeconds(f.MaxIdle) }},
	{"rst_by", "string", func(f *flow.Flow) string { return zeekString(f.RSTBy) }},
	{"rst_fingerprint_mismatch", "bool", func(f *flow.Flow) string {
		if f.RST != nil && f.RST.FingerprintMismatch {
			return "T"
		}
		return "F"
	}},
	{"first_packet", "count", func(f *flow.Flow) string { return strconv.Itoa(f.FirstFrame) }},
	{"last_packet", "count", func(f *flow.Flow) string { return strconv.Itoa(f.LastFrame) }},
}

// zeekTimeLayout is how Zeek prints #open and #close.
const zeekTimeLayout = "2006-01-02-15-04-05"

// WriteFlowsZeek writes the flows as a Zeek conn.log in Zeek's ASCII
// format, which zeek-cut and Zeek-aware tools read. To keep the output a
// function of the input alone, #open is the earliest flow start and #close
// the latest flow end (both UTC), not the wall clock; with no flows both
// are the Unix epoch.
func WriteFlowsZeek(w io.Writer, flows []*flow.Flow) error {
	bw := bufio.NewWriter(w)
	open, closed := zeekSpan(flows)
	names := make([]string, len(zeekFields))
	types := make([]string, len(zeekFields))
	for i, zf := range zeekFields {
		names[i], types[i] = zf.name, zf.typ
	}
	bw.WriteString("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n")
	bw.WriteString("#open\t" + open.Format(zeekTimeLayout) + "\n")
	bw.WriteString("#fields\t" + strings.Join(names, "\t") + "\n")
	bw.WriteString("#types\t" + strings.Join(types, "\t") + "\n")
	row := make([]string, len(zeekFields))
	for _, f := range flows {
		for i, zf := range zeekFields {
			row[i] = zf.value(f)
		}
		bw.WriteString(strings.Join(row, "\t") + "\n")
	}
	bw.WriteString("#close\t" + closed.Format(zeekTimeLayout) + "\n")
	return bw.Flush()
}

// zeekSpan returns the earliest start and the latest end of the flows.
func zeekSpan(flows []*flow.Flow) (open, closed time.Time) {
	open, closed = time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC()
	for i, f := range flows {
		if i == 0 || f.Start.Before(open) {
			open = f.Start.UTC()
		}
		if i == 0 || f.End.After(closed) {
			closed = f.End.UTC()
		}
	}
	return open, closed
}

// zeekString escapes a string field the way Zeek's ASCII writer does:
// "-" for unset, "(empty)" for empty, and \xHH for tabs, newlines,
// backslashes and other control bytes.
func zeekString(s string) string {
	if s == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c == '\\' {
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(c)|0x100, 16)[1:])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
