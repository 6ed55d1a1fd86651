package batch

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"github.com/kafkadiag/kafkadiag/analyzer/report"
	"github.com/kafkadiag/kafkadiag/internal/atomicfile"
)

// analysed is one incident on its way from a worker to the writer: its
// summary line and its reports rendered in memory — a report is small next
// to the analysis that made it — so a render error leaves no file behind
// and the worker never waits on the file system.
type analysed struct {
	// index is the incident's place in the input order.
	index int
	line  Line
	// name is the reports' base name in the output folder.
	name string
	// json and markdown are the rendered reports; nil when none is to be
	// written (the analysis or the rendering failed, or no Markdown was
	// asked for).
	json, markdown *bytes.Buffer
}

// render renders the JSON report, and the Markdown one when asked.
func (a *analysed) render(r *report.Report, markdown bool) error {
	a.json = reportBuffers.Get().(*bytes.Buffer)
	if err := report.WriteJSON(a.json, r); err != nil {
		return fmt.Errorf("rendering the JSON report: %w", err)
	}
	if !markdown {
		return nil
	}
	a.markdown = reportBuffers.Get().(*bytes.Buffer)
	if err := report.WriteMarkdown(a.markdown, r); err != nil {
		return fmt.Errorf("rendering the Markdown report: %w", err)
	}
	return nil
}

// write writes the rendered reports into out and returns the incident's
// line, its Report set when every file was written.
func (a *analysed) write(out string) Line {
	defer a.release()
	if a.json == nil {
		return a.line
	}
	if err := writeFile(filepath.Join(out, a.name+".json"), a.json.Bytes()); err != nil {
		a.line.Error = joinReasons(a.line.Error, err.Error())
		return a.line
	}
	if a.markdown != nil {
		if err := writeFile(filepath.Join(out, a.name+".md"), a.markdown.Bytes()); err != nil {
			a.line.Error = joinReasons(a.line.Error, err.Error())
			return a.line
		}
	}
	a.line.Report = a.name + ".json"
	return a.line
}

// release gives the report buffers back for the next incidents.
func (a *analysed) release() {
	for _, b := range []*bytes.Buffer{a.json, a.markdown} {
		if b != nil && b.Cap() <= maxPooledReport {
			b.Reset()
			reportBuffers.Put(b)
		}
	}
	a.json, a.markdown = nil, nil
}

// maxPooledReport is the largest report buffer kept for reuse: a rare
// incident with a huge timeline must not pin its megabytes for the rest
// of the batch.
const maxPooledReport = 1 << 20

// reportBuffers recycles the buffers reports are rendered into across
// incidents, so a batch of small incidents does not grow a new one each
// time.
var reportBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeFile(path string, body []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(body)
		return err
	})
}

// writeAtomic writes a report or summary whole or not at all, without an
// fsync (see atomicfile.Write), naming the path in errors.
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, false, write); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
