package skyvern_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// openAPISpec loads Skyvern's published OpenAPI spec from
// SKYVERN_OPENAPI_SPEC, else from ../shared/reference beside the checkout.
// The spec is reference data and is never copied into this repository.
func openAPISpec(t *testing.T) map[string]any {
	t.Helper()
	path, explicit := os.LookupEnv("SKYVERN_OPENAPI_SPEC")
	if path == "" {
		path, explicit = "../shared/reference/skyvern-openapi.json", false
	}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) && !explicit {
		t.Skipf("conformance test skipped: Skyvern's OpenAPI spec is not at %s; set SKYVERN_OPENAPI_SPEC to its path to run it", path)
	}
	require.NoError(t, err)
	var spec map[string]any
	require.NoError(t, json.Unmarshal(data, &spec))
	return spec
}

func schema(t *testing.T, spec map[string]any, name string) map[string]any {
	t.Helper()
	s, ok := spec["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	require.True(t, ok, "the spec has no schema %q", name)
	return s
}

// jsonNames returns the JSON member names a type encodes and decodes.
func jsonNames(typ reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// SchemaConformance maps each request and response schema the SDK models to
// its Go type; aliases name spec properties the Go type spells differently
// on purpose.
var schemaConformance = []struct {
	schema  string
	goType  any
	aliases map[string]string
}{
	{"TaskRunRequest-Input", skyvern.TaskRunRequest{}, nil},
	{"TaskRunRequest-Output", skyvern.TaskRunRequest{}, nil},
	// The SDK posts to /v1/run/workflows, which takes workflow_id; the spec
	// documents the newer /v1/run/agents with agent_id.
	{"WorkflowRunRequest-Input", skyvern.WorkflowRunRequest{}, map[string]string{"agent_id": "workflow_id"}},
	{"WorkflowRunRequest-Output", skyvern.WorkflowRunRequest{}, nil},
	{"TaskRunResponse", skyvern.RunResponse{}, nil},
	{"WorkflowRunResponse", skyvern.RunResponse{}, nil},
	{"FileInfo", skyvern.FileInfo{}, nil},
	{"ScriptRunResponse", skyvern.ScriptRun{}, nil},
	{"GeoTarget", skyvern.GeoTarget{}, nil},
	{"RetryRunWebhookRequest", skyvern.RetryRunWebhookRequest{}, nil},
	{"RunWebhookReplayResponse", skyvern.RunWebhookReplayResponse{}, nil},
	{"ValidationError", skyvern.ValidationError{}, nil},
	{"TaskRunListItem", skyvern.RunListItem{}, nil},
	{"BulkCancelRunsResponse", skyvern.BulkCancelResult{}, nil},
	{"WorkflowRunTimeline", skyvern.RunTimelineEntry{}, nil},
	{"WorkflowRunBlock", skyvern.WorkflowRunBlock{}, nil},
	{"Thought", skyvern.Thought{}, nil},
	{"Artifact", skyvern.Artifact{}, nil},
	{"WorkflowRun", skyvern.WorkflowRun{}, nil},
	{"Workflow", skyvern.Workflow{}, nil},
	{"WorkflowRequest", skyvern.WorkflowRequest{}, nil},
	{"WorkflowCreateYAMLRequest", skyvern.WorkflowDefinition{}, nil},
	{"WorkflowDefinitionYAML", skyvern.WorkflowBody{}, nil},
}

func TestConformanceSchemas(t *testing.T) {
	spec := openAPISpec(t)
	for _, c := range schemaConformance {
		t.Run(c.schema, func(t *testing.T) {
			props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
			require.NotEmpty(t, props)
			names := jsonNames(reflect.TypeOf(c.goType))
			var missing []string
			for p := range props {
				name := p
				if alias, ok := c.aliases[p]; ok {
					name = alias
				}
				if !names[name] {
					missing = append(missing, p)
				}
			}
			sort.Strings(missing)
			require.Empty(t, missing, "%T has no field for these properties of %s", c.goType, c.schema)
		})
	}
}

// headerFields maps the header parameters of the run-creating routes to the
// request fields that carry them.
var headerFields = map[string]string{
	"x-user-agent":         "XUserAgent",
	"x-max-steps-override": "MaxStepsOverride",
}

func TestConformanceHeaderParameters(t *testing.T) {
	spec := openAPISpec(t)
	routes := []struct {
		path   string
		goType any
	}{
		{"/v1/run/tasks", skyvern.TaskRunRequest{}},
		{"/v1/run/agents", skyvern.WorkflowRunRequest{}},
	}
	for _, r := range routes {
		op := spec["paths"].(map[string]any)[r.path].(map[string]any)["post"].(map[string]any)
		for _, p := range op["parameters"].([]any) {
			p := p.(map[string]any)
			name := p["name"].(string)
			if p["in"] != "header" || name == "x-api-key" {
				continue
			}
			field, ok := headerFields[name]
			require.True(t, ok, "header %s of POST %s is not modelled", name, r.path)
			_, ok = reflect.TypeOf(r.goType).FieldByName(field)
			require.True(t, ok, "%T has no field %s for header %s", r.goType, field, name)
		}
	}
}

// constants returns the string constants of the package, by type name, as
// declared in its source.
func constants(t *testing.T) map[string]map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	out := map[string]map[string]bool{}
	for _, f := range pkgs["skyvern"].Files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				ident, ok := vs.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						if out[ident.Name] == nil {
							out[ident.Name] = map[string]bool{}
						}
						out[ident.Name][s] = true
					}
				}
			}
		}
	}
	return out
}

func TestConformanceEnums(t *testing.T) {
	spec := openAPISpec(t)
	consts := constants(t)
	enums := []struct{ schema, goType string }{
		{"RunStatus", "RunStatus"},
		{"RunType", "RunType"},
		{"RunEngine", "RunEngine"},
		{"ProxyLocation", "ProxyLocation"},
		{"BrowserSeedSource", "BrowserSeedSource"},
		{"WorkflowRunStatus", "RunStatus"},
		{"ArtifactType", "ArtifactType"},
		{"WorkflowStatus", "WorkflowStatus"},
		{"WorkflowRunTriggerType", "TriggerType"},
	}
	for _, e := range enums {
		t.Run(e.schema, func(t *testing.T) {
			values, _ := schema(t, spec, e.schema)["enum"].([]any)
			require.NotEmpty(t, values)
			for _, v := range values {
				require.True(t, consts[e.goType][v.(string)], "no %s constant for %q", e.goType, v)
			}
		})
	}
	t.Run("the task run types inside TaskRunResponse", func(t *testing.T) {
		prop := schema(t, spec, "TaskRunResponse")["properties"].(map[string]any)["run_type"].(map[string]any)
		for _, v := range prop["enum"].([]any) {
			require.True(t, consts["RunType"][v.(string)], "no RunType constant for %q", v)
		}
	})
	t.Run("IsKnown agrees with the constants", func(t *testing.T) {
		for v := range consts["RunStatus"] {
			require.True(t, skyvern.RunStatus(v).IsKnown(), v)
		}
		for v := range consts["RunType"] {
			require.True(t, skyvern.RunType(v).IsKnown(), v)
		}
		for v := range consts["RunEngine"] {
			require.True(t, skyvern.RunEngine(v).IsKnown(), v)
		}
		for v := range consts["ProxyLocation"] {
			require.True(t, skyvern.ProxyLocation(v).IsKnown(), v)
		}
	})
}

// urlNames returns the query parameter names a params type encodes.
func urlNames(typ reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("url"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

func TestConformanceQueryParameters(t *testing.T) {
	spec := openAPISpec(t)
	routes := []struct {
		method, path string
		goType       any
		skip         map[string]bool // parameters left out on purpose
	}{
		{"get", "/v1/runs", skyvern.ListRunsParams{}, nil},
		{"get", "/v1/agents/runs", skyvern.ListWorkflowRunsParams{}, nil},
		// title is deprecated in favour of search_key.
		{"get", "/v1/agents", skyvern.ListWorkflowsParams{}, map[string]bool{"title": true}},
		{"get", "/v1/agents/{workflow_permanent_id}", skyvern.GetWorkflowParams{}, nil},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			op := spec["paths"].(map[string]any)[r.path].(map[string]any)[r.method].(map[string]any)
			names := urlNames(reflect.TypeOf(r.goType))
			for _, p := range op["parameters"].([]any) {
				p := p.(map[string]any)
				name := p["name"].(string)
				if p["in"] == "query" && !r.skip[name] {
					require.True(t, names[name], "%T has no field for query parameter %s", r.goType, name)
				}
			}
		})
	}
}
