// Package envelope reads Kafka client and broker logs that reached a
// support bundle wrapped in something else, unwraps each record and hands
// the inner message, with the envelope's time, to the embedded decoders
// (kafkalog's and rdkafka's LineDecoder, wired in parsers/list.go) the way
// the journal parser does with journal messages.
//
// Envelopes, each reported as Stats.Layout:
//
//   - "docker-json": Docker's json-file driver, one
//     {"log":"text\n","stream":"stdout","time":"RFC 3339 nanos"} a line.
//     Docker splits a line longer than 16 KiB into records without the
//     trailing "\n"; they are joined (per stream) up to maxJoin.
//   - "cri": containerd's and CRI-O's "<RFC 3339> <stream> <tags> <text>"
//     (/var/log/pods/…/N.log, /var/log/containers/*.log); "P" records are
//     joined until the "F" one, per stream.
//   - "kubectl-prefix": `kubectl logs --prefix`, "[pod/<pod>/<container>] ";
//     "pod-prefix": the "[<pod>] " a log shipper adds. Each pod gets its own
//     decoders (interleaved pods keep their stack traces) and is the
//     events' Host. The runtime time `--timestamps` adds after the prefix
//     is taken off and serves as the envelope's time.
//   - "docker-compose": a whole stack's `docker compose up` or `docker
//     compose logs` output, "<service>  | line" from two services or more
//     (compose.go). Each service gets its own decoders and is the events'
//     host, so a broker's log4j lines and a client's librdkafka or Python
//     lines in one file are all read. A line no decoder takes without its
//     prefix is offered with it (goclient reads a bare Go dial error to a
//     Kafka port as a client's only in a compose service). A log of one
//     service stays with kafkalog or goclient, which read the prefix
//     themselves.
//   - structured JSON, one object a line, alone or inside any container
//     envelope above (then Stats.Layout is "cri+logstash-json" and so on):
//     "logstash-json" (logstash-logback-encoder: @timestamp, level,
//     logger_name, thread_name, message, stack_trace), "ecs-json" (ECS:
//     @timestamp, log.level, log.logger, message, error.stack_trace|type|
//     message; dotted or nested keys alike), "log4j2-json" (JsonLayout:
//     instant.epochSecond+nanoOfSecond or timeMillis, level, loggerName,
//     message, thrown.name/message), "gcp-json" (severity, timestamp as
//     RFC 3339 or {seconds,nanos}, message), "serilog-json"
//     (CompactJsonFormatter: @t, @l, @m or else @mt, @x, SourceContext),
//     "dotnet-json" (JSON console formatter: Timestamp, LogLevel,
//     Category, Message, Exception) and "json" for zap, logrus, pino and
//     bunyan (ts/time as RFC 3339 or epoch s/ms, level word or number,
//     msg, logger/name).
//
// Printed layouts, a platform's or collector's prefix before each line
// a program printed (or, for ClickHouse, a host program's own log whose
// messages carry librdkafka's), sniffed from the input's first lines:
//
//   - "time-prefix": "<time> line" or "[<time>] line", the time ISO 8601
//     with or without fraction and zone — `docker logs -t`, Docker
//     Desktop's log view (local time, no zone), CI runners and log
//     shippers; a report's quote bar ("  | ") after it is dropped. Taken
//     only when an inner line starts as a log line does (a time, a
//     ClickHouse line, a JSON record): Kafka's own "[date] LEVEL" is a
//     bracketed time too, and librdkafka lines behind an application's
//     time are the rdkafka parser's.
//   - "cf-logs": Cloud Foundry's `cf logs`, "<time> [APP/PROC/WEB/0] OUT
//     line"; each source gets its own decoders, as pods do.
//   - "lambda": AWS Lambda's CloudWatch log, "<time> <request id> LEVEL
//     line" (Node.js) or "[LEVEL] <time> <request id> line" (Python); the
//     platform's START/END/REPORT lines are skipped.
//   - "clickhouse": ClickHouse's server log, "YYYY.MM.DD hh:mm:ss.ffffff
//     [ thread ] {query} <Level> Logger: msg"; the Kafka engine's
//     "[rdk:FAC] [thrd:…]: …" messages are rebuilt as native librdkafka
//     lines (client.id as the instance), alone or inside any envelope
//     ("time-prefix+clickhouse", "cri+clickhouse").
//
// Lines without the prefix (a message's further lines, a collector that
// stamps a record's first line only) go on to the decoders as printed.
//
// A structured record is first offered to the decoders with a
// ClientRecord method (kafkajs), with a client library's own fields
// (namespace, broker, clientId, also under "extra"); one they refuse goes
// to the first decoder with a Record method (kafkalog) together with its
// logger, since Kafka's templates are classified by logger and text; its further lines and stack trace follow
// as continuation lines. A librdkafka message — native "%3|…", or a log
// callback's "[thrd:…]: …" with a fac/facility field — is rebuilt as a
// native line for the librdkafka decoder.
//
// Host: for /var/log/pods/<ns>_<pod>_<uid>/<container>/N.log and
// /var/log/containers/<pod>_<ns>_<container>-<id>.log paths the pod is
// Stats.Host (and every event's) when the walker found no host or took
// the container folder for one.
//
// Times: envelope times carry a zone and are exact, but for Docker
// Desktop's and CI reports' zoneless prefixes and ClickHouse's server
// time (read in Source.Zone, setting ZoneAssumed). An inner line's own
// time wins over the envelope's, which stands in when the line prints
// none. Docker and CRI inner lines usually print a local time without a
// zone: the offset between it and the runtime's time, rounded to a
// quarter hour, is learned from the first line where they agree within
// seconds, and zoneless times are read in it (zone.go) — no assumption
// needed. Otherwise (prefixed and plain JSON logs, or no agreement) a
// zoneless time is read in Source.Zone and sets ZoneAssumed.
//
// Damage: a line that is not a record of the input's envelope counts as
// Unparsed with a Problem naming file:line; reading goes on.
//
// Cost: no encoding/json. A small JSON walker (jsonscan.go) flattens each
// object to dotted keys without allocating; strings are unescaped only for
// the fields read, into reused buffers. An uninteresting line costs no
// allocation in any envelope (TestNoAllocsPerLine). Throughput on a
// generated 256 MiB log, one Kafka client line in 100, the rest a web
// service's own records (BenchmarkParse, 2-CPU box shared with other
// jobs at load ~25, so per CPU-second is the figure that means anything):
//
//	cri            400 MB/cpu-s  (74 MB/s wall)
//	docker-json    337 MB/cpu-s  (69 MB/s wall)
//	logstash-json  337 MB/cpu-s  (80 MB/s wall)
//
// measured with
//
//	go test -run '^$' -bench BenchmarkParse -benchmem -benchtime=2x ./parsers/envelope/
//
// The allocations it reports (about 13 per Kafka line) are the events'.
package envelope
