package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Captures from traffic mirroring and SPAN sessions carry the Kafka TCP
// flow inside a tunnel: VXLAN (AWS VPC Traffic Mirroring, Azure vTAP, Linux
// vxlan), Geneve, GRE and ERSPAN (remote SPAN), MPLS, stacked VLAN tags, IP
// in IP. The decoder follows them down to the innermost TCP/IP: that is the
// flow, and the innermost Ethernet header gives its MACs.
//
// gopacket has DecodingLayers for UDP, VXLAN, GRE, ERSPAN type II, Dot1Q
// (also 802.1ad) and the IPv6 extension headers. The small types here fill
// its gaps: which UDP ports are tunnels, ERSPAN type III (GRE protocol
// 0x22eb, which gopacket does not decode), MPLS (gopacket decodes it only
// through gopacket.NewPacket), and Geneve without an allocation per option.
// Not followed: VXLAN-GPE (UDP 4790), GUE, GTP-U, ERSPAN type III frames of a
// type other than Ethernet or IP, IPsec, and Ethernet pseudowires over MPLS
// without a control word. An IPv6 hop-by-hop header costs gopacket one
// allocation per option; TCP rarely carries one.

// encap is the set of encapsulations one frame was found inside.
type encap uint16

const (
	encapVXLAN encap = 1 << iota
	encapGeneve
	encapGRE
	encapERSPANI
	encapERSPANII
	encapERSPANIII
	encapMPLS
	encapQinQ
	encapIPinIP
	encapKinds = iota
)

// encapNames name the encapsulations in the report, indexed by bit.
var encapNames = [encapKinds]string{
	"VXLAN", "Geneve", "GRE", "ERSPAN type I", "ERSPAN type II", "ERSPAN type III",
	"MPLS", "stacked VLAN tags (802.1ad/QinQ)", "IP-in-IP",
}

// encapCounts counts frames per encapsulation, indexed by bit.
type encapCounts [encapKinds]int

func (c *encapCounts) add(e encap) {
	for e != 0 {
		i := bits.TrailingZeros16(uint16(e))
		c[i]++
		e &^= 1 << i
	}
}

// describe says which encapsulations the capture held, for its layout:
// "encapsulated: VXLAN 120 frames; inner flows analysed"; "" for none.
func (c *encapCounts) describe() string {
	var parts []string
	for i, n := range c {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d frames", encapNames[i], n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "encapsulated: " + strings.Join(parts, ", ") + "; inner flows analysed"
}

// UDP destination ports of the tunnels the decoder follows. Only the
// destination counts: a tunnel's source port is a flow hash from the
// ephemeral range, and a reply to an ordinary client that happened to use
// 4789 must not be read as VXLAN.
const (
	portVXLAN      = 4789 // IANA
	portVXLANLinux = 8472 // the Linux kernel's default before IANA assigned 4789
	portGeneve     = 6081
)

// tunnelUDP is layers.UDP that leads on only into the tunnels above.
type tunnelUDP struct{ layers.UDP }

func (u *tunnelUDP) NextLayerType() gopacket.LayerType {
	switch u.DstPort {
	case portVXLAN, portVXLANLinux:
		return layers.LayerTypeVXLAN
	case portGeneve:
		return layers.LayerTypeGeneve
	}
	return gopacket.LayerTypePayload
}

// strictVXLAN is layers.VXLAN that refuses a header without the I flag,
// which RFC 7348 requires: other traffic to the port is not a tunnel.
type strictVXLAN struct{ layers.VXLAN }

var errNotVXLAN = errors.New("VXLAN header without the I flag")

func (v *strictVXLAN) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if err := v.VXLAN.DecodeFromBytes(data, df); err != nil {
		return err
	}
	if !v.ValidIDFlag {
		return errNotVXLAN
	}
	return nil
}

// GRE protocol types of the ERSPAN versions.
const (
	greERSPANII  = layers.EthernetTypeERSPAN // type I (no sequence number) and type II
	greERSPANIII = 0x22eb
)

// greTunnel is layers.GRE that also leads into ERSPAN type III.
type greTunnel struct{ layers.GRE }

func (g *greTunnel) NextLayerType() gopacket.LayerType {
	if g.Protocol == greERSPANIII {
		return layers.LayerTypeERSPANII // erspan reads both versions
	}
	return g.GRE.NextLayerType()
}

// erspan decodes ERSPAN type II through layers.ERSPANII and type III
// itself: the version field tells them apart.
type erspan struct {
	layers.ERSPANII
	// v3 is set when the header was type III; next is then what follows it.
	v3   bool
	next gopacket.LayerType
}

// ERSPAN type III header: 12 bytes, then an 8-byte platform-specific
// subheader when the O flag (last bit) is set.
const (
	erspanIIIVersion = 2
	erspanIIILen     = 12
	erspanIIISubLen  = 8
	erspanFrameEth   = 0 // frame type: Ethernet
	erspanFrameIP    = 2 // frame type: IP without a link header
)

var errERSPANCut = errors.New("ERSPAN type III header cut short")

func (e *erspan) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	e.v3, e.next = false, layers.LayerTypeEthernet
	if len(data) == 0 || data[0]>>4 != erspanIIIVersion {
		return e.ERSPANII.DecodeFromBytes(data, df)
	}
	if len(data) < erspanIIILen {
		df.SetTruncated()
		return errERSPANCut
	}
	word := binary.BigEndian.Uint16(data[10:12])
	n := erspanIIILen
	if word&1 != 0 {
		n += erspanIIISubLen
		if len(data) < n {
			df.SetTruncated()
			return errERSPANCut
		}
	}
	e.ERSPANII = layers.ERSPANII{
		BaseLayer:      layers.BaseLayer{Contents: data[:n], Payload: data[n:]},
		Version:        erspanIIIVersion,
		VLANIdentifier: binary.BigEndian.Uint16(data[0:2]) & 0x0fff,
		SessionID:      binary.BigEndian.Uint16(data[2:4]) & 0x03ff,
	}
	e.v3 = true
	switch (word >> 10) & 0x1f {
	case erspanFrameEth:
	case erspanFrameIP:
		e.next = ipByVersion(e.Payload)
	default:
		e.next = gopacket.LayerTypePayload
	}
	return nil
}

func (e *erspan) NextLayerType() gopacket.LayerType { return e.next }

// ipByVersion picks IPv4 or IPv6 from the version nibble, for headers that
// do not say what follows them.
func ipByVersion(b []byte) gopacket.LayerType {
	if len(b) > 0 {
		switch b[0] >> 4 {
		case 4:
			return layers.LayerTypeIPv4
		case 6:
			return layers.LayerTypeIPv6
		}
	}
	return gopacket.LayerTypePayload
}

// mpls decodes a whole MPLS label stack as one layer. The stack does not
// say what it carries: the first nibble after it does (4, 6), or a zero
// nibble starts the pseudowire control word (RFC 4385) of an Ethernet
// pseudowire.
type mpls struct {
	layers.BaseLayer
	next gopacket.LayerType
}

const (
	mplsEntryLen   = 4
	pwControlWord  = 4
	mplsBottomFlag = 0x01 // in the third byte of an entry
)

var errMPLSCut = errors.New("MPLS label stack cut short")

func (m *mpls) LayerType() gopacket.LayerType  { return layers.LayerTypeMPLS }
func (m *mpls) CanDecode() gopacket.LayerClass { return layers.LayerTypeMPLS }
func (m *mpls) NextLayerType() gopacket.LayerType {
	return m.next
}

func (m *mpls) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	n := 0
	for {
		if len(data) < n+mplsEntryLen {
			df.SetTruncated()
			return errMPLSCut
		}
		bottom := data[n+2]&mplsBottomFlag != 0
		n += mplsEntryLen
		if bottom {
			break
		}
	}
	m.Contents, m.Payload = data[:n], data[n:]
	m.next = ipByVersion(m.Payload)
	if len(m.Payload) > pwControlWord && m.Payload[0]>>4 == 0 {
		m.Contents, m.Payload = data[:n+pwControlWord], data[n+pwControlWord:]
		m.next = layers.LayerTypeEthernet
	}
	return nil
}

// geneveTunnel decodes a Geneve header as layers.Geneve does, but skips its
// options instead of allocating one struct per option: AWS Gateway Load
// Balancer puts three on every packet, and nothing here reads them.
type geneveTunnel struct{ layers.Geneve }

const geneveHeaderLen = 8

var (
	errGeneveCut     = errors.New("Geneve header cut short")
	errGeneveVersion = errors.New("Geneve version is not 0")
)

func (g *geneveTunnel) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < geneveHeaderLen {
		df.SetTruncated()
		return errGeneveCut
	}
	if data[0]>>6 != 0 {
		return errGeneveVersion
	}
	n := geneveHeaderLen + int(data[0]&0x3f)*4
	if len(data) < n {
		df.SetTruncated()
		return errGeneveCut
	}
	g.Geneve = layers.Geneve{
		BaseLayer:      layers.BaseLayer{Contents: data[:n], Payload: data[n:]},
		OptionsLength:  uint8(n - geneveHeaderLen),
		OAMPacket:      data[1]&0x80 != 0,
		CriticalOption: data[1]&0x40 != 0,
		Protocol:       layers.EthernetType(binary.BigEndian.Uint16(data[2:4])),
		VNI:            binary.BigEndian.Uint32(data[4:8]) >> 8,
	}
	return nil
}
