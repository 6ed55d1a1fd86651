package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// capture is one capture file held in memory while transforms rewrite it.
// Frames are Ethernet until a link transform (toSLL2, toRawIP ...) turns
// them into another link type, so packet rewrites run first.
type capture struct {
	// name is the file name the capture is written under.
	name string
	// side is "client" or "broker": whose host tcpdump ran on. Cooked
	// headers take their packet type (outgoing or to-us) from it.
	side   string
	link   layers.LinkType
	snap   uint32
	format captureFormat
	frames []frame
	// ifaceLinks, when set, are the link types of a pcapng file's capture
	// interfaces (a merge of captures of different link types); each
	// frame's iface indexes it and link is unused.
	ifaceLinks []layers.LinkType
}

// captureFormat is the file format a capture is written in.
type captureFormat int

const (
	pcapMicro     captureFormat = iota // classic pcap, microsecond stamps (tcpdump's default)
	pcapNano                           // classic pcap, nanosecond magic (tcpdump --time-stamp-precision=nano)
	pcapNG                             // pcapng as dumpcap writes it: section and interface options
	pcapBigEndian                      // classic pcap, microseconds, written by a big-endian host
)

// frame is one record and where it came from.
type frame struct {
	ci   gopacket.CaptureInfo
	data []byte
	// origin is the record in the scenario's original capture this frame
	// was made from: transforms may drop or reorder frames, and evidence
	// frame numbers are checked through it.
	origin origin
	// iface indexes capture.ifaceLinks: the interface the frame was
	// captured on, in a merge.
	iface int
}

// origin names a record of an original capture: file base name and its
// 1-based frame number.
type origin struct {
	file   string
	number int
}

func (o origin) String() string { return fmt.Sprintf("%s#%d", o.file, o.number) }

// readCapture loads a pcap, pcapng or gzip-compressed capture.
func readCapture(path string) (*capture, error) {
	raw, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	var r io.Reader = bufio.NewReader(raw)
	name := filepath.Base(path)
	if head, _ := r.(*bufio.Reader).Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = bufio.NewReader(zr)
		name = strings.TrimSuffix(name, ".gz")
	}
	c := &capture{name: name, side: sideOf(name)}
	head, err := r.(*bufio.Reader).Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	type source interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var src source
	if bytes.Equal(head, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(r, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c.link, c.format, src = ng.LinkType(), pcapNG, ng
	} else {
		pr, err := pcapgo.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c.link, c.snap, src = pr.LinkType(), pr.Snaplen(), pr
		if pr.Resolution() == gopacket.TimestampResolutionNanosecond {
			c.format = pcapNano
		}
	}
	for n := 1; ; n++ {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: frame %d: %w", path, n, err)
		}
		ci.AncillaryData, ci.InterfaceIndex = nil, 0
		c.frames = append(c.frames, frame{ci: ci, data: bytes.Clone(data), origin: origin{name, n}})
	}
	if c.snap == 0 {
		c.snap = 262144
	}
	return c, nil
}

// sideOf reads the capture's side from the lab's file names.
func sideOf(name string) string {
	if strings.HasPrefix(name, "broker") {
		return "broker"
	}
	return "client"
}

// encode writes the capture in its format.
func (c *capture) encode() ([]byte, error) {
	var buf bytes.Buffer
	switch c.format {
	case pcapNG:
		if err := c.encodeNg(&buf); err != nil {
			return nil, err
		}
	case pcapBigEndian:
		if err := c.encodeBigEndian(&buf); err != nil {
			return nil, err
		}
	default:
		if c.ifaceLinks != nil {
			return nil, fmt.Errorf("%s: link types %v mixed: only pcapng holds them", c.name, c.ifaceLinks)
		}
		w := pcapgo.NewWriter(&buf)
		if c.format == pcapNano {
			w = pcapgo.NewWriterNanos(&buf)
		}
		if err := w.WriteFileHeader(c.snap, c.link); err != nil {
			return nil, err
		}
		for _, f := range c.frames {
			if err := w.WritePacket(f.ci, f.data); err != nil {
				return nil, fmt.Errorf("%s: frame from %s: %w", c.name, f.origin, err)
			}
		}
	}
	return buf.Bytes(), nil
}

// encodeNg writes pcapng as dumpcap does with two interfaces (-i lo -i
// veth0): section options naming the tool, an idle first interface, the
// capture's own interface second with a filter and nanosecond stamps
// (if_tsresol 9), and a comment on the first packet.
func (c *capture) encodeNg(w io.Writer) error {
	ng, err := pcapgo.NewNgWriterInterface(w, pcapgo.NgInterface{
		Name:     "lo",
		OS:       "Linux 6.12.0",
		LinkType: layers.LinkTypeEthernet,
		// dumpcap writes the interface's snap length.
		SnapLength: 262144,
	}, pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Hardware:    "x86_64",
		OS:          "Linux 6.12.0",
		Application: "Dumpcap (Wireshark) 4.4.2",
		Comment:     "kafkadiag transforms test: " + c.name,
	}})
	if err != nil {
		return err
	}
	links := c.ifaceLinks
	if links == nil {
		links = []layers.LinkType{c.link}
	}
	ids := make([]int, len(links))
	for i, lt := range links {
		ids[i], err = ng.AddInterface(pcapgo.NgInterface{
			Name:        fmt.Sprintf("veth-%s%d", c.side, i),
			Description: c.side + " side",
			Filter:      "tcp or arp",
			OS:          "Linux 6.12.0",
			LinkType:    lt,
			SnapLength:  c.snap,
		})
		if err != nil {
			return err
		}
	}
	for i, f := range c.frames {
		ci := f.ci
		ci.InterfaceIndex = ids[f.iface]
		var opts pcapgo.NgPacketOptions
		if i == 0 {
			opts.Comments = []string{"first frame of " + f.origin.String()}
		}
		if err := ng.WritePacketWithOptions(ci, f.data, opts); err != nil {
			return fmt.Errorf("%s: frame from %s: %w", c.name, f.origin, err)
		}
	}
	return ng.Flush()
}

// encodeBigEndian writes classic pcap in big-endian byte order, as libpcap
// on a big-endian host (s390x, older SPARC and POWER) writes it; pcapgo only
// writes little-endian.
func (c *capture) encodeBigEndian(w io.Writer) error {
	if c.ifaceLinks != nil {
		return fmt.Errorf("%s: link types %v mixed: only pcapng holds them", c.name, c.ifaceLinks)
	}
	be := binary.BigEndian
	head := make([]byte, 24)
	be.PutUint32(head[0:], 0xa1b2c3d4)
	be.PutUint16(head[4:], 2)
	be.PutUint16(head[6:], 4)
	be.PutUint32(head[16:], c.snap)
	be.PutUint32(head[20:], uint32(c.link))
	if _, err := w.Write(head); err != nil {
		return err
	}
	rec := make([]byte, 16)
	for _, f := range c.frames {
		ts := f.ci.Timestamp
		be.PutUint32(rec[0:], uint32(ts.Unix()))
		be.PutUint32(rec[4:], uint32(ts.Nanosecond()/1000))
		be.PutUint32(rec[8:], uint32(len(f.data)))
		be.PutUint32(rec[12:], uint32(f.ci.Length))
		if _, err := w.Write(rec); err != nil {
			return err
		}
		if _, err := w.Write(f.data); err != nil {
			return err
		}
	}
	return nil
}

// fileName is the name the capture is written under: a pcapng keeps its
// extension honest.
func (c *capture) fileName() string {
	base := strings.TrimSuffix(strings.TrimSuffix(c.name, ".pcapng"), ".pcap")
	if c.format == pcapNG {
		return base + ".pcapng"
	}
	return base + ".pcap"
}

// originAt is the origin of the capture's frame number n (1-based).
func (c *capture) originAt(n int) (origin, bool) {
	if n < 1 || n > len(c.frames) {
		return origin{}, false
	}
	return c.frames[n-1].origin, true
}
