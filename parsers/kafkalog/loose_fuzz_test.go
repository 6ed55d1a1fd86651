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
			got.msgStart > got.msgEnd || got.msgEnd > n {
			t.Fatalf("%q: spans out of the line: %+v", line, got)
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
