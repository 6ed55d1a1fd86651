package flow

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// apiVersionsRequest is an ApiVersions v3 request as librdkafka sends it
// first (36 bytes after the size).
func apiVersionsRequest() []byte {
	b := []byte{0, 0, 0, 36, 0, 18, 0, 3, 0, 0, 0, 1, 0, 7}
	b = append(b, "rdkafka"...)
	b = append(b, 0, 11)
	b = append(b, "librdkafka"...)
	b = append(b, 6)
	b = append(b, "2.0.2"...)
	b = append(b, 0)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// A snaplen that cuts the request before the client id length still
// classifies it when the IP header shows the cut; nothing else does.
func TestFirstPayloadCutKafka(t *testing.T) {
	req := apiVersionsRequest()
	whole := len(req)
	tests := []struct {
		name    string
		kept    int // captured payload bytes
		claimed int // what the IP header announced
		class   string
		kafka   *KafkaRequest
	}{
		{"10 bytes kept (IPv6, -s 96)", 10, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), APIKey: 18, APIVersion: 3}},
		{"12 bytes kept: correlation id read", 12, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), APIKey: 18, APIVersion: 3, CorrelationID: 1}},
		{"8 bytes kept", 8, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), APIKey: 18, APIVersion: 3}},
		// tcpdump -i any -s 96 over IPv6 keeps 4 payload bytes (SLL2 20,
		// IPv6 40, TCP with timestamps 32): the size alone, and it is
		// exactly the rest of the segment.
		{"7 bytes kept: the size only", 7, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), SizeOnly: true}},
		{"4 bytes kept: the size only", 4, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), SizeOnly: true}},
		{"4 bytes kept, size beyond the segment", 4, whole - 1, PayloadOther, nil},
		{"3 bytes kept", 3, whole, PayloadOther, nil},
		{"segment ends there: not cut, too short", 10, 10, PayloadOther, nil},
		{"size shorter than the segment", 10, whole + 100, PayloadOther, nil},
		{"whole request", whole, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), APIKey: 18, APIVersion: 3, CorrelationID: 1, ClientID: "rdkafka"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var box payloadBox
			p := firstPayload(&Packet{Frame: 4, Payload: req[:tc.kept], PayloadLen: tc.claimed}, true, &box).p
			if diff := cmp.Diff([]any{tc.class, tc.kafka}, []any{p.Class, p.Kafka}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Cut noise must (almost) never pass as a cut Kafka request, whether the
// header (10 bytes kept) or only the size (4 bytes kept) is checked.
func TestCutNoiseIsNotKafka(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var box payloadBox
	for _, kept := range []int{10, 4} {
		buf := make([]byte, kept)
		for i := range 200000 {
			for j := range buf {
				buf[j] = byte(r.Uint32())
			}
			claimed := kept + 1 + int(r.Uint32()%1400)
			if p := firstPayload(&Packet{Payload: buf, PayloadLen: claimed}, true, &box).p; p.Class == PayloadKafkaRequest {
				t.Fatalf("noise %d (claimed %d) classified as Kafka: % x", i, claimed, buf)
			}
		}
	}
}

// A TLS handshake record the snaplen cut before its handshake type is a
// ClientHello when the originator sent it first; from the responder, or
// when the segment really ended there, it stays tls-other.
func TestFirstPayloadCutTLS(t *testing.T) {
	hello := []byte{0x16, 0x03, 0x01, 0x01, 0x24, 0x01, 0x00, 0x01, 0x20, 0x03, 0x03}
	tests := []struct {
		name    string
		kept    int
		claimed int
		orig    bool
		class   string
	}{
		{"4 bytes kept (-i any, IPv6, -s 96)", 4, 297, true, PayloadTLSClientHello},
		{"3 bytes kept", 3, 297, true, PayloadTLSClientHello},
		{"type kept", 6, 297, true, PayloadTLSClientHello},
		{"from the responder: a cut ServerHello is not a ClientHello", 4, 1482, false, PayloadTLSOther},
		{"segment ends there: not cut", 4, 4, true, PayloadTLSOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var box payloadBox
			p := firstPayload(&Packet{Frame: 4, Payload: hello[:tc.kept], PayloadLen: tc.claimed}, tc.orig, &box).p
			if p.Class != tc.class {
				t.Errorf("class = %s, want %s", p.Class, tc.class)
			}
		})
	}
}

// FuzzCutKafkaRequest: a cut header classifies only within its bounds, and
// never when the segment was captured whole.
func FuzzCutKafkaRequest(f *testing.F) {
	req := apiVersionsRequest()
	f.Add(req[:10], len(req))
	f.Add(req[:12], len(req))
	f.Add(req[:8], 8)
	f.Add(req[:4], len(req))
	f.Add([]byte{0, 0, 0, 9, 0, 0, 0, 0, 0, 0}, 13)
	f.Fuzz(func(t *testing.T, b []byte, claimed int) {
		var r KafkaRequest
		if !parseCutKafkaRequest(b, claimed, &r) {
			return
		}
		switch {
		case len(b) < minCutKafkaSize || len(b) >= kafkaHeaderLen:
			t.Errorf("%d bytes classified as a cut header", len(b))
		case len(b) >= claimed:
			t.Errorf("%d bytes of a %d-byte segment: not cut", len(b), claimed)
		case r.SizeOnly != (len(b) < minCutKafkaHeader):
			t.Errorf("%d bytes kept, SizeOnly %v", len(b), r.SizeOnly)
		case r.SizeOnly && int(r.Size)+4 != claimed:
			t.Errorf("size %d is not the rest of the %d-byte segment", r.Size, claimed)
		case int(r.Size)+4 < claimed:
			t.Errorf("size %d does not cover the %d-byte segment", r.Size, claimed)
		case r.APIKey < 0 || r.APIKey > maxAPIKey || r.APIVersion < 0 || r.APIVersion > maxAPIVersion || r.CorrelationID < 0:
			t.Errorf("out of range: %+v", r)
		}
	})
}
