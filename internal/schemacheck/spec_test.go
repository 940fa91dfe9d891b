package schemacheck

// The validator is github.com/santhosh-tekuri/jsonschema/v6 rather than
// github.com/pb33f/libopenapi-validator because what is checked here is
// one answer body against one schema, whose status and operation the test
// already knows: that is JSON Schema 2020-12 (the dialect of OpenAPI 3.1),
// which jsonschema/v6 implements completely, passes the official test
// suite for, and reports with the instance's JSON pointer. It needs one
// small dependency (golang.org/x/text). libopenapi-validator would first
// rebuild every request and answer as an *http.Request/*http.Response to
// match them to the spec's paths (which name /v1/agents where the fake also
// serves /v1/workflows), pulls in a whole OpenAPI model (libopenapi, yaml,
// and more) and validates the schemas through a JSON Schema library
// anyway: more to trust, for nothing this test uses.
//
// The OpenAPI document is loaded whole as one resource, and each schema is
// compiled by a JSON pointer into it, so the spec's own
// "#/components/schemas/..." references resolve as they are. OpenAPI's
// keywords that are not JSON Schema's (discriminator, example) are unknown
// keywords to 2020-12, which a validator ignores: the oneOf beside each
// discriminator still decides. Formats are annotations in 2020-12 and are
// not asserted: Skyvern's datetimes carry no timezone
// ("2026-01-31T15:20:42.160725") although the spec calls them date-time.

import (
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/skyvern-go/skyvern/internal/specfacts"
)

// spec is Skyvern's OpenAPI document with a compiler that has it loaded.
type spec struct {
	url      string         // the resource's URL, which schema pointers extend
	doc      map[string]any // the document, as the compiler holds it
	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema
}

// loadSpec compiles the committed facts of the spec (internal/specfacts)
// once for all tests: every clone has them, so every check runs.
var loadSpec = sync.OnceValues(func() (*spec, error) {
	return newSpec("/"+specfacts.File, specfacts.Committed)
})

// openSpec returns the spec, or fails the test if it cannot be compiled.
func openSpec(t *testing.T) *spec {
	t.Helper()
	sp, err := loadSpec()
	if err != nil {
		t.Fatalf("cannot load the OpenAPI spec facts: %v", err)
	}
	return sp
}

func newSpec(path string, data []byte) (*spec, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the spec is not a JSON object")
	}
	if _, ok := doc["paths"].(map[string]any); !ok {
		return nil, fmt.Errorf("the spec has no paths")
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	c := jsonschema.NewCompiler()
	// OpenAPI 3.1's schemas are JSON Schema 2020-12 unless the document
	// names another dialect (jsonSchemaDialect), which Skyvern's does not.
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(u, doc); err != nil {
		return nil, err
	}
	return &spec{url: u, doc: doc, compiler: c, compiled: map[string]*jsonschema.Schema{}}, nil
}

// pointer escapes one JSON pointer token.
func pointer(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

// operation returns the spec's operation object of method and path, or nil.
func (s *spec) operation(method, path string) map[string]any {
	item, _ := s.doc["paths"].(map[string]any)[path].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	return op
}

// responseSchema returns the JSON pointer (from the document's root) of
// the schema of the operation's answer with this status, and whether the
// spec gives one. An operation with a "default" answer uses it for
// statuses it does not list.
func (s *spec) responseSchema(method, path string, status int) (string, bool) {
	op := s.operation(method, path)
	responses, _ := op["responses"].(map[string]any)
	code := fmt.Sprint(status)
	if _, ok := responses[code]; !ok {
		if _, ok := responses["default"]; !ok {
			return "", false
		}
		code = "default"
	}
	resp, _ := responses[code].(map[string]any)
	content, _ := resp["content"].(map[string]any)
	if _, ok := content["application/json"]; !ok {
		return "", false
	}
	return "/paths/" + pointer(path) + "/" + strings.ToLower(method) + "/responses/" + code +
		"/content/application~1json/schema", true
}

// opaque reports whether the spec documents the operation's answer with
// this status but gives no JSON schema that constrains it: no content at
// all (a 204, a 206), or an empty schema (a file's raw bytes, which
// FastAPI lists as application/json).
func (s *spec) opaque(method, path string, status int) bool {
	responses, _ := s.operation(method, path)["responses"].(map[string]any)
	resp, ok := responses[fmt.Sprint(status)].(map[string]any)
	if !ok {
		return false
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		return true
	}
	media, _ := content["application/json"].(map[string]any)
	sch, _ := media["schema"].(map[string]any)
	return media != nil && len(sch) == 0
}

// schema compiles, once, the schema at ptr, a JSON pointer into the spec.
func (s *spec) schema(ptr string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.compiled[ptr]; ok {
		return sch, nil
	}
	sch, err := s.compiler.Compile(s.url + "#" + ptr)
	if err != nil {
		return nil, err
	}
	s.compiled[ptr] = sch
	return sch, nil
}

// extra compiles, once, a schema of the test's own, which may refer to the
// spec's schemas by the URL "spec#/components/...".
func (s *spec) extra(name, schemaJSON string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := "extra:" + name
	if sch, ok := s.compiled[key]; ok {
		return sch, nil
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(strings.ReplaceAll(schemaJSON, `"spec#`, `"`+s.url+`#`)))
	if err != nil {
		return nil, err
	}
	u := "file:///schemacheck/" + name + ".json"
	if err := s.compiler.AddResource(u, v); err != nil {
		return nil, err
	}
	sch, err := s.compiler.Compile(u)
	if err != nil {
		return nil, err
	}
	s.compiled[key] = sch
	return sch, nil
}

// violation is one way an instance breaks a schema.
type violation struct {
	at      string // JSON pointer into the instance
	keyword string // where in the schema, relative to the spec when it is there
	msg     string
}

// check validates the JSON document body against sch and returns every
// violation: the innermost errors (those with no causes of their own),
// where an alternative (oneOf, anyOf) shows only the branches meant: the
// one its discriminator maps the instance to, else those whose type the
// instance has.
func (s *spec) check(sch *jsonschema.Schema, body []byte) ([]violation, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the body is not JSON: %w", err)
	}
	err = sch.Validate(v)
	if err == nil {
		return nil, nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil, err
	}
	var out []violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, violation{
				at:      jsonPointer(e.InstanceLocation),
				keyword: strings.TrimPrefix(e.SchemaURL, s.url) + jsonPointer(e.ErrorKind.KeywordPath()),
				msg:     e.ErrorKind.LocalizedString(printer),
			})
		}
		causes := e.Causes
		switch e.ErrorKind.(type) {
		case *kind.OneOf, *kind.AnyOf:
			causes = s.meant(e, v)
		}
		for _, c := range causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].at < out[j].at })
	return out, nil
}

// meant returns the causes of an alternative's error (one per branch) that
// come from the branches the instance was meant for. With an OpenAPI
// discriminator, that is the branch its mapping names for the instance's
// value, as OpenAPI has it; otherwise the branches that fail on more than
// the instance's type at the alternative's own location. When that leaves
// none, all of them.
func (s *spec) meant(e *jsonschema.ValidationError, instance any) []*jsonschema.ValidationError {
	node, _ := s.node(e.SchemaURL).(map[string]any)
	if d, ok := node["discriminator"].(map[string]any); ok {
		prop, _ := d["propertyName"].(string)
		mapping, _ := d["mapping"].(map[string]any)
		obj, _ := at(instance, e.InstanceLocation).(map[string]any)
		value, _ := obj[prop].(string)
		if target, ok := mapping[value].(string); ok {
			for _, c := range e.Causes {
				if ref, ok := c.ErrorKind.(*kind.Reference); ok && ref.URL == s.url+target {
					return []*jsonschema.ValidationError{c}
				}
			}
		}
	}
	var kept []*jsonschema.ValidationError
	for _, c := range e.Causes {
		if !onlyTypeMismatch(c, len(e.InstanceLocation)) {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return e.Causes
	}
	return kept
}

// onlyTypeMismatch reports whether every innermost error under e is a
// wrong type at the instance location of depth depth.
func onlyTypeMismatch(e *jsonschema.ValidationError, depth int) bool {
	if len(e.Causes) == 0 {
		_, ok := e.ErrorKind.(*kind.Type)
		return ok && len(e.InstanceLocation) == depth
	}
	for _, c := range e.Causes {
		if !onlyTypeMismatch(c, depth) {
			return false
		}
	}
	return true
}

// node returns the value of the spec at a schema URL into it, or nil.
func (s *spec) node(schemaURL string) any {
	frag, ok := strings.CutPrefix(schemaURL, s.url+"#")
	if !ok {
		return nil
	}
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	var cur any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		cur = at(cur, []string{tok})
	}
	return cur
}

// at returns the value at a path of member names and indexes into v, or nil.
func at(v any, path []string) any {
	for _, tok := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// jsonPointer returns the JSON pointer of a path of member names and
// indexes: "" for the root.
func jsonPointer(path []string) string {
	var b strings.Builder
	for _, tok := range path {
		b.WriteString("/" + pointer(tok))
	}
	return b.String()
}

// printer writes the validator's messages in English.
var printer = message.NewPrinter(language.English)

// TestCheckReportsWhatIsWrong shows the checker itself at work on bodies
// made up here: it accepts Skyvern's naive datetimes and members the
// schema does not name, and reports a wrong value where it is, in the
// branch its discriminator or its type means.
func TestCheckReportsWhatIsWrong(t *testing.T) {
	sp := openSpec(t)
	getRun, ok := sp.responseSchema("GET", "/v1/runs/{run_id}", 200)
	if !ok {
		t.Fatal("the spec has no schema of Get Run's answer")
	}
	sch, err := sp.schema(getRun)
	if err != nil {
		t.Fatal(err)
	}
	const head = `{"run_id":"tsk_1","status":"completed","created_at":"2026-01-31T15:20:42.160725",` +
		`"modified_at":"2026-01-31T15:20:42","task_id":"tsk_1"`
	for name, tc := range map[string]struct {
		body string
		want []violation // at and msg only
	}{
		"a task run with a legacy member": {body: head + `,"run_type":"task_v1"}`},
		"an unknown proxy location": {
			body: head + `,"run_type":"task_v1","run_request":{"prompt":"p","proxy_location":"NOWHERE"}}`,
			want: []violation{{at: "/run_request/proxy_location", msg: "value must be one of"}},
		},
		"a workflow run without its status": {
			body: `{"run_id":"wr_1","created_at":"2026-01-31T15:20:42","modified_at":"2026-01-31T15:20:42","run_type":"workflow_run"}`,
			want: []violation{{at: "", msg: "missing property 'status'"}},
		},
	} {
		got, err := sp.check(sch, []byte(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %d violations %+v, want %d", name, len(got), got, len(tc.want))
			continue
		}
		for i, v := range got {
			if v.at != tc.want[i].at || !strings.HasPrefix(v.msg, tc.want[i].msg) {
				t.Errorf("%s: got %+v, want at %s a message starting %q", name, v, tc.want[i].at, tc.want[i].msg)
			}
		}
	}
}
