package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"node 3 → kafka-3 ü", "node 3 → kafka-3 ü"},
		{"red \x1b[31mALERT\x1b[0m", `red \x1b[31mALERT\x1b[0m`},
		{"tab\there\r\nnext", "tab here  next"},
		{"bell\a", `bell\a`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"del\x7f", `del\x7f`},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrintablePlainAllocatesNothing(t *testing.T) {
	line := "[2024-05-02 10:00:01,123] WARN [Consumer clientId=consumer-7] Connection to node 3 (kafka-3/10.0.4.33:9092) could not be established → retry"
	if n := testing.AllocsPerRun(100, func() { _ = printable(line) }); n != 0 {
		t.Errorf("printable allocated %.0f times on plain text", n)
	}
}

func TestMdCode(t *testing.T) {
	tests := []struct {
		in      string
		inTable bool
		want    string
	}{
		{"", true, ""},
		{"plain", true, "`plain`"},
		{"a|b", true, "`a\\|b`"},
		{"a|b", false, "`a|b`"},
		{"uses `tick`", true, "`` uses `tick` ``"},
		{"`start", false, "`` `start ``"},
		{"run ``` of three", false, "````run ``` of three````"},
		{"esc \x1b[2J", true, "`esc \\x1b[2J`"},
		{"two\nlines", true, "`two lines`"},
	}
	for _, tt := range tests {
		if got := mdCode(tt.in, tt.inTable); got != tt.want {
			t.Errorf("mdCode(%q, %v) = %q, want %q", tt.in, tt.inTable, got, tt.want)
		}
	}
}

func TestMdText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"a | b", `a \| b`},
		{"*bold* _em_ [link](x) <b>", `\*bold\* \_em\_ \[link\](x) \<b\>`},
		{"ping @ops about #12", `ping \@ops about \#12`},
		{"`code`", "\\`code\\`"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in); got != tt.want {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzMarkdownCell checks that no log text can break out of a table cell
// or a code span, nor put a control character on the reader's terminal.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{"", "a|b", "`", "``x``", " ` ", "\x1b[31m", "\u202e", "\xff", "|`|`|", "\\|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := printable(s)
		if !utf8.ValidString(p) {
			t.Fatalf("printable(%q) is not valid UTF-8: %q", s, p)
		}
		for _, r := range p {
			if unsafeRune(r) {
				t.Fatalf("printable(%q) kept %U", s, r)
			}
		}
		c := mdCode(s, true)
		if strings.ContainsAny(c, "\r\n") {
			t.Fatalf("mdCode(%q) spans lines: %q", s, c)
		}
		// Every pipe in a cell must be escaped, or it splits the row.
		for i := 0; i < len(c); i++ {
			if c[i] == '|' && (i == 0 || c[i-1] != '\\') {
				t.Fatalf("mdCode(%q) = %q has an unescaped pipe at %d", s, c, i)
			}
		}
		if c != "" {
			fence := c[:strings.IndexFunc(c, func(r rune) bool { return r != '`' })]
			inner := strings.TrimSuffix(strings.TrimPrefix(c, fence), fence)
			if longestRun(inner, '`') >= len(fence) {
				t.Fatalf("mdCode(%q) = %q: the fence appears inside", s, c)
			}
		}
		m := mdText(s)
		if strings.ContainsAny(m, "\r\n") {
			t.Fatalf("mdText(%q) spans lines: %q", s, m)
		}
	})
}
