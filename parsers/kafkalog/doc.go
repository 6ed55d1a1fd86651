// Package kafkalog reads Apache Kafka's Java logs — client applications
// and broker server.log — and turns them into normalised analyzer events,
// node facts and config facts.
//
// It accepts the layouts real bundles contain: Kafka's stock log4j
// "[date] LEVEL msg (logger)" (also with "[thread]" before the level),
// Strimzi's "date LEVEL msg (logger) [thread]", logback and Spring Boot
// (2.x and 3.x ISO dates), patterns without a date, and any of them
// behind a docker compose "service | " prefix with an optional docker
// timestamp. Lines those strict shapes do not fully read
// go to a general reader (loose.go): a time in any known form, a level in
// any case, a Java logger, threads and MDC where patterns put them —
// Quarkus, Micronaut, Play, Flink, Akka, java.util.logging and the like.
// A header may follow a lead (lead.go): the indentation of a log pasted
// into a forum, or kafka-console-producer's prompt and the text typed at
// it; a lead asks more of the header, so no stack frame reads as one.
// Abbreviated loggers ("o.a.k.c.NetworkClient") are resolved to Kafka's
// full ones in one place (loggers.go). The layout is judged per line, so
// a file that changes layout half-way still parses.
//
// A record is a header line plus its continuation lines (stack frames,
// "Caused by:", config "\tkey = value" lines). Records are classified only
// when a bytes.Contains pre-filter over their first line or exception
// lines finds a keyword of a known template; everything else costs a
// header parse and a few byte scans, with no allocation and no regex.
//
// LineDecoder is the same engine for callers that split lines themselves
// (the journal parser, docker logs): it takes the caller's timestamp for
// records printed without one.
package kafkalog
