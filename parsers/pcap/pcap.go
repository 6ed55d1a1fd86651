package pcap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Parser reads pcap and pcapng captures into flows and ARP records.
type Parser struct {
	// Flows configures the flow table; the zero value takes its defaults.
	Flows flow.Options
}

// New returns a Parser with the flow table's defaults.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "pcap" }

// Sniff accepts classic pcap (µs or ns, either byte order) and pcapng.
func (*Parser) Sniff(head []byte) bool { return sniffContainer(head) != notCapture }

// Parse replays every TCP segment of the capture into a flow table and
// hands finished flows to sink.Flow and ARP packets to sink.ARP. On damage
// it stops, flushes the flows read so far, and returns an error naming the
// frame ("frame 12: ...").
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	cf, err := openCapture(src.R)
	if err != nil {
		return analyzer.Stats{}, err
	}
	emit, opts := sink.Flow, p.Flows
	if r, ok := sink.(flowRetainer); ok {
		emit, opts.Keep = r.KeptFlow, r.KeepFlow
	}
	rp := newReplay(cf)
	if _, whole := analyzer.WholeInBuffer(src.R); whole || analyzer.OneGoroutine(ctx) {
		// A capture the reader's buffer holds whole is replayed on this
		// goroutine: a second one would cost more to start and feed than
		// it saves. A batch runs its incidents side by side and asks for
		// one goroutine each.
		tab := flow.NewTable(src.Path, emit, opts)
		err = rp.run(ctx, tab.Add, func(a *flow.ARP) {
			sink.ARP(analyzer.CapturedARP{Capture: src.Path, ARP: *a})
		})
		tab.Flush()
		return rp.stats(), err
	}
	// Pipelined, the table builds finished flows on a third goroutine
	// (flow.Options.Aside), which calls the sink while this one replays:
	// ARP records wait here until the table is flushed, so the sink never
	// has two callers at once.
	opts.Aside = true
	tab := flow.NewTable(src.Path, emit, opts)
	var arps []analyzer.CapturedARP
	err = rp.pipeline(ctx, tab.Add, func(a *flow.ARP) {
		arps = append(arps, analyzer.CapturedARP{Capture: src.Path, ARP: *a})
	})
	tab.Flush()
	for _, a := range arps {
		sink.ARP(a)
	}
	return rp.stats(), err
}

// flowRetainer is a Sink that decides which flows it keeps before they are
// built (the analyzer's collector): flows it declines are only counted, so
// building them would be wasted work. KeptFlow then takes what KeepFlow
// accepted, without deciding again.
type flowRetainer interface {
	KeepFlow(*flow.Summary) bool
	KeptFlow(*flow.Flow)
}

// ctxCheckEvery is how many frames pass between cancellation checks.
const ctxCheckEvery = 4096

// replay is one pass over a capture's records.
type replay struct {
	cf  *captureFile
	dec *decoder
	ci  gopacket.CaptureInfo // the last record's

	frames, damaged int
	// fragments counts IP fragments of TCP segments: not reassembled.
	fragments int
	links     []layers.LinkType // in order of first appearance
	lastLink  layers.LinkType
	badLinks  map[layers.LinkType]int // frames of link types not decoded
	encaps    encapCounts             // frames found inside each tunnel kind
	twins     twins                   // recent packets, to drop second copies
	copies    int                     // TCP segments dropped as second copies
}

func newReplay(cf *captureFile) *replay {
	return &replay{cf: cf, dec: newDecoder(), lastLink: 0xffff, badLinks: map[layers.LinkType]int{}}
}

// run reads every record, calling tcp for TCP segments (the Packet is valid
// during the call only) and arp for ARP packets.
func (rp *replay) run(ctx context.Context, tcp func(*flow.Packet), arp func(*flow.ARP)) error {
	for {
		if rp.frames%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		v, err := rp.read()
		switch {
		case err != nil:
			return err
		case v == frameEnd:
			return nil
		case v == frameTCP:
			tcp(rp.dec.out)
		case v == frameARP:
			if a, ok := rp.dec.arpRecord(rp.frames); ok {
				a.Time = rp.dec.out.Time
				arp(&a)
			}
		}
	}
}

// read reads and decodes the next record and counts it. For frameTCP the
// segment is in *rp.dec.out, its slices valid until the next read; for
// frameARP the ARP layer is in rp.dec and rp.dec.out.Time is its time.
// frameEnd means the capture ended cleanly.
func (rp *replay) read() (verdict, error) {
	ci := &rp.ci
	var data []byte
	var err error
	if rp.cf.classic != nil {
		data, err = rp.cf.classic.readRecord(ci)
	} else {
		data, *ci, err = rp.cf.rec.ZeroCopyReadPacketData()
	}
	if err == io.EOF {
		return frameEnd, nil
	}
	frame := rp.frames + 1
	if err != nil {
		return frameEnd, fmt.Errorf("frame %d: %w", frame, describeReadErr(err))
	}
	rp.frames = frame
	lt := rp.cf.linkOf(ci)
	rp.noteLink(lt)
	v := rp.dec.decode(data, lt)
	switch v {
	case frameTCP, frameARP:
		rp.dec.out.Frame, rp.dec.out.Time = frame, ci.Timestamp
		if v == frameTCP && rp.mayHoldCopies(lt) && rp.twins.copyOf(rp.dec.out, rp.place(lt, ci)) {
			rp.copies++
			v = frameCopy
		}
	case frameBadLink:
		rp.badLinks[lt]++
	case frameDamaged:
		rp.damaged++
	case frameFragment:
		rp.fragments++
	}
	if rp.dec.encaps != 0 {
		rp.encaps.add(rp.dec.encaps)
	}
	return v, nil
}

// mayHoldCopies reports whether this frame may be a second copy of a packet
// (twins.go): it was tunnelled, or the capture covers several interfaces.
// Plain Ethernet frames of single-interface captures, nearly all there
// are, skip the check.
func (rp *replay) mayHoldCopies(lt layers.LinkType) bool {
	if rp.dec.encaps != 0 || lt != layers.LinkTypeEthernet {
		return true
	}
	if rp.cf.kind == classic {
		return false
	}
	nr, ok := rp.cf.rec.(*pcapgo.NgReader)
	return ok && nr.NInterfaces() > 1
}

// place says where a frame was captured, to tell two copies apart.
func (rp *replay) place(lt layers.LinkType, ci *gopacket.CaptureInfo) copyPlace {
	pl := copyPlace{iface: ci.InterfaceIndex, encaps: rp.dec.encaps}
	if lt == layers.LinkTypeLinuxSLL2 {
		pl.iface = int(rp.dec.sll2.InterfaceIndex)
	}
	return pl
}

func (rp *replay) noteLink(lt layers.LinkType) {
	if lt == rp.lastLink {
		return
	}
	rp.lastLink = lt
	for _, seen := range rp.links {
		if seen == lt {
			return
		}
	}
	rp.links = append(rp.links, lt)
}

// stats reports what the pass saw, including capture-quality problems.
func (rp *replay) stats() analyzer.Stats {
	links := rp.links
	if len(links) == 0 {
		links = []layers.LinkType{rp.cf.link}
	}
	st := analyzer.Stats{Layout: layout(rp.cf.kind, links), Packets: rp.frames, Unparsed: rp.damaged + rp.fragments}
	if e := rp.encaps.describe(); e != "" {
		st.Layout += "; " + e
	}
	if rp.copies > 0 {
		st.Layout += fmt.Sprintf("; %d TCP segments captured twice (on two interfaces, or inside and outside a tunnel) replayed once", rp.copies)
	}
	for _, lt := range sortedLinks(rp.badLinks) {
		st.Unparsed += rp.badLinks[lt]
		st.Problems = append(st.Problems, fmt.Sprintf("%d frames of link type %s not decoded", rp.badLinks[lt], linkName(lt)))
	}
	if rp.damaged > 0 {
		st.Problems = append(st.Problems, fmt.Sprintf("%d frames empty or cut inside their headers", rp.damaged))
	}
	if rp.fragments > 0 {
		st.Problems = append(st.Problems, fmt.Sprintf("%d frames are IP fragments of TCP segments (or of tunnel packets): not reassembled, so flows miss those segments", rp.fragments))
	}
	ifaces := make([]int, 0, len(rp.cf.drops))
	for i := range rp.cf.drops {
		ifaces = append(ifaces, i)
	}
	sort.Ints(ifaces)
	for _, i := range ifaces {
		if n := rp.cf.drops[i]; n > 0 {
			st.Problems = append(st.Problems, fmt.Sprintf("interface %d: the capture dropped %d packets (pcapng statistics): flows may miss packets", i, n))
		}
	}
	return st
}

func sortedLinks(m map[layers.LinkType]int) []layers.LinkType {
	out := make([]layers.LinkType, 0, len(m))
	for lt := range m {
		out = append(out, lt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// describeReadErr says what a read error means for a capture file.
func describeReadErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("file ends inside the record (cut short?): %w", err)
	}
	return err
}

// arpRecord copies the decoded ARP packet of an Ethernet/IPv4 ARP; ok is
// false for other hardware or protocol types.
func (d *decoder) arpRecord(frame int) (flow.ARP, bool) {
	a := &d.arp
	if a.AddrType != layers.LinkTypeEthernet || a.Protocol != layers.EthernetTypeIPv4 ||
		len(a.SourceHwAddress) != 6 || len(a.SourceProtAddress) != 4 ||
		len(a.DstHwAddress) != 6 || len(a.DstProtAddress) != 4 {
		return flow.ARP{}, false
	}
	return flow.ARP{
		Frame:     frame,
		Operation: a.Operation,
		SenderMAC: bytes.Clone(a.SourceHwAddress),
		SenderIP:  netip.AddrFrom4([4]byte(a.SourceProtAddress)),
		TargetMAC: bytes.Clone(a.DstHwAddress),
		TargetIP:  netip.AddrFrom4([4]byte(a.DstProtAddress)),
	}, true
}
