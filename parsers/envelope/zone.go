package envelope

import (
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// A container runtime stamps each record with an exact UTC time, while the
// program inside usually prints its local time without a zone (log4j's
// default). Reading those in the Source's zone is a guess; the envelope
// tells the truth: the difference between the two, rounded to a quarter
// hour, is the container's UTC offset. The decoders then read the inner
// times in that offset, and the input needs no zone assumption.
//
// The offset is learned from the first inner line whose own time has no
// zone and lies within zoneSlack of the runtime's time once shifted; lines
// farther apart (a burst written late, a clock off by minutes) teach
// nothing. One offset serves the whole input: a DST change inside one
// container log is not followed.
const (
	zoneSlack = 5 * time.Second
	// zoneTries bounds the lines looked at before giving up.
	zoneTries = 256
	// maxOffset is the largest UTC offset in use (UTC+14).
	maxOffset = 14 * time.Hour
)

// zoneLearner holds what was learned so far.
type zoneLearner struct {
	// learned is set once the offset is known; tries counts the lines
	// looked at before.
	learned bool
	tries   int
}

// learnZone looks at one container record's text and envelope time and,
// the first time they agree on an offset, sets it as the zone of the
// decoders' Source and of the structured reader.
func (rd *reader) learnZone(ts time.Time, text []byte) {
	z := &rd.zone
	if z.learned || z.tries >= zoneTries || ts.IsZero() {
		return
	}
	inner, ok := innerLocalTime(text)
	if !ok {
		return
	}
	z.tries++
	diff := inner.Sub(ts) // local clock reading minus UTC: the offset
	offset := diff.Round(15 * time.Minute)
	if offset < -maxOffset || offset > maxOffset || (diff-offset).Abs() > zoneSlack {
		return
	}
	z.learned = true
	loc := time.UTC
	if offset != 0 {
		loc = time.FixedZone(offsetName(offset), int(offset/time.Second))
	}
	rd.decSrc.Zone = loc
	rd.route.zone = loc
}

// innerLocalTime reads the zoneless time a printed line starts with
// ("[2024-03-05 10:19:00,100] …", "2024-03-05 10:19:00.100  WARN …",
// ClickHouse's "2024.03.05 10:19:00.100123 [ 7 ] …"), as
// if it were UTC. ok is false when the line starts otherwise or its time
// carries a zone.
func innerLocalTime(text []byte) (time.Time, bool) {
	if len(text) > 0 && text[0] == '[' {
		text = text[1:]
	}
	if t, _, ok := parseClickHouseTime(text, time.UTC); ok {
		return t, true
	}
	t, _, zoned, ok := parseISOTime(text, time.UTC)
	return t, ok && !zoned
}

// offsetName names a fixed offset as "UTC+01:00".
func offsetName(d time.Duration) string {
	sign := byte('+')
	if d < 0 {
		sign, d = '-', -d
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	return string([]byte{'U', 'T', 'C', sign, byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10)})
}

// sourceFor is the Source the decoders see: the input's, with its own Zone
// so a learned offset changes only this input.
func sourceFor(src *analyzer.Source) *analyzer.Source {
	c := *src
	return &c
}
