package journal

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bin writes a binary-safe field.
func bin(name string, value []byte) string {
	var l [8]byte
	binary.LittleEndian.PutUint64(l[:], uint64(len(value)))
	return name + "\n" + string(l[:]) + string(value) + "\n"
}

// binClaim writes a binary field whose length prefix claims n bytes.
func binClaim(name string, n uint64, value string) string {
	var l [8]byte
	binary.LittleEndian.PutUint64(l[:], n)
	return name + "\n" + string(l[:]) + value
}

type exported struct {
	Line     int
	Message  string
	Ident    string
	Unit     string
	Host     string
	Time     string
	Priority int
}

func readAll(t *testing.T, in string) ([]exported, []string) {
	t.Helper()
	x := NewExportReader(bufio.NewReaderSize(strings.NewReader(in), 4096), "j.export")
	var out []exported
	var e entry
	for i := 0; i < 1000; i++ {
		err := x.Next(&e)
		if err == io.EOF {
			return out, x.Problems()
		}
		ex := exported{Line: e.loc.Line, Message: string(e.message), Ident: string(e.ident), Unit: string(e.unit),
			Host: string(e.host), Priority: e.priority}
		if !e.time.IsZero() {
			ex.Time = e.time.Format("2006-01-02T15:04:05.000000Z")
		}
		out = append(out, ex)
	}
	t.Fatal("reader does not end")
	return nil, nil
}

func TestExportReader(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []exported
		problems []string
	}{{
		name: "text and binary fields, unknown __ fields skipped, order free",
		in: "__CURSOR=s=1\n__SEQNUM=17\n" + bin("MESSAGE", []byte("line one\nline two")) + "PRIORITY=3\n__REALTIME_TIMESTAMP=1706141862118412\n_HOSTNAME=b1\n\n" +
			"_HOSTNAME=b2\nMESSAGE=second\n__REALTIME_TIMESTAMP=1706141863000000\n\n",
		want: []exported{
			{Line: 1, Message: "line one\nline two", Host: "b1", Priority: 3, Time: "2024-01-25T00:17:42.118412Z"},
			{Line: 10, Message: "second", Host: "b2", Priority: -1, Time: "2024-01-25T00:17:43.000000Z"},
		},
	}, {
		name: "repeated field keeps the first value",
		in:   "MESSAGE=first\nMESSAGE=second\nSYSLOG_IDENTIFIER=systemd\nUNIT=kafka.service\n\n",
		want: []exported{{Line: 1, Message: "first", Ident: "systemd", Unit: "kafka.service", Priority: -1}},
	}, {
		name:     "missing separator before the next cursor",
		in:       "__CURSOR=a\nMESSAGE=one\n__CURSOR=b\nMESSAGE=two\n",
		want:     []exported{{Line: 1, Message: "one", Priority: -1}, {Line: 3, Message: "two", Priority: -1}},
		problems: []string{"j.export: entry 1 (byte 34): missing empty line before the next entry"},
	}, {
		name: "a length prefix of 2^64-1 is skipped, not allocated",
		in:   "MESSAGE=ok\n" + binClaim("MESSAGE", ^uint64(0), "short tail"),
		want: []exported{{Line: 1, Message: "ok", Priority: -1}},
		problems: []string{
			"j.export: entry 1 (byte 27): field MESSAGE: 18446744073709551615-byte value skipped",
			"j.export: entry 1 (byte 37): field MESSAGE: value cut short: unexpected EOF",
		},
	}, {
		name:     "an over-long kept field is read past",
		in:       bin("MESSAGE", bytes.Repeat([]byte("x"), MaxFieldLen+1)) + "_HOSTNAME=b1\n\n",
		want:     []exported{{Line: 1, Host: "b1", Priority: -1}},
		problems: []string{"j.export: entry 1 (byte 16): field MESSAGE: 65537-byte value skipped"},
	}, {
		name:     "binary value without its newline",
		in:       binClaim("MESSAGE", 3, "abcX_HOSTNAME=b1\n\n"),
		want:     []exported{{Line: 1, Message: "abc", Priority: -1}}, // "X_HOSTNAME" is another field
		problems: []string{"j.export: entry 1 (byte 19): field MESSAGE: no newline after the binary value"},
	}, {
		name:     "garbage lines are reported",
		in:       "MESSAGE=ok\nthis is not a field\nPRIORITY=4\n\n",
		want:     []exported{{Line: 1, Message: "ok", Priority: 4}},
		problems: []string{"j.export: entry 1 (byte 31): line 2: not a field"},
	}, {
		name: "CRLF and a last entry without its empty line",
		in:   "MESSAGE=a\r\n\nMESSAGE=b",
		want: []exported{{Line: 1, Message: "a\r", Priority: -1}, {Line: 3, Message: "b", Priority: -1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := readAll(t, tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzExport(f *testing.F) {
	f.Add([]byte("__CURSOR=a\nMESSAGE=one\n\n" + bin("MESSAGE", []byte("x\ny")) + "\n"))
	f.Add([]byte(binClaim("MESSAGE", ^uint64(0), "tail")))
	f.Add([]byte("MESSAGE\n\x03\x00\x00\x00\x00\x00\x00\x00abc\n__CURSOR=b\n_HOSTNAME=h\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		x := NewExportReader(bufio.NewReaderSize(bytes.NewReader(in), 64), "f")
		var e entry
		for n := 0; ; n++ {
			if n > len(in)+1 {
				t.Fatalf("more entries (%d) than input bytes", n)
			}
			if err := x.Next(&e); err == io.EOF {
				break
			}
			if len(e.message) > MaxFieldLen || len(x.buf) > len(in) {
				t.Fatalf("kept %d bytes from %d of input", len(x.buf), len(in))
			}
		}
	})
}
