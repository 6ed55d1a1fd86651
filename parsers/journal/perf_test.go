package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/rdkafka"
)

// chatter is what most of a real journal is: lines no rule cares about.
var chatter = []struct{ ident, msg string }{
	{"sshd[5120]", "Accepted publickey for ops from 10.20.9.4 port 51312 ssh2: ED25519 SHA256:Qm3xT1kVn0aP2"},
	{"CRON[5131]", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"},
	{"systemd[1]", "Started Session 4211 of User ops."},
	{"systemd[1]", "logrotate.service: Deactivated successfully."},
	{"kernel", "audit: type=1400 audit(1706141862.118:412): apparmor=\"DENIED\" operation=\"open\""},
	{"dhclient[811]", "DHCPREQUEST for 10.20.1.11 on ens5 to 10.20.0.1 port 67"},
}

// benchJournal builds a realistic journal of about n bytes in the given
// layout: chatter with a Kafka unit event every 25 entries.
func benchJournal(n int, layout string) []byte {
	var b bytes.Buffer
	t := time.Date(2024, 1, 25, 1, 17, 42, 118412000, time.UTC)
	for i := 0; b.Len() < n; i++ {
		t = t.Add(137 * time.Millisecond)
		ident, msg := chatter[i%len(chatter)].ident, chatter[i%len(chatter)].msg
		if i%25 == 0 {
			ident, msg = "systemd[1]", "kafka.service: Main process exited, code=killed, status=9/KILL"
		}
		switch layout {
		case LayoutShort:
			fmt.Fprintf(&b, "%s kafka-b1 %s: %s\n", t.Format("Jan 02 15:04:05"), ident, msg)
		case LayoutJSON:
			name, _, _ := bytes.Cut([]byte(ident), []byte("["))
			obj, _ := json.Marshal(map[string]string{"__CURSOR": fmt.Sprintf("s=3a1f;i=%x", i), "__REALTIME_TIMESTAMP": fmt.Sprint(t.UnixMicro()),
				"_HOSTNAME": "kafka-b1", "SYSLOG_IDENTIFIER": string(name), "MESSAGE": msg, "_TRANSPORT": "journal", "PRIORITY": "6"})
			b.Write(obj)
			b.WriteByte('\n')
		case LayoutExport:
			name, _, _ := bytes.Cut([]byte(ident), []byte("["))
			fmt.Fprintf(&b, "__CURSOR=s=3a1f;i=%x\n__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=8f2d6c0e1a0b4c0c\nPRIORITY=6\n_TRANSPORT=journal\nSYSLOG_IDENTIFIER=%s\n_HOSTNAME=kafka-b1\nMESSAGE=%s\n_PID=%d\n\n",
				i, t.UnixMicro(), i*1000, name, msg, 100+i%50)
		}
	}
	return b.Bytes()
}

func parser() *Parser {
	return New(func(src *analyzer.Source, sink analyzer.Sink) Embedded { return rdkafka.NewLineDecoder(src, sink) })
}

func BenchmarkParse(b *testing.B) {
	for _, layout := range []string{LayoutShort, LayoutJSON, LayoutExport} {
		b.Run(layout, func(b *testing.B) {
			in := benchJournal(8<<20, layout)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				src := &analyzer.Source{Path: "bench", R: bufio.NewReaderSize(bytes.NewReader(in), 1<<20)}
				st, err := parser().Parse(context.Background(), src, discard{})
				if err != nil || st.Events == 0 || st.Layout != layout {
					b.Fatalf("err=%v stats=%+v", err, st)
				}
			}
		})
	}
}

// TestUninterestingRecordsDoNotAllocate feeds chatter through each layout's
// per-record path after a warm-up and counts allocations.
func TestUninterestingRecordsDoNotAllocate(t *testing.T) {
	for _, layout := range []string{LayoutShort, LayoutJSON, LayoutExport} {
		t.Run(layout, func(t *testing.T) {
			in := benchJournal(64<<10, layout)
			// Keep only chatter: drop the Kafka lines/entries.
			sep := []byte("\n")
			if layout == LayoutExport {
				sep = []byte("\n\n")
			}
			var only bytes.Buffer
			for _, rec := range bytes.Split(in, sep) {
				if len(rec) > 0 && !bytes.Contains(rec, []byte("kafka.service")) {
					only.Write(rec)
					only.Write(sep)
				}
			}
			once := only.Bytes()
			data := bytes.Repeat(once, 2)
			h := newHandler(&analyzer.Source{Path: "a"}, discard{}, nil)
			h.st.Host = "kafka-b1"
			r := bytes.NewReader(data)
			br := bufio.NewReaderSize(r, 1<<20)
			h.src.R = br
			run := func() {
				r.Reset(data)
				br.Reset(r)
				h.st.Problems = h.st.Problems[:0]
				var err error
				switch layout {
				case LayoutShort:
					err = h.readShort(context.Background(), layout)
				case LayoutJSON:
					err = h.readJSON(context.Background())
				case LayoutExport:
					err = h.readExport(context.Background())
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			// Allocations per input (the export reader, its buffer) are
			// fine; per record they are not: twice the records must cost
			// the same.
			data = once
			run()
			single := testing.AllocsPerRun(5, run)
			data = bytes.Repeat(once, 2)
			run()
			double := testing.AllocsPerRun(5, run)
			if double != single || single > 8 {
				t.Errorf("allocations: %v for %d records, %v for twice as many", single, bytes.Count(once, sep), double)
			}
		})
	}
}

// TestDmesgLineDoesNotAllocate: dmesg -T and plain dmesg lines are split
// in place.
func TestDmesgLineDoesNotAllocate(t *testing.T) {
	for layout, line := range map[string][]byte{
		LayoutDmesgCtime: []byte("[Mon Jul 13 15:55:13 2022] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready"),
		LayoutDmesg:      []byte("[   12.345678] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready"),
	} {
		var e entry
		if n := testing.AllocsPerRun(100, func() {
			if _, ok := parseShort(line, layout, time.UTC, &e); !ok {
				t.Fatal("not read")
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations per line", layout, n)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/journal*")
	for _, p := range files {
		if in, err := os.ReadFile(p); err == nil {
			f.Add(in[:min(len(in), 3000)])
		}
	}
	f.Add([]byte("[Mon Jul 13 15:55:12 2022] Out of memory: Killed process 2395 (java) total-vm:1kB\n[Mon Jul 13 15:55:13 2022] x\n"))
	f.Add([]byte("$ dmesg\n[...]\n[4053467.556077] kafka-admin-cli invoked oom-killer: gfp_mask=0xd0\n"))
	f.Add([]byte("Jul 13 15:55:12 h kernel: Out of memory: Kill process 2395 (java) score 908 or sacrifice child\nJul 13 15:55:12 h kernel: Killed process 2401 (java)\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := parser()
		head := in[:min(len(in), analyzer.SniffLen)]
		if !p.Sniff(head) {
			return
		}
		src := &analyzer.Source{Path: "f", R: bufio.NewReaderSize(bytes.NewReader(in), 512)}
		rec := &recorder{}
		st, _ := p.Parse(context.Background(), src, rec)
		if st.Unparsed > st.Lines || len(st.Problems) > maxProblems {
			t.Fatalf("stats out of range: %+v", st)
		}
		for _, e := range rec.Events {
			if st.Layout == LayoutDmesg && !e.Time.IsZero() {
				t.Fatalf("plain dmesg event dated %v: %q", e.Time, e.Text)
			}
		}
	})
}
