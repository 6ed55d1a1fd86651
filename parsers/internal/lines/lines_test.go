package lines

import (
	"bufio"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// takeK understands lines that start with "k".
type takeK struct{ got []string }

func (d *takeK) Line(loc analyzer.Location, _ time.Time, _ string, line []byte) bool {
	d.got = append(d.got, string(line))
	return strings.HasPrefix(string(line), "k")
}

func TestFeed(t *testing.T) {
	long := strings.Repeat("x", 40)
	tests := []struct {
		name     string
		in       string
		bufSize  int
		want     []string
		lines    int
		unparsed int
		problems []string
	}{
		{"plain", "k1\nother\n\nk2", 16, []string{"k1", "other", "k2"}, 4, 1, nil},
		{"long line over max", "k1\n" + long[:20] + "\nk2\n", 64, []string{"k1", "k2"}, 3, 1, []string{"f: line 2: longer than 16 bytes, skipped"}},
		{"long line over the buffer", "k1\n" + long + "\nk2\n", 16, []string{"k1", "k2"}, 3, 1, []string{"f: line 2: longer than 16 bytes, skipped"}},
		{"problems capped", strings.Repeat(long+"\n", MaxProblems+5), 64, nil, MaxProblems + 5, MaxProblems + 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &takeK{}
			var st analyzer.Stats
			r := Reader{R: bufio.NewReaderSize(strings.NewReader(tc.in), tc.bufSize), Max: 16}
			if err := Feed(context.Background(), "f", 16, r.Next, d, &st); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, d.got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if st.Lines != tc.lines || st.Unparsed != tc.unparsed {
				t.Errorf("lines %d unparsed %d, want %d and %d", st.Lines, st.Unparsed, tc.lines, tc.unparsed)
			}
			if tc.problems != nil {
				if diff := cmp.Diff(tc.problems, st.Problems); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			} else if tc.name == "problems capped" && len(st.Problems) != MaxProblems {
				t.Errorf("%d problems, want %d", len(st.Problems), MaxProblems)
			}
		})
	}
}

// TestFeedReadError: a read error names the file and the line it stopped
// at; what was read before it stays counted.
func TestFeedReadError(t *testing.T) {
	boom := errors.New("boom")
	r := Reader{R: bufio.NewReader(&failAfter{data: "k1\nk2\n", err: boom}), Max: 16}
	var st analyzer.Stats
	err := Feed(context.Background(), "f", 16, r.Next, &takeK{}, &st)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "f: line 3: ") || st.Lines != 2 {
		t.Errorf("err %v, lines %d; want boom at f: line 3 after 2 lines", err, st.Lines)
	}
}

type failAfter struct {
	data string
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestFeedDoesNotAllocate: a line costs the loop nothing.
func TestFeedDoesNotAllocate(t *testing.T) {
	in := strings.Repeat("some line of text that is not interesting\n", 1000)
	sr := strings.NewReader(in)
	br := bufio.NewReaderSize(sr, 1<<16)
	d := nop{}
	var st analyzer.Stats
	if n := testing.AllocsPerRun(5, func() {
		sr.Reset(in)
		br.Reset(sr)
		r := Reader{R: br, Max: 1 << 10}
		st = analyzer.Stats{}
		if err := Feed(context.Background(), "f", 1<<10, r.Next, d, &st); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("%v allocations for 1000 lines", n)
	}
}

type nop struct{}

func (nop) Line(analyzer.Location, time.Time, string, []byte) bool { return true }

func TestMostSeen(t *testing.T) {
	names := []string{"a", "b", "c"}
	tests := []struct {
		counts []int
		want   string
	}{
		{[]int{0, 0, 0}, ""},
		{[]int{1, 3, 2}, "b"},
		{[]int{2, 2, 0}, "a"},
		{[]int{0, 0, 1}, "c"},
	}
	for _, tc := range tests {
		if got := MostSeen(tc.counts, names); got != tc.want {
			t.Errorf("MostSeen(%v) = %q, want %q", tc.counts, got, tc.want)
		}
	}
}

func TestLeading(t *testing.T) {
	tests := []struct {
		head string
		n    int
		want []string
	}{
		{"", 3, nil},
		{"a\nb\nc\n", 2, []string{"a", "b"}},
		{"a\r\n\nb\r\r\ncut", 9, []string{"a", "", "b", "cut"}},
		{"a\n", 9, []string{"a"}},
	}
	for _, tc := range tests {
		var got []string
		for line := range Leading([]byte(tc.head), tc.n) {
			got = append(got, string(line))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Leading(%q, %d) = %q, want %q", tc.head, tc.n, got, tc.want)
		}
	}
}
