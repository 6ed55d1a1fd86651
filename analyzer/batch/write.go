package batch

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/kafkadiag/kafkadiag/analyzer/report"
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

// writeAtomic writes a file through a hidden temporary file in the same
// folder and a rename, so a reader sees the old file or the whole new one,
// never half of one. It does not fsync: a machine crash may lose the last
// reports, and re-running the batch writes them again.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
