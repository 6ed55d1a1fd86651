package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// sampleFlows are two hand-made flows: a refused IPv4 connection and an
// IPv6 connection reset by a forged RST after a TLS ClientHello.
func sampleFlows() []*flow.Flow {
	t0 := time.Date(2026, 11, 23, 12, 1, 32, 229375_123, time.UTC)
	return []*flow.Flow{
		{
			UID: "CAbc123", Capture: "a.pcap",
			Orig: netip.MustParseAddrPort("10.0.0.1:40000"), Resp: netip.MustParseAddrPort("10.0.0.2:9092"),
			Start: t0, End: t0.Add(12 * time.Microsecond), State: "REJ", History: "Sr",
			OrigPkts: 1, RespPkts: 1, MaxIdle: 12 * time.Microsecond, RSTBy: "resp",
			RST: &flow.RSTInfo{Frame: 2}, FirstFrame: 1, LastFrame: 2,
		},
		{
			UID: "CDef456", Capture: "b.pcap",
			Orig: netip.MustParseAddrPort("[2001:db8::1]:53930"), Resp: netip.MustParseAddrPort("[2001:db8::2]:9093"),
			Start: t0.Add(2 * time.Second), End: t0.Add(302*time.Second + 500*time.Millisecond),
			State: "RSTR", History: "ShADadr", OrigBytes: 517, RespBytes: 0, OrigPkts: 4, RespPkts: 3,
			FirstPayload: [2]flow.Payload{{Class: flow.PayloadTLSClientHello, Frame: 4}},
			MaxIdle:      300 * time.Second, RSTBy: "resp",
			RST:        &flow.RSTInfo{Frame: 9, FingerprintMismatch: true, Why: "TTL 64, the broker's packets had 61"},
			FirstFrame: 3, LastFrame: 9,
		},
	}
}

func TestWriteFlowsJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFlowsJSON(&buf, sampleFlows()); err != nil {
		t.Fatal(err)
	}
	want := `{"ts":1795435292.229375,"uid":"CAbc123","id.orig_h":"10.0.0.1","id.orig_p":40000,"id.resp_h":"10.0.0.2","id.resp_p":9092,"duration":0.000012,"orig_bytes":0,"resp_bytes":0,"conn_state":"REJ","history":"Sr","orig_pkts":1,"resp_pkts":1,"first_payload":"none","max_idle_s":0.000012,"rst_by":"resp","rst_fingerprint_mismatch":false,"first_packet":1,"last_packet":2}
{"ts":1795435294.229375,"uid":"CDef456","id.orig_h":"2001:db8::1","id.orig_p":53930,"id.resp_h":"2001:db8::2","id.resp_p":9093,"duration":300.500000,"orig_bytes":517,"resp_bytes":0,"conn_state":"RSTR","history":"ShADadr","orig_pkts":4,"resp_pkts":3,"first_payload":"tls-client-hello","max_idle_s":300.000000,"rst_by":"resp","rst_fingerprint_mismatch":true,"first_packet":3,"last_packet":9}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("JSON lines (-want +got):\n%s", diff)
	}
	// Every line is valid JSON with exactly the contract's names.
	contract := strings.Fields(`ts uid id.orig_h id.orig_p id.resp_h id.resp_p duration orig_bytes resp_bytes
		conn_state history orig_pkts resp_pkts first_payload max_idle_s rst_by rst_fingerprint_mismatch first_packet last_packet`)
	for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var got []string
		for _, name := range contract {
			if _, ok := m[name]; ok {
				got = append(got, name)
			}
		}
		if len(m) != len(contract) || !cmp.Equal(got, contract) {
			t.Errorf("line %d has fields %v, want exactly %v", i+1, m, contract)
		}
	}
}

// zeekCut reads a conn.log the way zeek-cut does: the separator from the
// #separator line (a \xHH escape), the column names from #fields, and
// every line not starting with # as a row. It returns the named columns.
func zeekCut(t *testing.T, log string, names ...string) [][]string {
	t.Helper()
	sep, index := "", map[string]int{}
	var out [][]string
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#separator "):
			esc := strings.TrimPrefix(line, "#separator ")
			if esc != `\x09` {
				t.Fatalf("separator %q", esc)
			}
			sep = "\t"
		case strings.HasPrefix(line, "#fields"+sep):
			for i, n := range strings.Split(line, sep)[1:] {
				index[n] = i
			}
		case strings.HasPrefix(line, "#"):
		default:
			cols := strings.Split(line, sep)
			if len(cols) != len(index) {
				t.Fatalf("row has %d columns, #fields names %d: %q", len(cols), len(index), line)
			}
			var row []string
			for _, n := range names {
				i, ok := index[n]
				if !ok {
					t.Fatalf("no column %q", n)
				}
				row = append(row, cols[i])
			}
			out = append(out, row)
		}
	}
	return out
}

func TestWriteFlowsZeek(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFlowsZeek(&buf, sampleFlows()); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	header := "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2026-11-23-12-01-32\n"
	if !strings.HasPrefix(log, header) {
		t.Errorf("header:\n%s\nwant prefix:\n%s", log, header)
	}
	if !strings.HasSuffix(log, "\n#close\t2026-11-23-12-06-34\n") {
		t.Errorf("log does not end with the latest flow end as #close:\n%s", log)
	}
	got := zeekCut(t, log, "ts", "id.orig_h", "id.resp_p", "proto", "service", "duration", "conn_state", "history", "orig_bytes", "first_payload", "rst_by", "rst_fingerprint_mismatch", "last_packet")
	want := [][]string{
		{"1795435292.229375", "10.0.0.1", "9092", "tcp", "-", "0.000012", "REJ", "Sr", "0", "none", "resp", "F", "2"},
		{"1795435294.229375", "2001:db8::1", "9093", "tcp", "-", "300.500000", "RSTR", "ShADadr", "517", "tls-client-hello", "resp", "T", "9"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("zeek-cut columns (-want +got):\n%s", diff)
	}
	// #types names one type per field.
	var fields, types []string
	for _, line := range strings.Split(log, "\n") {
		if v, ok := strings.CutPrefix(line, "#fields\t"); ok {
			fields = strings.Split(v, "\t")
		}
		if v, ok := strings.CutPrefix(line, "#types\t"); ok {
			types = strings.Split(v, "\t")
		}
	}
	if len(fields) == 0 || len(fields) != len(types) {
		t.Errorf("%d fields, %d types", len(fields), len(types))
	}
}

func TestWriteFlowsZeekEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFlowsZeek(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "#open\t1970-01-01-00-00-00\n") || !strings.HasSuffix(buf.String(), "#close\t1970-01-01-00-00-00\n") {
		t.Errorf("empty log should open and close at the epoch:\n%s", buf.String())
	}
}

func TestZeekString(t *testing.T) {
	tests := map[string]string{"": "-", "ShADadFf": "ShADadFf", "a\tb": `a\x09b`, "a\\b": `a\x5cb`, "x\ny": `x\x0ay`}
	for in, want := range tests {
		if got := zeekString(in); got != want {
			t.Errorf("zeekString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteFlowsTable(t *testing.T) {
	flows := sampleFlows()
	tests := []struct {
		name    string
		flows   []*flow.Flow
		capture bool // a capture column is expected
	}{
		{"one capture", flows[:1], false},
		{"two captures", flows, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteFlowsTable(&buf, tt.flows); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if got := strings.Contains(out, "capture"); got != tt.capture {
				t.Errorf("capture column shown: %v, want %v\n%s", got, tt.capture, out)
			}
			for _, want := range []string{"10.0.0.1:40000", "REJ", "1/1", "0.000012s", "1-2"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
			if tt.capture && !strings.Contains(out, "resp (forged?)") {
				t.Errorf("forged RST not marked:\n%s", out)
			}
		})
	}
}
