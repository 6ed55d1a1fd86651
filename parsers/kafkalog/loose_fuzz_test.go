package kafkalog

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLooseHeader checks the general reader against the strict shapes on
// any line: a line a strict shape reads with a logger (or in Kafka's own
// bracketed layout) keeps exactly the strict header; a line a strict shape
// accepts is never refused; every header's spans lie within the line; and
// a header of the general reader names a Java logger (Logstash's: a
// dotted name; Spark's and Akka's %c{1}: a class name).
func FuzzLooseHeader(f *testing.F) {
	paths, _ := filepath.Glob("testdata/realworld/*.log")
	more, _ := filepath.Glob("testdata/*.log")
	for _, p := range append(paths, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			f.Add(l)
		}
	}
	for _, s := range []string{
		"Mar 02, 2024 10:15:02 PM org.apache.kafka.clients.NetworkClient m",
		"[2021-02-18 20:46:35,117] [t | p-1} ERROR x (org.apache.kafka.clients.NetworkClient)",
		"[2021-02-18 20:46:35,117] [t] INFO a.B - x",
		"13:57:44.697 [main] INFO  o.a.k.c.consumer.ConsumerConfig - x",
		"2022-06-02 00:56:32.961 -DEBUG  [ main] o.a.k.c.n.Selector : x",
		"2022-06-02 00:56:32.961 - INFO 1 --- [main] a.B : x",
		"[2023-06-09T12:19:03.724Z] 13:57:44.697 [main] INFO  o.a.k.c.NetworkClient - x",
		"[WARN] [02/19/2015 11:40:22.861] [t] [Selector] x",
		"[WARN] [02/19/2015 11:40:22] [org.apache.kafka.clients.NetworkClient] x",
		"2023-06-09 08:18:58,118 WARN  [org.apa.kaf.cli.NetworkClient] ((a) b) [] - x",
		"2023-06-09 08:18:58,118 [WARN] [  ] x.Y: ",
		"x | 2023-06-09T08:18:58Z [ info ] a.B",
		"\t[2026-01-06T00:00:32,018][ERROR][org.apache.kafka.clients.NetworkClient][p] x",
		"  \t13:57:44.697 [main] INFO  o.a.k.c.NetworkClient - x",
		"\tMar 02, 2024 10:15:02 PM org.apache.kafka.clients.NetworkClient m",
		">>he[2024-05-02 10:15:09,282] ERROR x (org.apache.kafka.clients.NetworkClient)",
		"> 2024-05-02 10:15:09,282 ERROR [t] o.a.k.c.NetworkClient: x",
		"he[2024-05-02 10:15:09,282] ERROR ProducerConfig values: ",
	} {
		f.Add([]byte(s))
	}
	zone := time.FixedZone("X", 5400)
	f.Fuzz(func(t *testing.T, line []byte) {
		var strict, got header
		strict.clock, got.clock = &minuteClock{}, &minuteClock{}
		sok := parseHeaderSpans(line, zone, &strict)
		strict.msgEnd = max(strict.msgStart, strict.msgEnd)
		strict.loggerEnd = max(strict.loggerStart, strict.loggerEnd)
		ok := parseHeader(line, zone, &got)
		if sok && !ok {
			t.Fatalf("%q: the strict shapes accept it, parseHeader refuses", line)
		}
		if sok && (strict.loggerEnd > strict.loggerStart || strict.layout == layoutLog4j) {
			strict.clock, got.clock = nil, nil
			if got != strict {
				t.Fatalf("%q: header changed from the strict one:\nstrict %+v\ngot    %+v", line, strict, got)
			}
			return
		}
		if !ok {
			return
		}
		n := len(line)
		if got.composeEnd > n || got.composeName > got.composeEnd || got.loggerStart > got.loggerEnd || got.loggerEnd > n ||
			got.msgStart > got.msgEnd || got.msgEnd > n || got.lead > got.loggerStart || got.lead > got.msgStart {
			t.Fatalf("%q: spans out of the line: %+v", line, got)
		}
		if got.lead > 0 { // a header after a lead
			checkLead(t, line, zone, got)
		}
		// Logstash's own loggers are dotted names, not Java classes.
		if logger := line[got.loggerStart:got.loggerEnd]; got.layout >= layoutJava && got.layout != layoutLogstash && !got.layout.bareClass() && !isJavaLogger(logger) ||
			got.layout == layoutLogstash && !isLoggerToken(logger) ||
			got.layout == layoutSpark && (len(logger) == 0 || bytes.IndexFunc(logger, func(r rune) bool { return !isClassByte(byte(r)) }) >= 0) ||
			got.layout == layoutAkka && !isBareClass(logger) && !isJavaLogger(logger) {
			t.Fatalf("%q: layout %s without a Java logger (%q)", line, got.layout, logger)
		}
		if got.layout >= layoutJava && got.layout != layoutJUL && got.level == "" {
			t.Fatalf("%q: layout %s without a level", line, got.layout)
		}
		_ = canonicalLogger(line[got.loggerStart:got.loggerEnd])
	})
}

// checkLead holds the invariants of a header read after a lead: the lead
// is blanks when indented, and the header is the one the rest of the line
// gives, moved by the lead, with a time, and a logger unless indented.
func checkLead(t *testing.T, line []byte, zone *time.Location, got header) {
	t.Helper()
	k := got.lead
	if got.indented && len(bytes.Trim(line[:k], " \t")) != 0 {
		t.Fatalf("%q: indentation %q is not blanks", line, line[:k])
	}
	if !got.hasTime && !got.timeOfDay || !got.indented && (!got.hasTime || got.loggerEnd <= got.loggerStart) {
		t.Fatalf("%q: a header after the lead %q without a time or a logger: %+v", line, line[:k], got)
	}
	rest := header{clock: &minuteClock{}}
	if !parseAnyLayout(line[k:], zone, &rest) {
		t.Fatalf("%q: read after its lead, but not the rest alone", line)
	}
	rest.msgEnd = max(rest.msgStart, rest.msgEnd)
	rest.loggerEnd = max(rest.loggerStart, rest.loggerEnd)
	rest.lead, rest.indented = got.lead, got.indented
	rest.loggerStart += k
	rest.loggerEnd += k
	rest.msgStart += k
	rest.msgEnd += k
	rest.clock, got.clock = nil, nil
	if rest != got {
		t.Fatalf("%q: header after the lead differs from the rest's:\nrest %+v\ngot  %+v", line, rest, got)
	}
}
