package flow

import (
	"encoding/binary"
)

// headLen is how many leading payload bytes a Payload keeps as evidence.
const headLen = 16

// ClassifyPayload says what the first payload bytes one side sent are: a TLS
// record (checked first, on every port: a ClientHello sent to a plaintext
// Kafka port must not pass as a broken Kafka request), a Kafka request
// header, "other", or "none" when b is empty. b may be cut by the snaplen;
// the headers alone still classify. The result copies what it keeps.
//
// The checks look at bytes only, not at who sent them: a broker's response
// can pass as a request (its correlation id reads as api key 0 and a small
// version), so a responder's "kafka-request" means "Kafka framing".
func ClassifyPayload(b []byte) Payload {
	var box payloadBox
	box.classify(b)
	return box.p
}

// payloadBox holds a Payload and what it points to in one allocation: a
// flow's first payload is classified once per side, on the hot path.
type payloadBox struct {
	p     Payload
	kafka KafkaRequest
	head  [headLen]byte
}

// classify fills box.p from b, as ClassifyPayload describes.
func (box *payloadBox) classify(b []byte) {
	p := &box.p
	if len(b) == 0 {
		*p = Payload{Class: PayloadNone}
		return
	}
	n := copy(box.head[:], b)
	*p = Payload{Class: PayloadOther, Head: box.head[:n:n]}
	if rec, ok := parseTLSRecord(b); ok {
		p.Class, p.TLS = PayloadTLSOther, rec
		if rec.ContentType == tlsHandshake && rec.HandshakeType == tlsClientHello {
			p.Class = PayloadTLSClientHello
		}
		return
	}
	if parseKafkaRequest(b, &box.kafka) {
		p.Class, p.Kafka = PayloadKafkaRequest, &box.kafka
	}
}

// firstPayload classifies the first payload packet of one side (orig: the
// originator's). A packet whose payload the snaplen cut away entirely is
// "other": something was sent, nothing can say what (Flow.Truncated tells
// why). The result is box, filled.
//
// The originator's first TLS handshake record is its ClientHello even when
// the snaplen cut it before the handshake type (`tcpdump -i any -s 96` over
// IPv6 with TCP timestamps keeps 4 payload bytes): a client must open with
// ClientHello (RFC 8446 §4.1.2), and no Kafka request starts 0x16 0x03.
func firstPayload(p *Packet, orig bool, box *payloadBox) *payloadBox {
	box.classify(p.Payload)
	pl := &box.p
	if pl.Class == PayloadNone {
		pl.Class = PayloadOther
	}
	if pl.Class == PayloadOther && parseCutKafkaRequest(p.Payload, p.PayloadLen, &box.kafka) {
		pl.Class, pl.Kafka = PayloadKafkaRequest, &box.kafka
	}
	if orig && pl.Class == PayloadTLSOther && pl.TLS.ContentType == tlsHandshake &&
		len(p.Payload) < tlsTypeEnd && p.PayloadLen > len(p.Payload) {
		pl.Class = PayloadTLSClientHello
	}
	pl.Frame = p.Frame
	return box
}

// Kafka request header bounds. A request is at least the v1 header (api key,
// api version, correlation id, client id length: 10 bytes) and at most
// socket.request.max.bytes' default; api keys and versions stay in the range
// Kafka has assigned, with headroom for a few releases.
const (
	minKafkaRequest = 10
	maxKafkaRequest = 100 << 20
	maxAPIKey       = 100
	maxAPIVersion   = 20
	kafkaHeaderLen  = 14 // size field plus the v1 header
)

// parseKafkaRequest validates a Kafka request header (size, api_key,
// api_version, correlation_id, nullable client_id). Every field must be in
// range and the captured client id bytes printable, so random bytes pass
// about once in 10^8 tries.
func parseKafkaRequest(b []byte, r *KafkaRequest) bool {
	if len(b) < kafkaHeaderLen {
		return false
	}
	*r = KafkaRequest{
		Size:          int32(binary.BigEndian.Uint32(b)),
		APIKey:        int16(binary.BigEndian.Uint16(b[4:])),
		APIVersion:    int16(binary.BigEndian.Uint16(b[6:])),
		CorrelationID: int32(binary.BigEndian.Uint32(b[8:])),
	}
	idLen := int(int16(binary.BigEndian.Uint16(b[12:])))
	switch {
	case r.Size < minKafkaRequest || r.Size > maxKafkaRequest,
		r.APIKey < 0 || r.APIKey > maxAPIKey,
		r.APIVersion < 0 || r.APIVersion > maxAPIVersion,
		r.CorrelationID < 0,
		idLen < -1 || idLen > int(r.Size)-minKafkaRequest:
		return false
	}
	if idLen <= 0 {
		return true
	}
	id := b[kafkaHeaderLen:]
	if len(id) > idLen {
		id = id[:idLen]
	}
	for _, c := range id {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	r.ClientID = string(id)
	return true
}

// minCutKafkaHeader is the fewest captured bytes a snaplen-cut request
// classifies from by its header: size, api key and api version. From
// minCutKafkaSize bytes on, the size alone classifies when it is exactly
// the rest of the claimed segment.
const (
	minCutKafkaHeader = 8
	minCutKafkaSize   = 4
)

// parseCutKafkaRequest reads a request header the snaplen cut before the
// client id length: `tcpdump -s 96` over IPv6 with TCP timestamps keeps 10
// payload bytes. It applies only when the IP header claimed more than was
// captured, and then the size must cover the whole claimed segment (a
// first request is not pipelined), so random bytes still pass about once
// in 10^8. The correlation id is read when its 4 bytes were kept.
//
// With fewer than minCutKafkaHeader bytes (`tcpdump -i any -s 96` over
// IPv6 keeps 4) only the size is read, and it must be exactly the rest of
// the segment, about a 1 in 4·10^9 chance for random bytes; the result is
// SizeOnly: Kafka's framing, no header.
func parseCutKafkaRequest(b []byte, claimed int, r *KafkaRequest) bool {
	if len(b) < minCutKafkaSize || len(b) >= kafkaHeaderLen || len(b) >= claimed {
		return false
	}
	if len(b) < minCutKafkaHeader {
		*r = KafkaRequest{Size: int32(binary.BigEndian.Uint32(b)), SizeOnly: true}
		return r.Size >= minKafkaRequest && int(r.Size)+4 == claimed
	}
	*r = KafkaRequest{
		Size:       int32(binary.BigEndian.Uint32(b)),
		APIKey:     int16(binary.BigEndian.Uint16(b[4:])),
		APIVersion: int16(binary.BigEndian.Uint16(b[6:])),
	}
	if len(b) >= 12 {
		r.CorrelationID = int32(binary.BigEndian.Uint32(b[8:]))
	}
	return r.Size >= minKafkaRequest && r.Size <= maxKafkaRequest && int(r.Size)+4 >= claimed &&
		r.APIKey >= 0 && r.APIKey <= maxAPIKey &&
		r.APIVersion >= 0 && r.APIVersion <= maxAPIVersion &&
		r.CorrelationID >= 0
}
