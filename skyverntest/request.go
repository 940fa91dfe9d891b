package skyverntest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/webhooks"
)

// This file validates request bodies and query parameters as Skyvern's
// server (FastAPI and pydantic) does, answering 422 with the same
// validation list, and renders run_request from them.

type kind int

const (
	kindAny        kind = iota
	kindString          // a string
	kindInt             // an integer
	kindBool            // true or false
	kindObject          // an object
	kindStringMap       // an object of strings
	kindEngine          // one of the engines
	kindList            // a list
	kindStringList      // a list of strings
)

// field is a member of a request body model, in the model's order.
type field struct {
	name     string
	kind     kind
	required bool
	nullable bool
	def      any // run_request's value when the member is absent
}

var taskFields = []field{
	{name: "prompt", kind: kindString, required: true},
	{name: "url", kind: kindString, nullable: true},
	{name: "engine", kind: kindEngine, def: string(skyvern.RunEngineSkyvernV1)},
	{name: "title", kind: kindString, nullable: true},
	{name: "proxy_location", kind: kindAny, nullable: true, def: string(skyvern.ProxyLocationResidential)},
	{name: "data_extraction_schema", kind: kindAny, nullable: true},
	{name: "error_code_mapping", kind: kindStringMap, nullable: true},
	{name: "max_steps", kind: kindInt, nullable: true},
	{name: "webhook_url", kind: kindString, nullable: true},
	{name: "totp_identifier", kind: kindString, nullable: true},
	{name: "totp_url", kind: kindString, nullable: true},
	{name: "browser_session_id", kind: kindString, nullable: true},
	{name: "browser_profile_id", kind: kindString, nullable: true},
	{name: "start_fresh_browser", kind: kindBool, def: false},
	{name: "model", kind: kindObject, nullable: true},
	{name: "extra_http_headers", kind: kindStringMap, nullable: true},
	{name: "cdp_connect_headers", kind: kindStringMap, nullable: true},
	{name: "publish_workflow", kind: kindBool, def: false},
	{name: "include_action_history_in_verification", kind: kindBool, nullable: true, def: false},
	{name: "max_screenshot_scrolls", kind: kindInt, nullable: true},
	{name: "browser_address", kind: kindString, nullable: true},
	{name: "run_with", kind: kindString, nullable: true},
}

// workflowFields starts with the workflow's id, which the server takes as
// workflow_id or agent_id; the handler names the one its route requires.
var workflowFields = []field{
	{name: "workflow_id", kind: kindString, required: true},
	{name: "parameters", kind: kindObject, nullable: true},
	{name: "title", kind: kindString, nullable: true},
	{name: "proxy_location", kind: kindAny, nullable: true, def: string(skyvern.ProxyLocationResidential)},
	{name: "webhook_url", kind: kindString, nullable: true},
	{name: "totp_url", kind: kindString, nullable: true},
	{name: "totp_identifier", kind: kindString, nullable: true},
	{name: "browser_session_id", kind: kindString, nullable: true},
	{name: "reuse_browser_session", kind: kindBool, nullable: true},
	{name: "browser_profile_id", kind: kindString, nullable: true},
	{name: "start_fresh_browser", kind: kindBool, def: false},
	{name: "max_screenshot_scrolls", kind: kindInt, nullable: true},
	{name: "max_elapsed_time_minutes", kind: kindInt, nullable: true},
	{name: "extra_http_headers", kind: kindStringMap, nullable: true},
	{name: "cdp_connect_headers", kind: kindStringMap, nullable: true},
	{name: "browser_address", kind: kindString, nullable: true},
	{name: "ai_fallback", kind: kindBool, nullable: true},
	{name: "run_with", kind: kindString, nullable: true},
	{name: "run_metadata", kind: kindStringMap, nullable: true},
}

var retryWebhookFields = []field{
	{name: "webhook_url", kind: kindString, nullable: true},
}

var bulkCancelFields = []field{
	{name: "run_ids", kind: kindStringList, required: true},
}

const engineChoices = "'skyvern-1.0', 'skyvern-2.0', 'skyvern-3.0', 'openai-cua', 'anthropic-cua', 'ui-tars' or 'yutori-navigator'"

// validationError is one entry of FastAPI's 422 list.
type validationError = webhooks.Object

func invalid(typ string, loc []any, msg string, input any, ctx webhooks.Object) validationError {
	e := webhooks.Object{
		{Key: "type", Value: typ},
		{Key: "loc", Value: loc},
		{Key: "msg", Value: msg},
		{Key: "input", Value: input},
	}
	if ctx != nil {
		e = append(e, webhooks.Member{Key: "ctx", Value: ctx})
	}
	return e
}

// members decodes a JSON object body into its members, or returns the
// validation errors FastAPI answers for a body that is not one. An empty
// body is missing unless optional; then it, and null, give a nil map.
func members(body []byte, optional bool) (map[string]json.RawMessage, []validationError) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		if optional {
			return nil, nil
		}
		return nil, []validationError{invalid("missing", []any{"body"}, "Field required", nil, nil)}
	}
	var v any
	if err := json.Unmarshal(trimmed, &v); err != nil {
		// Python reports where the value it expected was missing.
		pos := len(trimmed)
		var syn *json.SyntaxError
		if errors.As(err, &syn) && syn.Offset < int64(len(trimmed)) {
			pos = int(max(syn.Offset-1, 0))
		}
		return nil, []validationError{invalid("json_invalid", []any{"body", pos}, "JSON decode error",
			map[string]any{}, webhooks.Object{{Key: "error", Value: "Expecting value"}})}
	}
	if v == nil && optional {
		return nil, nil
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, []validationError{invalid("model_attributes_type", []any{"body"},
			"Input should be a valid dictionary or object to extract fields from", json.RawMessage(trimmed), nil)}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return nil, []validationError{invalid("json_invalid", []any{"body", 0}, "JSON decode error",
			map[string]any{}, webhooks.Object{{Key: "error", Value: err.Error()}})}
	}
	return m, nil
}

// validate checks the members of a body against the fields of its model.
// whole is the body, which a missing member's error quotes.
func validate(m map[string]json.RawMessage, fields []field, whole []byte) []validationError {
	return validateAt([]any{"body"}, m, fields, whole)
}

// validateAt checks the members of the object at "at" (such as body,
// json_definition) against the fields of its model. whole is the object.
func validateAt(at []any, m map[string]json.RawMessage, fields []field, whole []byte) []validationError {
	var errs []validationError
	for _, f := range fields {
		loc := append(slices.Clip(at), f.name)
		raw, ok := m[f.name]
		if !ok {
			if f.required {
				errs = append(errs, invalid("missing", loc, "Field required", json.RawMessage(bytes.TrimSpace(whole)), nil))
			}
			continue
		}
		if e := checkKind(f, loc, raw); e != nil {
			errs = append(errs, e)
		}
	}
	return errs
}

func checkKind(f field, loc []any, raw json.RawMessage) validationError {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&v) // raw is a member of a valid object
	if v == nil && f.nullable {
		return nil
	}
	input := rawValue(raw)
	switch f.kind {
	case kindString:
		if _, ok := v.(string); !ok {
			return invalid("string_type", loc, "Input should be a valid string", input, nil)
		}
	case kindEngine:
		if s, ok := v.(string); !ok || !skyvern.RunEngine(s).IsKnown() {
			return invalid("enum", loc, "Input should be "+engineChoices, input,
				webhooks.Object{{Key: "expected", Value: engineChoices}})
		}
	case kindInt:
		n, ok := v.(json.Number)
		if !ok {
			return invalid("int_type", loc, "Input should be a valid integer", input, nil)
		}
		if f, err := n.Float64(); err != nil || f != math.Trunc(f) {
			return invalid("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", input, nil)
		}
	case kindBool:
		if _, ok := v.(bool); !ok {
			return invalid("bool_type", loc, "Input should be a valid boolean", input, nil)
		}
	case kindObject:
		if _, ok := v.(map[string]any); !ok {
			return invalid("dict_type", loc, "Input should be a valid dictionary", input, nil)
		}
	case kindStringMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return invalid("dict_type", loc, "Input should be a valid dictionary", input, nil)
		}
		for k, val := range obj {
			if _, ok := val.(string); !ok {
				return invalid("string_type", append(loc, k), "Input should be a valid string", val, nil)
			}
		}
	case kindList, kindStringList:
		list, ok := v.([]any)
		if !ok {
			return invalid("list_type", loc, "Input should be a valid list", input, nil)
		}
		for i, val := range list {
			if _, ok := val.(string); !ok && f.kind == kindStringList {
				return invalid("string_type", append(loc, i), "Input should be a valid string", val, nil)
			}
		}
	}
	return nil
}

// queryReader reads query parameters as FastAPI does, collecting its
// validation errors: a parameter given several times takes its last value,
// unless it is a list.
type queryReader struct {
	q    url.Values
	errs []validationError
}

func (r *queryReader) last(name string) (string, bool) {
	vals := r.q[name]
	if len(vals) == 0 {
		return "", false
	}
	return vals[len(vals)-1], true
}

// int reads an integer between lo and hi (no upper bound when hi is 0),
// def when absent.
func (r *queryReader) int(name string, def, lo, hi int) int {
	v, ok := r.last(name)
	if !ok {
		return def
	}
	loc := []any{"query", name}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	switch {
	case err != nil:
		r.errs = append(r.errs, invalid("int_parsing", loc,
			"Input should be a valid integer, unable to parse string as an integer", v, nil))
	case n < lo:
		r.errs = append(r.errs, invalid("greater_than_equal", loc,
			fmt.Sprintf("Input should be greater than or equal to %d", lo), v, webhooks.Object{{Key: "ge", Value: lo}}))
	case hi > 0 && n > hi:
		r.errs = append(r.errs, invalid("less_than_equal", loc,
			fmt.Sprintf("Input should be less than or equal to %d", hi), v, webhooks.Object{{Key: "le", Value: hi}}))
	}
	return n
}

// bool reads a boolean as pydantic parses one; false when absent.
func (r *queryReader) bool(name string) bool {
	v, ok := r.last(name)
	if !ok {
		return false
	}
	switch strings.ToLower(v) {
	case "1", "on", "t", "true", "y", "yes":
		return true
	case "0", "off", "f", "false", "n", "no":
		return false
	}
	r.errs = append(r.errs, invalid("bool_parsing", []any{"query", name},
		"Input should be a valid boolean, unable to interpret input", v, nil))
	return false
}

// string reads a string of minLen to maxLen characters (no bound when 0);
// "" when absent.
func (r *queryReader) string(name string, minLen, maxLen int) string {
	v, ok := r.last(name)
	if !ok {
		return ""
	}
	loc := []any{"query", name}
	switch n := utf8.RuneCountInString(v); {
	case n < minLen:
		r.errs = append(r.errs, invalid("string_too_short", loc,
			fmt.Sprintf("String should have at least %d characters", minLen), v,
			webhooks.Object{{Key: "min_length", Value: minLen}}))
	case maxLen > 0 && n > maxLen:
		r.errs = append(r.errs, invalid("string_too_long", loc,
			fmt.Sprintf("String should have at most %d characters", maxLen), v,
			webhooks.Object{{Key: "max_length", Value: maxLen}}))
	}
	return v
}

// page returns the items of page (from 1) of size items; page and size are
// at least 1.
func page[T any](items []T, page, size int) []T {
	if page-1 > len(items)/size { // also keeps (page-1)*size from overflowing
		return nil
	}
	from := (page - 1) * size
	return items[from : from+min(size, len(items)-from)]
}

// renderRequest renders run_request: every field of the model in order,
// as sent or else its default. Members the model does not have are
// dropped, as pydantic drops them.
func renderRequest(m map[string]json.RawMessage, fields []field) json.RawMessage {
	o := make(webhooks.Object, 0, len(fields))
	for _, f := range fields {
		v := f.def
		if raw, ok := m[f.name]; ok {
			v = raw
		}
		o = append(o, webhooks.Member{Key: f.name, Value: v})
	}
	b, err := webhooks.Marshal(o)
	if err != nil {
		panic("skyverntest: cannot encode run_request: " + err.Error())
	}
	return b
}

func stringMember(m map[string]json.RawMessage, name string) string {
	var s string
	if raw, ok := m[name]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// runTypeOf maps a task's engine to the run type Skyvern gives it.
func runTypeOf(engine string) skyvern.RunType {
	switch skyvern.RunEngine(engine) {
	case skyvern.RunEngineSkyvernV2:
		return skyvern.RunTypeTaskV2
	case skyvern.RunEngineSkyvernV3:
		return skyvern.RunTypeTaskV3
	case skyvern.RunEngineOpenAICUA:
		return skyvern.RunTypeOpenAICUA
	case skyvern.RunEngineAnthropicCUA:
		return skyvern.RunTypeAnthropicCUA
	case skyvern.RunEngineUITARS:
		return skyvern.RunTypeUITARS
	case skyvern.RunEngineYutoriNavigator:
		return skyvern.RunTypeYutoriNavigator
	}
	return skyvern.RunTypeTaskV1
}
