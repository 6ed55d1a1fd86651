package flow

import (
	"net"
	"net/netip"
	"time"
)

// Flow is one replayed TCP connection as seen from one capture.
//
// The originator is decided as Zeek does: the sender of the first SYN without
// ACK (or the receiver of a first SYN-ACK); without one, the side not on a
// well-known server port (below 1024, Kafka's and ZooKeeper's defaults), else
// the side with the higher port (clients use ephemeral ports); the first
// packet's sender breaks ties.
type Flow struct {
	// UID is stable for the same capture bytes: derived from the capture
	// path, the 5-tuple and the first frame, never from a random source.
	UID string
	// Capture is the source path of the capture this flow was replayed from
	// ("bundle.tgz!host/dump.pcap" inside archives). Two captures of the same
	// connection give two Flows; cross-capture correlation joins them.
	Capture string

	Orig, Resp netip.AddrPort
	Start, End time.Time

	// State is Zeek's conn_state (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH
	// SH SHR OTH); History is Zeek's history string (upper case: originator).
	State   string
	History string

	// OrigBytes and RespBytes count TCP payload bytes as the IP headers claim
	// them, so snaplen-cut captures still count what was sent. Each sequence
	// range counts once: retransmitted bytes are not counted again, and
	// bytes the capture never saw (a gap in sequence) are not counted.
	OrigBytes, RespBytes int64
	OrigPkts, RespPkts   int

	// HandshakeDone is true once SYN, SYN-ACK and the originator's ACK were
	// all seen.
	HandshakeDone bool
	// OrigISN is the originator's initial sequence number, valid iff SYNs > 0;
	// RespISN likewise iff SynAcks > 0. The ISN is what ties one connection's
	// records across captures, even through NAT.
	OrigISN, RespISN uint32
	// SYNs and SynAcks count every SYN / SYN-ACK sent, first one included;
	// more than one means retransmissions. SynTimes and SynAckTimes hold the
	// first MaxHandshakeTimes of them.
	SYNs, SynAcks         int
	SynTimes, SynAckTimes []time.Time
	SynFrame, SynAckFrame int // first SYN / SYN-ACK frame, 0 if none

	// MaxIdle is the longest silence between two packets of the flow.
	// IdleBeforeEnd is the silence right before the first RST or FIN (zero
	// when the flow ended neither way): the longer of the gaps before that
	// packet and before the one preceding it, so an RST that answers the
	// first request after a long silence reports that silence.
	MaxIdle       time.Duration
	IdleBeforeEnd time.Duration

	// RSTBy is "orig", "resp" or "" (no RST). RST describes the first RST.
	RSTBy string
	RST   *RSTInfo

	// FINBy is the side that sent the first FIN: "orig", "resp" or "".
	FINBy    string
	FINFrame int

	// FirstPayload holds the class of the first payload each side sent:
	// index 0 the originator, 1 the responder.
	FirstPayload [2]Payload

	// L2 addresses, set iff the capture's link layer carried them.
	// OrigMAC is the source MAC of the originator's first packet; RespDstMAC
	// is the destination MAC of the responder's first packet. When they
	// differ the responder's replies are addressed to a MAC the originator
	// does not use: the stale-neighbour-entry signature.
	OrigMAC, RespMAC, RespDstMAC net.HardwareAddr
	ReplyMACMismatch             bool

	// ZeroWindows counts packets advertising a zero receive window, per side.
	ZeroWindows [2]int

	FirstFrame, LastFrame int
	// Truncated is set when any packet of the flow was cut by the snaplen.
	Truncated bool
}

// MaxHandshakeTimes bounds SynTimes and SynAckTimes: retransmission backoff is
// visible in the first few, and a SYN flood must not grow a flow's memory.
const MaxHandshakeTimes = 16

// RSTInfo describes a flow's first RST and how it compares with the packets
// its claimed sender sent earlier on the same flow.
type RSTInfo struct {
	Frame int
	Time  time.Time
	// HasACK is set when the RST carried the ACK flag.
	HasACK bool
	TTL    uint8
	IPID   uint16
	// Options is the RST's TCP option signature (see Packet.Options).
	Options uint32
	// SenderTTL is the TTL of the sender's earlier packets on this flow, valid
	// iff SenderPkts > 0. SenderOptions is their usual option signature.
	SenderTTL     uint8
	SenderOptions uint32
	SenderPkts    int
	// FingerprintMismatch is set when the RST's TTL differs from the sender's
	// earlier packets: a device in the path forged it. Why is the reason in
	// words ("TTL 64, the broker's packets had 61").
	FingerprintMismatch bool
	Why                 string
}

// Payload classes, as DESIGN.md names them in first_payload.
const (
	PayloadNone           = "none"
	PayloadKafkaRequest   = "kafka-request"
	PayloadTLSClientHello = "tls-client-hello"
	PayloadTLSOther       = "tls-other"
	PayloadOther          = "other"
)

// Payload is the classification of the first payload bytes one side sent.
type Payload struct {
	Class string // one of the Payload* constants; "" means none seen
	Frame int    // frame that carried it
	// Exactly one of TLS and Kafka is set, matching Class; both nil for
	// "other" and "none".
	TLS   *TLSRecord
	Kafka *KafkaRequest
	// Head holds up to 16 leading bytes, for evidence text.
	Head []byte
}

// TLSRecord is what the first TLS record tells.
type TLSRecord struct {
	ContentType uint8  // 22 handshake, 21 alert, 23 application data
	Version     uint16 // record-layer version
	// Valid iff ContentType == 22 and the handshake is a ClientHello.
	SNI             string
	OfferedVersions []uint16 // supported_versions, or the legacy version
	// Valid iff ContentType == 22: the handshake message type (1 ClientHello,
	// 2 ServerHello ...).
	HandshakeType uint8
	// Valid iff ContentType == 21 and the record was not encrypted.
	AlertLevel       uint8
	AlertDescription uint8
}

// KafkaRequest is a validated Kafka request header.
type KafkaRequest struct {
	Size int32
	// SizeOnly is set when the snaplen kept only the 4-byte size (see
	// parseCutKafkaRequest): APIKey, APIVersion, CorrelationID and ClientID
	// are valid iff it is false.
	SizeOnly      bool
	APIKey        int16
	APIVersion    int16
	CorrelationID int32
	ClientID      string
}
