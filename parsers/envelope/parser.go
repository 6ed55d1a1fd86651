package envelope

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Parser reads logs wrapped in an envelope.
type Parser struct {
	embedded []func(src *analyzer.Source, sink analyzer.Sink) Embedded
}

// New returns the parser; each factory makes an embedded decoder per
// input (per pod of a prefixed log), offered messages in this order.
func New(embedded ...func(src *analyzer.Source, sink analyzer.Sink) Embedded) *Parser {
	return &Parser{embedded: embedded}
}

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "envelope" }

// Sniff implements analyzer.Parser: the first non-empty line is a Docker
// json-file or CRI record, carries a kubectl or pod prefix, is a JSON
// object with a log message and a time or level, or is a line of one of
// the printed layouts (sniffPrinted).
func (*Parser) Sniff(head []byte) bool {
	return sniffLayout(head) != ""
}

func sniffLayout(head []byte) string {
	line, whole := firstLine(head)
	switch {
	case len(line) == 0:
		return ""
	case sniffDocker(line):
		return LayoutDocker
	case sniffCRI(line):
		return LayoutCRI
	}
	if _, _, _, ok := cutKubectl(line); ok {
		return LayoutKubectl
	}
	if _, _, ok := cutPodPrefix(line); ok {
		return LayoutPodPrefix
	}
	if l := sniffStructured(line, whole); l != "" {
		return l
	}
	if sniffCompose(head) {
		return LayoutCompose
	}
	return sniffPrinted(head, line)
}

// sniffPrinted names the layouts a platform or collector prints line by
// line around a program's own: line is the first that is not blank.
func sniffPrinted(head, line []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	switch {
	case sniffCloudFoundry(head):
		return LayoutCloudFoundry
	case sniffLambda(head):
		return LayoutLambda
	case sniffClickHouse(line):
		return LayoutClickHouse
	case sniffTimePrefix(head):
		return LayoutTimePrefix
	}
	return ""
}

// firstLine returns the first line of head that is not blank, without a
// UTF-8 BOM; whole is false when head ended inside it.
func firstLine(head []byte) ([]byte, bool) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte{'\n'})
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) > 0 {
			return line, found
		}
		head = rest
	}
	return nil, false
}

// sniffStructured accepts a JSON log object. A line cut by the sniff
// window cannot be walked; then the keys are looked for as text.
func sniffStructured(line []byte, whole bool) string {
	if t := bytes.TrimSpace(line); len(t) == 0 || t[0] != '{' {
		return ""
	}
	var f flattener
	var rec jsonRecord
	if rec.readObject(&f, line, time.UTC) && (!rec.time.IsZero() || rec.level != "") {
		return rec.layoutName()
	}
	if whole {
		return ""
	}
	hasKey := func(keys ...string) bool {
		for _, k := range keys {
			if bytes.Contains(line, []byte(`"`+k+`":`)) {
				return true
			}
		}
		return false
	}
	if hasKey("message", "msg", "@m", "@mt", "Message") && hasKey("@timestamp", "timestamp", "time", "@t", "timeMillis", "instant", "level", "severity", "LogLevel") {
		return LayoutJSON
	}
	return ""
}

// MaxLineLen bounds a physical line; longer ones are skipped and reported.
const MaxLineLen = 1 << 20

// maxProblems bounds Stats.Problems per input.
const maxProblems = 20

// Parse implements analyzer.Parser.
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	head, _ := src.R.Peek(analyzer.SniffLen)
	layout := sniffLayout(head)
	if layout == "" {
		return analyzer.Stats{}, fmt.Errorf("%s: %w", src.Path, errNoEnvelope)
	}
	rd := newReader(src, sink, p.embedded)
	rd.st.Layout = layout
	err := rd.read(ctx)
	rd.finish()
	return rd.st, err
}

var errNoEnvelope = errors.New("envelope: no container or structured log envelope")

// reader is the state of one input.
//
// ds are the input's decoders; a prefixed log uses pods instead, lastPod
// being the pod of the last prefixed line. parts hold the lines being
// joined from partial records, per stream. scratch holds a Docker
// record's decoded text.
type reader struct {
	src *analyzer.Source
	// decSrc is the Source the decoders see: src with the zone learned
	// from the envelope's times, once known (zone.go).
	decSrc    *analyzer.Source
	zone      zoneLearner
	sink      *countingSink
	factories []func(*analyzer.Source, analyzer.Sink) Embedded
	st        analyzer.Stats
	host      string
	route     router
	ds        *decoders
	parts     [2]partial // stdout, stderr
	pods      []*podDecoders
	lastPod   *podDecoders
	scratch   []byte
}

func newReader(src *analyzer.Source, sink analyzer.Sink, factories []func(*analyzer.Source, analyzer.Sink) Embedded) *reader {
	zone := src.ZoneOrUTC()
	rd := &reader{src: src, decSrc: sourceFor(src), sink: &countingSink{Sink: sink}, factories: factories}
	rd.decSrc.Zone = zone
	rd.route = router{zone: zone}
	rd.ds = rd.newDecoders()
	rd.host = src.Host
	if pod, container := podFromPath(src.Path); pod != "" && (src.Host == "" || src.Host == container) {
		rd.host, rd.st.Host = pod, pod
	}
	return rd
}

func (rd *reader) newDecoders() *decoders {
	return newDecoders(rd.decSrc, rd.sink, rd.factories)
}

// read streams the input line by line.
func (rd *reader) read(ctx context.Context) error {
	loc := analyzer.Location{Path: rd.src.Path}
	for {
		line, err := rd.src.R.ReadSlice('\n')
		long := errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxLineLen
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = rd.src.R.ReadSlice('\n')
		}
		if len(line) > 0 {
			loc.Line++
			if loc.Line&1023 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			rd.st.Lines++
			if long {
				rd.unparsed(loc, fmt.Sprintf("longer than %d bytes, skipped", MaxLineLen))
			} else {
				rd.line(loc, trimEOL(line))
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", rd.src.Path, loc.Line+1, err)
		}
	}
}

// line dispatches one physical line by the input's layout.
func (rd *reader) line(loc analyzer.Location, line []byte) {
	if loc.Line == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // .NET writes a BOM
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	switch rd.st.Layout {
	case LayoutDocker:
		rd.docker(loc, line)
	case LayoutCRI:
		rd.cri(loc, line)
	case LayoutKubectl, LayoutPodPrefix:
		rd.prefixed(loc, line)
	case LayoutCompose:
		rd.composed(loc, line)
	case LayoutCloudFoundry:
		rd.cloudFoundry(loc, line)
	case LayoutLambda:
		rd.lambda(loc, line)
	case LayoutClickHouse:
		rd.inner(loc, time.Time{}, line)
	case LayoutTimePrefix:
		rd.timePrefixed(loc, line)
	default:
		rd.structuredLine(loc, line)
	}
}

// structuredLine handles one line of a structured JSON log. A line that
// is no JSON object is offered to the decoders as printed: a container's
// stdout and stderr often mix an encoder's objects with librdkafka's own
// lines or a stack trace the JVM printed.
func (rd *reader) structuredLine(loc analyzer.Location, line []byte) {
	r := &rd.route
	if !r.rec.readObject(&r.flat, line, r.zone) {
		if !rd.ds.line(loc, time.Time{}, rd.host, line) {
			rd.unparsed(loc, "neither a JSON log object nor a Kafka or librdkafka line")
		}
		return
	}
	r.structured(rd.ds, loc, time.Time{}, rd.host, &r.rec)
}

// inner routes a container record's text with the record's time.
func (rd *reader) inner(loc analyzer.Location, ts time.Time, text []byte) {
	rd.learnZone(ts, text)
	rd.route.text(rd.ds, loc, ts, rd.host, text)
}

// finish routes pending partial lines, flushes the decoders and fills
// the stats that depend on the whole input.
func (rd *reader) finish() {
	for i := range rd.parts {
		rd.endPartial(&rd.parts[i])
	}
	sets := []*decoders{rd.ds}
	for _, p := range rd.pods {
		sets = append(sets, p.ds)
	}
	for _, ds := range sets {
		ds.flush()
		if ds.zoneAssumed() {
			rd.st.ZoneAssumed = true
		}
	}
	if rd.route.zoneAssumed {
		rd.st.ZoneAssumed = true
	}
	if rd.zone.learned {
		// Zoneless times were read in the offset the envelope showed.
		rd.st.ZoneAssumed = false
	}
	if in := rd.route.innerLayout; in != "" && rd.st.Layout != in {
		rd.st.Layout += "+" + in
	}
	rd.st.Events = rd.sink.events
}

func (rd *reader) unparsed(loc analyzer.Location, why string) {
	rd.st.Unparsed++
	rd.problem(loc, "%s", why)
}

// problem records damage at a position, bounded.
func (rd *reader) problem(loc analyzer.Location, format string, args ...any) {
	if len(rd.st.Problems) < maxProblems {
		rd.st.Problems = append(rd.st.Problems, fmt.Sprintf("%s: line %d: ", loc.Path, loc.Line)+fmt.Sprintf(format, args...))
	}
}

// countingSink counts the events the embedded decoders send.
type countingSink struct {
	analyzer.Sink
	events int
}

func (c *countingSink) Event(e analyzer.Event) { c.events++; c.Sink.Event(e) }
