package flow

import "golang.org/x/crypto/cryptobyte"

// TLS record and handshake constants (RFC 8446).
const (
	tlsRecordHeader = 5 // type, version, length
	// tlsTypeEnd is how many bytes a handshake record must keep to show
	// its handshake type: the record header and the type byte.
	tlsTypeEnd      = tlsRecordHeader + 1
	tlsAlert        = 21
	tlsHandshake    = 22
	tlsClientHello  = 1
	maxTLSRecord    = 1<<14 + 2048 // TLSCiphertext's limit
	extServerName   = 0
	extSupportedVer = 43
	maxOffered      = 16
)

// parseTLSRecord reads a TLS record header and what its first bytes tell:
// the handshake type, a ClientHello's SNI and offered versions, a plaintext
// alert. Parsing stops quietly where the capture was cut; the header alone
// classifies. A handshake record needs only its first three bytes: no Kafka
// request can start 0x16 0x03 (that size exceeds 100 MiB).
func parseTLSRecord(b []byte) (*TLSRecord, bool) {
	if len(b) < 3 {
		return nil, false
	}
	// Validate before allocating: nearly every first payload is not TLS.
	ct, ver := b[0], uint16(b[1])<<8|uint16(b[2])
	if ct < 20 || ct > 23 || ver < 0x0300 || ver > 0x0304 {
		return nil, false
	}
	rec := &TLSRecord{ContentType: ct, Version: ver}
	if len(b) < tlsRecordHeader {
		return rec, rec.ContentType == tlsHandshake
	}
	n := int(b[3])<<8 | int(b[4])
	if n == 0 || n > maxTLSRecord {
		return nil, false
	}
	body := b[tlsRecordHeader:]
	if len(body) > n {
		body = body[:n]
	}
	switch rec.ContentType {
	case tlsHandshake:
		parseHandshake(rec, body)
	case tlsAlert:
		if n == 2 && len(body) == 2 {
			rec.AlertLevel, rec.AlertDescription = body[0], body[1]
		}
	}
	return rec, true
}

// parseHandshake reads the handshake type and, for a ClientHello, the SNI
// and offered versions (supported_versions, else the legacy version).
func parseHandshake(rec *TLSRecord, body []byte) {
	if len(body) == 0 {
		return
	}
	rec.HandshakeType = body[0]
	if body[0] != tlsClientHello || len(body) < 4 {
		return
	}
	s := cryptobyte.String(body[4:])
	if n := int(body[1])<<16 | int(body[2])<<8 | int(body[3]); len(s) > n {
		s = s[:n]
	}
	var legacy, extLen uint16
	var sessionID, suites, compression cryptobyte.String
	if !s.ReadUint16(&legacy) {
		return
	}
	rec.OfferedVersions = []uint16{legacy}
	if !s.Skip(32) || !s.ReadUint8LengthPrefixed(&sessionID) ||
		!s.ReadUint16LengthPrefixed(&suites) || !s.ReadUint8LengthPrefixed(&compression) ||
		!s.ReadUint16(&extLen) {
		return
	}
	if len(s) > int(extLen) {
		s = s[:extLen]
	}
	parseExtensions(rec, s)
}

// parseExtensions walks the ClientHello extensions present in s.
func parseExtensions(rec *TLSRecord, s cryptobyte.String) {
	for !s.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !s.ReadUint16(&typ) || !s.ReadUint16LengthPrefixed(&data) {
			return
		}
		switch typ {
		case extServerName:
			rec.SNI = serverName(data)
		case extSupportedVer:
			if v := supportedVersions(data); len(v) > 0 {
				rec.OfferedVersions = v
			}
		}
	}
}

// serverName returns the first host_name entry, if it is a plausible name.
func serverName(data cryptobyte.String) string {
	var list cryptobyte.String
	if !data.ReadUint16LengthPrefixed(&list) {
		return ""
	}
	for !list.Empty() {
		var kind uint8
		var name cryptobyte.String
		if !list.ReadUint8(&kind) || !list.ReadUint16LengthPrefixed(&name) {
			return ""
		}
		if kind == 0 && len(name) > 0 && len(name) <= 255 && printable(name) {
			return string(name)
		}
	}
	return ""
}

// supportedVersions lists the offered versions, without GREASE values.
func supportedVersions(data cryptobyte.String) []uint16 {
	var list cryptobyte.String
	if !data.ReadUint8LengthPrefixed(&list) {
		return nil
	}
	var out []uint16
	for len(out) < maxOffered {
		var v uint16
		if !list.ReadUint16(&v) {
			break
		}
		if v&0x0f0f != 0x0a0a {
			out = append(out, v)
		}
	}
	return out
}

func printable(b []byte) bool {
	for _, c := range b {
		if c <= 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}
