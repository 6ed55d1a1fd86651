// Package goclient reads the logs of Kafka clients written in Go — IBM
// (formerly Shopify) sarama, segmentio/kafka-go and twmb/franz-go — and
// turns their connection failures into the same analyzer events the Java
// and librdkafka parsers emit for the same failure.
//
// The templates come from the libraries' own output, captured from real
// failures (testdata/capture, testdata/captured): sarama's Logger lines
// ("[sarama] … Failed to connect to broker h:p: dial tcp …"), its
// ErrOutOfBrokers ("kafka: client has run out of available brokers to talk
// to"), kafka-go's "failed to dial: failed to open connection to h:p: …"
// and franz-go's "unable to open connection to broker" with its addr,
// broker and err fields, through BasicLogger or log/slog (kslog). The
// cause is read from the Go error text embedded in them: "connect:
// connection refused", "i/o timeout", "lookup h …: no such host", "no
// route to host", "connection reset by peer", "tls: …", "x509: …".
//
// Mapping choices worth knowing:
//   - One failure, one event. sarama logs each failed dial as "Failed to
//     connect …" and again as "client/metadata got error from broker -1
//     …", and applications print the error they get back: a line that
//     only passes an error on is dropped when the same error was reported
//     within the last few recognised lines.
//   - "kafka: client has run out of available brokers to talk to" is a
//     NodeDisconnected symptom, like librdkafka's "N/N brokers are down":
//     a summary, never a cause. Since sarama 1.40 it wraps the last
//     attempt's error ("… to talk to: dial tcp …: connection refused");
//     printed without sarama's own line for that attempt before it (the
//     default: sarama's Logger discards), it is that attempt's failure.
//   - A bare Go network error ("failed to write messages: dial tcp …") is
//     read only from an input known to come from a Go Kafka client: any Go
//     program prints those. One exception: a docker compose service's line
//     ("producer_1  | dial tcp 172.18.0.4:9092: …") dialling 9092, 19092
//     or 29092, the client ports of Kafka's images; 9093 and 9094 are
//     Prometheus Alertmanager's too, and other ports anybody's.
//   - A dial that timed out is ConnectTimeout; one that timed out before
//     it had an address ("dial tcp: i/o timeout") timed out looking the
//     name up, ResolveFailed; a read or write that timed out is
//     RequestTimeout; ": EOF" is Disconnected.
//   - Go's log.Logger prints its prefix before the date, or after the
//     header with Lmsgprefix, and "file.go:N:" with Lshortfile: any prefix
//     of up to 32 bytes is read past ("[sarama]" without a space, "SARAMA:
//     ", "[Sarama] ", an application's name), and one naming sarama names
//     the client, as its tag after the message does (Hyperledger Fabric
//     1.1). A date without a time (log.Ldate alone) is read undated.
//   - zap's console encoder prints a caller ("kafka/log.go:53") between
//     the level and the message; it is read past, and kafka/log.go, the
//     sarama logger of libbeat (Filebeat's Kafka output), names sarama.
//   - Applications' adapters of franz-go's Logger print its message and
//     keyvals their own way: "[15:04:05.000]  WARN kafka-client: unable to
//     open connection to broker addr=h:p broker=2 err=dial tcp …"
//     (twmb/franz-go#239). A logger's name before a franz-go message is
//     read past, and "k=v" pairs after it are its fields when they name
//     an address, a broker or an error; an unquoted value runs to the next
//     " key=". A bracketed time of day without a date is read as such
//     (analyzer.Event.NoDate: Analyze dates the file as a block).
//   - Times: Go's standard log and most wrappers print local time without
//     zone, read in the Source's zone (Stats.ZoneAssumed). A line without
//     a time (franz-go's BasicLogger without prefix) keeps the time of the
//     record carrying it (journal, container) or stays undated, never the
//     time of a neighbouring line.
package goclient
