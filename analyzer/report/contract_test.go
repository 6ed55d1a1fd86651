package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jsonType names the JSON type a decoded value has.
func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// contractFields is every field DESIGN.md's schema kafkadiag/report/v1 names,
// with its JSON type. "[]" marks an array element. A rename or removal in
// the model fails here, loudly, before a customer's script does.
var contractFields = map[string]string{
	"schema":                       "string",
	"inputs":                       "array",
	"inputs[].path":                "string",
	"inputs[].format":              "string",
	"inputs[].packets":             "number",
	"inputs[].events":              "number",
	"inputs[].skipped":             "string",
	"findings":                     "array",
	"findings[].cause":             "string",
	"findings[].rule":              "string",
	"findings[].severity":          "string",
	"findings[].confidence":        "number",
	"findings[].title":             "string",
	"findings[].summary":           "string",
	"findings[].subjects":          "array",
	"findings[].subjects[].node":   "string",
	"findings[].subjects[].addr":   "string",
	"findings[].subjects[].client": "string",
	"findings[].first_seen":        "string",
	"findings[].last_seen":         "string",
	"findings[].count":             "number",
	"findings[].evidence":          "array",
	"findings[].evidence[].source": "string",
	"findings[].evidence[].line":   "number",
	"findings[].evidence[].packet": "number",
	"findings[].evidence[].time":   "string",
	"findings[].evidence[].text":   "string",
	"findings[].remediation":       "array",
	"findings[].remediation[]":     "string",
	"flows":                        "object",
	"flows.total":                  "number",
	"flows.by_state":               "object",
}

// flatten records the JSON type at every path of a decoded document.
// Array elements share the path "name[]"; map keys of by_state are values,
// not fields, and are left out.
func flatten(prefix string, v any, out map[string][]string) {
	if prefix != "" {
		out[prefix] = append(out[prefix], jsonType(v))
	}
	switch x := v.(type) {
	case map[string]any:
		if prefix == "flows.by_state" {
			return
		}
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		for _, e := range x {
			flatten(prefix+"[]", e, out)
		}
	}
}

func TestJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(staleARPResult(), Options{})); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	flatten("", doc, got)
	for path, want := range contractFields {
		types, ok := got[path]
		if !ok {
			t.Errorf("%s: missing from the JSON report", path)
			continue
		}
		for _, ty := range types {
			if ty != want {
				t.Errorf("%s: is %s, the contract says %s", path, ty, want)
			}
		}
	}
	if doc["schema"] != Schema || Schema != "kafkadiag/report/v1" {
		t.Errorf("schema = %v", doc["schema"])
	}
	for state, n := range doc["flows"].(map[string]any)["by_state"].(map[string]any) {
		if jsonType(n) != "number" {
			t.Errorf("flows.by_state.%s is %s, want number", state, jsonType(n))
		}
	}
}

// TestJSONValues checks the values the contract defines beyond types:
// RFC 3339 UTC times, 1-based frames, archive paths, severity words,
// findings sorted as the analyzer ordered them.
func TestJSONValues(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(staleARPResult(), Options{Zone: time.FixedZone("X", 3600)})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct {
			Cause, Severity, FirstSeen string
			Evidence                   []struct {
				Source       string
				Line, Packet int
				Time         string
			}
		}
		Flows struct {
			ByState map[string]int `json:"by_state"`
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var causes []string
	for _, f := range doc.Findings {
		causes = append(causes, f.Cause+"/"+f.Severity)
		for _, e := range f.Evidence {
			if e.Time != "" && !strings.HasSuffix(e.Time, "Z") {
				t.Errorf("evidence time %q is not UTC", e.Time)
			}
			if _, err := time.Parse(time.RFC3339Nano, e.Time); e.Time != "" && err != nil {
				t.Errorf("evidence time %q: %v", e.Time, err)
			}
			if e.Line < 0 || e.Packet < 0 || (e.Line == 0 && e.Packet == 0) {
				t.Errorf("evidence %s has no position (line %d, packet %d)", e.Source, e.Line, e.Packet)
			}
		}
	}
	if diff := cmp.Diff([]string{"stale-arp-entry/critical", "syn-unanswered/warning"}, causes); diff != "" {
		t.Errorf("findings order (-want +got):\n%s", diff)
	}
	if got := doc.Findings[0].Evidence[0]; got.Source != "case-4411.tgz!kafka-3/tcpdump-9092.pcap" || got.Packet != 17 || got.Time != "2024-05-02T10:00:00.101234Z" {
		t.Errorf("first evidence = %+v", got)
	}
	if diff := cmp.Diff(map[string]int{"S1": 1, "SF": 1}, doc.Flows.ByState); diff != "" {
		t.Errorf("by_state (-want +got):\n%s", diff)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("}\n")) || bytes.HasSuffix(buf.Bytes(), []byte("\n\n")) {
		t.Error("JSON must end with exactly one newline")
	}
}

// TestJSONEmptyListsAreArrays: scripts index these without a null check.
func TestJSONEmptyListsAreArrays(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(skippedResult(), Options{})); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"inputs", "findings", "notes", "nodes"} {
		if jsonType(doc[k]) != "array" {
			t.Errorf("%s is %s, want array", k, jsonType(doc[k]))
		}
	}
	if _, ok := doc["timeline"]; ok {
		t.Error("timeline present without Options.Timeline")
	}
	buf.Reset()
	if err := WriteJSON(&buf, Build(skippedResult(), Options{Timeline: true})); err != nil {
		t.Fatal(err)
	}
	doc = nil
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if jsonType(doc["timeline"]) != "array" {
		t.Errorf("timeline is %s with Options.Timeline, want array", jsonType(doc["timeline"]))
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("top-level keys: %v", keys)
}
