package kafkalog

import (
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Record decodes one log record whose parts arrived as separate fields
// rather than as a printed line: a structured JSON log object
// (logstash-logback-encoder, ECS, Log4j2 JsonLayout) whose "message" is
// the Java client's text and whose logger field names the class. Kafka's
// templates are classified by logger and text together, so the logger must
// come with the message.
//
// ts is the record's exact time (zero when the object had none: the last
// time seen stands in, marked guessed); level is already normalised
// (ERROR, WARN, INFO, DEBUG, TRACE). msg is the message's first line; its
// further lines and the stack trace follow through Line, which attaches
// them to this record as continuation lines. Event.Text is the message.
// It reports whether the record was taken: false only for an empty msg.
func (d *LineDecoder) Record(loc analyzer.Location, ts time.Time, host, level string, logger, msg []byte) bool {
	if len(msg) == 0 {
		return false
	}
	d.stats.Lines++
	msg = msg[:min(len(msg), MaxLineLen)]
	logger = logger[:min(len(logger), 512)]
	// The record is laid out as the log4j line "msg (logger)" so the spans
	// the classifier reads mean what they do for a printed line. d.plain
	// is only scratch inside line(); detach below copies out of it.
	line := append(d.plain[:0], msg...)
	line = append(line, " ("...)
	line = append(line, logger...)
	line = append(line, ')')
	d.plain = line
	d.hdr = header{
		clock:       d.hdr.clock,
		time:        ts,
		hasTime:     !ts.IsZero(),
		zoned:       true, // the caller read any zoneless time in the Source's zone and says so
		level:       level,
		msgStart:    0,
		msgEnd:      len(msg),
		loggerStart: len(msg) + 2,
		loggerEnd:   len(msg) + 2 + len(logger),
	}
	e := d.slot(nil)
	d.finish(e)
	d.cur = e
	d.start(loc, ts, host, line)
	e.textEnd = textCut(line[:len(msg)])
	e.detach()
	return true
}
