package envelope

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kafkadiag/kafkadiag/parsers/internal/jsontext"
)

// FuzzJSONString: appendString decodes every string encoding/json
// decodes, to the same text (bar invalid UTF-8, which it keeps).
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9\ud83d\ude00"`, `"\ud800x"`, `"\\\"\/\b\f\n\r\t"`, `"\u12"`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// The walker hands over a value without the space around it.
		raw = bytes.Trim(raw, " \t\r\n")
		got, ok := jsontext.AppendString(nil, raw)
		var want string
		if json.Unmarshal(raw, &want) != nil {
			return
		}
		if !ok {
			t.Fatalf("appendString refused %q, encoding/json reads %q", raw, want)
		}
		// Invalid UTF-8 is kept as it came; encoding/json replaces it.
		if utf8.Valid(got) && !bytes.Equal(got, []byte(want)) {
			t.Fatalf("jsontext.AppendString(%q) = %q, encoding/json reads %q", raw, got, want)
		}
	})
}

// FuzzStructured: any line is walked without panic; a valid JSON object
// is walked to its end, and every string leaf is a string there.
func FuzzStructured(f *testing.F) {
	for _, s := range []string{
		`{"@timestamp":"2024-03-05T10:19:00.100+01:00","message":"m","logger_name":"a.B","level":"WARN","stack_trace":"x\n\tat y"}`,
		`{"instant":{"epochSecond":1709633940,"nanoOfSecond":100000000},"level":"WARN","loggerName":"a","message":"m","thrown":{"name":"e","extendedStackTrace":[{"a":1}]}}`,
		`{"level":"error","ts":1779199681.419,"msg":"[thrd:b]: x","fac":"FAIL","name":"a#producer-1"}`,
		`{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}},"msg":"m","level":30}`,
		`{"@t":"2024","@mt":"{X}","X":[1,{"y":"]"}]}`,
		`{"msg":"\"}`,
		`{"time":"2021-09-07 23:49:44 +0000","level":"error","message":"[kafka] rdkafka: x","worker_id":3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var fl flattener
		var r jsonRecord
		ok := r.readObject(&fl, line, time.UTC)
		var obj map[string]any
		if json.Unmarshal(line, &obj) != nil {
			return
		}
		if fl.bad {
			t.Fatalf("valid object %q walked as damaged", line)
		}
		msg, isString := obj["message"].(string)
		if !isString {
			return
		}
		if !ok {
			t.Fatalf("object %q with a message refused", line)
		}
		// With "message" the only message key, spelled plainly once, the
		// walker must read what encoding/json reads.
		for _, k := range []string{"msg", "@m", "@mt", "Message", "textPayload", "log", "jsonPayload"} {
			if _, dup := obj[k]; dup {
				return
			}
		}
		if bytes.Count(line, []byte(`"message"`)) == 1 && utf8.ValidString(msg) && string(r.msg) != msg {
			t.Fatalf("message of %q read as %q, encoding/json reads %q", line, r.msg, msg)
		}
		sniffLayout(line)
	})
}

// FuzzISOTime: parseISOTime agrees with time.Parse on RFC 3339 times it
// accepts, and never panics.
func FuzzISOTime(f *testing.F) {
	for _, s := range []string{"2024-03-05T10:19:00.100999999Z", "2024-03-05T10:19:00+01:00", "2024-03-05 10:19:00,1", "2024-02-30T25:00:00Z", "2024-03-05T10:19:00-0530", "2022-04-13T10:59:14.82-04:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, n, zoned, ok := parseISOTime([]byte(s), time.UTC)
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !ok || n != len(s) || !zoned {
			return
		}
		if !got.Equal(want) {
			t.Fatalf("parseISOTime(%q) = %v, time.Parse = %v", s, got, want)
		}
	})
}

// FuzzContainerLine: the CRI, prefix and printed layouts' splitters never
// panic, and the text they return is the line's tail.
func FuzzContainerLine(f *testing.F) {
	for _, s := range []string{
		"2024-03-05T10:18:11.002345678Z stdout F " + javaReset,
		"2024-03-05T10:18:11.002345678Z stderr P:x abc",
		"2024-03-05T10:18:11Z stdout F",
		"[pod/billing-0/app] " + javaReset,
		"[orders-3982490069-4tbrc] " + rdkafkaFail,
		`{"log":"` + jsonEsc(javaRefused) + `\n","stream":"stdout","time":"2024-03-05T10:19:00.1Z"}`,
		"2025-02-03 16:28:04 [2025-02-03 21:28:04,018] WARN [SocketServer listenerType=BROKER, nodeId=1] x",
		"[2026-03-18 22:04:38]     | 2026.03.18 23:03:01.518030 [ 1135276 ] {} <Error> StorageKafka (t): [client.id:c] [rdk:FAIL] [thrd:a:9092/bootstrap]: x",
		"[2026-03-18 22:04:38]   |",
		"   2022-04-13T10:59:14.82-0400 [APP/PROC/WEB/0] OUT Caused by: javax.net.ssl.SSLHandshakeException: PKIX",
		"2016-06-14T14:10:05.36-0700 [API/0]      OUT",
		"2020-10-20T09:36:22.149Z 792bad59-e2e3-43de-a089-46b2b98bf354 ERROR {\"logger\":\"kafkajs\"} ",
		"[ERROR]\t2021-05-06T10:06:12.451Z\t3bf6616c-1a25-4f55-8047-09cb748b4ddf\t(1045)",
		"2022-10-27T12:17:54.580Z\tundefined\tERROR",
		"2019.10.08 12:37:08.233 [ 44 ] <Error> StorageKafka (t): [rdk:FAIL]",
		"2022.03.09 16:55:40.776456 [ 8094 ] {q} <Warning>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if _, _, text, ok := cutTimePrefix(line, time.UTC); ok && !bytes.HasSuffix(line, text) {
			t.Fatalf("cutTimePrefix(%q) text %q is not its tail", line, text)
		}
		if _, _, text, ok := cutCloudFoundry(line); ok && !bytes.HasSuffix(line, text) {
			t.Fatalf("cutCloudFoundry(%q) text %q is not its tail", line, text)
		}
		if _, text, ok := cutLambda(line); ok && !bytes.HasSuffix(line, text) {
			t.Fatalf("cutLambda(%q) text %q is not its tail", line, text)
		}
		if l, ok := cutClickHouse(line, time.UTC); ok && !bytes.HasSuffix(line, l.msg) {
			t.Fatalf("cutClickHouse(%q) message %q is not its tail", line, l.msg)
		}
		if fac, _, text, ok := cutRdkCallback(line); ok && (!isFacility(fac) || !bytes.HasSuffix(line, text)) {
			t.Fatalf("cutRdkCallback(%q) = %q, %q", line, fac, text)
		}
		if _, _, _, text, ok := criLine(line); ok && !bytes.HasSuffix(line, text) {
			t.Fatalf("criLine(%q) text %q is not its tail", line, text)
		}
		if _, _, text, ok := cutKubectl(line); ok && !bytes.HasSuffix(line, text) {
			t.Fatalf("cutKubectl(%q) text %q is not its tail", line, text)
		}
		if _, text, ok := cutPodPrefix(line); ok && !bytes.HasSuffix(line, text) {
			t.Fatalf("cutPodPrefix(%q) text %q is not its tail", line, text)
		}
	})
}

// FuzzParse runs the whole parser, with the real decoders, over input
// behind each envelope's first line: it never panics or errs, and counts
// every line.
func FuzzParse(f *testing.F) {
	f.Add([]byte(javaReset + "\n" + javaResetExc + "\n" + javaResetAt + "\n"))
	f.Add([]byte(`{"log":"abc","stream":"stdout","time":"2024-03-05T10:19:00.1Z"}` + "\n" + `{"log":"def\n"}`))
	f.Add([]byte("2024-03-05T10:18:11Z stdout P " + javaRefused[:50] + "\n2024-03-05T10:18:11Z stdout F " + javaRefused[50:]))
	f.Add([]byte(`{"level":"error","ts":1779199681.419,"msg":"[thrd:b]: x","fac":"FAIL"}`))
	f.Add([]byte("2025-02-03 16:28:04 org.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = 1347375956 larger than 104857600)\n2025-02-03 16:28:04     at x\n"))
	f.Add([]byte("   2022-04-13T10:59:14.82-0400 [APP/PROC/WEB/1] ERR Caused by: javax.net.ssl.SSLHandshakeException: PKIX\nbare\n"))
	f.Add([]byte("Attaching to a-1, b-1\na-1  | " + javaReset + "\nb-1  | 2024-03-05T10:19:00.1Z " + rdkafkaFail + "\na-1  | " + javaResetExc + "\na-1 exited with code 1\n"))
	f.Add([]byte("START RequestId: 792bad59-e2e3-43de-a089-46b2b98bf354 Version: $LATEST\n{\n  \"a\": 1\n}\n"))
	heads := []string{
		`{"log":"x\n","stream":"stdout","time":"2024-03-05T10:19:00.1Z"}` + "\n",
		"2024-03-05T10:18:11.002345678Z stdout F x\n",
		"[pod/a/b] x\n",
		"[orders-1] %3|1779199681.419|FAIL|a#producer-1| [thrd:b]: b/1: Disconnected\n",
		`{"@timestamp":"2024-03-05T10:19:00.100Z","message":"m","level":"WARN"}` + "\n",
		"2025-02-03 16:28:04 [2025-02-03 21:28:04,018] WARN x (org.apache.kafka.common.network.Selector)\n",
		"[2026-03-18 22:04:38]     | 2026.03.18 23:03:01.518030 [ 1 ] {} <Error> S (t): [rdk:FAIL] [thrd:a:9092/bootstrap]: x\n",
		"2026.03.18 23:03:01.518030 [ 1 ] {} <Error> S (t): [client.id:c] [rdk:FAIL] [thrd:a:9092/bootstrap]: x\n",
		"   2022-04-13T10:59:14.82-0400 [APP/PROC/WEB/0] OUT 2022-04-13 14:59:14,820 WARN  [t] o.a.k.c.NetworkClient: x\n",
		"2020-10-20T09:36:22.149Z 792bad59-e2e3-43de-a089-46b2b98bf354 ERROR {\"level\":\"ERROR\",\"logger\":\"kafkajs\",\"message\":\"m\"}\n",
		"kafka-1   | x\norders-1  | %3|1779199681.419|FAIL|a#producer-1| [thrd:b]: b/1: Disconnected\nkafka-1   | \tat y\n",
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, head := range heads {
			input := head + string(body)
			_, events := parseQuiet(t, input)
			if events < 0 {
				t.Fatal("negative events")
			}
		}
	})
}
