package pyclient

import (
	"bytes"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// traceLine says what a line without a logging header is inside a Python
// traceback.
type traceLine uint8

const (
	notTrace   traceLine = iota
	traceStart           // "Traceback (most recent call last):"
	traceBody            // "  File …", source lines, carets, chained-exception banners
	traceEnd             // the exception: "ssl.SSLError: [SSL: …] …"
)

// kindOfTraceLine reads a line of a traceback; inTrace says whether one is
// open (only then are indented lines and the exception line its own).
func kindOfTraceLine(line []byte, inTrace bool) traceLine {
	switch {
	case hasPrefix(line, "Traceback (most recent call last):"):
		return traceStart
	case !inTrace:
		if isExceptionLine(line) && clientException(exceptionName(line)) {
			return traceEnd // a traceback pasted without its head
		}
		return notTrace
	case hasPrefix(line, "  "):
		return traceBody
	case hasPrefix(line, "During handling of the above exception"),
		hasPrefix(line, "The above exception was the direct cause"):
		return traceBody
	case isExceptionLine(line):
		return traceEnd
	}
	return notTrace
}

// isExceptionLine accepts "name" or "name: message" where name is a dotted
// Python identifier.
func isExceptionLine(line []byte) bool {
	name := exceptionName(line)
	if len(name) == 0 || len(name) > 200 {
		return false
	}
	for i, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return len(name) == len(line) || line[len(name)] == ':'
}

// exceptionName is the line up to its first colon.
func exceptionName(line []byte) []byte {
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		return line[:i]
	}
	return line
}

// clientException accepts the clients' own exception classes.
func clientException(name []byte) bool {
	return hasPrefix(name, "kafka.errors.") || hasPrefix(name, "aiokafka.errors.")
}

// clientFrame reports a traceback frame inside the client library
// (".../kafka/conn.py", ".../aiokafka/conn.py").
func clientFrame(line []byte) bool {
	return hasPrefix(line, "  File \"") && (bytes.Contains(line, []byte("/kafka/")) || bytes.Contains(line, []byte("/aiokafka/")) ||
		bytes.Contains(line, []byte(`\kafka\`)) || bytes.Contains(line, []byte(`\aiokafka\`)))
}

// exceptionKind maps the exception ending a traceback. A nil reason with
// kind "" means the exception says nothing the analyzer reads.
func exceptionKind(line []byte) (analyzer.EventKind, []byte) {
	name := exceptionName(line)
	msg := bytes.TrimSpace(bytes.TrimPrefix(line[len(name):], []byte{':'}))
	short := name
	if i := bytes.LastIndexByte(name, '.'); i >= 0 {
		short = name[i+1:]
	}
	switch {
	case string(short) == "NoBrokersAvailable":
		return analyzer.NodeDisconnected, []byte("NoBrokersAvailable")
	case clientException(name) && (string(short) == "KafkaConnectionError" || string(short) == "ConnectionError") &&
		bytes.Contains(msg, []byte("Unable to bootstrap from ")):
		// aiokafka's bootstrap() giving up on every bootstrap server: its
		// NoBrokersAvailable. It names no cause.
		return analyzer.NodeDisconnected, []byte("Unable to bootstrap")
	case string(short) == "ConnectionResetError":
		return analyzer.ConnectionReset, []byte("Connection reset by peer")
	case string(short) == "BrokenPipeError":
		return analyzer.BrokenPipe, []byte("Broken pipe")
	case string(short) == "ConnectionRefusedError":
		return analyzer.ConnectRefused, []byte("Connection refused")
	case bytes.HasPrefix(short, []byte("SSL")) || bytes.HasPrefix(name, []byte("ssl.")):
		return analyzer.SSLHandshakeFailed, sslReason(msg, short)
	case bytes.Contains(short, []byte("Authentication")):
		return analyzer.SASLAuthFailed, line[:min(len(line), 200)]
	}
	return "", nil
}

// sslReason is OpenSSL's words: "wrong version number" from "[SSL:
// WRONG_VERSION_NUMBER] wrong version number (_ssl.c:992)",
// "certificate verify failed: …" from "[SSL: CERTIFICATE_VERIFY_FAILED]
// certificate verify failed: … (_ssl.c:992)".
func sslReason(msg, name []byte) []byte {
	if i := bytes.Index(msg, []byte("] ")); i >= 0 && msg[0] == '[' {
		msg = msg[i+2:]
	}
	if i := bytes.LastIndex(msg, []byte(" (_ssl.c:")); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) == 0 {
		return name
	}
	return msg
}
