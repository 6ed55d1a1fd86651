package envelope

// levelOf normalises a JSON level value to Event.Level's words (ERROR,
// WARN, INFO, DEBUG, TRACE): names in any case from Java, .NET, Go,
// Python, GCP severities and syslog keywords, and the numbers pino and
// bunyan print (10 trace … 60 fatal). "" when it is none of these.
func levelOf(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	if raw[0] != '"' {
		if len(raw) == 1 && raw[0] >= '0' && raw[0] <= '7' {
			// A syslog severity: node-rdkafka's log event, GELF.
			return syslogName(raw[0])
		}
		switch string(raw) {
		case "10":
			return "TRACE"
		case "20":
			return "DEBUG"
		case "30":
			return "INFO"
		case "40":
			return "WARN"
		case "50", "60":
			return "ERROR"
		}
		return ""
	}
	s := raw[1 : len(raw)-1]
	if len(s) > 16 {
		return ""
	}
	var low [16]byte
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(s)]) {
	case "error", "err", "fatal", "critical", "crit", "alert", "emerg", "emergency", "severe", "panic", "dpanic":
		return "ERROR"
	case "warn", "warning":
		return "WARN"
	case "info", "information", "informational", "notice", "default":
		return "INFO"
	case "debug", "fine", "config":
		return "DEBUG"
	case "trace", "verbose", "finer", "finest":
		return "TRACE"
	}
	return ""
}

// syslogLevel is the librdkafka/syslog number of a normalised level, for
// a librdkafka line rebuilt from JSON fields.
func syslogLevel(level string) byte {
	switch level {
	case "ERROR":
		return '3'
	case "WARN":
		return '4'
	case "INFO":
		return '6'
	case "DEBUG", "TRACE":
		return '7'
	}
	return '5'
}

// syslogName maps a syslog severity digit.
func syslogName(c byte) string {
	switch {
	case c <= '3':
		return "ERROR"
	case c == '4':
		return "WARN"
	case c <= '6':
		return "INFO"
	}
	return "DEBUG"
}
