package envelope

import "github.com/kafkadiag/kafkadiag/parsers/internal/jsontext"

// maxDepth bounds how deep flattener descends into nested objects; a
// deeper object is returned whole as one raw value.
const maxDepth = 8

// flattener walks one JSON object line and yields its leaves under dotted
// keys: {"log":{"level":"INFO"}} and {"log.level":"INFO"} both yield
// "log.level", as ECS allows either. Arrays are leaves (their raw text).
// It never allocates once key has grown, and it does not validate more
// than it must to find the leaves: a line it cannot walk makes next fail.
//
// The key and value slices alias the line and the flattener's key buffer:
// valid until the next call.
type flattener struct {
	b     []byte
	i     int
	depth int
	// prefix[d] is the length of the dotted key of the object open at
	// depth d (0 for the top level).
	prefix [maxDepth + 1]int
	key    []byte
	// bad is set when the line turned out not to be a JSON object.
	bad bool
}

// reset starts on line, which must hold one object.
func (f *flattener) reset(line []byte) bool {
	f.b, f.i, f.depth, f.key, f.bad = line, jsontext.SkipWS(line, 0), 0, f.key[:0], false
	if f.i >= len(line) || line[f.i] != '{' {
		f.bad = true
		return false
	}
	f.i++
	f.depth = 1
	f.prefix[1] = 0
	return true
}

// next returns the next leaf: its dotted key and its raw value (a string
// with its quotes, a number, a literal, an array, or an object too deep to
// walk). ok is false at the end of the object or on damage (then bad).
func (f *flattener) next() (key, raw []byte, ok bool) {
	for f.depth > 0 {
		f.i = jsontext.SkipWS(f.b, f.i)
		if f.i >= len(f.b) {
			break
		}
		switch f.b[f.i] {
		case '}':
			f.i++
			f.depth--
			continue
		case ',':
			f.i++
			continue
		case '"':
		default:
			f.bad = true
			return nil, nil, false
		}
		end := jsontext.SkipString(f.b, f.i)
		if end < 0 {
			break
		}
		name := f.b[f.i+1 : end-1]
		f.i = jsontext.SkipWS(f.b, end)
		if f.i >= len(f.b) || f.b[f.i] != ':' {
			break
		}
		f.i = jsontext.SkipWS(f.b, f.i+1)
		if f.i >= len(f.b) {
			break
		}
		f.key = f.key[:f.prefix[f.depth]]
		if len(f.key) > 0 {
			f.key = append(f.key, '.')
		}
		f.key = append(f.key, name...)
		if f.b[f.i] == '{' && f.depth < maxDepth {
			f.i++
			f.depth++
			f.prefix[f.depth] = len(f.key)
			continue
		}
		vend := jsontext.SkipValue(f.b, f.i)
		if vend < 0 {
			break
		}
		raw = f.b[f.i:vend]
		f.i = vend
		return f.key, raw, true
	}
	if f.depth > 0 {
		f.bad = true
	}
	return nil, nil, false
}
