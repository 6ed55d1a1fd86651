package input

import (
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
)

// HostFromPath guesses the machine from a display path. Inside containers
// ("outer.tgz!broker-1/logs/server.log") it looks at the innermost member's
// folders first, nearest first, then at the container's own name
// ("broker-1.tgz"), then outwards. A folder names a host when it looks like
// one ("broker-1", "kafka-3.internal", "ip-10-0-4-33.ec2.internal",
// "10.0.4.33") and is not a generic or bookkeeping folder ("logs", "var",
// "support-bundle-2024-06-29", "kafka_2.13-3.6.0"); a sosreport folder
// names its host ("sosreport-kafka-3-0123456-2024-06-29-abcdef" → kafka-3).
// It returns "" when nothing does.
func HostFromPath(p string) string {
	segs := strings.Split(filepath.ToSlash(p), "!")
	for i := len(segs) - 1; i >= 0; i-- {
		parts := strings.Split(segs[i], "/")
		if i < len(segs)-1 {
			if h := hostName(stripArchiveExt(parts[len(parts)-1])); h != "" {
				return h
			}
		}
		if i == len(segs)-1 && len(parts) >= 2 && podLogDirs[strings.ToLower(parts[len(parts)-2])] {
			if h := hostName(podName(parts[len(parts)-1])); h != "" {
				return h
			}
		}
		for j := len(parts) - 2; j >= 0; j-- {
			if h := hostName(parts[j]); h != "" {
				return h
			}
		}
	}
	return ""
}

// podLogDirs hold one log file per Kubernetes pod, named after the pod
// (Strimzi's report.sh writes reports/podlogs/<pod>.log).
var podLogDirs = map[string]bool{"podlogs": true, "pod-logs": true, "pods": true}

// podName is a pod log's file name without its extensions and the
// "-previous" mark of the container's earlier run.
func podName(file string) string {
	file = stripArchiveExt(file)
	for _, ext := range []string{".log", ".txt"} {
		file = strings.TrimSuffix(file, ext)
	}
	return strings.TrimSuffix(file, "-previous")
}

// hostName returns the host a single path element names, or "".
func hostName(d string) string {
	l := strings.ToLower(d)
	if strings.HasPrefix(l, "sosreport-") {
		return sosHost(d[len("sosreport-"):])
	}
	if !validHostChars(d) {
		return ""
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return d
	}
	if genericDirs[l] || goTestDir.MatchString(d) {
		return ""
	}
	d = trimNoise(d)
	l = strings.ToLower(d)
	switch {
	case d == "" || genericDirs[l] || !strings.ContainsAny(l, "abcdefghijklmnopqrstuvwxyz"):
		return ""
	case roleDirs[l]:
		return d
	case versionLabel.MatchString(l) || versionName.MatchString(l) || strings.HasSuffix(l, ".d") ||
		!strings.ContainsAny(l, "0123456789-."):
		return ""
	}
	for _, tok := range strings.FieldsFunc(l, isSep) {
		if noiseWords[tok] {
			return ""
		}
	}
	if proseName(l) {
		return ""
	}
	return d
}

// proseName reports a name written like a phrase with underscores
// ("broker_idle_reaper_600s", "case_for_acme"): host names have no
// underscores, and the ones that do come from docker compose, which joins
// at most a project and a service to a number ("shop_kafka_1").
func proseName(l string) bool {
	if !strings.Contains(l, "_") {
		return false
	}
	words := 0
	for _, tok := range strings.Split(l, "_") {
		if strings.ContainsAny(tok, "abcdefghijklmnopqrstuvwxyz") {
			words++
		}
	}
	return words >= 3
}

// sosHost reads the host out of a sosreport name: "HOST[-CASE]-DATE-RANDOM"
// (sos 4) or "HOST[-CASE]-YYYYMMDDhhmmss" (sos 3). Any name is a host there,
// so the usual "looks like a host" test does not apply.
func sosHost(rest string) string {
	rest = stripArchiveExt(rest)
	if loc := sosDate.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	}
	rest = caseID.ReplaceAllString(rest, "")
	if rest == "" || !validHostChars(rest) || strings.EqualFold(rest, "localhost") ||
		!strings.ContainsAny(strings.ToLower(rest), "abcdefghijklmnopqrstuvwxyz") {
		return ""
	}
	return rest
}

var (
	sosDate = regexp.MustCompile(`[-.](19|20)\d\d-?\d\d-?\d\d`)
	caseID  = regexp.MustCompile(`[-.]\d{5,}$`)
	// trailingDate is a date, maybe with a time or a serial, ending a name.
	trailingDate = regexp.MustCompile(`[-_.](19|20)\d\d[-_]?\d\d[-_]?\d\d([-_.T]?\d+)*$`)
	// A name ending ".d" is a config folder ("cron.d", "conf.d").
	// versionLabel is a dot-separated label starting with a digit, the mark
	// of a version ("kafka_2.13-3.6.0", "confluent-7.5") rather than a
	// host; IP addresses were accepted before.
	versionLabel = regexp.MustCompile(`\.\d`)
	// versionName is a bare version folder ("v2", "v1.3").
	versionName = regexp.MustCompile(`^v\d+$`)
	// goTestDir is "TestName123456", made by t.TempDir.
	goTestDir = regexp.MustCompile(`^Test[A-Z]\w*\d+$`)
)

// trimNoise drops a trailing date and leading or trailing bookkeeping words:
// "kafka-3-logs" is kafka-3, "logs-broker-1-2024-06-29" is broker-1.
func trimNoise(d string) string {
	for {
		before := d
		d = trailingDate.ReplaceAllString(d, "")
		if i := strings.LastIndexFunc(d, isSep); i > 0 && noiseWords[strings.ToLower(d[i+1:])] {
			d = d[:i]
		}
		if i := strings.IndexFunc(d, isSep); i > 0 && noiseWords[strings.ToLower(d[:i])] {
			d = d[i+1:]
		}
		if d == before {
			return d
		}
	}
}

func isSep(r rune) bool { return r == '-' || r == '_' || r == '.' }

// validHostChars accepts what host names (and IP addresses) are made of.
func validHostChars(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !(isDigit(c) || isLetter(c) || c == '-' || c == '.' || c == '_' || c == ':') {
			return false
		}
	}
	return true
}

// stripArchiveExt drops archive and compression suffixes from a container's
// name so "broker-1.tar.gz" reads as broker-1.
func stripArchiveExt(name string) string {
	for {
		l := strings.ToLower(name)
		trimmed := false
		for _, ext := range archiveExts {
			if strings.HasSuffix(l, ext) && len(name) > len(ext) {
				name, trimmed = name[:len(name)-len(ext)], true
				break
			}
		}
		if !trimmed {
			return name
		}
	}
}

var archiveExts = []string{".tgz", ".tar", ".gz", ".zip", ".zst", ".tzst", ".bz2", ".tbz2", ".tbz", ".xz", ".txz"}

// genericDirs are folders that never name a machine.
var genericDirs = map[string]bool{
	"log": true, "logs": true, "var": true, "tmp": true, "kafka": true, "lib": true,
	"data": true, "captures": true, "capture": true, "pcap": true, "pcaps": true,
	"journal": true, "testdata": true, "scenarios": true, "bundle": true, "etc": true,
	"home": true, "opt": true, "root": true, "config": true, "usr": true, "local": true,
	"srv": true, "run": true, "sos_commands": true, "sos_reports": true, "sos_logs": true,
	"localhost": true, "localhost.localdomain": true, "..": true, ".": true,
}

// noiseWords mark bookkeeping folders ("support-bundle-2024-06-29",
// "incident-4242", "kafka-logs") when they appear as a word in a name.
var noiseWords = map[string]bool{
	"bundle": true, "bundles": true, "support": true, "incident": true, "incidents": true,
	"case": true, "cases": true, "ticket": true, "tickets": true, "log": true, "logs": true,
	"export": true, "exports": true, "backup": true, "backups": true, "dump": true, "dumps": true,
	"archive": true, "archives": true, "report": true, "reports": true, "capture": true,
	"captures": true, "pcap": true, "pcaps": true, "diag": true, "diagnostics": true,
	"kafkadiag": true, "output": true, "results": true, "tmp": true, "temp": true,
	"artifacts": true, "collected": true, "snapshot": true, "uploads": true, "upload": true,
	"attachments": true, "journal": true, "testdata": true, "fixtures": true, "data": true,
}

// roleDirs name a machine by its role, the way small bundles do.
var roleDirs = map[string]bool{
	"client": true, "broker": true, "server": true, "producer": true, "consumer": true,
	"zookeeper": true, "controller": true,
}
