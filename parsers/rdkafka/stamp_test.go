package rdkafka

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLeadingTime(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	type got struct {
		Time          string
		NoYear, Local bool
	}
	tests := []struct {
		in   string
		want *got // nil: no time read
	}{
		{"2024-09-04T11:20:10.964854Z  INFO x", &got{Time: "2024-09-04T11:20:10.964854Z"}},
		{"2024-09-04T13:20:10.964+02:00 INFO x", &got{Time: "2024-09-04T11:20:10.964Z"}},
		{"2024-09-04T13:20:10+0200 x", &got{Time: "2024-09-04T11:20:10Z"}},
		{"2024-09-04T12:20:10.5 x", &got{Time: "2024-09-04T11:20:10.5Z", Local: true}},
		{"2024-01-25 12:24:27,123 ERROR x", &got{Time: "2024-01-25T11:24:27.123Z", Local: true}},
		{"2024-01-25 12:24:27.123 +01:00 [INF] x", &got{Time: "2024-01-25T11:24:27.123Z"}},
		{"2024-01-25 12:24:27.123 -0500 x", &got{Time: "2024-01-25T17:24:27.123Z"}},
		{"2022-10-18 09:17:07.328 CEST %6|x", &got{Time: "2022-10-18T07:17:07.328Z"}},
		{"2024-01-25 12:24:27 UTC x", &got{Time: "2024-01-25T12:24:27Z"}},
		{"2024-01-25 12:24:27 CST x", &got{Time: "2024-01-25T11:24:27Z", Local: true}}, // CST names three zones
		{"[2019-05-14 10:01:02.123] [error]x", &got{Time: "2019-05-14T09:01:02.123Z", Local: true}},
		{"2022/11/14 15:31:59 x", &got{Time: "2022-11-14T14:31:59Z", Local: true}},
		{"Feb 25 13:28:28.119 ERROR x", &got{Time: "2000-02-25T12:28:28.119Z", NoYear: true, Local: true}},
		{"Mar  7 23:10:03 host x", &got{Time: "2000-03-07T22:10:03Z", NoYear: true, Local: true}},
		{"Feb 29 00:00:00 leap", &got{Time: "2000-02-28T23:00:00Z", NoYear: true, Local: true}},
		{"1706181867.123 ERROR x", &got{Time: "2024-01-25T11:24:27.123Z"}},
		{"[1706181867] producer started", &got{Time: "2024-01-25T11:24:27Z"}},
		{"E, [2019-11-03T18:23:32.298450 #53262] ERROR -- : rdkafka: x", &got{Time: "2019-11-03T17:23:32.29845Z", Local: true}},
		{"W, [2021-09-07T23:49:44.5 #1]  WARN -- karafka: x", &got{Time: "2021-09-07T22:49:44.5Z", Local: true}},
		{"E, [#53262] ERROR -- : x", nil},                 // Logger's shape, no time
		{"X, [2019-11-03T18:23:32.298450 #53262] x", nil}, // no severity letter
		{"E,[2019-11-03T18:23:32.298450 #53262] x", nil},  // not Logger's spacing
		{"[12:24:27 INF] rdkafka#producer-1: x", nil},     // a time of day has no date
		{"10.123.45.67 - - [25/Jan/2024:01:17:42 +0000]", nil},
		{"2024-13-25 12:24:27 x", nil},
		{"2024-01-25 25:24:27 x", nil},
		{"2024-01-25T12:24:27.1234567890 x", nil},
		{"Foo 25 13:28:28 x", nil},
		{"INFO:LOG{\"severity\":7}", nil},
		{"", nil},
	}
	for _, tt := range tests {
		st, ok := leadingTime([]byte(tt.in), cet)
		var g *got
		if ok {
			g = &got{Time: st.time.UTC().Format(time.RFC3339Nano), NoYear: st.noYear, Local: st.local}
		}
		if diff := cmp.Diff(tt.want, g); diff != "" {
			t.Errorf("leadingTime(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzLeadingTime(f *testing.F) {
	for _, s := range []string{"2024-09-04T11:20:10.964854Z ", "2024-01-25 12:24:27.123 +01:00 [", "Feb 25 13:28:28.119 ",
		"[1706181867.5] ", "2024/01/25 12:24:27 CEST", "2024-01-25 12:24:27,1-05",
		"E, [2019-11-03T18:23:32.298450 #53262] "} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, ok := leadingTime(b, nil)
		if !ok {
			return
		}
		if st.noYear && (st.time.Year() != placeholderYear || !st.local) || st.time.IsZero() {
			t.Fatalf("%q: %+v", b, st)
		}
	})
}
