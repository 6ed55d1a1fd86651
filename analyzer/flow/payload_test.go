package flow_test

import (
	"crypto/tls"
	"encoding/binary"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// tlsClientHello returns the first record Go's TLS client writes: a real
// ClientHello for sni, offering up to maxVersion (0: Go's default, TLS 1.3).
func tlsClientHello(t testing.TB, sni string, maxVersion uint16) []byte {
	t.Helper()
	cli, srv := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		cfg := &tls.Config{ServerName: sni, MaxVersion: maxVersion, InsecureSkipVerify: true}
		_ = tls.Client(cli, cfg).Handshake() // fails once srv closes
	}()
	buf := make([]byte, 1<<16)
	n, err := srv.Read(buf)
	srv.Close()
	cli.Close()
	<-done
	if err != nil {
		t.Fatalf("reading the ClientHello: %v", err)
	}
	return buf[:n]
}

// kafkaRequest lays out a request as the Kafka protocol does: int32 size,
// int16 api_key, int16 api_version, int32 correlation_id, nullable int16
// string client_id, then the body (for flexible versions, starting with the
// header's tagged fields).
func kafkaRequest(apiKey, apiVersion int16, correlation int32, clientID string, body []byte) []byte {
	b := make([]byte, 4, 64)
	b = binary.BigEndian.AppendUint16(b, uint16(apiKey))
	b = binary.BigEndian.AppendUint16(b, uint16(apiVersion))
	b = binary.BigEndian.AppendUint32(b, uint32(correlation))
	b = binary.BigEndian.AppendUint16(b, uint16(len(clientID)))
	b = append(b, clientID...)
	b = append(b, body...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// apiVersionsV3 is what librdkafka (kcat) sends first: ApiVersions v3 with
// header v2 (empty tagged fields) and the compact-string software name and
// version, each length+1 as an unsigned varint.
func apiVersionsV3() []byte {
	body := []byte{0}
	body = append(body, byte(len("librdkafka")+1))
	body = append(body, "librdkafka"...)
	body = append(body, byte(len("2.8.0")+1))
	body = append(body, "2.8.0"...)
	body = append(body, 0)
	return kafkaRequest(18, 3, 1, "rdkafka", body)
}

// metadataV1 asks for one topic, as a Java client of the 0.10 era does.
func metadataV1() []byte {
	body := binary.BigEndian.AppendUint32(nil, 1)
	body = binary.BigEndian.AppendUint16(body, uint16(len("orders")))
	body = append(body, "orders"...)
	return kafkaRequest(3, 1, 5, "producer-1", body)
}

func TestClassifyPayload(t *testing.T) {
	tls13 := tlsClientHello(t, "kafka-1.example.com", 0)
	tls12 := tlsClientHello(t, "broker.internal", tls.VersionTLS12)
	av := apiVersionsV3()
	md := metadataV1()
	serverHello := []byte{0x16, 0x03, 0x03, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03}
	alert := []byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30}
	encryptedAlert := []byte{0x15, 0x03, 0x03, 0x00, 0x1a, 0x8f, 0x11, 0x02}
	head := func(b []byte) []byte { return b[:min(16, len(b))] }
	tests := []struct {
		name string
		in   []byte
		want flow.Payload
	}{
		{"empty", nil, flow.Payload{Class: flow.PayloadNone}},
		{"TLS 1.3 ClientHello", tls13, flow.Payload{Class: flow.PayloadTLSClientHello, Head: head(tls13),
			TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0301, SNI: "kafka-1.example.com", OfferedVersions: []uint16{0x0304, 0x0303}, HandshakeType: 1}}},
		{"TLS 1.2 ClientHello", tls12, flow.Payload{Class: flow.PayloadTLSClientHello, Head: head(tls12),
			TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0301, SNI: "broker.internal", OfferedVersions: []uint16{0x0303}, HandshakeType: 1}}},
		{"first MSS-sized segment of a large ClientHello", tls13[:min(len(tls13), 1448)], flow.Payload{Class: flow.PayloadTLSClientHello, Head: head(tls13),
			TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0301, SNI: "kafka-1.example.com", OfferedVersions: []uint16{0x0304, 0x0303}, HandshakeType: 1}}},
		{"ClientHello cut by a 60-byte snaplen", tls13[:60], flow.Payload{Class: flow.PayloadTLSClientHello, Head: head(tls13),
			TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0301, OfferedVersions: []uint16{0x0303}, HandshakeType: 1}}},
		{"ClientHello record header only", tls13[:5], flow.Payload{Class: flow.PayloadTLSOther, Head: tls13[:5],
			TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0301}}},
		{"ServerHello", serverHello, flow.Payload{Class: flow.PayloadTLSOther, Head: serverHello,
			TLS: &flow.TLSRecord{ContentType: 22, Version: 0x0303, HandshakeType: 2}}},
		{"plaintext alert unknown_ca", alert, flow.Payload{Class: flow.PayloadTLSOther, Head: alert,
			TLS: &flow.TLSRecord{ContentType: 21, Version: 0x0303, AlertLevel: 2, AlertDescription: 48}}},
		{"encrypted alert", encryptedAlert, flow.Payload{Class: flow.PayloadTLSOther, Head: encryptedAlert,
			TLS: &flow.TLSRecord{ContentType: 21, Version: 0x0303}}},
		{"ApiVersions v3 from librdkafka", av, flow.Payload{Class: flow.PayloadKafkaRequest, Head: head(av),
			Kafka: &flow.KafkaRequest{Size: int32(len(av) - 4), APIKey: 18, APIVersion: 3, CorrelationID: 1, ClientID: "rdkafka"}}},
		{"Metadata v1", md, flow.Payload{Class: flow.PayloadKafkaRequest, Head: head(md),
			Kafka: &flow.KafkaRequest{Size: int32(len(md) - 4), APIKey: 3, APIVersion: 1, CorrelationID: 5, ClientID: "producer-1"}}},
		{"ApiVersions cut inside the client id", av[:16], flow.Payload{Class: flow.PayloadKafkaRequest, Head: av[:16],
			Kafka: &flow.KafkaRequest{Size: int32(len(av) - 4), APIKey: 18, APIVersion: 3, CorrelationID: 1, ClientID: "rd"}}},
		{"null client id", kafkaRequest(18, 0, 0, "", nil)[:12:12], flow.Payload{Class: flow.PayloadOther, Head: kafkaRequest(18, 0, 0, "", nil)[:12]}},
		{"Kafka header cut before the client id", av[:10], flow.Payload{Class: flow.PayloadOther, Head: av[:10]}},
		{"api key out of range", kafkaRequest(300, 0, 1, "x", nil), flow.Payload{Class: flow.PayloadOther, Head: kafkaRequest(300, 0, 1, "x", nil)}},
		{"binary client id", kafkaRequest(3, 1, 1, "a\x00b", nil), flow.Payload{Class: flow.PayloadOther, Head: head(kafkaRequest(3, 1, 1, "a\x00b", nil))}},
		{"HTTP", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), flow.Payload{Class: flow.PayloadOther, Head: []byte("GET / HTTP/1.1\r\n")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, flow.ClassifyPayload(tc.in)); diff != "" {
				t.Errorf("ClassifyPayload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNullClientID(t *testing.T) {
	b := kafkaRequest(18, 0, 7, "", nil)
	binary.BigEndian.PutUint16(b[12:], 0xffff) // -1: null
	got := flow.ClassifyPayload(b)
	want := &flow.KafkaRequest{Size: 10, APIKey: 18, CorrelationID: 7}
	if diff := cmp.Diff(want, got.Kafka); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestNoiseIsNotKafka: random bytes must (almost) never pass as a Kafka
// request header; the validation makes a false hit about 1 in 10^8.
func TestNoiseIsNotKafka(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 64)
	for i := range 200000 {
		for j := range buf {
			buf[j] = byte(r.Uint32())
		}
		if p := flow.ClassifyPayload(buf); p.Class == flow.PayloadKafkaRequest {
			t.Fatalf("noise %d classified as Kafka: % x", i, buf)
		}
	}
}

// TestClassifyRecordedPayloads classifies first payloads recorded from kcat
// 1.7 / librdkafka 2.0.2 against a listener on loopback: the plaintext
// ApiVersions request and the OpenSSL ClientHello (IP address: no SNI).
func TestClassifyRecordedPayloads(t *testing.T) {
	tests := []struct {
		file  string
		class string
		tls   *flow.TLSRecord
		kafka *flow.KafkaRequest
	}{
		{"kcat_apiversions.bin", flow.PayloadKafkaRequest, nil,
			&flow.KafkaRequest{Size: 36, APIKey: 18, APIVersion: 3, CorrelationID: 1, ClientID: "rdkafka"}},
		{"kcat_clienthello.bin", flow.PayloadTLSClientHello,
			&flow.TLSRecord{ContentType: 22, Version: 0x0301, HandshakeType: 1, OfferedVersions: []uint16{0x0304, 0x0303, 0x0302, 0x0301}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			p := flow.ClassifyPayload(b)
			if diff := cmp.Diff([]any{tc.class, tc.tls, tc.kafka}, []any{p.Class, p.TLS, p.Kafka}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
