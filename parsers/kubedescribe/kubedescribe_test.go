package kubedescribe_test

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
	"github.com/kafkadiag/kafkadiag/parsers/kubedescribe"
	"github.com/kafkadiag/kafkadiag/rules"
)

// parse runs the parser over in and returns its stats and events, one
// line each: "line kind UTC-time signal reason host unit".
func parse(t *testing.T, path string, in []byte) (analyzer.Stats, []string) {
	t.Helper()
	rec := &sinktest.Recorder{}
	src := &analyzer.Source{Path: path, Zone: time.UTC, R: bufio.NewReader(strings.NewReader(string(in)))}
	st, err := kubedescribe.New().Parse(context.Background(), src, rec)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != len(rec.Events) {
		t.Errorf("Stats.Events %d, %d emitted", st.Events, len(rec.Events))
	}
	var got []string
	for _, e := range rec.Events {
		if e.Program != kubedescribe.Program || e.Text == "" || e.Source.Path != path {
			t.Errorf("event %+v: want Program %q, a Text and the input's path", e, kubedescribe.Program)
		}
		ts := "undated"
		if !e.Time.IsZero() {
			ts = e.Time.UTC().Format(time.DateTime)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %q %s %s", e.Source.Line, e.Kind, ts, e.Signal, e.Reason, e.Host, e.Unit))
	}
	return st, got
}

// TestRealDumps reads the describe output users posted (testdata/README.md
// names each source) and the hand-written near misses.
func TestRealDumps(t *testing.T) {
	tests := []struct {
		file     string
		events   []string
		host     string
		unparsed int
		problems int
	}{
		// SIGTERM (143) and the restart 2 s later: the broker container
		// of kafka-0, told by its image.
		{file: "kubeless-kafka-0-sigterm.txt", host: "kafka-0", events: []string{
			`24 process-killed 2018-05-24 18:33:14 TERM "exit code 143" kafka-0 kafka-0/broker`,
			`19 service-started 2018-05-24 18:33:16  "" kafka-0 kafka-0/broker`,
		}},
		// Two grep fragments, each behind its command line: the pods are
		// named there and nowhere else.
		{file: "sentry-kraft-oomkilled-grep.txt", events: []string{
			`8 oom-kill 2024-09-28 00:59:31 KILL "OOMKilled" sentry-kafka-controller-1 sentry-kafka-controller-1`,
			`3 service-started 2024-09-28 01:04:34  "" sentry-kafka-controller-1 sentry-kafka-controller-1`,
			`16 oom-kill 2024-09-28 00:44:33 KILL "OOMKilled" sentry-kafka-controller-2 sentry-kafka-controller-2`,
			`11 service-started 2024-09-28 00:44:34  "" sentry-kafka-controller-2 sentry-kafka-controller-2`,
		}},
		// kubectl logs output, then a fragment naming no pod, container or
		// image, and no time: nothing to place; a problem says so.
		{file: "event-streams-zk-oomkilled-fragment.txt", unparsed: 8, problems: 1},
		{file: "gimlet-oomkilled-block.txt", problems: 1},
		{file: "aboft-flattened-oomkilled.txt", problems: 1},
		{file: "k8s-122256-137-error.txt", unparsed: 1, problems: 1},
		// A crash loop of Confluent's cp-server, cut before the times:
		// the exit is listed undated, no time invented.
		{file: "cp-helm-cp-server-crashloop-cut.txt", host: "confluent-cp-kafka-0", events: []string{
			`33 process-exited undated  "exit code 1" confluent-cp-kafka-0 confluent-cp-kafka-0/cp-kafka-broker`,
		}},
		// Cut before the last state's reason: nothing is known of it.
		{file: "sitewhere-kafka-markdown-cmd.txt", host: "sitewhere-kafka-0"},
		// Not brokers: the kubeless Kafka trigger, a memory hog.
		{file: "kubeless-trigger-controller-crashloop.txt", host: "kafka-trigger-controller-758b498d9b-lxg55"},
		{file: "k8s-10861-2015-tabs.txt", host: "simmemleak-hra99"},
		// Near misses (hand-written): a healthy broker, a broker that
		// exited 0 (and a completed init container).
		{file: "near-miss-strimzi-healthy.txt", host: "my-cluster-kafka-0"},
		{file: "near-miss-completed-exit0.txt", host: "kafka-controller-0"},
		// ZooKeeper OOMKilled (Strimzi runs it from the Kafka image) and a
		// sidecar killed: no events. The broker killed after its liveness
		// probe failed: SIGKILL, past a termination message holding
		// lines of its log.
		{file: "multi-pod-liveness-kill.txt", events: []string{
			`72 process-killed 2024-03-04 09:05:17 KILL "exit code 137" my-cluster-kafka-1 my-cluster-kafka-1/kafka`,
			`64 service-started 2024-03-04 09:05:19  "restart count 1" my-cluster-kafka-1 my-cluster-kafka-1/kafka`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !kubedescribe.New().Sniff(in[:min(len(in), analyzer.SniffLen)]) {
				t.Error("Sniff refused it")
			}
			st, got := parse(t, tt.file, in)
			if diff := cmp.Diff(tt.events, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if st.Host != tt.host || st.Unparsed != tt.unparsed || len(st.Problems) != tt.problems || st.Layout != kubedescribe.Layout {
				t.Errorf("stats %+v, want host %q, %d unparsed, %d problems", st, tt.host, tt.unparsed, tt.problems)
			}
		})
	}
}

// TestExitCodes: how each termination of a broker container maps.
func TestExitCodes(t *testing.T) {
	const head = "Name:         kafka-2\nNamespace:    prod\nContainers:\n  kafka:\n    Image:  confluentinc/cp-kafka:7.6.0\n" +
		"    State:          Running\n      Started:      Wed, 03 Jan 2024 10:00:05 +0000\n    Last State:     Terminated\n"
	const tail = "      Started:      Wed, 03 Jan 2024 09:00:00 +0000\n      Finished:     Wed, 03 Jan 2024 10:00:00 +0000\n    Restart Count:  4\n"
	tests := []struct {
		name, state string
		want        []string // kind signal reason of the termination; nil: no event at all
	}{
		{"oom", "      Reason:       OOMKilled\n      Exit Code:    137\n", []string{"oom-kill KILL OOMKilled"}},
		{"sigkill", "      Reason:       Error\n      Exit Code:    137\n", []string{"process-killed KILL exit code 137"}},
		{"sigterm", "      Reason:       Error\n      Exit Code:    143\n", []string{"process-killed TERM exit code 143"}},
		{"jvm abort", "      Reason:       Error\n      Exit Code:    134\n", []string{"process-killed ABRT exit code 134"}},
		{"signal line", "      Reason:       Error\n      Exit Code:    255\n      Signal:       9\n", []string{"process-killed KILL exit code 255"}},
		{"exit 1", "      Reason:       Error\n      Exit Code:    1\n", []string{"process-exited  exit code 1"}},
		{"exit 200", "      Reason:       Error\n      Exit Code:    200\n", []string{"process-exited  exit code 200"}},
		{"cannot run", "      Reason:       ContainerCannotRun\n", []string{"process-exited  ContainerCannotRun"}},
		{"completed", "      Reason:       Completed\n      Exit Code:    0\n", nil},
		{"status unknown", "      Reason:       ContainerStatusUnknown\n      Message:      The container could not be located when the pod was deleted.  The container used to be Running\n      Exit Code:    137\n",
			[]string{"process-exited  exit code 137"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &sinktest.Recorder{}
			src := &analyzer.Source{Path: "d.txt", R: bufio.NewReader(strings.NewReader(head + tt.state + tail))}
			if _, err := kubedescribe.New().Parse(context.Background(), src, rec); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range rec.Events {
				if e.Kind == analyzer.ServiceStarted {
					if e.Time != time.Date(2024, 1, 3, 10, 0, 5, 0, time.UTC) || e.Reason != "restart count 4" {
						t.Errorf("restart %+v", e)
					}
					continue
				}
				if e.Time != time.Date(2024, 1, 3, 10, 0, 0, 0, time.UTC) {
					t.Errorf("termination at %v", e.Time)
				}
				got = append(got, fmt.Sprintf("%s %s %s", e.Kind, e.Signal, e.Reason))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("terminations (-want +got):\n%s", diff)
			}
			if n := len(rec.Events) - len(got); n != min(len(got), 1) {
				t.Errorf("%d restart events for %d terminations", n, len(got))
			}
		})
	}
}

// TestBrokerOrNot: the container's name decides, then its image, then the
// pod's name.
func TestBrokerOrNot(t *testing.T) {
	tests := []struct {
		pod, container, image string
		broker                bool
	}{
		{"kafka-0", "broker", "bitnami/kafka:1.0.1-r1", true},
		{"my-cluster-kafka-0", "kafka", "quay.io/strimzi/kafka:0.39.0-kafka-3.6.1", true},
		{"my-cluster-zookeeper-0", "zookeeper", "quay.io/strimzi/kafka:0.39.0-kafka-3.6.1", false},
		{"my-cluster-kafka-exporter-7c9d-x2", "my-cluster-kafka-exporter", "quay.io/strimzi/kafka:0.39.0-kafka-3.6.1", false},
		{"my-cluster-kafka-1", "tls-sidecar", "quay.io/strimzi/kafka:0.39.0-kafka-3.6.1", false},
		{"broker-0", "server", "confluentinc/cp-server:7.6.0", true},
		{"pi3-kafka-0", "kafka-broker", "confluentinc/cp-kafka:4.0.1-1", true},
		{"kafka-trigger-controller-758b498d9b-lxg55", "kafka-trigger-controller", "bitnami/kafka-trigger-controller:v0.5.0", false},
		{"kafka-ui-5d4f-abcde", "kafka-ui", "provectuslabs/kafka-ui:v0.7.1", false},
		{"sentry-kafka-controller-1", "", "", true},
		{"web-0", "nginx", "nginx:1.25", false},
	}
	for _, tt := range tests {
		in := fmt.Sprintf("Name:      %s\nNamespace: x\nContainers:\n  %s:\n    Image:  %s\n    State:      Running\n      Started:  Wed, 03 Jan 2024 10:00:05 +0000\n"+
			"    Last State:  Terminated\n      Reason:  Error\n      Exit Code:  137\n      Finished:  Wed, 03 Jan 2024 10:00:00 +0000\n", tt.pod, tt.container, tt.image)
		if tt.container == "" {
			in = strings.Replace(in, "  :\n", "", 1)
		}
		_, got := parse(t, "d.txt", []byte(in))
		if (len(got) > 0) != tt.broker {
			t.Errorf("%s/%s (%s): events %q, want broker=%v", tt.pod, tt.container, tt.image, got, tt.broker)
		}
	}
}

// TestSniff: describe output in its forms is claimed; logs, YAML, JSON and
// `kubectl get` tables are not, nor prose that names the command.
func TestSniff(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"header", "Name:         kafka-0\nNamespace:    default\nPriority:     0\nNode:         n1/10.0.0.1\n", true},
		{"command", "$ kubectl describe po kafka-0 -n prod\n", true},
		{"oc command", "[user@bastion ~]$ oc describe pod/kafka-0\n", true},
		{"state fragment", "some log line\n    Last State:     Terminated\n      Reason:       OOMKilled\n", true},
		{"get pods", "NAME      READY   STATUS             RESTARTS      AGE\nkafka-0   0/1     CrashLoopBackOff   5 (2m ago)   10m\n", false},
		{"yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kafka-0\n  namespace: default\nstatus:\n  containerStatuses:\n  - lastState:\n      terminated:\n        exitCode: 137\n        reason: OOMKilled\n", false},
		{"json", `{"kind":"Pod","metadata":{"name":"kafka-0"},"status":{"containerStatuses":[{"lastState":{"terminated":{"reason":"OOMKilled"}}}]}}` + "\n", false},
		{"log4j", "[2024-01-03 10:00:00,123] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)\n", false},
		{"journal", "Jan 03 10:00:00 kafka-1 systemd[1]: Started Apache Kafka.\n", false},
		{"prose", "I ran kubectl describe pod kafka-0 and saw OOMKilled\n", false},
		{"state without field", "State: Running\nnext line\n", false},
		{"waiting with a message", "    State:          Waiting\n      Reason:       CreateContainerConfigError\n", true},
		{"other kind header", "Name:         kafka\nNamespace:    default\nCreationTimestamp:  Mon, 04 Mar 2024 09:12:40 +0100\n", false},
	}
	for _, tt := range tests {
		if got := kubedescribe.New().Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCommandNamespace: a describe command's namespace flag, in each of
// its forms, is read past; the pod is the word after the kind, never the
// namespace's value.
func TestCommandNamespace(t *testing.T) {
	const state = "    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n      Finished:     Wed, 03 Jan 2024 10:00:00 +0000\n"
	tests := []struct {
		cmd, host string // host "": no pod named, so no event
	}{
		{"$ kubectl describe pod -n kafka-ns kafka-0", "kafka-0"},
		{"$ kubectl describe pod --namespace kafka-ns kafka-0", "kafka-0"},
		{"$ kubectl describe pod --namespace=kafka-ns kafka-0", "kafka-0"},
		{"$ kubectl describe pod -n=kafka-ns kafka-0", "kafka-0"},
		{"$ kubectl describe pod kafka-0 -n kafka-ns", "kafka-0"},
		{"$ kubectl describe pods -n kafka-1", ""},
		{"$ kubectl describe pods --namespace kafka-1 | grep -A 4 'Last State'", ""},
		{"$ kubectl describe pods -n", ""},
	}
	for _, tt := range tests {
		st, got := parse(t, "d.txt", []byte(tt.cmd+"\n"+state))
		var want []string
		if tt.host != "" {
			want = []string{"5 oom-kill 2024-01-03 10:00:00 KILL \"OOMKilled\" " + tt.host + " " + tt.host}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: events (-want +got):\n%s", tt.cmd, diff)
		}
		if st.Host != tt.host {
			t.Errorf("%s: Stats.Host %q, want %q", tt.cmd, st.Host, tt.host)
		}
	}
}

// TestCauses: with every parser and rule, as `kafkadiag analyze` runs,
// the dumps name the cause they show, and the near misses none at warning
// or above.
func TestCauses(t *testing.T) {
	tests := []struct {
		file  string
		cause analyzer.Cause // "": none at warning or above
		sev   analyzer.Severity
	}{
		// A SIGTERM and a restart, no client in view: recorded as info.
		{"kubeless-kafka-0-sigterm.txt", analyzer.BrokerRestart, analyzer.Info},
		{"sentry-kraft-oomkilled-grep.txt", analyzer.BrokerOOMKill, analyzer.Critical},
		{"multi-pod-liveness-kill.txt", analyzer.BrokerRestart, analyzer.Warning},
		{"event-streams-zk-oomkilled-fragment.txt", "", 0},
		{"cp-helm-cp-server-crashloop-cut.txt", "", 0},
		{"near-miss-strimzi-healthy.txt", "", 0},
		{"near-miss-completed-exit0.txt", "", 0},
		{"kubeless-trigger-controller-crashloop.txt", "", 0},
	}
	for _, tt := range tests {
		res, err := analyzer.Analyze(context.Background(), []string{filepath.Join("testdata", tt.file)}, analyzer.Options{}, parsers.All(), rules.All())
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Incident.Inputs[0].Format; got != "kubectl-describe" {
			t.Errorf("%s: read as %q", tt.file, got)
		}
		sinktest.CheckPrimary(t, tt.file, res, tt.cause, tt.sev)
	}
}

// TestUntimedStates: kubectl's zero time is no time (undated, no
// problem); a Waiting state's Message does not swallow the lines after it.
func TestUntimedStates(t *testing.T) {
	in := `Name:         kafka-0
Namespace:    prod
Containers:
  kafka:
    Image:          apache/kafka:3.8.0
    State:          Waiting
      Reason:       CreateContainerConfigError
      Message:      secret "kafka-jaas" not found
    Last State:     Terminated
      Reason:       ContainerStatusUnknown
      Message:      The container could not be located when the pod was deleted.  The container used to be Running
      Exit Code:    137
      Started:      Mon, 01 Jan 0001 00:00:00 +0000
      Finished:     Mon, 01 Jan 0001 00:00:00 +0000
    Ready:          False
    Restart Count:  3
`
	st, got := parse(t, "d.txt", []byte(in))
	want := []string{`14 process-exited undated  "exit code 137" kafka-0 kafka-0/kafka`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if len(st.Problems) != 0 {
		t.Errorf("problems %q", st.Problems)
	}
}

// TestInitContainerNotReported: an init container's end is its job done
// (or a start that never happened), not a broker's: its termination gives
// no event, even when its name and image are a broker's; the broker
// container after it is reported.
func TestInitContainerNotReported(t *testing.T) {
	in := `Name:         kafka-0
Namespace:    prod
Init Containers:
  kafka-prepare:
    Container ID:   containerd://0a1b
    Image:          apache/kafka:3.8.0
    State:          Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Wed, 03 Jan 2024 09:59:00 +0000
      Finished:     Wed, 03 Jan 2024 09:59:30 +0000
    Ready:          False
    Restart Count:  2
Containers:
  kafka:
    Container ID:   containerd://2c3d
    Image:          apache/kafka:3.8.0
    State:          Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Wed, 03 Jan 2024 09:00:00 +0000
      Finished:     Wed, 03 Jan 2024 10:00:00 +0000
    Ready:          False
    Restart Count:  0
Events:           <none>
`
	_, got := parse(t, "d.txt", []byte(in))
	want := []string{`22 oom-kill 2024-01-03 10:00:00 KILL "OOMKilled" kafka-0 kafka-0/kafka`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
