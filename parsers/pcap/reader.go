package pcap

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Magic numbers, as the first four bytes appear in the file.
var (
	magicMicroLE = []byte{0xd4, 0xc3, 0xb2, 0xa1}
	magicMicroBE = []byte{0xa1, 0xb2, 0xc3, 0xd4}
	magicNanoLE  = []byte{0x4d, 0x3c, 0xb2, 0xa1}
	magicNanoBE  = []byte{0xa1, 0xb2, 0x3c, 0x4d}
	magicNg      = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

// container is the file format a capture uses.
type container int

const (
	notCapture container = iota
	classic
	pcapng
)

func sniffContainer(head []byte) container {
	if len(head) < 4 {
		return notCapture
	}
	m := head[:4]
	switch {
	case bytes.Equal(m, magicNg):
		return pcapng
	case bytes.Equal(m, magicMicroLE), bytes.Equal(m, magicMicroBE),
		bytes.Equal(m, magicNanoLE), bytes.Equal(m, magicNanoBE):
		return classic
	}
	return notCapture
}

// recordReader is what both pcapgo readers offer; data is valid until the
// next call.
type recordReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// pcapgoBufSize is bufio's default size: pcapgo.NewReader reads through a
// *bufio.Reader at least this large as it is, else through its own.
const pcapgoBufSize = 4096

// captureFile is an open capture and what it says about itself.
type captureFile struct {
	kind container
	rec  recordReader
	// classic is rec when it is a classicReader: the replay calls it
	// directly.
	classic *classicReader
	// link is the link type of every record of a classic file, and the
	// fallback for pcapng records without ancillary data.
	link layers.LinkType
	// drops holds the newest interface statistics per pcapng interface
	// (the blocks are cumulative); nil for classic files.
	drops map[int]uint64
}

// openCapture reads the file header. pcapgo's own gzip sniffing never fires:
// the input walker has already removed gzip layers.
func openCapture(r *bufio.Reader) (*captureFile, error) {
	head, _ := r.Peek(4)
	magic := bytes.Clone(head)
	switch sniffContainer(magic) {
	case classic:
		cr, err := pcapgo.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("pcap file header: %w", err)
		}
		// Writers that did not truncate write records longer than the
		// header's snaplen; pcapgo refuses those unless the limit is raised.
		// Raising it to MaxFrame also caps what a hostile record can claim.
		cr.SetSnaplen(MaxFrame)
		cf := &captureFile{kind: classic, rec: cr, link: cr.LinkType()}
		// pcapgo read the header through r itself unless r's buffer is
		// smaller than bufio's default (then it wrapped r in its own).
		if r.Size() >= pcapgoBufSize {
			cf.classic = newClassicReader(r, magic, MaxFrame)
			cf.rec = cf.classic
		}
		return cf, nil
	case pcapng:
		cf := &captureFile{kind: pcapng, drops: map[int]uint64{}}
		opts := pcapgo.NgReaderOptions{
			WantMixedLinkType: true,
			StatisticsCallback: func(iface int, st pcapgo.NgInterfaceStatistics) {
				if st.PacketsDropped != pcapgo.NgNoValue64 {
					cf.drops[iface] = st.PacketsDropped
				}
			},
		}
		nr, err := pcapgo.NewNgReader(newNgGuard(r), opts)
		if err != nil {
			return nil, fmt.Errorf("pcapng section header: %w", err)
		}
		cf.rec, cf.link = nr, nr.LinkType()
		return cf, nil
	}
	return nil, fmt.Errorf("not a pcap or pcapng file (starts % x)", magic)
}

// linkOf returns the link type of one record.
func (cf *captureFile) linkOf(ci *gopacket.CaptureInfo) layers.LinkType {
	if len(ci.AncillaryData) > 0 {
		if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			return lt
		}
	}
	return cf.link
}

func (k container) String() string {
	if k == pcapng {
		return "pcapng"
	}
	return "pcap"
}

// linkNames are libpcap's DLT names, as tcpdump and capinfos print them.
var linkNames = map[layers.LinkType]string{
	layers.LinkTypeNull:       "NULL",
	layers.LinkTypeEthernet:   "EN10MB",
	12:                        "RAW",
	14:                        "RAW",
	layers.LinkTypeRaw:        "RAW",
	layers.LinkTypeLoop:       "LOOP",
	layers.LinkTypeLinuxSLL:   "LINUX_SLL",
	layers.LinkTypeIPv4:       "IPV4",
	layers.LinkTypeIPv6:       "IPV6",
	layers.LinkTypeLinuxSLL2:  "LINUX_SLL2",
	layers.LinkTypeIEEE802_11: "IEEE802_11",
}

func linkName(lt layers.LinkType) string {
	if n, ok := linkNames[lt]; ok {
		return n
	}
	return fmt.Sprintf("LINKTYPE_%d", uint16(lt))
}

// layout names the container and the link types in the order their first
// record appeared: "pcapng/LINUX_SLL2+EN10MB".
func layout(kind container, links []layers.LinkType) string {
	names := make([]string, len(links))
	for i, lt := range links {
		names[i] = linkName(lt)
	}
	return kind.String() + "/" + strings.Join(names, "+")
}
