package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// clockLayout is how text and Markdown print times: milliseconds in a fixed
// width so columns line up; JSON keeps the full precision.
const clockLayout = "2006-01-02 15:04:05.000"

// clock prints t in zone z, "-" when unknown.
func clock(t Timestamp, z *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(z).Format(clockLayout)
}

// span prints a first/last pair, collapsing equal ends.
func span(first, last Timestamp, z *time.Location) string {
	switch {
	case first.IsZero() && last.IsZero():
		return "time unknown"
	case last.IsZero() || first.Equal(last.Time):
		return clock(first, z)
	}
	return clock(first, z) + " – " + clock(last, z)
}

// zoneSentence says which zone a text or Markdown report prints times in
// and which zone was assumed for log times that carried none.
func zoneSentence(r *Report) string {
	s := "Times are shown in " + r.Display.String() + "."
	if r.AssumedZone != r.Display.String() {
		s += " Log times printed without a zone were read as " + r.AssumedZone + "."
	}
	return s
}

// where names a place a person can open: "path:line", "path frame N".
func where(source string, line, packet int) string {
	switch {
	case line > 0:
		return source + ":" + strconv.Itoa(line)
	case packet > 0:
		return source + " frame " + strconv.Itoa(packet)
	}
	return source
}

// percent prints a 0..1 confidence as a whole percentage.
func percent(c float64) string {
	return fmt.Sprintf("%.0f%%", c*100)
}

// subjectText names a subject: "node 3 (10.0.4.33:9092), client consumer-7".
func subjectText(s Subject) string {
	var parts []string
	switch {
	case s.Node != "" && s.Addr != "":
		parts = append(parts, "node "+s.Node+" ("+s.Addr+")")
	case s.Node != "":
		parts = append(parts, "node "+s.Node)
	case s.Addr != "":
		parts = append(parts, s.Addr)
	}
	if s.Client != "" {
		parts = append(parts, "client "+s.Client)
	}
	return strings.Join(parts, ", ")
}

func subjectsText(ss []Subject) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		if t := subjectText(s); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}

// countsText prints a count map in key order: "REJ 4, SF 12".
func countsText(m map[string]int) string {
	keys := sortedKeys(m)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// printable makes untrusted text safe to print on one line of a terminal:
// control characters (ANSI escapes included), C1 controls, bidirectional
// overrides and invalid UTF-8 are shown as Go escapes (\x1b, \u202e);
// tabs and line breaks become spaces.
func printable(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case unsafeRune(r):
			b.WriteString(strings.Trim(strconv.QuoteRuneToASCII(r), "'"))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isPlain reports whether s needs no escaping: the common case, checked
// without allocating.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				return isPlainUTF8(s[i:])
			}
			return false
		}
	}
	return true
}

func isPlainUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || r < 0x20 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune reports runes that change how a terminal or editor shows the
// text around them.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
		return true // bidi embeddings, overrides, isolates, marks
	}
	return false
}

// cut shortens text for table cells to at most n runes, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}

// plural picks "1 finding" / "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Printable is printable for callers outside the package (the CLI's
// progress line and error messages name files from hostile archives).
func Printable(s string) string { return printable(s) }
