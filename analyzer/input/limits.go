package input

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Sentinel errors callers test with errors.Is. The detail (which member, how
// many bytes) travels in a *LimitError or *ReadError around them.
var (
	// ErrBomb means a decompressor produced far more bytes than it consumed:
	// more than Options.MaxRatio times its input once past Options.RatioGrace.
	ErrBomb = errors.New("input: decompression bomb")
	// ErrTooLarge means one input's decompressors together produced more
	// than Options.MaxDecompressed bytes.
	ErrTooLarge = errors.New("input: decompressed size limit reached")
)

// Options bound the work and the disk one walk may use. The zero value of a
// field means its default (DefaultOptions); the defaults suit a laptop
// reading one customer bundle, not a hostile fuzzer, which tests tighten.
type Options struct {
	// MaxDecompressed caps the bytes all decompressors under one top-level
	// input (one path or stdin) may produce together. Default 16 GiB: a
	// bundle carrying a 10 GiB capture must still be read.
	MaxDecompressed int64
	// MaxRatio and RatioGrace stop one decompressor whose output exceeds
	// MaxRatio times its input once it has produced RatioGrace bytes. Real
	// logs compress 10–30:1, zero-filled files ~1000:1, deflate's ceiling is
	// 1032:1; defaults 200 and 64 MiB.
	MaxRatio   int64
	RatioGrace int64
	// MaxMembers caps the members (of every container, nested ones
	// included) one top-level input may have. Default 200 000.
	MaxMembers int
	// MaxMemberSize caps the size a member declares in its header (tar,
	// zip). Default 16 GiB.
	MaxMemberSize int64
	// MaxTempCopy caps the bytes copied to the private temp dir for a zip
	// that needs random access and is not a regular file on disk (nested,
	// compressed, or on stdin). Default 4 GiB.
	MaxTempCopy int64
	// MaxDepth caps nested layers: each compression layer and each archive
	// counts one (a .tgz is two). Default 8.
	MaxDepth int
	// MaxSkipsListed is how many skipped members of one container are
	// yielded as Items; the rest are counted and summarised in one Item
	// when the container ends, so a tar of 100 000 empty files yields a
	// readable report. Default 50.
	MaxSkipsListed int
	// TempDir is where the walk's private temp dir is made; "" means
	// os.TempDir().
	TempDir string
}

// DefaultOptions are the limits New uses.
func DefaultOptions() Options {
	return Options{
		MaxDecompressed: 16 << 30,
		MaxRatio:        200,
		RatioGrace:      64 << 20,
		MaxMembers:      200_000,
		MaxMemberSize:   16 << 30,
		MaxTempCopy:     4 << 30,
		MaxDepth:        8,
		MaxSkipsListed:  50,
	}
}

// withDefaults fills zero (or negative) fields.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	o.MaxDecompressed = positiveOr(o.MaxDecompressed, d.MaxDecompressed)
	o.MaxRatio = positiveOr(o.MaxRatio, d.MaxRatio)
	o.RatioGrace = positiveOr(o.RatioGrace, d.RatioGrace)
	o.MaxMembers = positiveOr(o.MaxMembers, d.MaxMembers)
	o.MaxMemberSize = positiveOr(o.MaxMemberSize, d.MaxMemberSize)
	o.MaxTempCopy = positiveOr(o.MaxTempCopy, d.MaxTempCopy)
	o.MaxDepth = positiveOr(o.MaxDepth, d.MaxDepth)
	o.MaxSkipsListed = positiveOr(o.MaxSkipsListed, d.MaxSkipsListed)
	return o
}

// positiveOr is v when it is set (positive), else the default d.
func positiveOr[T int | int64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// LimitError is a decompressor stopped by a limit. Unwrap gives ErrBomb or
// ErrTooLarge.
type LimitError struct {
	// Path is the display path of the stream that was being decompressed.
	Path string
	// Kind is ErrBomb or ErrTooLarge.
	Kind error
	// In and Out are the compressed bytes consumed and the bytes produced
	// when the limit hit; for ErrTooLarge, Out counts only the bytes handed
	// out, none past the budget.
	In, Out int64
	// Limit is the ratio (ErrBomb) or byte cap (ErrTooLarge) exceeded.
	Limit int64
}

func (e *LimitError) Error() string {
	if errors.Is(e.Kind, ErrBomb) {
		return fmt.Sprintf("%s: decompression bomb: %s → %s stopped at ratio %d:1 (limit %d:1)",
			e.Path, byteSize(e.In), byteSize(e.Out), (e.Out+e.In-1)/max(e.In, 1), e.Limit)
	}
	return fmt.Sprintf("%s: decompressed size limit reached: %s per input, stopped after %s of this stream",
		e.Path, byteSize(e.Limit), byteSize(e.Out))
}

func (e *LimitError) Unwrap() error { return e.Kind }

// ReadError is a read failure inside an item, named by the item's display
// path and the offset in its decompressed bytes, so a parser that reports
// it says which member broke ("outer.tgz!a.log.gz: byte 1048576: gzip:
// invalid checksum"). Path is empty when it would only repeat the item's
// own path, which every message already starts with.
type ReadError struct {
	Path   string
	Offset int64
	Err    error
}

func (e *ReadError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("byte %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("%s: byte %d: %v", e.Path, e.Offset, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// byteSize prints n the way people read sizes: "1 KiB", "10.0 GiB".
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	suffix := [...]string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}[exp]
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), suffix)
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// budget is the decompressed-byte allowance of one top-level input, shared by
// every decompressor under it.
type budget struct {
	limit, used int64
}

// countingReader counts the compressed bytes a decompressor consumes. It
// passes ReadByte through so flate does not add a buffer of its own.
type countingReader struct {
	r interface {
		io.Reader
		io.ByteReader
	}
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// guardedReader stops a decompressor at the ratio and budget limits. Its
// error is sticky: once stopped, the stream stays stopped.
type guardedReader struct {
	r    io.Reader
	in   *countingReader // compressed side; nil when inFixed is used
	path string
	// layer names the decoder ("gzip", "zstd") in errors that do not.
	layer string
	// inFixed is the compressed size known up front (zip entries), used
	// when in is nil.
	inFixed int64
	out     int64
	budget  *budget
	ratio   int64
	grace   int64
	err     error
}

func (g *guardedReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if left := g.budget.limit - g.budget.used; int64(len(p)) > left+1 {
		p = p[:max(left+1, 1)] // read one byte past the budget to tell "exactly full" from "over"
	}
	n, err := g.r.Read(p)
	g.out += int64(n)
	g.budget.used += int64(n)
	if lerr := g.check(); lerr != nil {
		g.err = lerr
		if over := min(g.budget.used-g.budget.limit, int64(n)); over > 0 {
			// Hand out no byte past the budget, and leave it exactly
			// full for the next stream of this input.
			n -= int(over)
			g.out -= over
			g.budget.used -= over
		}
		return n, lerr
	}
	if err != nil && err != io.EOF && g.layer != "" && !strings.HasPrefix(err.Error(), g.layer) {
		err = fmt.Errorf("%s: %w", g.layer, err)
	}
	return n, err
}

func (g *guardedReader) check() error {
	in := g.inFixed
	if g.in != nil {
		in = g.in.n
	}
	if over := g.budget.used - g.budget.limit; over > 0 {
		return &LimitError{Path: g.path, Kind: ErrTooLarge, In: in, Out: g.out - over, Limit: g.budget.limit}
	}
	if g.out > g.grace && g.out > max(in, 1)*g.ratio {
		return &LimitError{Path: g.path, Kind: ErrBomb, In: in, Out: g.out, Limit: g.ratio}
	}
	return nil
}

// namedReader wraps errors from below in a *ReadError naming the item, unless
// they already name it.
type namedReader struct {
	r    io.Reader
	path string
	off  int64
}

func (nr *namedReader) Read(p []byte) (int, error) {
	n, err := nr.r.Read(p)
	nr.off += int64(n)
	if err == nil || err == io.EOF {
		return n, err
	}
	var re *ReadError
	if errors.As(err, &re) && re.Path == nr.path {
		return n, err
	}
	var le *LimitError
	if errors.As(err, &le) && le.Path == nr.path {
		return n, err
	}
	return n, &ReadError{Path: nr.path, Offset: nr.off, Err: err}
}
