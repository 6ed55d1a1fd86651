package kubedescribe

import (
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
)

// report emits the events of a container whose description ended, when it
// runs a Kafka broker. d.section is still the section it was read in.
func (d *decoder) report(c *container) {
	if d.section == sectionInit {
		return // an init container's end is its job done, or a start that never happened
	}
	var ended []*state
	for _, s := range []*state{&c.last, &c.state} {
		if s.kind == "Terminated" && s.trouble() {
			ended = append(ended, s)
		}
	}
	if len(ended) == 0 {
		return
	}
	switch brokerRole(c.name, c.image, d.pod.name) {
	case roleBroker:
	case roleUnknown:
		if c.name == "" && c.image == "" && d.pod.name == "" {
			d.unplaced += len(ended)
		}
		return
	default:
		return
	}
	who := d.who(c)
	for _, s := range ended {
		d.emit(d.termination(c, s, who))
	}
	// The state after the last one is the restart that followed it.
	if c.last.kind == "Terminated" && c.last.trouble() && !c.state.started.at.IsZero() {
		d.emit(d.restart(c, who))
	}
}

// emit hands an event to the sink and counts it.
func (d *decoder) emit(ev analyzer.Event) {
	d.st.Events++
	d.sink.Event(ev)
}

// trouble reports whether a terminated state is more than a container
// that completed its work: any exit but a clean one. A state the dump cut
// before its reason and exit code says nothing.
func (s *state) trouble() bool {
	switch {
	case s.reason == "OOMKilled":
		return true
	case s.exitSet:
		return s.exitCode != 0
	}
	return s.reason != "" && s.reason != "Completed"
}

// termination is the event of a terminated state, at its Finished time.
func (d *decoder) termination(c *container, s *state, who string) analyzer.Event {
	line := s.finished.line
	if line == 0 {
		line = s.line
	}
	ev := d.event(who, s.finished.at, line)
	ev.Level = "WARN"
	sig := s.signal
	if sig == 0 && s.exitSet && s.exitCode > 128 && s.reason != "ContainerStatusUnknown" {
		// ContainerStatusUnknown's 137 is the kubelet's bookkeeping for a
		// container it lost track of, not a signal it saw.
		sig = s.exitCode - 128
	}
	name := signalName(sig)
	switch {
	case s.reason == "OOMKilled":
		ev.Kind, ev.Signal, ev.Reason, ev.Level = analyzer.OOMKill, "KILL", "OOMKilled", "ERROR"
	case name != "":
		ev.Kind, ev.Signal = analyzer.ProcessKilled, name
		if s.exitSet {
			ev.Reason = "exit code " + strconv.Itoa(s.exitCode)
		}
	case s.exitSet:
		ev.Kind, ev.Reason = analyzer.ProcessExited, "exit code "+strconv.Itoa(s.exitCode)
	default:
		ev.Kind, ev.Reason = analyzer.ProcessExited, s.reason
	}
	ev.Text = stateText(who, c, s)
	return ev
}

// restart is the event of the state that followed the last termination,
// at its Started time.
func (d *decoder) restart(c *container, who string) analyzer.Event {
	ev := d.event(who, c.state.started.at, c.state.started.line)
	ev.Kind, ev.Level = analyzer.ServiceStarted, "INFO"
	if c.restarts != "" {
		ev.Reason = "restart count " + c.restarts
	}
	ev.Text = stateText(who, c, &c.state)
	return ev
}

// event fills what every event of the container shares.
func (d *decoder) event(who string, at time.Time, line int) analyzer.Event {
	return analyzer.Event{
		Time:    at,
		Source:  analyzer.Location{Path: d.src.Path, Line: line},
		Program: Program,
		Host:    d.pod.name,
		Unit:    who,
	}
}

// who names the container as "pod/container", or whichever the dump gave.
func (d *decoder) who(c *container) string {
	switch {
	case d.pod.name != "" && c.name != "":
		return d.pod.name + "/" + c.name
	case c.name != "":
		return c.name
	}
	return d.pod.name
}

// stateText renders a state's fields as kubectl printed them, after the
// container's name and image: the evidence line of its event.
func stateText(who string, c *container, s *state) string {
	var b strings.Builder
	b.WriteString(who)
	if c.image != "" {
		b.WriteString(" (" + c.image + ")")
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if s == &c.last {
		b.WriteString("Last ")
	}
	b.WriteString("State: " + s.kind)
	if s.reason != "" {
		b.WriteString(", Reason: " + s.reason)
	}
	if s.exitSet {
		b.WriteString(", Exit Code: " + strconv.Itoa(s.exitCode))
	}
	if s.signal != 0 {
		b.WriteString(", Signal: " + strconv.Itoa(s.signal))
	}
	switch {
	case s.finished.text != "":
		b.WriteString(", Finished: " + s.finished.text)
	case s.started.text != "" && s == &c.state:
		b.WriteString(", Started: " + s.started.text)
		if c.restarts != "" {
			b.WriteString(", Restart Count: " + c.restarts)
		}
	}
	out := b.String()
	if len(out) > analyzer.MaxTextLen {
		out = out[:analyzer.MaxTextLen]
	}
	return out
}

// signalName is the name of a signal a container is commonly ended by, ""
// for others: an exit code 128+N with another N is read as an exit code.
func signalName(n int) string {
	switch n {
	case 1:
		return "HUP"
	case 2:
		return "INT"
	case 3:
		return "QUIT"
	case 4:
		return "ILL"
	case 6:
		return "ABRT"
	case 7:
		return "BUS"
	case 8:
		return "FPE"
	case 9:
		return "KILL"
	case 11:
		return "SEGV"
	case 13:
		return "PIPE"
	case 15:
		return "TERM"
	}
	return ""
}

// role is what a container runs, as far as its names tell.
type role int

const (
	roleUnknown role = iota
	roleBroker
	roleOther // ZooKeeper, a tool that talks to Kafka, a sidecar
)

// brokerRole decides whether a container runs a Kafka broker from the
// first of its name, its image's repository name and its pod's name that
// tells: Strimzi runs ZooKeeper (container "zookeeper") and its exporter
// from the Kafka image, and a container named "broker" leaves it to the
// image.
func brokerRole(container, image, pod string) role {
	for _, name := range [...]string{container, imageName(image), pod} {
		if r := nameRole(name); r != roleUnknown {
			return r
		}
	}
	return roleUnknown
}

// imageName is the repository name of an image reference, without
// registry, path, tag or digest: "kafka" for
// "docker.io/bitnami/kafka:3.5.0@sha256:…".
func imageName(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, '/'); i >= 0 {
		image = image[i+1:]
	}
	if i := strings.IndexByte(image, ':'); i >= 0 {
		image = image[:i]
	}
	return image
}

// nameRole reads one name: a Kafka broker by the journal's unit rules
// (journal.KafkaUnit) or Confluent's cp-server image; ZooKeeper, Kafka's
// tools and the helpers a pod runs beside a broker are not.
func nameRole(name string) role {
	l := strings.ToLower(name)
	for _, w := range notBroker {
		if strings.Contains(l, w) {
			return roleOther
		}
	}
	switch {
	case strings.Contains(l, "zookeeper"):
		return roleOther
	case journal.KafkaUnit([]byte(l)) || strings.Contains(l, "cp-server") || strings.Contains(l, "confluent-server"):
		return roleBroker
	case strings.Contains(l, "kafka"):
		return roleOther // a tool journal.KafkaUnit knows is no broker
	}
	return roleUnknown
}

// notBroker are words of container, image and pod names that are no
// broker's, beyond those journal.KafkaUnit refuses: Kubernetes helpers and
// operators, and the kubeless Kafka trigger.
var notBroker = [...]string{
	"operator", "trigger", "bridge", "sidecar", "init", "proxy", "envoy", "istio",
	"jmx", "metrics", "client", "tools", "topic", "entity",
}
