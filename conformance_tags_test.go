package skyvern_test

import "github.com/skyvern-go/skyvern"

// tagConformance is the tags area. Its types have a field for every
// property and none the schema lacks, and its params send exactly the
// query parameters their routes take. TagLabel stands for both TagInput (a
// tag to set) and TagItem (a tag in a batch answer), which have the same
// two properties.
var tagConformance = conformanceArea{
	name: "tags",
	schemas: []schemaCase{
		{schema: "TagApplyRequest", goType: skyvern.TagChanges{}, exact: true},
		{schema: "TagInput", goType: skyvern.TagLabel{}, exact: true},
		{schema: "TagItem", goType: skyvern.TagLabel{}, exact: true},
		{schema: "TagDeleteInput", goType: skyvern.TagDeleteTarget{}, exact: true},
		{schema: "TagResponse", goType: skyvern.Tag{}, exact: true},
		{schema: "RunTagsResponse", goType: skyvern.RunTags{}, exact: true},
		{schema: "TagsResponse", goType: skyvern.WorkflowTags{}, exact: true},
		{schema: "TagHistoryItem", goType: skyvern.TagHistoryEntry{}, exact: true},
		{schema: "RunTagHistoryResponse", goType: skyvern.RunTagHistory{}, exact: true},
		{schema: "TagHistoryResponse", goType: skyvern.WorkflowTagHistory{}, exact: true},
		{schema: "TagKey", goType: skyvern.TagKey{}, exact: true},
		{schema: "TagKeyUpdate", goType: skyvern.UpdateTagKeyRequest{}, exact: true},
		{schema: "TagKeyDeleteResponse", goType: skyvern.TagKeyDeleteResult{}, exact: true},
		{schema: "TagValue", goType: skyvern.TagValue{}, exact: true},
		{schema: "TagValueCreate", goType: skyvern.CreateTagValueRequest{}, exact: true},
		{schema: "TagValueUpdate", goType: skyvern.UpdateTagValueRequest{}, exact: true},
		{schema: "TagValueRename", goType: skyvern.RenameTagValueRequest{}, exact: true},
		{schema: "TagValueRenameResponse", goType: skyvern.TagValueRenameResult{}, exact: true},
		{schema: "TagValueDeleteResponse", goType: skyvern.TagValueDeleteResult{}, exact: true},
		{schema: "WorkflowTagsBatchResponse", goType: skyvern.WorkflowTagsBatch{}, exact: true},
		{schema: "RunTagsBatchResponse", goType: skyvern.RunTagsBatch{}, exact: true},
		{schema: "RunTagSuggestionsResponse", goType: skyvern.RunTagSuggestions{}, exact: true},
		// Request schemas that methods take as arguments rather than as a
		// type: each has exactly the one property the method sends, so a
		// new property shows up here.
		{schema: "TagValueDelete", extra: []string{"value"}, exact: true},                            // DeleteTagValue's value
		{schema: "WorkflowTagsBatchRequest", extra: []string{"workflow_permanent_ids"}, exact: true}, // BatchGetWorkflowTags's ids
		{schema: "RunTagsBatchRequest", extra: []string{"workflow_run_ids"}, exact: true},            // BatchGetRunTags's ids
	},
	// The spec types the tag enums as plain strings, so the values are
	// Skyvern's, kept here.
	enums: []enumCase{
		{values: listed("Skyvern's TagSource enum", "manual", "bulk_apply", "backfill", "inherited", "import", "system"),
			goType: goEnum[skyvern.TagSource](), exact: true},
		{values: listed("Skyvern's TagEventType enum", "set", "delete"), goType: goEnum[skyvern.TagEventType](), exact: true},
		{values: listed("Skyvern's tag color palette", "gray", "red", "orange", "amber", "yellow", "green", "teal", "blue", "cyan", "indigo", "purple", "pink"),
			goType: goEnum[skyvern.TagColor](), exact: true},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/runs/{workflow_run_id}/tags/history", goType: skyvern.TagHistoryParams{}, exact: true},
		{method: "get", path: "/v1/agents/{workflow_permanent_id}/tags/history", goType: skyvern.TagHistoryParams{}, exact: true},
		{method: "get", path: "/v1/tag-values", goType: skyvern.ListTagValuesParams{}, exact: true},
	},
}
