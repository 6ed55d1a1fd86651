package kubedescribe

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// field splits a `Key:   value` line (indentation removed) as kubectl
// prints it. The key is a field name (a letter, then letters, digits,
// spaces and a few marks) of at most maxKeyLen bytes, the colon ends the
// line or is followed by blanks. Both slices alias line.
func field(line []byte) (key, value []byte, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 || i > maxKeyLen || !isLetter(line[0]) {
		return nil, nil, false
	}
	key = line[:i]
	for _, c := range key {
		if !isLetter(c) && !(c >= '0' && c <= '9') && strings.IndexByte(" -_.()/", c) < 0 {
			return nil, nil, false
		}
	}
	rest := line[i+1:]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return nil, nil, false
	}
	return key, bytes.TrimSpace(rest), true
}

// isStateKey reports whether key is one of the fields kubectl prints under
// a container state.
func isStateKey(key []byte) bool {
	switch string(key) {
	case "Started", "Reason", "Exit Code", "Finished", "Message", "Signal":
		return true
	}
	return false
}

// maxKeyLen bounds a field name: kubectl's longest is "Priority Class
// Name"; container names (DNS labels) may take 63 bytes.
const maxKeyLen = 64

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// label reports whether b is a DNS-1123 label, the form of a container
// name: lower-case letters, digits and inner hyphens. No kubectl field
// name has that form (they are capitalised).
func label(b []byte) bool {
	if len(b) == 0 || len(b) > 63 || b[0] == '-' || b[len(b)-1] == '-' {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// number reads a decimal field value.
func number(b []byte) (int, bool) {
	if len(b) > 9 {
		return 0, false
	}
	return text.Digits(b)
}

// parseTime reads kubectl's time, RFC 1123 with a numeric zone
// ("Thu, 24 May 2018 11:33:14 -0700"), or with the zone "UTC" or "GMT".
// Any other zone name is ambiguous and refused. The caller tells the zero
// time kubectl prints for a state never timed by its year.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil && (strings.HasSuffix(s, " UTC") || strings.HasSuffix(s, " GMT")) {
		t, err = time.Parse(time.RFC1123, s)
	}
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// describeLine reads a line that may be a describe command line
// (describeCommand), cheaply refusing the lines that do not say "describe".
func describeLine(line []byte) (name string, ok bool) {
	if !text.Has(line, "describe") {
		return "", false
	}
	return describeCommand(string(bytes.TrimSpace(line)))
}

// describeCommand reads a `kubectl|oc|k describe po|pod|pods [NAME]`
// command line, as a shell echo or a post shows it: behind a prompt (a
// word ending in $, #, > or %), sudo, or markdown emphasis. ok is false for
// any other line, prose that mentions the command included, and for a
// describe of another kind of object. name is the pod it names, "" for none.
func describeCommand(s string) (name string, ok bool) {
	f := strings.Fields(s)
	for i, w := range f {
		if i == 0 || trimMarkup(w) != "describe" {
			continue
		}
		j := i - 1
		if f[j] == "--" && j > 0 { // minikube kubectl -- describe
			j--
		}
		if !kubectlName(trimMarkup(f[j])) || !promptBefore(f[:j]) {
			continue
		}
		return podArgs(f[i+1:])
	}
	return "", false
}

// kubectlName reports whether a word runs kubectl (or oc, or the usual k
// alias), by its base name.
func kubectlName(w string) bool {
	if i := strings.LastIndexAny(w, `/\`); i >= 0 {
		w = w[i+1:]
	}
	switch w {
	case "k", "oc", "oc.exe", "kubectl", "kubectl.exe", "kubectl.sh", "microk8s.kubectl":
		return true
	}
	return false
}

// promptBefore reports whether the words before kubectl are nothing, a
// shell prompt, or a wrapper command.
func promptBefore(words []string) bool {
	if len(words) == 0 {
		return true
	}
	last := trimMarkup(words[len(words)-1])
	switch last {
	case "sudo", "minikube", "microk8s", "time", "watch":
		return true
	}
	return last != "" && strings.IndexByte("$#>%", last[len(last)-1]) >= 0
}

// podArgs reads the arguments after "describe": the kind must be a pod,
// the first other word is its name (none when a selector or the whole
// namespace is described).
func podArgs(args []string) (name string, ok bool) {
	kind := false
	for i := 0; i < len(args); i++ {
		a := trimMarkup(args[i])
		switch {
		case a == "|" || a == ">" || a == ";" || a == "&&" || strings.HasPrefix(a, "|"):
			return name, kind
		case valueFlag(a):
			i++
		case strings.HasPrefix(a, "-"): // --namespace=x, -n=x and the flags without a value
		case !kind:
			k, named, _ := strings.Cut(a, "/")
			if k != "po" && k != "pod" && k != "pods" {
				return "", false
			}
			kind = true
			if dnsName(named) {
				name = named
			}
		case name == "":
			if dnsName(a) {
				name = a
			}
		}
	}
	return name, kind
}

// valueFlag reports whether a describe flag takes the next word as its
// value.
func valueFlag(a string) bool {
	switch a {
	case "-n", "--namespace", "-l", "--selector", "-f", "--filename", "--context", "--kubeconfig", "--cluster", "--user", "--chunk-size", "-o":
		return true
	}
	return false
}

// dnsName reports whether s can name a pod (a DNS-1123 subdomain); a
// placeholder such as "[name]" or "<pod>" cannot.
func dnsName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if !label([]byte(l)) {
			return false
		}
	}
	return true
}

// trimMarkup removes the emphasis and quotes a post wraps a command in.
func trimMarkup(w string) string { return strings.Trim(w, "*`\"'") }

// quote quotes a printed value for a problem note, cut to a sane length.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
