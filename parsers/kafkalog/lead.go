package kafkalog

import "time"

// Some records do not start their line. A log pasted into a forum or a
// Markdown code block is indented, every line of it: its headers as much
// as its stack frames. kafka-console-producer prints its prompt (">") and
// echoes what the user types, and the producer's own log lines land after
// them: ">[2024-05-02 10:15:08,801] ERROR …", "he[2024-05-02 …". A lead is
// what comes before such a record: blanks and ">" (indentation, prompts,
// a quote's "> "), or a word typed at a prompt, glued to the record's "[".
//
// A record after a lead is asked for more than one that starts its line,
// so that no indented line of a message or a stack trace reads as one:
// after blanks, a time (stack frames, "Caused by:" and config lines start
// with none); after anything else, a date and a logger too.

// maxLead bounds the bytes a lead may take.
const maxLead = 64

// parseAfterLead reads a record header that follows a lead in line. The
// header's spans index line, lead included.
func parseAfterLead(line []byte, zone *time.Location, h *header) bool {
	k, blank := leadEnd(line)
	if k == 0 || !parseAnyLayout(line[k:], zone, h) {
		return false
	}
	switch {
	case h.composeEnd > 0 || !(h.hasTime || h.timeOfDay):
		return false
	case !blank && (!h.hasTime || h.loggerEnd <= h.loggerStart):
		return false
	}
	h.lead, h.indented = k, blank
	h.loggerStart += k
	h.loggerEnd += k
	h.msgStart += k
	h.msgEnd += k
	return true
}

// leadEnd returns where a record after a lead would start in line, and
// whether the lead is blanks alone (an indentation); 0 when line has no
// lead, or nothing after it that could start a record: "[" or a digit
// after blanks and ">" (or a month, java.util.logging's date, after
// blanks), "[" and a digit after a typed word.
func leadEnd(line []byte) (end int, blank bool) {
	i, blank := 0, true
	for ; i < len(line) && i < maxLead; i++ {
		if c := line[i]; c == '>' {
			blank = false
		} else if c != ' ' && c != '\t' {
			break
		}
	}
	if i == len(line) {
		return 0, false
	}
	if i > 0 && (line[i] == '[' || isDigit(line[i]) || blank && i+3 <= len(line) && monthOf(line[i:i+3]) != 0) {
		return i, blank
	}
	j := i
	for j < len(line) && j-i < maxLead {
		if c := line[j]; c == ' ' || c == '\t' || c == '[' || c == ']' {
			break
		}
		j++
	}
	if j > i && j+1 < len(line) && line[j] == '[' && isDigit(line[j+1]) {
		return j, false
	}
	return 0, false
}
