package kafkalog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// splitLine is one line as the reading stage hands it over.
type splitLine struct {
	Text                            string
	Cut, Keyword, ESC, NoNodeString bool
}

// splitAll runs the reading stage over r, read through a bufio.Reader of
// bufSize bytes, with batches of arena bytes and maxLines lines, share
// fixed, and returns every line it handed over. A buffer that holds the
// whole input gives one block the input's size (analyzer.WholeInBuffer).
func splitAll(r io.Reader, bufSize, arena, maxLines, share int) ([]splitLine, error) {
	src := &analyzer.Source{Path: "s.log", R: bufio.NewReaderSize(r, bufSize)}
	full, free := startReading(context.Background(), src, arena, maxLines, share)
	var out []splitLine
	var err error
	for b := range full {
		for _, l := range b.lines {
			out = append(out, splitLine{string(b.arena[l.start:l.end]), l.cut, l.keyword, l.esc, l.noNodeString})
		}
		err = b.err
		b.arena, b.lines, b.err = b.arena[:0], b.lines[:0], nil
		free <- b
	}
	return out, err
}

// splitReference splits data with the line-at-a-time lineReader and sets
// the flags with plain per-line searches: what the block scan must equal.
func splitReference(data []byte) []splitLine {
	lr := lineReader{r: bufio.NewReader(bytes.NewReader(data))}
	var out []splitLine
	for {
		line, cut, err := lr.next()
		if err != nil {
			return out
		}
		esc := bytes.IndexByte(line, 0x1b) >= 0
		kw := esc || containsKeyword(line)
		out = append(out, splitLine{
			Text: string(line), Cut: cut, ESC: esc, Keyword: kw,
			NoNodeString: !kw && !bytes.Contains(line, []byte(nodeMarkText)),
		})
	}
}

func TestSplitMatchesReference(t *testing.T) {
	long := strings.Repeat("x", MaxLineLen-10)
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"no final newline", "a\nb"},
		{"crlf", "a\r\nb\r\n"},
		{"empty lines", strings.Repeat("\n", 40)},
		{"keyword per line", "Node 1 disconnected.\nplain\n(id: 1 rack: r) refused\n\x1b[0mx\nSSL"},
		{"node marks", "a (id: 1 rack: r)\n(id: 2 rack: r)\nb (id: 3 rack: r) refused\nrefused c (id: 4\nSSLd (id: 5\n (id:\n"},
		{"exactly MaxLineLen", strings.Repeat("y", MaxLineLen) + "\nnext\n"},
		{"one over MaxLineLen", strings.Repeat("y", MaxLineLen+1) + "\nnext\n"},
		{"keyword astride the cut", long + "Connection reset by peer\nrefused\n"},
		{"keyword past the cut", long + strings.Repeat("z", 20) + "refused (id: 3 rack: r)\nok\n"},
		{"cut line at the end", "a\n" + strings.Repeat("w", MaxLineLen+5)},
		{"line longer than a block", strings.Repeat("v", 3*lineArena+7) + "\nBroken pipe\n"},
		{"block boundaries", strings.Repeat("INFO routine line (id: 2 rack: null) here\nWARN timed out\n", 8000)},
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"halves", iotest.HalfReader},
		{"data errors", iotest.DataErrReader},
	}
	for _, tc := range tests {
		want := splitReference([]byte(tc.data))
		for _, rd := range readers {
			for _, bufSize := range []int{16, 4 << 20} {
				for _, maxLines := range []int{3, batchLines} {
					for _, share := range []int{shareSteps, shareSteps / 2, 0} {
						name := fmt.Sprintf("%s/%s/buf %d/%d lines/share %d", tc.name, rd.name, bufSize, maxLines, share)
						got, err := splitAll(rd.wrap(strings.NewReader(tc.data)), bufSize, 2*MaxLineLen, maxLines, share)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if diff := cmp.Diff(hinted(want, got, share), got); diff != "" {
							t.Errorf("%s (-reference +split):\n%.2000s", name, diff)
						}
					}
				}
			}
		}
	}
}

func TestSplitReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("one\ntwo\nthr"), iotest.ErrReader(boom))
	got, err := splitAll(r, 16, lineArena, batchLines, shareSteps)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "s.log: line 3:") {
		t.Errorf("err = %v, want boom at line 3", err)
	}
	if diff := cmp.Diff([]string{"one", "two"}, texts(got)); diff != "" {
		t.Errorf("lines before the error (-want +got):\n%s", diff)
	}
}

// hinted is what the reading stage may hand over for the reference lines
// want with the given share: with the whole share, exactly want; else a
// line may say "maybe" (keyword, node string) where want says no, never
// the other way round. got supplies the "maybe"s, which are checked to be
// allowed; the texts and the other flags must equal want.
func hinted(want, got []splitLine, share int) []splitLine {
	if share == shareSteps || len(want) != len(got) {
		return want
	}
	out := append([]splitLine(nil), want...)
	for i := range out {
		if got[i].Keyword && !got[i].NoNodeString {
			out[i].Keyword, out[i].NoNodeString = true, false // left to the decoder
		}
	}
	return out
}

func texts(lines []splitLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

// FuzzSplit: the block splitter and block scans hand over the lines and
// flags a line-at-a-time split with plain searches finds, whatever the
// batch size.
func FuzzSplit(f *testing.F) {
	fuzzSeeds(f)
	f.Add([]byte("a\n\nSSLb\n] shut\n], start (id: 1\x1b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Few lines per batch move the unsplit rest from batch to batch:
		// quadratic, so only on small inputs.
		maxLines := batchLines
		if len(data) < 4096 {
			maxLines = len(data)%8 + 1
		}
		share := len(data) % (shareSteps + 1)
		// Buffers of 16 bytes and of 64 KiB: most inputs fit the second
		// whole.
		bufSize := 16 << (len(data) % 2 * 12)
		got, err := splitAll(iotest.HalfReader(bytes.NewReader(data)), bufSize, 2*MaxLineLen, maxLines, share)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(hinted(splitReference(data), got, share), got); diff != "" {
			t.Errorf("(-reference +split):\n%s", diff)
		}
	})
}
