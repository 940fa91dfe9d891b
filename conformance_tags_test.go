package skyvern_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// tagSchemas maps the tag schemas to their Go types, which have a field
// for every property and none the schema lacks. TagLabel stands for both
// TagInput (a tag to set) and TagItem (a tag in a batch answer), which have
// the same two properties.
var tagSchemas = []struct {
	schema string
	goType any
}{
	{"TagApplyRequest", skyvern.TagChanges{}},
	{"TagInput", skyvern.TagLabel{}},
	{"TagItem", skyvern.TagLabel{}},
	{"TagDeleteInput", skyvern.TagDeleteTarget{}},
	{"TagResponse", skyvern.Tag{}},
	{"RunTagsResponse", skyvern.RunTags{}},
	{"TagsResponse", skyvern.WorkflowTags{}},
	{"TagHistoryItem", skyvern.TagHistoryEntry{}},
	{"RunTagHistoryResponse", skyvern.RunTagHistory{}},
	{"TagHistoryResponse", skyvern.WorkflowTagHistory{}},
	{"TagKey", skyvern.TagKey{}},
	{"TagKeyUpdate", skyvern.UpdateTagKeyRequest{}},
	{"TagKeyDeleteResponse", skyvern.TagKeyDeleteResult{}},
	{"TagValue", skyvern.TagValue{}},
	{"TagValueCreate", skyvern.CreateTagValueRequest{}},
	{"TagValueUpdate", skyvern.UpdateTagValueRequest{}},
	{"TagValueRename", skyvern.RenameTagValueRequest{}},
	{"TagValueRenameResponse", skyvern.TagValueRenameResult{}},
	{"TagValueDeleteResponse", skyvern.TagValueDeleteResult{}},
	{"WorkflowTagsBatchResponse", skyvern.WorkflowTagsBatch{}},
	{"RunTagsBatchResponse", skyvern.RunTagsBatch{}},
	{"RunTagSuggestionsResponse", skyvern.RunTagSuggestions{}},
}

func TestConformanceTagSchemas(t *testing.T) {
	spec := openAPISpec(t)
	for _, c := range tagSchemas {
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
}

// TestConformanceTagArguments checks the request schemas that methods take
// as arguments rather than as a type: each has exactly the one property the
// method sends, so a new property shows up here.
func TestConformanceTagArguments(t *testing.T) {
	spec := openAPISpec(t)
	for name, prop := range map[string]string{
		"TagValueDelete":           "value",                  // DeleteTagValue's value
		"WorkflowTagsBatchRequest": "workflow_permanent_ids", // BatchGetWorkflowTags's ids
		"RunTagsBatchRequest":      "workflow_run_ids",       // BatchGetRunTags's ids
	} {
		props, _ := schema(t, spec, name)["properties"].(map[string]any)
		assert.Equal(t, []string{prop}, sortedProps(props), name)
	}
	// The query parameters of the two history routes and of List Tag Values.
	params := func(method, path string) []string {
		op := spec["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
		var out []string
		for _, p := range op["parameters"].([]any) {
			p := p.(map[string]any)
			if p["in"] == "query" {
				out = append(out, p["name"].(string))
			}
		}
		sort.Strings(out)
		return out
	}
	history := sortedProps(toSet(urlNames(reflect.TypeFor[skyvern.TagHistoryParams]())))
	assert.Equal(t, params("get", "/v1/runs/{workflow_run_id}/tags/history"), history)
	assert.Equal(t, params("get", "/v1/agents/{workflow_permanent_id}/tags/history"), history)
	assert.Equal(t, params("get", "/v1/tag-values"), sortedProps(toSet(urlNames(reflect.TypeFor[skyvern.ListTagValuesParams]()))))
}

func toSet(m map[string]bool) map[string]any {
	out := map[string]any{}
	for k := range m {
		out[k] = true
	}
	return out
}

func sortedProps(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestConformanceTagEnums checks the tag enums against the server's: the
// spec types them as plain strings, so the values are Skyvern's (its
// TagSource and TagEventType enums and its color palette), kept here.
func TestConformanceTagEnums(t *testing.T) {
	consts := constants(t)
	for _, e := range []struct {
		goType  string
		values  []string
		isKnown func(string) bool
	}{
		{"TagSource", []string{"manual", "bulk_apply", "backfill", "inherited", "import", "system"},
			func(v string) bool { return skyvern.TagSource(v).IsKnown() }},
		{"TagEventType", []string{"set", "delete"}, func(v string) bool { return skyvern.TagEventType(v).IsKnown() }},
		{"TagColor", []string{"gray", "red", "orange", "amber", "yellow", "green", "teal", "blue", "cyan", "indigo", "purple", "pink"},
			func(v string) bool { return skyvern.TagColor(v).IsKnown() }},
	} {
		t.Run(e.goType, func(t *testing.T) {
			got := make([]string, 0, len(consts[e.goType]))
			for v := range consts[e.goType] {
				got = append(got, v)
				assert.True(t, e.isKnown(v), "IsKnown disagrees with the constant %q", v)
			}
			assert.ElementsMatch(t, e.values, got)
			assert.False(t, e.isKnown("bogus"))
		})
	}
}
