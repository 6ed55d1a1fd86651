// Package pcap reads packet captures — classic pcap (microsecond or
// nanosecond, either byte order) and pcapng — and replays their TCP segments
// into flows.
//
// Reading is a single streaming pass with gopacket's pcapgo readers and a
// DecodingLayerParser whose layers are decoded in place and reused, so the
// common path allocates nothing per packet; the flow table copies what it
// keeps. Link types read: Ethernet (with 802.1Q VLAN tags), Linux cooked
// capture v1 and v2 (what `tcpdump -i any` writes), raw IPv4/IPv6, and BSD
// loopback (NULL and LOOP). pcapng files may mix them: each record's link
// type comes from its interface.
//
// Mirrored and tunnelled traffic (encap.go) is followed down to the
// innermost TCP/IP, which is the flow: VXLAN (UDP 4789 and 8472), Geneve
// (6081), GRE and gretap, ERSPAN types I, II and III, MPLS, stacked VLAN
// tags (802.1ad), IP in IP and 6in4, and IPv6 extension headers. The
// layout names the encapsulations and counts their frames. IP fragments of
// TCP segments are not reassembled: they are counted as unparsed and named
// among the capture's problems, never turned into flows. A segment captured
// twice, at two interfaces of a `tcpdump -i any` capture or inside and
// outside a tunnel (twins.go), is replayed once; the layout counts those.
//
// Frame numbers count every record from 1, as Wireshark does, so
// `frame.number == N` finds the packet a flow points to.
//
// Upstream quirks handled here:
//   - pcapgo's pcapng reader sizes a packet buffer from the captured length
//     without checking it against the enclosing block, and keeps decryption
//     secrets of any claimed size; ngGuard validates every block first.
//   - pcapgo's classic reader rejects records longer than the header's
//     snaplen ("capture length exceeds snap length"), which some writers
//     produce; the limit is raised to MaxFrame.
//   - Without WantMixedLinkType, pcapgo silently drops records of pcapng
//     interfaces whose link type differs from the first one's.
//   - With WantMixedLinkType, pcapgo boxes each record's link type into an
//     interface value; link types above 255 (LINUX_SLL2 is 276) cost one
//     2-byte allocation per record inside pcapgo.
package pcap
