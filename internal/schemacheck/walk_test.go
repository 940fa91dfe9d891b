package schemacheck

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// step is one call of the walk, or a move of the server's clock.
type step struct {
	// route is the route the call must be served by, as
	// RecordedRequest.Route names it.
	route string
	// path is the request's path and query; body its JSON body. ${name}
	// in either is replaced by a value saved by an earlier step, and
	// ${hook} by the URL of the test's webhook receiver.
	path, body string
	// key is the x-api-key sent: "" sends the server's, "-" none.
	key string
	// header holds more request headers, such as a Content-Type for a
	// body that is not JSON, or a Range.
	header map[string]string
	// want is the status the real server answers.
	want int
	// save keeps string members of the answer for later steps: variable
	// name → member name, or "index.member" in an answer that is a list.
	save map[string]string
	// why says what the call shows, for a failure's message.
	why string

	// advance, when set, makes the step a move of the manual clock instead
	// of a call.
	advance bool
}

// unknownRun and unknownWorkflow are ids the server never issued.
const (
	unknownRun      = "tsk_404404404"
	unknownWorkflow = "wpid_404404404"
)

// jsonWorkflow is a workflow definition with one workflow parameter and one
// task block, the shape the real server completes (issue 9, item 1).
const jsonWorkflow = `{"json_definition":{"title":"Invoices","workflow_definition":{` +
	`"parameters":[{"parameter_type":"workflow","key":"q","workflow_parameter_type":"string"}],` +
	`"blocks":[{"block_type":"task","label":"find","url":"https://example.com","navigation_goal":"Find {{q}}"}]}}}`

// loopWorkflow has a context parameter and a for loop over a parameter,
// whose saved form resolves source_parameter_key, parameter_keys and
// loop_over_parameter_key into parameter objects.
const loopWorkflow = `{"json_definition":{"title":"Loop","workflow_definition":{"parameters":[` +
	`{"parameter_type":"workflow","key":"urls","workflow_parameter_type":"json"},` +
	`{"parameter_type":"context","key":"url","source_parameter_key":"urls"}],` +
	`"blocks":[{"block_type":"for_loop","label":"each","loop_over_parameter_key":"urls","loop_blocks":[` +
	`{"block_type":"task","label":"visit","navigation_goal":"Open {{url}}","parameter_keys":["url"]}]}]}}}`

// yamlWorkflow is the same in YAML.
const yamlWorkflow = `{"yaml_definition":"title: Receipts\nworkflow_definition:\n  parameters:\n` +
	`    - parameter_type: workflow\n      key: q\n      workflow_parameter_type: string\n  blocks:\n` +
	`    - block_type: task\n      label: find\n      url: https://example.com\n"}`

// walkSteps is the walk: every route of the fake, with answers of success
// and the errors the real server gives, in an order where each call finds
// what it needs made by an earlier one. Each API area keeps its steps in
// its own file (walk_<area>_test.go) and lists them here once; an area's
// steps may use what the runs and workflows steps saved.
var walkSteps = slices.Concat(coreWalk, sessionsWalk, credentialWalk, scriptsWalk, tagsWalk, filesWalk, schedulesWalk, schedulesByIDWalk)

// coreWalk walks the routes of runs and workflows.
var coreWalk = []step{
	// Runs, started.
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 200,
		body: `{"prompt":"Find the price","url":"https://example.com","webhook_url":"${hook}"}`, save: map[string]string{"task": "run_id"}},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 200,
		body: `{"prompt":"Summarise","engine":"skyvern-2.0","webhook_url":"${hook}"}`, save: map[string]string{"taskv2": "run_id"}},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 200,
		body: `{"prompt":"Cancel me","webhook_url":"${hook}"}`, save: map[string]string{"cancel": "run_id"}},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 200,
		body: `{"prompt":"Cancel me in bulk","webhook_url":"${hook}"}`, save: map[string]string{"bulk": "run_id"}},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 422, body: `{}`, why: "prompt is required"},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 422, body: `{`, why: "the body is not JSON"},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 422,
		body: `{"prompt":"p","proxy_location":"NOWHERE"}`, why: "proxy_location is an enum (issue 9, item 5)"},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 403, key: "-", body: `{"prompt":"p"}`, why: "no x-api-key"},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 403, key: "wrong", body: `{"prompt":"p"}`, why: "a wrong x-api-key"},

	// Workflows.
	{route: skyverntest.RouteCreateWorkflow, path: "/v1/workflows", want: 200, body: jsonWorkflow,
		save: map[string]string{"wpid": "workflow_permanent_id"}},
	{route: skyverntest.RouteCreateAgent, path: "/v1/agents", want: 200, body: yamlWorkflow,
		save: map[string]string{"wpid2": "workflow_permanent_id"}},
	{route: skyverntest.RouteCreateWorkflow, path: "/v1/workflows", want: 200, body: loopWorkflow},
	{route: skyverntest.RouteCreateWorkflow, path: "/v1/workflows", want: 422, body: `{}`, why: "no definition"},
	{route: skyverntest.RouteCreateAgent, path: "/v1/agents", want: 422, body: `{"yaml_definition":"title: No body\n"}`,
		why: "a YAML definition without workflow_definition (issue 9, item 2)"},
	{route: skyverntest.RouteGetWorkflow, path: "/v1/workflows/${wpid}", want: 200},
	{route: skyverntest.RouteGetAgent, path: "/v1/agents/${wpid2}", want: 200},
	{route: skyverntest.RouteGetWorkflow, path: "/v1/workflows/" + unknownWorkflow, want: 404},
	{route: skyverntest.RouteUpdateWorkflow, path: "/v1/workflows/${wpid}", want: 200, body: jsonWorkflow},
	{route: skyverntest.RouteUpdateAgent, path: "/v1/agents/${wpid2}", want: 200, body: yamlWorkflow},
	{route: skyverntest.RouteUpdateWorkflow, path: "/v1/workflows/" + unknownWorkflow, want: 404, body: jsonWorkflow},
	{route: skyverntest.RouteUpdateAgent, path: "/v1/agents/${wpid2}", want: 422, body: `{"json_definition":{}}`,
		why: "the definition has no title"},
	{route: skyverntest.RouteListWorkflows, path: "/v1/workflows", want: 200},
	{route: skyverntest.RouteListAgents, path: "/v1/agents?page_size=1", want: 200},
	{route: skyverntest.RouteListWorkflows, path: "/v1/workflows?page=0", want: 422, why: "page starts at 1"},
	{route: skyverntest.RouteListWorkflowVersions, path: "/v1/workflows/${wpid}/versions", want: 200},
	{route: skyverntest.RouteListAgentVersions, path: "/v1/agents/${wpid2}/versions", want: 200},

	// Workflow runs.
	{route: skyverntest.RouteRunWorkflow, path: "/v1/run/workflows", want: 200,
		body: `{"workflow_id":"${wpid}","parameters":{"q":"invoices"},"webhook_url":"${hook}"}`, save: map[string]string{"wr": "run_id"}},
	{route: skyverntest.RouteRunAgent, path: "/v1/run/agents", want: 200,
		body: `{"agent_id":"${wpid2}","webhook_url":"${hook}"}`, save: map[string]string{"wr2": "run_id"}},
	{route: skyverntest.RouteRunWorkflow, path: "/v1/run/workflows", want: 404, body: `{"workflow_id":"` + unknownWorkflow + `"}`,
		why: "an unknown workflow"},
	{route: skyverntest.RouteRunAgent, path: "/v1/run/agents", want: 422, body: `{}`, why: "agent_id is required"},

	// Cancels, before the runs finish.
	{route: skyverntest.RouteCancelRun, path: "/v1/runs/${cancel}/cancel", want: 200},
	{route: skyverntest.RouteCancelRun, path: "/v1/runs/" + unknownRun + "/cancel", want: 404},
	{route: skyverntest.RouteBulkCancelRuns, path: "/v1/runs/cancel", want: 200, body: `{"run_ids":["${bulk}","` + unknownRun + `"]}`},
	{route: skyverntest.RouteBulkCancelRuns, path: "/v1/runs/cancel", want: 422, body: `{}`, why: "run_ids is required"},

	// Every run finishes and its webhook is sent.
	{advance: true},

	// Runs, read.
	{route: skyverntest.RouteGetRun, path: "/v1/runs/${task}", want: 200},
	{route: skyverntest.RouteGetRun, path: "/v1/runs/${taskv2}", want: 200},
	{route: skyverntest.RouteGetRun, path: "/v1/runs/${wr}", want: 200},
	{route: skyverntest.RouteGetRun, path: "/v1/runs/${cancel}", want: 200},
	{route: skyverntest.RouteGetRun, path: "/v1/runs/" + unknownRun, want: 404},
	{route: skyverntest.RouteListRuns, path: "/v1/runs", want: 200},
	{route: skyverntest.RouteListRuns, path: "/v1/runs?run_type=workflow_run&page_size=1", want: 200},
	{route: skyverntest.RouteListRuns, path: "/v1/runs?page=0", want: 422, why: "page starts at 1"},
	{route: skyverntest.RouteListRuns, path: "/v1/runs?status=bogus", want: 422, why: "status is an enum (issue 9, item 5)"},
	{route: skyverntest.RouteListWorkflowRuns, path: "/v1/workflows/runs", want: 200},
	{route: skyverntest.RouteListAgentRuns, path: "/v1/agents/runs?page_size=1", want: 200},
	{route: skyverntest.RouteListWorkflowRuns, path: "/v1/workflows/runs?page=0", want: 422, why: "page starts at 1"},
	{route: skyverntest.RouteGetRunTimeline, path: "/v1/runs/${wr}/timeline", want: 200},
	{route: skyverntest.RouteGetRunTimeline, path: "/v1/runs/${taskv2}/timeline", want: 200},
	{route: skyverntest.RouteGetRunTimeline, path: "/v1/runs/${task}/timeline", want: 400, why: "a task_v1 run has no timeline"},
	{route: skyverntest.RouteGetRunTimeline, path: "/v1/runs/" + unknownRun + "/timeline", want: 404},
	{route: skyverntest.RouteGetRunArtifacts, path: "/v1/runs/${task}/artifacts", want: 200},
	{route: skyverntest.RouteGetRunArtifacts, path: "/v1/runs/${wr}/artifacts?artifact_type=recording", want: 200},
	{route: skyverntest.RouteGetRunArtifacts, path: "/v1/runs/${task}/artifacts?artifact_type=bogus", want: 422,
		why: "artifact_type is an enum (issue 9, item 5)"},
	{route: skyverntest.RouteGetRunArtifacts, path: "/v1/runs/" + unknownRun + "/artifacts", want: 200,
		why: "the server lists no artifacts of an unknown run (issue 9, item 3)"},
	{route: skyverntest.RouteRetryRunWebhook, path: "/v1/runs/${task}/retry_webhook", want: 200, body: `{}`},
	{route: skyverntest.RouteRetryRunWebhook, path: "/v1/runs/${wr}/retry_webhook", want: 200, body: `{"webhook_url":"${hook}"}`},
	{route: skyverntest.RouteRetryRunWebhook, path: "/v1/runs/" + unknownRun + "/retry_webhook", want: 404, body: `{}`},
	{route: skyverntest.RouteRetryRunWebhook, path: "/v1/runs/${task}/retry_webhook", want: 422, body: `{"webhook_url":5}`,
		why: "webhook_url is a string"},

	{route: skyverntest.RouteListWorkflowRunsByID, path: "/v1/workflows/${wpid}/runs", want: 200},
	{route: skyverntest.RouteListAgentRunsByID, path: "/v1/agents/${wpid2}/runs?page_size=1", want: 200},
	{route: skyverntest.RouteListWorkflowRunsByID, path: "/v1/workflows/${wpid}/runs?page=0", want: 422, why: "page starts at 1"},

	// Workflows, deleted.
	{route: skyverntest.RouteDeleteWorkflow, path: "/v1/workflows/${wpid}/delete", want: 200},
	{route: skyverntest.RouteDeleteAgent, path: "/v1/agents/${wpid2}/delete", want: 200},
	{route: skyverntest.RouteGetAgent, path: "/v1/agents/${wpid}", want: 404, why: "a deleted workflow"},
	{advance: true},
}

// errorBody is the body of an error answer whose schema the spec does not
// give (a 403 or 404, which it documents without a body, or does not list):
// FastAPI's {"detail": ...}, a message or a validation list of the spec's
// ValidationError.
const errorBody = `{
	"type": "object",
	"required": ["detail"],
	"properties": {"detail": {"anyOf": [
		{"type": "string", "minLength": 1},
		{"type": "array", "minItems": 1, "items": {"$ref": "spec#/components/schemas/ValidationError"}}
	]}}
}`

// specPath returns the spec's method and path of a route of the fake: the
// endpoint table's spec path (internal/endpoint) for a route the SDK calls,
// which for the workflow routes is their newer twin (/v1/agents for
// /v1/workflows, /v1/run/agents for /v1/run/workflows: the spec documents
// only those); else the route's own, such as a twin's.
func specPath(route string) (method, path string) {
	for _, e := range endpoint.All() {
		if e.Pattern() == route {
			return e.Method, e.Spec
		}
	}
	method, path, _ = strings.Cut(route, " ")
	return method, path
}

// walker runs the steps against one server.
type walker struct {
	spec *spec
	srv  *skyverntest.Server
	vars map[string]string
}

func (w *walker) expand(t *testing.T, s string) string {
	t.Helper()
	return os.Expand(s, func(name string) string {
		v, ok := w.vars[name]
		if !ok {
			t.Fatalf("${%s} was not saved by an earlier step", name)
		}
		return v
	})
}

func (w *walker) run(t *testing.T, st step) {
	method, _, _ := strings.Cut(st.route, " ")
	target := w.expand(t, st.path)
	var body io.Reader
	if st.body != "" {
		body = strings.NewReader(w.expand(t, st.body))
	}
	req, err := http.NewRequest(method, w.srv.URL+target, body)
	if err != nil {
		t.Fatal(err)
	}
	if st.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range st.header {
		req.Header.Set(k, v)
	}
	switch st.key {
	case "":
		req.Header.Set("X-Api-Key", w.srv.APIKey)
	case "-":
	default:
		req.Header.Set("X-Api-Key", st.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	why := ""
	if st.why != "" {
		why = " (" + st.why + ")"
	}
	if resp.StatusCode != st.want {
		t.Errorf("%s %s: status %d, the server answers %d%s; body %.300s", method, target, resp.StatusCode, st.want, why, answer)
	}
	if reqs := w.srv.Requests(); len(reqs) == 0 || reqs[len(reqs)-1].Route != st.route {
		t.Errorf("%s %s was not served by route %q", method, target, st.route)
	}
	specMethod, specPath := specPath(st.route)
	switch ct := resp.Header.Get("Content-Type"); {
	case w.spec.opaque(specMethod, specPath, resp.StatusCode) && (resp.StatusCode < 400 || len(answer) == 0):
		// The spec documents this answer without a JSON schema to hold it
		// to (a 204, a 206, a file's bytes, an empty 416): its status is
		// what is checked.
	case ct != "application/json":
		t.Errorf("%s %s: Content-Type %q, want application/json", method, target, ct)
	default:
		w.validate(t, st.route, resp.StatusCode, answer)
	}

	if len(st.save) > 0 && resp.StatusCode < 300 {
		var m any
		if err := json.Unmarshal(answer, &m); err != nil {
			t.Fatalf("%s %s: the answer is not JSON: %v", method, target, err)
		}
		for name, member := range st.save {
			v, ok := lookup(m, member).(string)
			if !ok || v == "" {
				t.Fatalf("%s %s: the answer has no %s to save", method, target, member)
			}
			w.vars[name] = v
		}
	}
}

// lookup returns the member at path ("name", or "0.name" in a list) of v.
func lookup(v any, path string) any {
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[key]
		case []any:
			i, err := strconv.Atoi(key)
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

// validate checks an answer of route with status against the spec: its
// operation's schema of that status, or FastAPI's error body for an error
// the spec gives no schema of.
func (w *walker) validate(t *testing.T, route string, status int, body []byte) {
	t.Helper()
	method, path := specPath(route)
	if w.spec.operation(method, path) == nil {
		t.Errorf("the spec has no operation %s %s (for the route %q)", method, path, route)
		return
	}
	ptr, ok := w.spec.responseSchema(method, path, status)
	var (
		sch  *jsonschema.Schema
		err  error
		name string
	)
	switch {
	case ok:
		name = "#" + ptr
		sch, err = w.spec.schema(ptr)
	case status >= 400:
		name = "FastAPI's error body (the spec gives no schema of this status)"
		sch, err = w.spec.extra("error-body", errorBody)
	default:
		t.Errorf("%s: the spec documents no JSON answer with status %d for %s %s", route, status, method, path)
		return
	}
	if err != nil {
		t.Fatalf("cannot compile %s: %v", name, err)
	}
	violations, err := w.spec.check(sch, body)
	if err != nil {
		t.Errorf("%s answered %d: %v", route, status, err)
		return
	}
	for _, v := range violations {
		t.Errorf("%s answered %d, against %s: at %q: %s [schema %s]", route, status, name, v.at, v.msg, v.keyword)
	}
}

// TestAnswersMatchTheSpec walks every route of the fake (walkSteps) and
// checks each answer against the spec, then checks every webhook the walk
// made the server send. The steps share one server and depend on each
// other, so they are not subtests (which -run could pick apart); each
// failure names its call.
func TestAnswersMatchTheSpec(t *testing.T) {
	sp := openSpec(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer hook.Close()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	w := &walker{spec: sp, srv: srv, vars: map[string]string{"hook": hook.URL}}

	for _, st := range walkSteps {
		if st.advance {
			// Long enough for every run to finish and its webhook to be
			// delivered, retries included.
			srv.Advance(time.Hour)
			continue
		}
		w.run(t, st)
	}

	// Each webhook is the run's Run Response with legacy members beside it,
	// which the schemas allow: none of them forbids other members.
	seen := map[string]int{}
	for _, d := range srv.Webhooks() {
		var head struct {
			RunType string `json:"run_type"`
		}
		if err := json.Unmarshal(d.Body, &head); err != nil {
			t.Errorf("the webhook of %s is not JSON: %v", d.RunID, err)
			continue
		}
		name := "TaskRunResponse"
		if head.RunType == "workflow_run" {
			name = "WorkflowRunResponse"
		}
		seen[name]++
		sch, err := sp.schema("/components/schemas/" + name)
		if err != nil {
			t.Fatal(err)
		}
		violations, err := sp.check(sch, d.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range violations {
			t.Errorf("the webhook of %s (run_type %s, replay %t), against %s: at %q: %s [schema %s]",
				d.RunID, head.RunType, d.Replay, name, v.at, v.msg, v.keyword)
		}
	}
	if seen["TaskRunResponse"] == 0 || seen["WorkflowRunResponse"] == 0 {
		t.Errorf("the walk made webhooks of %v; want task and workflow runs", seen)
	}
}

// neverSucceeds are the routes the server refuses on every call, with why:
// the walk checks their refusal only.
var neverSucceeds = map[string]string{
	skyverntest.RouteRunScript: "skyvern/forge/sdk/routes/scripts.py run_script raises 400 Not implemented",
}

// TestEveryRouteIsWalked fails when a route of the fake (skyverntest.Routes)
// or an operation of the SDK's endpoint table (internal/endpoint) has no
// step in walkSteps that answers it with success: a new route or operation
// needs a case in the walk.
func TestEveryRouteIsWalked(t *testing.T) {
	walked := map[string]bool{}
	for _, st := range walkSteps {
		if !st.advance && st.want < 300 {
			walked[st.route] = true
		}
	}
	for _, route := range skyverntest.Routes() {
		if !walked[route] && neverSucceeds[route] == "" {
			t.Errorf("route %q has no successful call in walkSteps: add one", route)
		}
	}
	for _, e := range endpoint.All() {
		if !walked[e.Pattern()] && neverSucceeds[e.Pattern()] == "" {
			t.Errorf("%s (%s) has no successful call in walkSteps: add one", e.Pattern(), e.Operation())
		}
	}
}
