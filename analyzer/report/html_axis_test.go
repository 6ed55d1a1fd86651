package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

func TestTimeTicks(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata") // +05:30: hours fall on :30 UTC
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { return fixtureTime(s) }
	tests := []struct {
		name     string
		from, to time.Time
		zone     *time.Location
		want     []string
	}{
		{"sub-second", at("2024-05-02T10:00:00.05Z"), at("2024-05-02T10:00:00.95Z"), time.UTC,
			[]string{"10:00:00.2", "10:00:00.4", "10:00:00.6", "10:00:00.8"}},
		{"seconds", at("2024-05-02T10:00:03Z"), at("2024-05-02T10:00:41Z"), time.UTC,
			[]string{"10:00:05", "10:00:10", "10:00:15", "10:00:20", "10:00:25", "10:00:30", "10:00:35", "10:00:40"}},
		{"minutes", at("2024-05-02T10:01:10Z"), at("2024-05-02T10:34:00Z"), time.UTC,
			[]string{"10:05", "10:10", "10:15", "10:20", "10:25", "10:30"}},
		{"hours across midnight", at("2024-05-02T20:10:00Z"), at("2024-05-03T03:00:00Z"), time.UTC,
			[]string{"21:00", "22:00", "23:00", "May 3 00:00", "01:00", "02:00", "03:00"}},
		{"hours in a half-hour zone", at("2024-05-02T10:10:00Z"), at("2024-05-02T13:10:00Z"), kolkata,
			[]string{"16:00", "16:30", "17:00", "17:30", "18:00", "18:30"}},
		{"days", at("2024-05-01T13:00:00Z"), at("2024-05-07T01:00:00Z"), time.UTC,
			[]string{"May 2", "May 3", "May 4", "May 5", "May 6", "May 7"}},
		{"weeks", at("2024-03-01T00:00:00Z"), at("2024-05-01T00:00:00Z"), time.UTC,
			[]string{"Mar 1", "Mar 8", "Mar 15", "Mar 22", "Mar 29", "Apr 5", "Apr 12", "Apr 19", "Apr 26"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks := timeTicks(tt.from, tt.to, tt.zone, tlMaxTicks, func(time.Time) float64 { return 0 })
			var got []string
			for _, tk := range ticks {
				got = append(got, tk.Label)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecondsLabel(t *testing.T) {
	tests := []struct {
		s    float64
		want string
	}{
		{0, "0 s"}, {0.5, "500 ms"}, {0.1, "100 ms"}, {27, "27 s"}, {27.5, "27.5 s"}, {90, "90 s"}, {300, "5 min"},
		{330, "330 s"}, {3600, "60 min"}, {7200, "2 h"},
	}
	for _, tt := range tests {
		if got := secondsLabel(tt.s); got != tt.want {
			t.Errorf("secondsLabel(%v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

// FuzzWriteHTML puts arbitrary text everywhere log text reaches the page
// and checks the page stays inert: no element or handler from the input.
func FuzzWriteHTML(f *testing.F) {
	for _, s := range hostileLines {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if err := WriteHTML(&b, Build(hostileResult(s), Options{Chart: true})); err != nil {
			t.Fatal(err)
		}
		z := html.NewTokenizer(&b)
		scripts := 0
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if tok.Data == "script" {
				scripts++
			}
			if !pageElements[tok.Data] {
				t.Fatalf("element <%s> from input %q", tok.Data, s)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("handler %s=%q from input %q", a.Key, a.Val, s)
				}
			}
		}
		if scripts != 1 {
			t.Fatalf("%d script elements for input %q", scripts, s)
		}
	})
}

// pageElements are the elements the template writes; any other comes from
// the input.
var pageElements = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`html head meta title style body header h1 h2 h3 h4 p main section code strong
		figure svg defs path text g rect line use figcaption pre ul li details summary table thead tbody tr th td
		article span dl dt dd ol caption a footer script`) {
		pageElements[e] = true
	}
}
