package systemctl_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
	"github.com/kafkadiag/kafkadiag/parsers/systemctl"
	"github.com/kafkadiag/kafkadiag/rules"
)

// parser is the systemctl parser as parsers.All() wires it: with the
// journal parser and its embedded decoders.
func parser(t testing.TB) analyzer.Parser {
	for _, p := range parsers.All() {
		if p.Format() == "systemctl-status" {
			return p
		}
	}
	t.Fatal("systemctl is not in parsers.All()")
	return nil
}

// parse runs the parser over in, times read in zone, and returns its
// stats and events, one line each: "line program kind time signal reason
// host unit" (time "undated" when zero; the journal's year-less times
// show their placeholder year 2000).
func parse(t *testing.T, path string, in []byte, zone *time.Location) (analyzer.Stats, []string) {
	t.Helper()
	rec := &sinktest.Recorder{}
	src := &analyzer.Source{Path: path, Zone: zone, R: bufio.NewReader(strings.NewReader(string(in)))}
	st, err := parser(t).Parse(context.Background(), src, rec)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != len(rec.Events) {
		t.Errorf("Stats.Events %d, %d emitted", st.Events, len(rec.Events))
	}
	var got []string
	for _, e := range rec.Events {
		ts := "undated"
		if !e.Time.IsZero() {
			ts = e.Time.UTC().Format(time.DateTime)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %s %q %s %s", e.Source.Line, e.Program, e.Kind, ts, e.Signal, e.Reason, e.Host, e.Unit))
	}
	return st, got
}

// TestDumps reads the status dumps users posted and the hand-written ones
// (testdata/README.md names each source).
func TestDumps(t *testing.T) {
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		file     string
		zone     *time.Location
		events   []string
		host     string
		unparsed int
		problems int
		assumed  bool
	}{
		// Stopped by ExecStop (when, the dump does not say), active again
		// since 16:57:53 IST; the journal line glued to the CGroup line
		// names the host. Read in India's zone, as --tz would give.
		{file: "cortx-kafka-recovered.txt", zone: kolkata, assumed: true, host: "ssc-vm-4679.colo.seagate.com", events: []string{
			`6 systemd service-stopped undated  "stopped before the start at Thu 2021-05-27 16:57:53 IST" ssc-vm-4679.colo.seagate.com kafka.service`,
			`4 systemd service-started 2021-05-27 11:27:53  "" ssc-vm-4679.colo.seagate.com kafka.service`,
		}},
		// The same in UTC (no --tz): IST is not UTC's abbreviation, and a
		// problem says which zone was assumed.
		{file: "cortx-kafka-recovered.txt", zone: time.UTC, assumed: true, problems: 1, host: "ssc-vm-4679.colo.seagate.com", events: []string{
			`6 systemd service-stopped undated  "stopped before the start at Thu 2021-05-27 16:57:53 IST" ssc-vm-4679.colo.seagate.com kafka.service`,
			`4 systemd service-started 2021-05-27 16:57:53  "" ssc-vm-4679.colo.seagate.com kafka.service`,
		}},
		// Near miss: a broker running since 18:46:53 UTC, no stop before.
		{file: "confluent-kafka-active.txt", zone: time.UTC, host: "broker02", events: []string{
			`4 systemd service-started 2018-05-29 18:46:53  "" broker02 confluent-kafka.service`,
		}},
		// Not a broker: ZooKeeper failed, its journal lines read (the
		// journalctl -xe output below too) to no event.
		{file: "ansible-zookeeper-failed.txt", zone: time.UTC, assumed: true, unparsed: 1, host: "kafka03.novalocal"},
		// Never started: no time, no event.
		{file: "rocknsm-two-units-inactive.txt", zone: time.UTC, host: "localhost"},
		{file: "el7-rpm-bad-message.txt", zone: time.UTC, assumed: true, host: "kick"},
		// OOM-killed: the status's failure and main PID, and the journal's
		// OOM line; its repeats of the status are not reported twice.
		{file: "hand-oom-failed.txt", zone: berlin, assumed: true, host: "kafka-2", events: []string{
			`10 systemd oom-kill 2000-02-13 02:12:09  "" kafka-2 kafka.service`,
			`4 systemd service-failed 2024-02-13 02:12:09  "oom-kill" kafka-2 kafka.service`,
			`7 systemd process-killed 2024-02-13 02:12:09 KILL "killed" kafka-2 kafka.service`,
		}},
		// kill -9, systemd about to restart it; the broker's own line
		// from the journal before (the Kafka decoder dates it by its own
		// time and reports it as the input ends).
		{file: "hand-auto-restart-signal.txt", zone: time.UTC, assumed: true, host: "broker-3", events: []string{
			`3 systemd service-failed 2023-08-30 14:02:11  "signal" broker-3 confluent-server.service`,
			`6 systemd process-killed 2023-08-30 14:02:11 KILL "killed" broker-3 confluent-server.service`,
			`8 java-broker broker-started 2023-08-30 14:01:40  "" broker-3 `,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.zone.String(), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !parser(t).Sniff(in[:min(len(in), analyzer.SniffLen)]) {
				t.Error("Sniff refused it")
			}
			st, got := parse(t, tt.file, in, tt.zone)
			if diff := cmp.Diff(tt.events, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if st.Host != tt.host || st.Unparsed != tt.unparsed || len(st.Problems) != tt.problems || st.ZoneAssumed != tt.assumed || st.Layout != systemctl.Layout {
				t.Errorf("stats %+v, want host %q, %d unparsed, %d problems, zone assumed %v", st, tt.host, tt.unparsed, tt.problems, tt.assumed)
			}
		})
	}
}

// TestActiveStates: what each Active line of a Kafka unit gives.
func TestActiveStates(t *testing.T) {
	tests := []struct {
		active, main string
		want         []string // kind time signal reason
	}{
		{"active (running) since Mon 2024-01-08 10:00:00 UTC; 1h ago", "1 (java)", []string{"service-started 10:00:00  "}},
		{"inactive (dead) since Mon 2024-01-08 10:00:00 UTC; 1h ago", "1 (code=exited, status=143)", []string{"service-stopped 10:00:00  "}},
		{"inactive (dead)", "", nil},
		{"failed (Result: exit-code) since Mon 2024-01-08 10:00:00 UTC; 1h ago", "1 (code=exited, status=1/FAILURE)",
			[]string{"service-failed 10:00:00  exit-code", "process-exited 10:00:00  1/FAILURE"}},
		{"failed (Result: core-dump) since Mon 2024-01-08 10:00:00.250000 UTC; 1h ago", "1 (code=dumped, signal=ABRT)",
			[]string{"service-failed 10:00:00.25  core-dump", "process-killed 10:00:00.25 ABRT dumped"}},
		{"activating (auto-restart) since Mon 2024-01-08 10:00:00 UTC; 3s ago", "1 (code=exited, status=0/SUCCESS)",
			[]string{"service-stopped 10:00:00  auto-restart"}},
		{"deactivating (stop-sigterm) since Mon 2024-01-08 10:00:00 +0530; 10s ago", "1 (java)", []string{"service-stopping 04:30:00  "}},
		{"deactivating (stop-sigkill) since Mon 2024-01-08 10:00:00 GMT; 1s ago", "1 (java)", []string{"process-killed 10:00:00 KILL stop-timeout"}},
		{"activating (start) since Mon 2024-01-08 10:00:00 -03; 1s ago", "1 (java)", []string{"service-starting 13:00:00  "}},
		{"failed (Result: oom-kill) since Mon 2024-01-08 10:00:00 UTC; 1h ago", "", []string{"service-failed 10:00:00  oom-kill"}},
	}
	for _, tt := range tests {
		in := "● kafka.service - Apache Kafka\n     Loaded: loaded (/etc/systemd/system/kafka.service; enabled)\n     Active: " + tt.active + "\n"
		if tt.main != "" {
			in += "   Main PID: " + tt.main + "\n"
		}
		rec := &sinktest.Recorder{}
		st, err := parser(t).Parse(context.Background(), &analyzer.Source{Path: "s.txt", R: bufio.NewReader(strings.NewReader(in))}, rec)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range rec.Events {
			got = append(got, fmt.Sprintf("%s %s %s %s", e.Kind, e.Time.UTC().Format("15:04:05.999"), e.Signal, e.Reason))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.active, diff)
		}
		if st.ZoneAssumed {
			t.Errorf("%s: an exact zone was taken for an assumed one", tt.active)
		}
	}
}

// TestLongTextCut: an Active, Main PID or ExecStop Process line longer
// than analyzer.MaxTextLen gives an event whose Text is the line cut to
// that length, as the journal's lines do.
func TestLongTextCut(t *testing.T) {
	pad := strings.Repeat("x", 2*analyzer.MaxTextLen)
	tests := []struct {
		name, in string
		kinds    []analyzer.EventKind
	}{
		{"failed", "● kafka.service - Apache Kafka\n   Loaded: loaded (/etc/systemd/system/kafka.service; enabled)\n" +
			"   Active: failed (Result: signal) since Mon 2024-01-08 10:00:00 UTC; 1h ago " + pad + "\n" +
			"   Main PID: 1 (code=killed, signal=KILL) " + pad + "\n",
			[]analyzer.EventKind{analyzer.ServiceFailed, analyzer.ProcessKilled}},
		{"stopped and started", "● kafka.service - Apache Kafka\n   Loaded: loaded (/etc/systemd/system/kafka.service; enabled)\n" +
			"   Active: active (running) since Mon 2024-01-08 10:00:00 UTC; 1h ago " + pad + "\n" +
			"  Process: 2 ExecStop=/opt/kafka/bin/kafka-server-stop.sh " + pad + " (code=exited, status=0/SUCCESS)\n",
			[]analyzer.EventKind{analyzer.ServiceStopped, analyzer.ServiceStarted}},
	}
	for _, tt := range tests {
		rec := &sinktest.Recorder{}
		if _, err := parser(t).Parse(context.Background(), &analyzer.Source{Path: "s.txt", R: bufio.NewReader(strings.NewReader(tt.in))}, rec); err != nil {
			t.Fatal(err)
		}
		var kinds []analyzer.EventKind
		for _, e := range rec.Events {
			kinds = append(kinds, e.Kind)
			if len(e.Text) != analyzer.MaxTextLen || !strings.Contains(tt.in, e.Text) {
				t.Errorf("%s: %s: Text of %d bytes, want the line cut to %d", tt.name, e.Kind, len(e.Text), analyzer.MaxTextLen)
			}
		}
		if diff := cmp.Diff(tt.kinds, kinds); diff != "" {
			t.Errorf("%s: kinds (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestCauses: with every parser and rule, as `kafkadiag analyze` runs,
// the dumps name the cause they show, and the near misses none at
// warning or above.
func TestCauses(t *testing.T) {
	tests := []struct {
		file  string
		cause analyzer.Cause // "" none at warning or above
		sev   analyzer.Severity
	}{
		{"cortx-kafka-recovered.txt", analyzer.BrokerRestart, analyzer.Info},
		{"hand-oom-failed.txt", analyzer.BrokerOOMKill, analyzer.Critical},
		{"hand-auto-restart-signal.txt", analyzer.BrokerRestart, analyzer.Warning},
		{"confluent-kafka-active.txt", "", 0},
		{"ansible-zookeeper-failed.txt", "", 0},
	}
	for _, tt := range tests {
		res, err := analyzer.Analyze(context.Background(), []string{filepath.Join("testdata", tt.file)}, analyzer.Options{}, parsers.All(), rules.All())
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Incident.Inputs[0].Format; got != "systemctl-status" {
			t.Errorf("%s: read as %q", tt.file, got)
		}
		sinktest.CheckPrimary(t, tt.file, res, tt.cause, tt.sev)
	}
}

// TestSniff: status output is claimed; journals, logs, ps output and unit
// files are not.
func TestSniff(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"status", "● kafka.service - Kafka\n   Loaded: loaded (/etc/systemd/system/kafka.service; enabled)\n   Active: active (running) since Mon 2024-01-08 10:00:00 UTC; 1h ago\n", true},
		{"old, no bullet", "kafka.service - Kafka\n   Loaded: error (Reason: Bad message)\n", true},
		{"ascii bullet", "* kafka.service - Kafka\n     Loaded: loaded (/lib/systemd/system/kafka.service)\n", true},
		{"journal", "Jan 08 10:00:00 kafka-1 systemd[1]: Started Apache Kafka.\nJan 08 10:00:01 kafka-1 systemd[1]: kafka.service: Failed with result 'oom-kill'.\n", false},
		{"list-units", "  UNIT                LOAD   ACTIVE SUB     DESCRIPTION\n  kafka.service       loaded active running Apache Kafka\n", false},
		{"unit file", "[Unit]\nDescription=Apache Kafka\n[Service]\nExecStart=/opt/kafka/bin/kafka-server-start.sh\n", false},
		{"header without status", "kafka.service - Kafka\nsome text\n", false},
		{"not found", "Unit kafka.service could not be found.\n", false},
		{"bare type suffix", ".service - Kafka\n   Loaded: loaded (/etc/systemd/system/.service)\n", false},
		{"tab in name", "kafka\t.service - Kafka\n   Loaded: loaded (/etc/systemd/system/kafka.service)\n", false},
		{"dotted name", "● kafka.broker-1.service - Kafka\n   Loaded: loaded (/etc/systemd/system/kafka.broker-1.service)\n", true},
	}
	for _, tt := range tests {
		if got := parser(t).Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}
