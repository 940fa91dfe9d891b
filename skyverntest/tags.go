package skyverntest

import (
	"net/http"
	"strings"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// The routes of tags: of workflow runs, of workflows (each with its
// /v1/agents twin), the registry of tag keys and values, the batch
// look-ups in both forms, and the suggestions.
const (
	RouteApplyRunTags     = "POST /v1/runs/{workflow_run_id}/tags"
	RouteGetRunTags       = "GET /v1/runs/{workflow_run_id}/tags"
	RouteDeleteRunTag     = "DELETE /v1/runs/{workflow_run_id}/tags/{key}"
	RouteGetRunTagHistory = "GET /v1/runs/{workflow_run_id}/tags/history"

	RouteApplyWorkflowTags     = "POST /v1/workflows/{workflow_permanent_id}/tags"
	RouteApplyAgentTags        = "POST /v1/agents/{workflow_permanent_id}/tags"
	RouteGetWorkflowTags       = "GET /v1/workflows/{workflow_permanent_id}/tags"
	RouteGetAgentTags          = "GET /v1/agents/{workflow_permanent_id}/tags"
	RouteDeleteWorkflowTag     = "DELETE /v1/workflows/{workflow_permanent_id}/tags/{key}"
	RouteDeleteAgentTag        = "DELETE /v1/agents/{workflow_permanent_id}/tags/{key}"
	RouteGetWorkflowTagHistory = "GET /v1/workflows/{workflow_permanent_id}/tags/history"
	RouteGetAgentTagHistory    = "GET /v1/agents/{workflow_permanent_id}/tags/history"

	RouteListTagKeys  = "GET /v1/tag-keys"
	RouteUpdateTagKey = "PATCH /v1/tag-keys/{key}"
	RouteDeleteTagKey = "DELETE /v1/tag-keys/{key}"

	RouteListTagValues  = "GET /v1/tag-values"
	RouteCreateTagValue = "POST /v1/tag-values"
	RouteUpdateTagValue = "PATCH /v1/tag-values/{key}"
	RouteRenameTagValue = "PATCH /v1/tag-values/{key}/rename"
	RouteDeleteTagValue = "DELETE /v1/tag-values/{key}"

	RouteBatchGetWorkflowTags     = "GET /v1/workflow-tags"
	RouteBatchGetWorkflowTagsPost = "POST /v1/workflow-tags"
	RouteBatchGetRunTags          = "GET /v1/run-tags"
	RouteBatchGetRunTagsPost      = "POST /v1/run-tags"

	RouteListRunTagSuggestions = "GET /v1/run-tag-suggestions"
)

// Queries and bodies of the tag routes that the SDK sends from method
// arguments rather than exported types.
type (
	tagHistoryQuery struct {
		Limit int    `url:"limit"`
		Since string `url:"since"`
		Key   string `url:"key"`
	}
	tagValueDeleteBody struct {
		Value string `json:"value"`
	}
	workflowTagsQuery struct {
		IDs string `url:"workflow_permanent_ids"`
	}
	workflowTagsBody struct {
		IDs []string `json:"workflow_permanent_ids,omitempty"`
	}
	runTagsQuery struct {
		IDs string `url:"workflow_run_ids"`
	}
	runTagsBody struct {
		IDs []string `json:"workflow_run_ids,omitempty"`
	}
)

var historyLimits = map[string]limit{"limit": between(1, 500)}

// tagRoutes are the routes of tags.
var tagRoutes = []route{
	{name: RouteApplyRunTags, body: body[skyvern.TagChanges](), handle: (*Server).handleApplyTags},
	{name: RouteGetRunTags, handle: (*Server).handleGetTags},
	{name: RouteDeleteRunTag, handle: (*Server).handleDeleteTag},
	{name: RouteGetRunTagHistory, query: query[tagHistoryQuery](historyLimits), handle: (*Server).handleTagHistory},
	{name: RouteApplyWorkflowTags, body: body[skyvern.TagChanges](), handle: (*Server).handleApplyTags},
	{name: RouteApplyAgentTags, body: body[skyvern.TagChanges](), handle: (*Server).handleApplyTags},
	{name: RouteGetWorkflowTags, handle: (*Server).handleGetTags},
	{name: RouteGetAgentTags, handle: (*Server).handleGetTags},
	{name: RouteDeleteWorkflowTag, handle: (*Server).handleDeleteTag},
	{name: RouteDeleteAgentTag, handle: (*Server).handleDeleteTag},
	{name: RouteGetWorkflowTagHistory, query: query[tagHistoryQuery](historyLimits), handle: (*Server).handleTagHistory},
	{name: RouteGetAgentTagHistory, query: query[tagHistoryQuery](historyLimits), handle: (*Server).handleTagHistory},
	{name: RouteListTagKeys, handle: (*Server).handleListTagKeys},
	{name: RouteUpdateTagKey, body: body[skyvern.UpdateTagKeyRequest](), handle: (*Server).handleUpdateTagKey},
	{name: RouteDeleteTagKey, handle: (*Server).handleDeleteTagKey},
	{name: RouteListTagValues, query: query[skyvern.ListTagValuesParams](nil), handle: (*Server).handleListTagValues},
	{name: RouteCreateTagValue, body: body[skyvern.CreateTagValueRequest](), handle: (*Server).handleCreateTagValue},
	{name: RouteUpdateTagValue, body: body[skyvern.UpdateTagValueRequest](), handle: (*Server).handleUpdateTagValue},
	{name: RouteRenameTagValue, body: body[skyvern.RenameTagValueRequest](), handle: (*Server).handleRenameTagValue},
	{name: RouteDeleteTagValue, body: body[tagValueDeleteBody](), handle: (*Server).handleDeleteTagValue},
	{name: RouteBatchGetWorkflowTags, query: query[workflowTagsQuery](nil), handle: (*Server).handleBatchTags},
	{name: RouteBatchGetWorkflowTagsPost, body: body[workflowTagsBody](), handle: (*Server).handleBatchTags},
	{name: RouteBatchGetRunTags, query: query[runTagsQuery](nil), handle: (*Server).handleBatchTags},
	{name: RouteBatchGetRunTagsPost, body: body[runTagsBody](), handle: (*Server).handleBatchTags},
	{name: RouteListRunTagSuggestions, handle: (*Server).handleRunTagSuggestions},
}

// tagTarget reads whose tags a call is about from its path, and reports
// whether that run or workflow exists; when it does not, it has answered
// the server's 404.
func (s *Server) tagTarget(c *call) (tagKind, string, bool) {
	if id := c.param("workflow_run_id"); id != "" {
		if !s.taggableRun(id) {
			c.fail(http.StatusNotFound, "Workflow run "+id+" not found")
			return runTags, id, false
		}
		return runTags, id, true
	}
	id := c.param("workflow_permanent_id")
	if !s.liveWorkflow(id) {
		c.fail(http.StatusNotFound, "Workflow "+id+" not found")
		return workflowTags, id, false
	}
	return workflowTags, id, true
}

// taggableRun reports whether id is a workflow run the fake keeps: the
// runs Skyvern tags.
func (s *Server) taggableRun(id string) bool {
	ru := s.st.run(id)
	return ru != nil && ru.typ == skyvern.RunTypeWorkflowRun
}

// liveWorkflow reports whether id is a saved workflow not deleted.
func (s *Server) liveWorkflow(id string) bool {
	_, _, latest := s.st.workflowState(id)
	return latest != nil
}

// tagWrite is the attribution of a change made now through the API key:
// Skyvern records the organization as its writer.
func (s *Server) tagWrite(kind tagKind) tagWrite {
	prefix := "rtge_"
	if kind == workflowTags {
		prefix = "tge_"
	}
	return tagWrite{now: s.now(), setBy: s.orgID, newID: func() string { return s.newID(prefix) }}
}

// replyTags answers the current tags of id.
func (s *Server) replyTags(c *call, kind tagKind, id string) {
	tags := s.tags.current(kind, id)
	if kind == runTags {
		c.reply(skyvern.RunTags{WorkflowRunID: id, Tags: tags})
		return
	}
	c.reply(skyvern.WorkflowTags{WorkflowPermanentID: id, Tags: tags})
}

// failValues answers pydantic's 422 for value errors raised by a model's
// validators.
func failValues(c *call, probs []tagProblem) {
	errs := make([]validationError, len(probs))
	for i, p := range probs {
		errs[i] = invalid("value_error", p.loc, "Value error, "+p.msg, p.input, wire.Object{{Key: "error", Value: wire.Object{}}})
	}
	c.fail(http.StatusUnprocessableEntity, errs)
}

// pathKey reads the {key} of the path and checks it as Skyvern checks a
// key in a path: refused with 400 rather than 422. It has answered when ok
// is false.
func pathKey(c *call) (string, bool) {
	key := c.param("key")
	if why := checkTagKey(key); why != "" {
		c.fail(http.StatusBadRequest, why)
		return key, false
	}
	return key, true
}

// handleApplyTags serves Apply Run Tags and Apply Workflow Tags: the body
// is checked first, then the run or workflow.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py apply_run_tags,
// apply_workflow_tags.
func (s *Server) handleApplyTags(c *call) {
	changes, probs := normalizeChanges(*bodyOf[skyvern.TagChanges](c))
	if probs != nil {
		failValues(c, probs)
		return
	}
	kind, id, ok := s.tagTarget(c)
	if !ok {
		return
	}
	if detail := s.tags.apply(kind, id, changes, s.tagWrite(kind)); detail != "" {
		c.fail(http.StatusUnprocessableEntity, detail)
		return
	}
	s.replyTags(c, kind, id)
}

// handleGetTags serves Get Run Tags and Get Workflow Tags.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py get_run_tags,
// get_workflow_tags.
func (s *Server) handleGetTags(c *call) {
	if kind, id, ok := s.tagTarget(c); ok {
		s.replyTags(c, kind, id)
	}
}

// handleDeleteTag serves Delete Run Tag and Delete Workflow Tag: removing
// a grouped tag the run or workflow does not carry changes nothing.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py delete_run_tag,
// delete_workflow_tag.
func (s *Server) handleDeleteTag(c *call) {
	key, ok := pathKey(c)
	if !ok {
		return
	}
	kind, id, ok := s.tagTarget(c)
	if !ok {
		return
	}
	s.tags.apply(kind, id, normalizedChanges{deletes: []string{key}}, s.tagWrite(kind))
	s.replyTags(c, kind, id)
}

// handleTagHistory serves Get Run Tag History and Get Workflow Tag History.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py get_run_tag_history,
// get_workflow_tag_history.
func (s *Server) handleTagHistory(c *call) {
	q := queryOf[tagHistoryQuery](c)
	var since skyvern.Time
	if q.Since != "" {
		t, err := skyvern.ParseTime(q.Since)
		if err != nil {
			c.fail(http.StatusUnprocessableEntity, []validationError{invalid("datetime_from_date_parsing",
				[]any{"query", "since"}, "Input should be a valid datetime or date, invalid character in year", q.Since, nil)})
			return
		}
		since = t
	}
	kind, id, ok := s.tagTarget(c)
	if !ok {
		return
	}
	events := s.tags.history(kind, id, orDefault(q.Limit, 100), since.Time, q.Key)
	if kind == runTags {
		c.reply(skyvern.RunTagHistory{WorkflowRunID: id, Events: events})
		return
	}
	c.reply(skyvern.WorkflowTagHistory{WorkflowPermanentID: id, Events: events})
}

// handleListTagKeys serves List Tag Keys.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py list_tag_keys.
func (s *Server) handleListTagKeys(c *call) { c.reply(s.tags.tagKeys()) }

// handleUpdateTagKey serves Update Tag Key: the body is checked, then the
// key in the path, then the registry.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py update_tag_key.
func (s *Server) handleUpdateTagKey(c *call) {
	req := bodyOf[skyvern.UpdateTagKeyRequest](c)
	desc := strings.TrimSpace(req.Description)
	if len([]rune(desc)) > 500 {
		failValues(c, []tagProblem{{[]any{"body", "description"}, "tag description must be at most 500 characters", req.Description}})
		return
	}
	key, ok := pathKey(c)
	if !ok {
		return
	}
	k, found := s.tags.describe(key, desc)
	if !found {
		c.fail(http.StatusNotFound, "Tag key '"+key+"' not found")
		return
	}
	c.reply(k)
}

// handleDeleteTagKey serves Delete Tag Key.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py delete_tag_key.
func (s *Server) handleDeleteTagKey(c *call) {
	key, ok := pathKey(c)
	if !ok {
		return
	}
	res, found := s.tags.deleteKey(key, s.tagWrite(workflowTags))
	if !found {
		c.fail(http.StatusNotFound, "Tag key '"+key+"' not found")
		return
	}
	c.reply(res)
}

// handleListTagValues serves List Tag Values, of one key or all.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py list_tag_values.
func (s *Server) handleListTagValues(c *call) {
	c.reply(s.tags.tagValues(queryOf[skyvern.ListTagValuesParams](c).Key, s.liveWorkflow))
}

// handleCreateTagValue serves Create Tag Value.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py create_tag_value.
func (s *Server) handleCreateTagValue(c *call) {
	req := bodyOf[skyvern.CreateTagValueRequest](c)
	key := strings.TrimSpace(req.Key)
	var probs []tagProblem
	switch why := checkTagKey(key); {
	case key == "":
		probs = append(probs, tagProblem{[]any{"body", "key"}, "tag key is required", req.Key})
	case why != "":
		probs = append(probs, tagProblem{[]any{"body", "key"}, why, req.Key})
	}
	value, why := normalizeTagValue(req.Value)
	if why == "" && value == "*" {
		why = "grouped tag values must not be exactly '*' (reserved as the group filter wildcard)"
	}
	if why != "" {
		probs = append(probs, tagProblem{[]any{"body", "value"}, why, req.Value})
	}
	if probs != nil {
		failValues(c, probs)
		return
	}
	v, created := s.tags.createValue(key, value, string(req.Color))
	if !created {
		c.fail(http.StatusConflict, "tag value '"+key+":"+value+"' already exists")
		return
	}
	c.reply(v)
}

// handleUpdateTagValue serves Update Tag Value (its color).
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py update_tag_value.
func (s *Server) handleUpdateTagValue(c *call) {
	req := bodyOf[skyvern.UpdateTagValueRequest](c)
	value, why := normalizeTagValue(req.Value)
	if why != "" {
		failValues(c, []tagProblem{{[]any{"body", "value"}, why, req.Value}})
		return
	}
	key, ok := pathKey(c)
	if !ok {
		return
	}
	v, found := s.tags.recolor(key, value, string(req.Color), s.liveWorkflow)
	if !found {
		c.fail(http.StatusNotFound, "Tag value '"+key+":"+value+"' not found")
		return
	}
	c.reply(v)
}

// handleRenameTagValue serves Rename Tag Value.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py rename_tag_value.
func (s *Server) handleRenameTagValue(c *call) {
	req := bodyOf[skyvern.RenameTagValueRequest](c)
	var probs []tagProblem
	old, why := normalizeTagValue(req.Value)
	if why != "" {
		probs = append(probs, tagProblem{[]any{"body", "value"}, why, req.Value})
	}
	renamed, why := normalizeTagValue(req.NewValue)
	if why != "" {
		probs = append(probs, tagProblem{[]any{"body", "new_value"}, why, req.NewValue})
	}
	switch {
	case probs != nil:
	case renamed == old:
		probs = append(probs, tagProblem{[]any{"body"}, "new_value must differ from the current value", req})
	case renamed == "*":
		probs = append(probs, tagProblem{[]any{"body"}, "grouped tag values must not be exactly '*' (reserved as the group filter wildcard)", req})
	}
	if probs != nil {
		failValues(c, probs)
		return
	}
	key, ok := pathKey(c)
	if !ok {
		return
	}
	res, found, taken := s.tags.rename(key, old, renamed, s.tagWrite(workflowTags))
	switch {
	case !found:
		c.fail(http.StatusNotFound, "Tag value '"+key+":"+old+"' not found")
	case taken:
		c.fail(http.StatusConflict, "tag value '"+key+":"+renamed+"' already exists; rename would merge labels (not supported)")
	default:
		c.reply(res)
	}
}

// handleDeleteTagValue serves Delete Tag Value, whose value is in the body.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py delete_tag_value.
func (s *Server) handleDeleteTagValue(c *call) {
	req := bodyOf[tagValueDeleteBody](c)
	value, why := normalizeTagValue(req.Value)
	if why != "" {
		failValues(c, []tagProblem{{[]any{"body", "value"}, why, req.Value}})
		return
	}
	key, ok := pathKey(c)
	if !ok {
		return
	}
	res, found := s.tags.deleteValue(key, value, s.tagWrite(workflowTags))
	if !found {
		c.fail(http.StatusNotFound, "Tag value '"+key+":"+value+"' not found")
		return
	}
	c.reply(res)
}

// handleBatchTags serves the four batch look-ups: the ids come
// comma-separated in the query of the GET forms, as a list in the body of
// the POST forms; blank ids are dropped, and at most 200 are taken.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py
// batch_get_workflow_tags, batch_get_workflow_tags_post,
// batch_get_run_tags, batch_get_run_tags_post.
func (s *Server) handleBatchTags(c *call) {
	var (
		ids  []string
		kind tagKind
	)
	switch v := c.q.(type) {
	case *workflowTagsQuery:
		ids, kind = strings.Split(v.IDs, ","), workflowTags
	case *runTagsQuery:
		ids, kind = strings.Split(v.IDs, ","), runTags
	default:
		if b := bodyOf[workflowTagsBody](c); b != nil {
			ids, kind = b.IDs, workflowTags
		} else {
			ids, kind = bodyOf[runTagsBody](c).IDs, runTags
		}
	}
	kept := ids[:0:0]
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			kept = append(kept, id)
		}
	}
	noun, live := "workflow", s.liveWorkflow
	if kind == runTags {
		noun, live = "workflow run", s.taggableRun
	}
	if len(kept) > maxBatchSize {
		c.fail(http.StatusBadRequest, "At most 200 "+noun+" IDs may be requested at once")
		return
	}
	// Rendered by hand: a map's values are not rendered with null members.
	out := map[string][]wire.Object{}
	for id, labels := range s.tags.batch(kind, kept, live) {
		out[id] = make([]wire.Object, len(labels))
		for i, l := range labels {
			out[id][i] = render(l)
		}
	}
	member := "workflow_tags"
	if kind == runTags {
		member = "run_tags"
	}
	writeJSON(c.w, http.StatusOK, wire.Object{{Key: member, Value: out}})
}

// handleRunTagSuggestions serves Get Run Tag Suggestions.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py
// get_run_tag_suggestions.
func (s *Server) handleRunTagSuggestions(c *call) { c.reply(s.tags.suggestions()) }

// tagFilter reads the tags filter of a run list and returns the runs it
// keeps: nil when there is no filter. It has answered the server's 400
// when ok is false.
func (s *Server) tagFilter(c *call, params []string) (keep map[string]bool, ok bool) {
	terms, detail := parseTagFilter(params)
	if detail != "" {
		c.fail(http.StatusBadRequest, detail)
		return nil, false
	}
	return s.tags.matching(runTags, terms), true
}
