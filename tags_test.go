package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tagFixture is a fake server with a saved workflow and two of its runs.
type tagFixture struct {
	srv        *skyverntest.Server
	client     *skyvern.Client
	wpid       string
	run, other string
}

func newTagFixture(t *testing.T) *tagFixture {
	t.Helper()
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := context.Background()
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Invoices\nworkflow_definition: {parameters: [], blocks: []}\n"})
	require.NoError(t, err)
	f := &tagFixture{srv: srv, client: client, wpid: wf.WorkflowPermanentID}
	for _, dst := range []*string{&f.run, &f.other} {
		r, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: f.wpid})
		require.NoError(t, err)
		*dst = r.RunID
	}
	return f
}

func runIDs(t *testing.T, client *skyvern.Client, tags ...string) []string {
	t.Helper()
	ids := []string{}
	for r, err := range client.ListRuns(context.Background(), skyvern.ListRunsParams{Tags: tags}) {
		require.NoError(t, err)
		ids = append(ids, r.RunID)
	}
	return ids
}

func labels(tags []skyvern.Tag) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, t.Label().String())
	}
	return out
}

func TestATaggedRunIsFoundByItsTagWithListRuns(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	_, err := f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "env", Value: "prod"}, {Value: "nightly"}}})
	require.NoError(t, err)
	_, err = f.client.ApplyRunTags(ctx, f.other, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "env", Value: "staging"}}})
	require.NoError(t, err)

	for _, tt := range []struct {
		name string
		tags []string
		want []string
	}{
		{"a group:label term", []string{"env:prod"}, []string{f.run}},
		{"a standalone label", []string{"nightly"}, []string{f.run}},
		{"a label term matches the label in a group too", []string{"prod"}, []string{f.run}},
		{"a group wildcard", []string{"env:*"}, []string{f.other, f.run}},
		{"labels of one group are ORed", []string{"env:prod,env:staging"}, []string{f.other, f.run}},
		{"distinct terms are ANDed", []string{"env:staging", "nightly"}, []string{}},
		{"a tag nobody has", []string{"env:dev"}, []string{}},
		{"no filter", nil, []string{f.other, f.run}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, runIDs(t, f.client, tt.tags...))
		})
	}

	t.Run("the runs of one workflow filter the same way", func(t *testing.T) {
		// GET /v1/workflows/{id}/runs has no client method yet; ask the fake directly.
		req, _ := http.NewRequest("GET", f.srv.URL+"/v1/workflows/"+f.wpid+"/runs?tags=env:staging", nil)
		req.Header.Set("X-Api-Key", f.srv.APIKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var runs []struct {
			WorkflowRunID string `json:"workflow_run_id"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&runs))
		require.Len(t, runs, 1)
		assert.Equal(t, f.other, runs[0].WorkflowRunID)
	})

	t.Run("a removed tag no longer finds the run", func(t *testing.T) {
		_, err := f.client.DeleteRunTag(ctx, f.run, "env")
		require.NoError(t, err)
		assert.Equal(t, []string{f.other}, runIDs(t, f.client, "env:*"))
	})

	t.Run("a malformed filter is refused with 400", func(t *testing.T) {
		for _, tags := range [][]string{{"env:"}, {"env:prod,"}, {":prod"}} {
			_, err := f.client.ListRunsPage(ctx, skyvern.ListRunsParams{Tags: tags})
			require.ErrorIs(t, err, skyvern.ErrBadRequest, tags)
			assert.Contains(t, err.Error(), "Invalid tag filter")
		}
	})
}

func TestATaggedWorkflowIsFoundByItsTagWithListWorkflows(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	second, err := f.client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: Receipts\nworkflow_definition: {parameters: [], blocks: []}\n"})
	require.NoError(t, err)
	_, err = f.client.ApplyWorkflowTags(ctx, f.wpid, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "team", Value: "finance"}}})
	require.NoError(t, err)

	found, err := f.client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{Tags: []string{"team:finance"}})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, f.wpid, found[0].WorkflowPermanentID)
	all, err := f.client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Len(t, all, 2, "without a filter %s is listed too", second.WorkflowPermanentID)
}

func TestRunTagsAreSetReplacedRemovedAndRemembered(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()

	got, err := f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{
		Tags:   []skyvern.TagLabel{{Key: "env", Value: "prod"}, {Value: "urgent"}, {Key: "customer", Value: "acme"}},
		Colors: map[string]skyvern.TagColor{"env": skyvern.TagColorRed},
	})
	require.NoError(t, err)
	assert.Equal(t, f.run, got.WorkflowRunID)
	assert.Equal(t, []string{"urgent", "customer:acme", "env:prod"}, labels(got.Tags), "standalone labels first, then by key")
	first := got.Tags[0]
	assert.Equal(t, skyvern.TagSourceManual, first.Source)
	assert.Equal(t, f.srv.Now(), first.SetAt.Time)
	assert.NotEmpty(t, first.SetBy)

	f.srv.Advance(time.Second)
	got, err = f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{
		Tags:         []skyvern.TagLabel{{Key: "env", Value: "staging"}},
		TagsToDelete: []skyvern.TagDeleteTarget{{Value: "urgent"}, {Key: "customer"}, {Key: "env"}},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"env:staging"}, labels(got.Tags), "a set wins over a delete of the same key")

	read, err := f.client.GetRunTags(ctx, f.run)
	require.NoError(t, err)
	assert.Equal(t, labels(got.Tags), labels(read.Tags))

	f.srv.Advance(time.Second)
	got, err = f.client.DeleteRunTag(ctx, f.run, "env")
	require.NoError(t, err)
	assert.Empty(t, got.Tags)
	got, err = f.client.DeleteRunTag(ctx, f.run, "env")
	require.NoError(t, err, "removing a tag the run does not carry is not an error")
	assert.Empty(t, got.Tags)

	h, err := f.client.GetRunTagHistory(ctx, f.run, skyvern.TagHistoryParams{})
	require.NoError(t, err)
	assert.Equal(t, f.run, h.WorkflowRunID)
	type ev struct {
		typ        skyvern.TagEventType
		key, value string
		superseded bool
	}
	var events []ev
	for _, e := range h.Events {
		assert.True(t, strings.HasPrefix(e.TagEventID, "rtge_"), e.TagEventID)
		events = append(events, ev{e.EventType, e.Key, e.Value, !e.SupersededAt.IsZero()})
	}
	// Newest first, as Skyvern orders them (by time, then by id): the delete
	// of env, the second apply (written as sets, grouped deletes, label
	// deletes), then the first (grouped sets, then labels).
	assert.Equal(t, []ev{
		{skyvern.TagEventDelete, "env", "", false},
		{skyvern.TagEventDelete, "", "urgent", false},
		{skyvern.TagEventDelete, "customer", "", false},
		{skyvern.TagEventSet, "env", "staging", true},
		{skyvern.TagEventSet, "", "urgent", true},
		{skyvern.TagEventSet, "env", "prod", true},
		{skyvern.TagEventSet, "customer", "acme", true},
	}, events)

	t.Run("narrowed by key, limit and since", func(t *testing.T) {
		h, err := f.client.GetRunTagHistory(ctx, f.run, skyvern.TagHistoryParams{Key: "env", Limit: 2})
		require.NoError(t, err)
		require.Len(t, h.Events, 2)
		assert.Equal(t, skyvern.TagEventDelete, h.Events[0].EventType)
		assert.Equal(t, "staging", h.Events[1].Value)

		since := f.srv.Now().Add(-time.Second)
		h, err = f.client.GetRunTagHistory(ctx, f.run, skyvern.TagHistoryParams{Since: since})
		require.NoError(t, err)
		assert.Len(t, h.Events, 4, "the first apply was made before since")
	})
}

func TestWorkflowTagsHaveTheSameFourCalls(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	got, err := f.client.ApplyWorkflowTags(ctx, f.wpid, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "team", Value: "ops"}, {Value: "beta"}}})
	require.NoError(t, err)
	assert.Equal(t, f.wpid, got.WorkflowPermanentID)
	assert.Equal(t, []string{"beta", "team:ops"}, labels(got.Tags))

	read, err := f.client.GetWorkflowTags(ctx, f.wpid)
	require.NoError(t, err)
	assert.Equal(t, labels(got.Tags), labels(read.Tags))

	got, err = f.client.DeleteWorkflowTag(ctx, f.wpid, "team")
	require.NoError(t, err)
	assert.Equal(t, []string{"beta"}, labels(got.Tags))

	h, err := f.client.GetWorkflowTagHistory(ctx, f.wpid, skyvern.TagHistoryParams{})
	require.NoError(t, err)
	assert.Equal(t, f.wpid, h.WorkflowPermanentID)
	require.Len(t, h.Events, 3)
	assert.True(t, strings.HasPrefix(h.Events[0].TagEventID, "tge_"))
	assert.Equal(t, skyvern.TagEventDelete, h.Events[0].EventType)

	routes := map[string]bool{}
	for _, r := range f.srv.Requests() {
		routes[r.Route] = true
	}
	for _, r := range []string{skyverntest.RouteApplyWorkflowTags, skyverntest.RouteGetWorkflowTags,
		skyverntest.RouteDeleteWorkflowTag, skyverntest.RouteGetWorkflowTagHistory} {
		assert.True(t, routes[r], "the client calls %s", r)
	}
}

func TestTagCallsReportTheServersErrors(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	task, err := f.client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"})
	require.NoError(t, err)
	set := func(tags ...skyvern.TagLabel) skyvern.TagChanges { return skyvern.TagChanges{Tags: tags} }
	many := make([]skyvern.TagLabel, 21)
	for i := range many {
		many[i] = skyvern.TagLabel{Value: "l" + string(rune('a'+i))}
	}

	tests := []struct {
		name   string
		call   func() error
		is     error
		detail string
	}{
		{"an unknown run", func() error { _, err := f.client.GetRunTags(ctx, "wr_404"); return err },
			skyvern.ErrNotFound, "Workflow run wr_404 not found"},
		{"a task run, which carries no tags", func() error {
			_, err := f.client.ApplyRunTags(ctx, task.RunID, set(skyvern.TagLabel{Value: "x"}))
			return err
		},
			skyvern.ErrNotFound, "Workflow run " + task.RunID + " not found"},
		{"an unknown workflow", func() error { _, err := f.client.GetWorkflowTags(ctx, "wpid_404"); return err },
			skyvern.ErrNotFound, "Workflow wpid_404 not found"},
		{"a malformed key", func() error {
			_, err := f.client.ApplyRunTags(ctx, f.run, set(skyvern.TagLabel{Key: "-env", Value: "x"}))
			return err
		},
			skyvern.ErrValidation, "body.tags.0.key: Value error, tag keys must match"},
		{"a reserved key", func() error {
			_, err := f.client.ApplyWorkflowTags(ctx, f.wpid, set(skyvern.TagLabel{Key: "skyvern.source", Value: "x"}))
			return err
		}, skyvern.ErrValidation, "reserved 'skyvern.' prefix"},
		{"a value with a comma", func() error {
			_, err := f.client.ApplyRunTags(ctx, f.run, set(skyvern.TagLabel{Value: "a,b"}))
			return err
		},
			skyvern.ErrValidation, "tag values must not contain ','"},
		{"a standalone label with a colon", func() error {
			_, err := f.client.ApplyRunTags(ctx, f.run, set(skyvern.TagLabel{Value: "a:b"}))
			return err
		},
			skyvern.ErrValidation, "standalone label values must not contain ':'"},
		{"a delete target naming both", func() error {
			_, err := f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{TagsToDelete: []skyvern.TagDeleteTarget{{Key: "env", Value: "prod"}}})
			return err
		}, skyvern.ErrValidation, "not both"},
		{"more than 20 tags at once", func() error { _, err := f.client.ApplyRunTags(ctx, f.run, set(many...)); return err },
			skyvern.ErrValidation, "tags can include at most 20 entries"},
		{"a path key that is malformed", func() error { _, err := f.client.DeleteRunTag(ctx, f.run, "skyvern.x"); return err },
			skyvern.ErrBadRequest, "reserved 'skyvern.' prefix"},
		{"an empty run id", func() error { _, err := f.client.GetRunTagHistory(ctx, "", skyvern.TagHistoryParams{}); return err },
			skyvern.ErrEmptyID, ""},
		{"an empty key", func() error { _, err := f.client.DeleteWorkflowTag(ctx, f.wpid, ""); return err },
			skyvern.ErrEmptyID, ""},
		{"a history limit over 500", func() error {
			_, err := f.client.GetRunTagHistory(ctx, f.run, skyvern.TagHistoryParams{Limit: 501})
			return err
		}, skyvern.ErrValidation, "less than or equal to 500"},
		{"a workflow version id", func() error { _, err := f.client.GetWorkflowTags(ctx, "w_123"); return err },
			skyvern.ErrNotFound, "workflow version id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, tt.is)
			assert.Contains(t, err.Error(), tt.detail)
		})
	}

	t.Run("more than 20 tags in all", func(t *testing.T) {
		_, err := f.client.ApplyRunTags(ctx, f.run, set(many[:20]...))
		require.NoError(t, err)
		_, err = f.client.ApplyRunTags(ctx, f.run, set(skyvern.TagLabel{Key: "env", Value: "prod"}))
		require.ErrorIs(t, err, skyvern.ErrValidation)
		assert.Contains(t, err.Error(), "would have 21 user-writable tags; max is 20")
		got, err := f.client.GetRunTags(ctx, f.run)
		require.NoError(t, err)
		assert.Len(t, got.Tags, 20, "a refused change changes nothing")
	})

	t.Run("a deleted workflow", func(t *testing.T) {
		require.NoError(t, f.client.DeleteWorkflow(ctx, f.wpid))
		_, err := f.client.ApplyWorkflowTags(ctx, f.wpid, set(skyvern.TagLabel{Value: "x"}))
		require.ErrorIs(t, err, skyvern.ErrNotFound)
	})
}

func TestTheRegistryFollowsTheTagsAndCascades(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	_, err := f.client.ApplyWorkflowTags(ctx, f.wpid, skyvern.TagChanges{
		Tags: []skyvern.TagLabel{{Key: "env", Value: "prod"}}, Colors: map[string]skyvern.TagColor{"env": skyvern.TagColorGreen}})
	require.NoError(t, err)
	_, err = f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "env", Value: "prod"}, {Key: "tier", Value: "gold"}}})
	require.NoError(t, err)

	keys, err := skyvern.Collect(f.client.ListTagKeys(ctx))
	require.NoError(t, err)
	require.Len(t, keys, 2, "applying a grouped tag registers its key")
	assert.Equal(t, "env", keys[0].Key)
	assert.Equal(t, 1, keys[0].WorkflowCount)
	assert.Equal(t, 0, keys[1].WorkflowCount, "tier is on a run only")

	k, err := f.client.UpdateTagKey(ctx, "env", skyvern.UpdateTagKeyRequest{Description: "  Deployment stage  "})
	require.NoError(t, err)
	assert.Equal(t, "Deployment stage", k.Description)
	assert.Equal(t, 1, k.WorkflowCount)
	k, err = f.client.UpdateTagKey(ctx, "env", skyvern.UpdateTagKeyRequest{})
	require.NoError(t, err)
	assert.Empty(t, k.Description, "an empty description clears it")
	_, err = f.client.UpdateTagKey(ctx, "nothing", skyvern.UpdateTagKeyRequest{})
	require.ErrorIs(t, err, skyvern.ErrNotFound)

	values, err := skyvern.Collect(f.client.ListTagValues(ctx, skyvern.ListTagValuesParams{Key: "env"}))
	require.NoError(t, err)
	require.Len(t, values, 1)
	assert.Equal(t, skyvern.TagValue{Key: "env", Value: "prod", Color: skyvern.TagColorGreen, WorkflowCount: 1}, values[0])

	created, err := f.client.CreateTagValue(ctx, skyvern.CreateTagValueRequest{Key: "env", Value: "dev", Color: skyvern.TagColorBlue})
	require.NoError(t, err)
	assert.Equal(t, skyvern.TagValue{Key: "env", Value: "dev", Color: skyvern.TagColorBlue}, *created)
	_, err = f.client.CreateTagValue(ctx, skyvern.CreateTagValueRequest{Key: "env", Value: "dev"})
	require.ErrorIs(t, err, skyvern.ErrConflict)
	_, err = f.client.CreateTagValue(ctx, skyvern.CreateTagValueRequest{Key: "env", Value: "x", Color: "mauve"})
	require.ErrorIs(t, err, skyvern.ErrValidation, "a color outside the palette")

	recolored, err := f.client.UpdateTagValue(ctx, "env", skyvern.UpdateTagValueRequest{Value: "prod", Color: skyvern.TagColorPurple})
	require.NoError(t, err)
	assert.Equal(t, skyvern.TagColorPurple, recolored.Color)
	assert.Equal(t, 1, recolored.WorkflowCount)
	_, err = f.client.UpdateTagValue(ctx, "env", skyvern.UpdateTagValueRequest{Value: "qa", Color: skyvern.TagColorPurple})
	require.ErrorIs(t, err, skyvern.ErrNotFound)

	t.Run("a rename re-tags workflows and runs and keeps the color", func(t *testing.T) {
		_, err := f.client.RenameTagValue(ctx, "env", skyvern.RenameTagValueRequest{Value: "prod", NewValue: "dev"})
		require.ErrorIs(t, err, skyvern.ErrConflict, "dev exists")
		_, err = f.client.RenameTagValue(ctx, "env", skyvern.RenameTagValueRequest{Value: "prod", NewValue: "prod"})
		require.ErrorIs(t, err, skyvern.ErrValidation)

		res, err := f.client.RenameTagValue(ctx, "env", skyvern.RenameTagValueRequest{Value: "prod", NewValue: "production"})
		require.NoError(t, err)
		assert.Equal(t, skyvern.TagValueRenameResult{Key: "env", Value: "production", Color: skyvern.TagColorPurple, RenamedWorkflowCount: 1}, *res)
		assert.Equal(t, []string{f.run}, runIDs(t, f.client, "env:production"))
		_, err = f.client.RenameTagValue(ctx, "env", skyvern.RenameTagValueRequest{Value: "prod", NewValue: "p"})
		require.ErrorIs(t, err, skyvern.ErrNotFound, "prod is gone")
	})

	t.Run("deleting a value removes it everywhere", func(t *testing.T) {
		res, err := f.client.DeleteTagValue(ctx, "env", "production")
		require.NoError(t, err)
		assert.Equal(t, skyvern.TagValueDeleteResult{Key: "env", Value: "production",
			RemovedFromWorkflowCount: 1, RemovedFromRunCount: 1, RemovedCount: 2}, *res)
		wt, err := f.client.GetWorkflowTags(ctx, f.wpid)
		require.NoError(t, err)
		assert.Empty(t, wt.Tags)
		h, err := f.client.GetWorkflowTagHistory(ctx, f.wpid, skyvern.TagHistoryParams{Limit: 1})
		require.NoError(t, err)
		assert.Equal(t, skyvern.TagEventDelete, h.Events[0].EventType)
		assert.Equal(t, "production", h.Events[0].Value, "a label's delete event carries it")
		_, err = f.client.DeleteTagValue(ctx, "env", "production")
		require.ErrorIs(t, err, skyvern.ErrNotFound)
	})

	t.Run("deleting a key removes it everywhere", func(t *testing.T) {
		res, err := f.client.DeleteTagKey(ctx, "tier")
		require.NoError(t, err)
		assert.Equal(t, skyvern.TagKeyDeleteResult{Key: "tier", RemovedFromRunCount: 1, RemovedCount: 1}, *res)
		rt, err := f.client.GetRunTags(ctx, f.run)
		require.NoError(t, err)
		assert.Empty(t, rt.Tags)
		_, err = f.client.DeleteTagKey(ctx, "tier")
		require.ErrorIs(t, err, skyvern.ErrNotFound)
		keys, err := skyvern.Collect(f.client.ListTagKeys(ctx))
		require.NoError(t, err)
		require.Len(t, keys, 1)
		assert.Equal(t, "env", keys[0].Key)
	})
}

func TestBatchLookUpsChooseGETOrPOSTByLength(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	_, err := f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "env", Value: "prod"}, {Value: "a"}}})
	require.NoError(t, err)
	_, err = f.client.ApplyWorkflowTags(ctx, f.wpid, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Value: "beta"}}})
	require.NoError(t, err)

	lastRoute := func() string { r := f.srv.Requests(); return r[len(r)-1].Route }

	short, err := f.client.BatchGetRunTags(ctx, []string{f.run, f.other, "wr_unknown"})
	require.NoError(t, err)
	assert.Equal(t, skyverntest.RouteBatchGetRunTags, lastRoute())
	assert.Equal(t, map[string][]skyvern.TagLabel{
		f.run: {{Value: "a"}, {Key: "env", Value: "prod"}}, f.other: {}, "wr_unknown": {},
	}, short.RunTags, "every id asked for has an entry")

	long := []string{f.run}
	for len(strings.Join(long, ",")) <= 2000 {
		long = append(long, "wr_"+strings.Repeat("9", 20))
	}
	require.LessOrEqual(t, len(long), 200)
	got, err := f.client.BatchGetRunTags(ctx, long)
	require.NoError(t, err)
	assert.Equal(t, skyverntest.RouteBatchGetRunTagsPost, lastRoute())
	assert.Equal(t, short.RunTags[f.run], got.RunTags[f.run], "both forms answer the same")

	wt, err := f.client.BatchGetWorkflowTags(ctx, []string{f.wpid})
	require.NoError(t, err)
	assert.Equal(t, skyverntest.RouteBatchGetWorkflowTags, lastRoute())
	assert.Equal(t, map[string][]skyvern.TagLabel{f.wpid: {{Value: "beta"}}}, wt.WorkflowTags)
	longWF := make([]string, 150)
	for i := range longWF {
		longWF[i] = f.wpid
	}
	wt, err = f.client.BatchGetWorkflowTags(ctx, longWF)
	require.NoError(t, err)
	assert.Equal(t, skyverntest.RouteBatchGetWorkflowTagsPost, lastRoute())
	assert.Len(t, wt.WorkflowTags, 1)

	tooMany := make([]string, 201)
	for i := range tooMany {
		tooMany[i] = "wr_1"
	}
	_, err = f.client.BatchGetRunTags(ctx, tooMany)
	require.ErrorIs(t, err, skyvern.ErrBadRequest)
	assert.Contains(t, err.Error(), "At most 200 workflow run IDs may be requested at once")

	none, err := f.client.BatchGetWorkflowTags(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, none.WorkflowTags)
}

func TestRunTagSuggestionsListWhatRunsCarry(t *testing.T) {
	f := newTagFixture(t)
	ctx := context.Background()
	empty, err := f.client.GetRunTagSuggestions(ctx)
	require.NoError(t, err)
	assert.Empty(t, empty.Keys)
	for i, v := range []string{"e", "d", "c", "b"} {
		run := f.run
		if i%2 == 1 {
			run = f.other
		}
		_, err := f.client.ApplyRunTags(ctx, run, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "v", Value: v}, {Value: "l" + v}}})
		require.NoError(t, err)
	}
	// Runs carry v:c and v:b now; the earlier labels were replaced.
	_, err = f.client.ApplyRunTags(ctx, f.run, skyvern.TagChanges{Tags: []skyvern.TagLabel{{Key: "a", Value: "1"}}})
	require.NoError(t, err)
	s, err := f.client.GetRunTagSuggestions(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "v"}, s.Keys)
	assert.Equal(t, map[string][]string{"a": {"1"}, "v": {"b", "c"}}, s.ValuesByKey)
	assert.Equal(t, []string{"lb", "lc", "ld", "le"}, s.Labels)
}

// TestTagMethodsOnTheWire checks the requests whose bytes matter: a
// DELETE with a body, a key escaped in the path, Since to the
// microsecond, and the comma-joined batch query.
func TestTagMethodsOnTheWire(t *testing.T) {
	ctx := context.Background()
	since := time.Date(2026, 7, 1, 12, 30, 0, 123456789, time.UTC)
	tests := []struct {
		name, route, answer string
		call                func(c *skyvern.Client) error
		method, rawPath     string
		query, body         string
	}{
		{"DeleteTagValue sends the value in the body of a DELETE", "DELETE /v1/tag-values/{key}",
			`{"key":"env","value":"a/b","removed_from_workflow_count":0}`,
			func(c *skyvern.Client) error { _, err := c.DeleteTagValue(ctx, "env", "a/b"); return err },
			"DELETE", "/v1/tag-values/env", "", `{"value":"a/b"}`},
		{"GetRunTagHistory sends since to the microsecond", "GET /v1/runs/{id}/tags/history",
			`{"workflow_run_id":"wr_1","events":[]}`,
			func(c *skyvern.Client) error {
				_, err := c.GetRunTagHistory(ctx, "wr_1", skyvern.TagHistoryParams{Limit: 5, Since: since, Key: "env"})
				return err
			},
			"GET", "/v1/runs/wr_1/tags/history", "key=env&limit=5&since=2026-07-01T12%3A30%3A00.123456Z", ""},
		{"DeleteWorkflowTag escapes the key as one segment", "DELETE /v1/workflows/{id}/tags/{key}",
			`{"workflow_permanent_id":"wpid_1","tags":[]}`,
			func(c *skyvern.Client) error { _, err := c.DeleteWorkflowTag(ctx, "wpid_1", "a/b"); return err },
			"DELETE", "/v1/workflows/wpid_1/tags/a%2Fb", "", ""},
		{"ApplyRunTags leaves out what is not set, and a standalone label's key", "POST /v1/runs/{id}/tags",
			`{"workflow_run_id":"wr_1","tags":[]}`,
			func(c *skyvern.Client) error {
				_, err := c.ApplyRunTags(ctx, "wr_1", skyvern.TagChanges{Tags: []skyvern.TagLabel{{Value: "x"}}})
				return err
			},
			"POST", "/v1/runs/wr_1/tags", "", `{"tags":[{"value":"x"}]}`},
		{"BatchGetWorkflowTags joins the ids with commas", "GET /v1/workflow-tags", `{"workflow_tags":{}}`,
			func(c *skyvern.Client) error {
				_, err := c.BatchGetWorkflowTags(ctx, []string{"wpid_1", "wpid_2"})
				return err
			},
			"GET", "/v1/workflow-tags", "workflow_permanent_ids=wpid_1%2Cwpid_2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			f.reply(tt.route, http.StatusOK, tt.answer)
			require.NoError(t, tt.call(f.client))
			r := f.only()
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.rawPath, r.RawPath)
			assert.Equal(t, tt.query, r.Query)
			assert.Equal(t, tt.body, string(r.Body))
		})
	}
}

func TestTagAnswersKeepWhatTheSDKDoesNotKnow(t *testing.T) {
	var h skyvern.RunTagHistory
	require.NoError(t, json.Unmarshal([]byte(`{"workflow_run_id":"wr_1","events":[{"tag_event_id":"rtge_1","key":null,`+
		`"value":"x","event_type":"archive","source":"robot","set_at":"2026-07-01T12:00:00.5","set_by":"o_1",`+
		`"superseded_at":null,"caller_type":"api_key"}],"next":"c"}`), &h))
	e := h.Events[0]
	assert.Equal(t, skyvern.TagEventType("archive"), e.EventType)
	assert.False(t, e.EventType.IsKnown())
	assert.False(t, e.Source.IsKnown())
	assert.Empty(t, e.Key)
	assert.True(t, e.SupersededAt.IsZero())
	assert.JSONEq(t, `"api_key"`, string(e.Extra["caller_type"]))
	assert.JSONEq(t, `"c"`, string(h.Extra["next"]))

	out, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"caller_type":"api_key"`)
}

func TestTagErrorsAreRetriedLikeReads(t *testing.T) {
	f := setup(t)
	f.handle("POST /v1/tag-values", sequence(status(503, `{"detail":"busy"}`), status(200, `{"key":"k","value":"v","color":"red"}`)))
	v, err := f.client.CreateTagValue(context.Background(), skyvern.CreateTagValueRequest{Key: "k", Value: "v"})
	require.NoError(t, err)
	assert.Equal(t, skyvern.TagColorRed, v.Color)
	reqs := f.requests()
	require.Len(t, reqs, 2, "a 503 without Retry-After is retried: the call is not a creating one")
	assert.Equal(t, string(reqs[0].Body), string(reqs[1].Body))
}

// runTagsBatchJSON is a Batch Get Run Tags answer for n runs with three
// tags each, as the server writes it.
func runTagsBatchJSON(n int) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`"wr_%d":[{"key":null,"value":"nightly"},{"key":"customer","value":"acme"},{"key":"env","value":"prod"}]`, i)
	}
	return []byte(`{"run_tags":{` + strings.Join(items, ",") + `}}`)
}

// BenchmarkDecodeRunTagsBatch decodes a 200-run batch answer (the most the
// server gives at once) with the SDK's types and, as the baseline, with
// encoding/json into plain structs of the same shape.
func BenchmarkDecodeRunTagsBatch(b *testing.B) {
	body := runTagsBatchJSON(200)
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out skyvern.RunTagsBatch
			if err := json.Unmarshal(body, &out); err != nil || len(out.RunTags) != 200 {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				RunTags map[string][]struct {
					Key   *string `json:"key"`
					Value string  `json:"value"`
				} `json:"run_tags"`
			}
			if err := json.Unmarshal(body, &out); err != nil || len(out.RunTags) != 200 {
				b.Fatal(err)
			}
		}
	})
}

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

// Tag a workflow run, find it again by its tag, and read what changed.
func ExampleClient_ApplyRunTags() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	srv.OnWorkflow("wpid_invoices", skyverntest.Outcome{}) // a saved workflow, to the fake
	client := srv.Client()
	ctx := context.Background()

	nightly, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_invoices"})
	if err != nil {
		log.Fatal(err)
	}
	tags, err := client.ApplyRunTags(ctx, nightly.RunID, skyvern.TagChanges{
		Tags:   []skyvern.TagLabel{{Key: "customer", Value: "acme"}, {Value: "nightly"}},
		Colors: map[string]skyvern.TagColor{"customer": skyvern.TagColorTeal},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tags.Tags {
		fmt.Println("tagged", t.Label())
	}
	for r, err := range client.ListRuns(ctx, skyvern.ListRunsParams{Tags: []string{"customer:acme"}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found", r.RunID == nightly.RunID, r.Status)
	}

	client.DeleteRunTag(ctx, nightly.RunID, "customer")
	history, _ := client.GetRunTagHistory(ctx, nightly.RunID, skyvern.TagHistoryParams{Key: "customer"})
	for _, e := range history.Events {
		fmt.Printf("%s %s %q\n", e.EventType, e.Key, e.Value)
	}
	// Removing a tag leaves its label registered, with its color.
	values, _ := skyvern.Collect(client.ListTagValues(ctx, skyvern.ListTagValuesParams{Key: "customer"}))
	fmt.Println(values[0].Value, values[0].Color)
	// Output:
	// tagged nightly
	// tagged customer:acme
	// found true created
	// delete customer ""
	// set customer "acme"
	// acme teal
}
