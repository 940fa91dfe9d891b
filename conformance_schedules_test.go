package skyvern_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// scheduleSchemas maps the schedule and folder schemas to their Go types.
var scheduleSchemas = []struct {
	schema string
	goType any
}{
	{"WorkflowSchedule", skyvern.Schedule{}},
	{"WorkflowScheduleResponse", skyvern.ScheduleResponse{}},
	{"WorkflowScheduleUpsertRequest", skyvern.ScheduleRequest{}},
	{"OrganizationScheduleItem", skyvern.ScheduleListItem{}},
	{"OrganizationScheduleListResponse", skyvern.SchedulePage{}},
	{"Folder", skyvern.Folder{}},
	{"FolderCreate", skyvern.CreateFolderRequest{}},
	{"FolderUpdate", skyvern.UpdateFolderRequest{}},
	{"UpdateWorkflowFolderRequest", skyvern.UpdateWorkflowFolderRequest{}},
}

func TestConformanceScheduleSchemas(t *testing.T) {
	spec := openAPISpec(t)
	for _, c := range scheduleSchemas {
		t.Run(c.schema, func(t *testing.T) {
			props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
			require.NotEmpty(t, props)
			names := jsonNames(reflect.TypeOf(c.goType))
			var missing []string
			for p := range props {
				if !names[p] {
					missing = append(missing, p)
				}
			}
			sort.Strings(missing)
			require.Empty(t, missing, "%T has no field for these properties of %s", c.goType, c.schema)
			for name := range names {
				require.Contains(t, props, name, "%T has a field %s that %s does not define", c.goType, name, c.schema)
			}
		})
	}
	t.Run("DeleteScheduleResponse is only ok, which DeleteSchedule does not return", func(t *testing.T) {
		props := schema(t, spec, "DeleteScheduleResponse")["properties"].(map[string]any)
		require.Len(t, props, 1)
		require.Contains(t, props, "ok")
	})
}

// allURLNames returns the query parameter names a params type encodes,
// those of embedded structs included.
func allURLNames(typ reflect.Type) map[string]bool {
	names := urlNames(typ)
	for i := range typ.NumField() {
		if f := typ.Field(i); f.Anonymous && f.Type.Kind() == reflect.Struct {
			for n := range allURLNames(f.Type) {
				names[n] = true
			}
		}
	}
	return names
}

func TestConformanceScheduleParameters(t *testing.T) {
	spec := openAPISpec(t)
	paths := spec["paths"].(map[string]any)
	for _, r := range []struct {
		method, path string
		goType       any
	}{
		{"get", "/v1/schedules", skyvern.ListSchedulesParams{}},
		{"get", "/v1/folders", skyvern.ListFoldersParams{}},
		{"delete", "/v1/folders/{folder_id}", skyvern.DeleteFolderParams{}},
		{"get", "/v1/agents/{workflow_id}/runs", skyvern.ListRunsOfWorkflowParams{}},
	} {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			op := paths[r.path].(map[string]any)[r.method].(map[string]any)
			names := allURLNames(reflect.TypeOf(r.goType))
			inSpec := map[string]bool{}
			for _, p := range op["parameters"].([]any) {
				p := p.(map[string]any)
				if p["in"] == "query" {
					inSpec[p["name"].(string)] = true
					require.True(t, names[p["name"].(string)], "%T has no field for query parameter %s", r.goType, p["name"])
				}
			}
			for n := range names {
				require.True(t, inSpec[n], "%T sends %s, which %s %s does not take", r.goType, n, r.method, r.path)
			}
		})
	}
	t.Run("the schedule status filter's values", func(t *testing.T) {
		op := paths["/v1/schedules"].(map[string]any)["get"].(map[string]any)
		consts := constants(t)
		for _, p := range op["parameters"].([]any) {
			p := p.(map[string]any)
			if p["name"] != "status" {
				continue
			}
			var values []any
			for _, alt := range p["schema"].(map[string]any)["anyOf"].([]any) {
				if e, ok := alt.(map[string]any)["enum"].([]any); ok {
					values = e
				}
			}
			require.NotEmpty(t, values)
			for _, v := range values {
				require.True(t, consts["ScheduleStatus"][v.(string)], "no ScheduleStatus constant for %q", v)
				require.True(t, skyvern.ScheduleStatus(v.(string)).IsKnown())
			}
			require.Len(t, consts["ScheduleStatus"], len(values))
		}
	})
	t.Run("retry takes the run-creating headers", func(t *testing.T) {
		op := paths["/v1/agents/runs/{workflow_run_id}/retry"].(map[string]any)["post"].(map[string]any)
		var headers []string
		for _, p := range op["parameters"].([]any) {
			if p := p.(map[string]any); p["in"] == "header" && p["name"] != "x-api-key" {
				headers = append(headers, p["name"].(string))
			}
		}
		sort.Strings(headers)
		// RetryWorkflowRun takes them as WithHeader options.
		require.Equal(t, []string{"x-max-steps-override", "x-user-agent"}, headers)
	})
}
