package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Prefix layouts: a bracketed name before each printed line.
const (
	// LayoutKubectl is `kubectl logs --prefix`: "[pod/<pod>/<container>] text".
	LayoutKubectl = "kubectl-prefix"
	// LayoutPodPrefix is the "[<pod>] text" a log shipper or `stern`-like
	// tool puts before each line.
	LayoutPodPrefix = "pod-prefix"
)

// maxPods bounds the pods of a prefixed log that get decoders of their
// own; lines of further pods share one set.
const maxPods = 32

// podDecoders is the decoder set of one pod (or pod/container) of a
// prefixed log: interleaved pods each keep their pending stack trace.
type podDecoders struct {
	key  string // "pod/container" or the bracketed name
	host string // the pod
	ds   *decoders
}

// cutKubectl reads "[pod/<pod>/<container>] " (kind may be any word
// kubectl prints, "pod" in practice). key is the bracket's content, pod
// the pod name.
func cutKubectl(line []byte) (key, pod, text []byte, ok bool) {
	inner, text, ok := cutBracket(line)
	if !ok {
		return nil, nil, nil, false
	}
	kind, rest, ok1 := bytes.Cut(inner, []byte{'/'})
	pod, container, ok2 := bytes.Cut(rest, []byte{'/'})
	if !ok1 || !ok2 || !isName(kind) || !isName(pod) || !isName(container) {
		return nil, nil, nil, false
	}
	return inner, pod, text, true
}

// cutPodPrefix reads "[<name>] " before a line that starts the way Kafka
// or librdkafka lines start (a date, "[date", "%L|"), so a logback
// "[thread] LEVEL …" line is never taken for a prefixed one.
func cutPodPrefix(line []byte) (name, text []byte, ok bool) {
	inner, text, ok := cutBracket(line)
	if !ok || !isName(inner) || !hasLetter(inner) {
		return nil, nil, false
	}
	switch {
	case isNative(text):
	case len(text) > 1 && text[0] == '[' && isDigit(text[1]):
	case len(text) > 4 && isDigit(text[0]) && isDigit(text[3]) && text[4] == '-':
	case len(text) > 1 && text[0] == '{':
	default:
		return nil, nil, false
	}
	return inner, text, true
}

// cutBracket splits "[inner] text".
func cutBracket(line []byte) (inner, text []byte, ok bool) {
	if len(line) < 3 || line[0] != '[' {
		return nil, nil, false
	}
	end := bytes.IndexByte(line[:min(len(line), 300)], ']')
	if end < 2 || end+1 >= len(line) || line[end+1] != ' ' {
		return nil, nil, false
	}
	return line[1:end], line[end+2:], true
}

// isName accepts Kubernetes object names: lower-case letters, digits,
// '-', '.', '_' (container names in some tools), at most 253 bytes.
func isName(b []byte) bool {
	if len(b) == 0 || len(b) > 253 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func hasLetter(b []byte) bool {
	for _, c := range b {
		if c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// prefixed handles one line of a prefixed log: the inner line goes to its
// pod's decoders with the pod as host. A line without the prefix (a
// wrapped continuation some tools print bare) goes to the last pod's.
func (rd *reader) prefixed(loc analyzer.Location, line []byte) {
	var key, pod, text []byte
	var ok bool
	if rd.st.Layout == LayoutKubectl {
		key, pod, text, ok = cutKubectl(line)
	} else {
		key, text, ok = cutPodPrefix(line)
		pod = key
		if !ok {
			// The inner-line check is for sniffing only: a pod's stack
			// frames and other lines start any way.
			key, text, ok = cutBracket(line)
			ok = ok && isName(key) && hasLetter(key)
			pod = key
		}
	}
	if !ok {
		if !rd.toLastPod(loc, line) {
			rd.unparsed(loc, "no [pod] prefix")
		}
		return
	}
	p, ts, text := rd.enterPod(key, pod, text)
	rd.route.text(p.ds, loc, ts, p.host, text)
}

// enterPod makes key's pod the current one and takes the runtime's time
// off its line's text (cutRuntimeTime), learning the zone from it.
func (rd *reader) enterPod(key, pod, text []byte) (*podDecoders, time.Time, []byte) {
	p := rd.pod(key, pod)
	rd.lastPod = p
	ts, text := cutRuntimeTime(text)
	rd.learnZone(ts, text)
	return p, ts, text
}

// toLastPod routes a line without a prefix to the last pod's decoders; it
// reports false when no prefixed line came yet.
func (rd *reader) toLastPod(loc analyzer.Location, line []byte) bool {
	if rd.lastPod == nil {
		return false
	}
	rd.route.text(rd.lastPod.ds, loc, time.Time{}, rd.lastPod.host, line)
	return true
}

// cutRuntimeTime takes off the runtime's time `kubectl logs --timestamps`
// prints before each line ("2024-03-05T10:19:00.100123456Z text"); ts is
// zero when there is none.
func cutRuntimeTime(text []byte) (time.Time, []byte) {
	t, n, zoned, ok := parseISOTime(text, time.UTC)
	if !ok || !zoned || n+1 >= len(text) || text[n] != ' ' {
		return time.Time{}, text
	}
	return t, text[n+1:]
}

// pod finds or makes the decoder set of a prefix. Past maxPods, further
// pods share the last set under their own host name (one string each
// line: a log of that many pods is rare).
func (rd *reader) pod(key, pod []byte) *podDecoders {
	for _, p := range rd.pods {
		if p.key == string(key) {
			return p
		}
	}
	if len(rd.pods) >= maxPods {
		last := rd.pods[len(rd.pods)-1]
		return &podDecoders{key: last.key, host: string(pod), ds: last.ds}
	}
	p := &podDecoders{key: string(key), host: string(pod), ds: rd.newDecoders()}
	rd.pods = append(rd.pods, p)
	return p
}
