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
		{"7 bytes kept", 7, whole, PayloadOther, nil},
		{"segment ends there: not cut, too short", 10, 10, PayloadOther, nil},
		{"size shorter than the segment", 10, whole + 100, PayloadOther, nil},
		{"whole request", whole, whole, PayloadKafkaRequest, &KafkaRequest{Size: int32(whole - 4), APIKey: 18, APIVersion: 3, CorrelationID: 1, ClientID: "rdkafka"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var box payloadBox
			p := firstPayload(&Packet{Frame: 4, Payload: req[:tc.kept], PayloadLen: tc.claimed}, &box).p
			if diff := cmp.Diff([]any{tc.class, tc.kafka}, []any{p.Class, p.Kafka}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Cut noise must (almost) never pass as a cut Kafka request.
func TestCutNoiseIsNotKafka(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 10)
	var box payloadBox
	for i := range 200000 {
		for j := range buf {
			buf[j] = byte(r.Uint32())
		}
		claimed := 11 + int(r.Uint32()%1400)
		if p := firstPayload(&Packet{Payload: buf, PayloadLen: claimed}, &box).p; p.Class == PayloadKafkaRequest {
			t.Fatalf("noise %d (claimed %d) classified as Kafka: % x", i, claimed, buf)
		}
	}
}

// FuzzCutKafkaRequest: a cut header classifies only within its bounds, and
// never when the segment was captured whole.
func FuzzCutKafkaRequest(f *testing.F) {
	req := apiVersionsRequest()
	f.Add(req[:10], len(req))
	f.Add(req[:12], len(req))
	f.Add(req[:8], 8)
	f.Add([]byte{0, 0, 0, 9, 0, 0, 0, 0, 0, 0}, 13)
	f.Fuzz(func(t *testing.T, b []byte, claimed int) {
		var r KafkaRequest
		if !parseCutKafkaRequest(b, claimed, &r) {
			return
		}
		switch {
		case len(b) < minCutKafkaHeader || len(b) >= kafkaHeaderLen:
			t.Errorf("%d bytes classified as a cut header", len(b))
		case len(b) >= claimed:
			t.Errorf("%d bytes of a %d-byte segment: not cut", len(b), claimed)
		case int(r.Size)+4 < claimed:
			t.Errorf("size %d does not cover the %d-byte segment", r.Size, claimed)
		case r.APIKey < 0 || r.APIKey > maxAPIKey || r.APIVersion < 0 || r.APIVersion > maxAPIVersion || r.CorrelationID < 0:
			t.Errorf("out of range: %+v", r)
		}
	})
}
