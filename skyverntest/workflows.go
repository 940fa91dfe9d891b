package skyverntest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern/webhooks"
)

// This file keeps the workflows created through the API (Create, Get,
// Update, Delete and List Workflows, and their versions) and renders them as
// Skyvern's Workflow schema.

// savedWorkflow is a workflow created through the API. Its fields are
// guarded by Server.mu; once created, it is never removed, only marked
// deleted.
type savedWorkflow struct {
	id       string             // "wpid_..."
	versions []*workflowVersion // versions[i] is version i+1
	deleted  time.Time          // zero until deleted
}

func (sw *savedWorkflow) latest() *workflowVersion { return sw.versions[len(sw.versions)-1] }

// workflowVersion is one saved version of a workflow.
type workflowVersion struct {
	id      string // "w_..."
	version int
	// def holds the definition's members as sent in json_definition (title,
	// webhook_callback_url, workflow_definition, ...), or as read from
	// yaml_definition.
	def     map[string]json.RawMessage
	created time.Time
}

// idempotent is what a Create Workflow call with an Idempotency-Key
// answered, for its repeats.
type idempotent struct {
	request []byte // the query and the compacted body
	answer  []byte
}

var workflowRequestFields = []field{
	{name: "json_definition", kind: kindObject, nullable: true},
	{name: "yaml_definition", kind: kindString, nullable: true},
}

// workflowDefinitionFields are the members of a definition the fake
// checks; it keeps the others as they are.
var workflowDefinitionFields = []field{
	{name: "title", kind: kindString, required: true},
	{name: "description", kind: kindString, nullable: true},
	{name: "webhook_callback_url", kind: kindString, nullable: true},
	{name: "workflow_definition", kind: kindObject, required: true},
	{name: "is_saved_task", kind: kindBool},
	{name: "status", kind: kindString},
	{name: "folder_id", kind: kindString, nullable: true},
}

var workflowBodyFields = []field{
	{name: "parameters", kind: kindList, required: true},
	{name: "blocks", kind: kindList, required: true},
}

// emptyWorkflowBody is the workflow_definition of a workflow created from
// YAML, whose blocks the fake does not read.
var emptyWorkflowBody = json.RawMessage(`{"parameters":[],"blocks":[]}`)

func workflowNotFound(id string, version int) string {
	if version != 0 {
		return "Workflow not found. workflow_permanent_id=" + id + ", version=" + strconv.Itoa(version)
	}
	return "Workflow not found. workflow_permanent_id=" + id
}

// readWorkflow reads the body of Create or Update Workflow and returns the
// definition's members, or answers 422 (or 400 for a webhook_callback_url
// that is not a URL) and returns nil. Exactly one of json_definition and
// yaml_definition must be set.
func readWorkflow(w http.ResponseWriter, body []byte) map[string]json.RawMessage {
	def, detail := parseWorkflow(body)
	if detail != nil {
		writeDetail(w, http.StatusUnprocessableEntity, detail)
		return nil
	}
	if msg := checkWebhookURL(stringMember(def, "webhook_callback_url")); msg != "" {
		writeDetail(w, http.StatusBadRequest, msg)
		return nil
	}
	return def
}

// parseWorkflow returns the definition's members, or the detail of a 422:
// a validation list, or a message when the body has neither or both of
// json_definition and yaml_definition.
func parseWorkflow(body []byte) (map[string]json.RawMessage, any) {
	m, errs := members(body, false)
	if errs == nil {
		errs = validate(m, workflowRequestFields, body)
	}
	if errs != nil {
		return nil, errs
	}
	set := func(name string) bool { raw, ok := m[name]; return ok && string(raw) != "null" }
	switch {
	case set("json_definition") && set("yaml_definition"):
		return nil, "Provide either json_definition or yaml_definition, not both."
	case set("json_definition"):
		raw := m["json_definition"]
		def, _ := members(raw, false) // an object: validated above
		if errs := validateAt([]any{"body", "json_definition"}, def, workflowDefinitionFields, raw); errs != nil {
			return nil, errs
		}
		wd := def["workflow_definition"]
		inner, _ := members(wd, false)
		if errs := validateAt([]any{"body", "json_definition", "workflow_definition"}, inner, workflowBodyFields, wd); errs != nil {
			return nil, errs
		}
		return def, nil
	case set("yaml_definition"):
		var doc string
		_ = json.Unmarshal(m["yaml_definition"], &doc)
		def := yamlScalars(doc)
		if _, ok := def["workflow_definition"]; !ok {
			def["workflow_definition"] = emptyWorkflowBody
		}
		whole, _ := json.Marshal(def)
		if errs := validateAt([]any{"body", "yaml_definition"}, def, workflowDefinitionFields, whole); errs != nil {
			return nil, errs
		}
		return def, nil
	}
	return nil, "Provide json_definition or yaml_definition."
}

// yamlScalars reads the scalar members at the top level of a YAML mapping:
// its unindented "key: value" lines. It is no YAML parser: nested values,
// lists, block and flow values, anchors, tags and values that run over
// several lines are skipped.
func yamlScalars(doc string) map[string]json.RawMessage {
	m := make(map[string]json.RawMessage)
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.ContainsRune(" \t#-", rune(line[0])) {
			continue
		}
		key, val, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		if v := yamlScalar(strings.TrimSpace(val)); v != nil {
			m[strings.TrimSpace(key)] = v
		}
	}
	return m
}

// yamlScalar returns the JSON of a one-line YAML scalar, or nil for a value
// it does not read.
func yamlScalar(v string) json.RawMessage {
	var s any
	switch {
	case v == "" || strings.ContainsAny(v[:1], "|>[{&*!"):
		return nil
	case v[0] == '"': // close enough to a JSON string; a comment may follow
		if json.NewDecoder(strings.NewReader(v)).Decode(&s) != nil {
			return nil
		}
	case v[0] == '\'': // a comment may follow
		str, ok := singleQuoted(v)
		if !ok {
			return nil
		}
		s = str
	default:
		if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		s = v
		switch strings.ToLower(v) {
		case "true":
			s = true
		case "false":
			s = false
		case "null", "~":
			s = nil
		default:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				s = n
			}
		}
	}
	b, _ := json.Marshal(s)
	return b
}

// singleQuoted reads the YAML single-quoted string that v starts with, in
// which two single quotes stand for one.
func singleQuoted(v string) (string, bool) {
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		switch {
		case v[i] != '\'':
			b.WriteByte(v[i])
		case i+1 < len(v) && v[i+1] == '\'':
			b.WriteByte('\'')
			i++
		default:
			return b.String(), true
		}
	}
	return "", false
}

// firstBlock returns the label and block_type of the first block of a
// definition, or those of a made-up task block.
func firstBlock(def map[string]json.RawMessage) (label, typ string) {
	var wd struct {
		Blocks []struct {
			Label     string `json:"label"`
			BlockType string `json:"block_type"`
		} `json:"blocks"`
	}
	label, typ = "block_1", "task"
	if json.Unmarshal(def["workflow_definition"], &wd) == nil && len(wd.Blocks) > 0 {
		if b := wd.Blocks[0]; b.Label != "" && b.BlockType != "" {
			label, typ = b.Label, b.BlockType
		}
	}
	return label, typ
}

// validIdempotencyKey reports a key of 1 to 255 visible ASCII bytes.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > 255 {
		return false
	}
	for i := range len(key) {
		if key[i] <= ' ' || key[i] >= 0x7f {
			return false
		}
	}
	return true
}

// handleCreateWorkflow serves Create Workflow: POST /v1/workflows and POST
// /v1/agents, with an optional folder_id query parameter. With an
// Idempotency-Key header, a repeat of the same request answers what the
// first one did and creates nothing; the same key with another request is
// refused with 422.
func (s *Server) handleCreateWorkflow(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	keys, hasKey := r.Header["Idempotency-Key"]
	if hasKey && !validIdempotencyKey(keys[0]) {
		writeDetail(w, http.StatusUnprocessableEntity, "Idempotency-Key must contain 1 to 255 visible ASCII bytes.")
		return
	}
	body, _ := io.ReadAll(r.Body)
	def := readWorkflow(w, body)
	if def == nil {
		return
	}
	if folder := r.URL.Query().Get("folder_id"); folder != "" {
		def["folder_id"], _ = json.Marshal(folder)
	}
	var request bytes.Buffer
	request.WriteString(r.URL.RawQuery + "\n")
	_ = json.Compact(&request, body) // valid: parsed above
	sw := &savedWorkflow{id: s.newID("wpid_")}
	sw.versions = []*workflowVersion{{id: s.newID("w_"), version: 1, def: def, created: s.clock.Now()}}

	s.mu.Lock()
	if hasKey {
		if prev, ok := s.idem[keys[0]]; ok {
			s.mu.Unlock()
			if !bytes.Equal(prev.request, request.Bytes()) {
				writeDetail(w, http.StatusUnprocessableEntity,
					"This Idempotency-Key was used with a different request; use a new key for a new workflow.")
				return
			}
			writeBody(w, http.StatusOK, prev.answer)
			return
		}
	}
	s.saved[sw.id] = sw
	s.savedOrder = append(s.savedOrder, sw)
	answer := mustMarshal(s.renderWorkflow(sw, sw.versions[0]))
	if hasKey {
		s.idem[keys[0]] = idempotent{request: request.Bytes(), answer: answer}
	}
	s.mu.Unlock()
	writeBody(w, http.StatusOK, answer)
}

// handleUpdateWorkflow serves Update Workflow: POST /v1/workflows/{id} and
// POST /v1/agents/{id}. It saves the definition as a new version, with a
// new workflow_id, and answers with it; a deleted or unknown workflow gets
// 404.
func (s *Server) handleUpdateWorkflow(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	def := readWorkflow(w, body)
	if def == nil {
		return
	}
	id := r.PathValue("workflow_id")
	v := &workflowVersion{id: s.newID("w_"), def: def, created: s.clock.Now()}

	s.mu.Lock()
	sw := s.saved[id]
	if sw == nil || !sw.deleted.IsZero() {
		s.mu.Unlock()
		writeDetail(w, http.StatusNotFound, workflowNotFound(id, 0))
		return
	}
	if _, ok := def["folder_id"]; !ok { // the folder is the workflow's, not the version's
		if folder, ok := sw.latest().def["folder_id"]; ok {
			def["folder_id"] = folder
		}
	}
	v.version = len(sw.versions) + 1
	sw.versions = append(sw.versions, v)
	s.savedOrder = append(slices.DeleteFunc(s.savedOrder, func(o *savedWorkflow) bool { return o == sw }), sw)
	answer := mustMarshal(s.renderWorkflow(sw, v))
	s.mu.Unlock()
	writeBody(w, http.StatusOK, answer)
}

// handleGetWorkflow serves Get Workflow: GET /v1/workflows/{id} and GET
// /v1/agents/{id}, the latest version unless the version query parameter
// names another. A deleted or unknown workflow or version gets 404, and so
// does template=true: the fake has no templates.
func (s *Server) handleGetWorkflow(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	q := queryReader{q: r.URL.Query()}
	version := q.int("version", 0, math.MinInt, 0)
	template := q.bool("template")
	if q.errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, q.errs)
		return
	}
	id := r.PathValue("workflow_permanent_id")
	var answer []byte
	s.mu.RLock()
	if sw := s.saved[id]; sw != nil && sw.deleted.IsZero() && !template {
		switch {
		case version == 0:
			answer = mustMarshal(s.renderWorkflow(sw, sw.latest()))
		case version > 0 && version <= len(sw.versions):
			answer = mustMarshal(s.renderWorkflow(sw, sw.versions[version-1]))
		}
	}
	s.mu.RUnlock()
	if answer == nil {
		writeDetail(w, http.StatusNotFound, workflowNotFound(id, version))
		return
	}
	writeBody(w, http.StatusOK, answer)
}

// handleDeleteWorkflow serves Delete Workflow: POST
// /v1/workflows/{id}/delete and POST /v1/agents/{id}/delete. Like
// Skyvern's, it marks every version deleted and answers JSON null, even
// for a workflow that is unknown or already deleted.
func (s *Server) handleDeleteWorkflow(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	if sw := s.saved[r.PathValue("workflow_id")]; sw != nil && sw.deleted.IsZero() {
		sw.deleted = now
	}
	s.mu.Unlock()
	writeBody(w, http.StatusOK, []byte("null"))
}

// handleListWorkflowVersions serves Get Workflow Versions: GET
// /v1/workflows/{id}/versions and GET /v1/agents/{id}/versions, newest
// first. Like Skyvern's, it answers an empty list for a workflow that is
// unknown or deleted.
func (s *Server) handleListWorkflowVersions(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	q := queryReader{q: r.URL.Query()}
	template := q.bool("template")
	if q.errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, q.errs)
		return
	}
	out := []webhooks.Object{}
	s.mu.RLock()
	if sw := s.saved[r.PathValue("workflow_permanent_id")]; sw != nil && sw.deleted.IsZero() && !template {
		for _, v := range slices.Backward(sw.versions) {
			out = append(out, s.renderWorkflow(sw, v))
		}
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

// handleListWorkflows serves Get Workflows: GET /v1/workflows and GET
// /v1/agents, the latest version of each workflow not deleted, most
// recently saved first. search_key (or the older title) matches a
// substring of the title, ignoring case. The fake has no templates and no
// tags, so only_templates, template and tags match nothing.
func (s *Server) handleListWorkflows(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	q := queryReader{q: r.URL.Query()}
	pg := q.int("page", 1, 1, 0)
	size := q.int("page_size", 10, 1, 0)
	onlySaved, onlyWorkflows := q.bool("only_saved_tasks"), q.bool("only_workflows")
	onlyTemplates, template := q.bool("only_templates"), q.bool("template")
	none := onlyTemplates || template || len(q.q["tags"]) > 0
	search := q.string("search_key", 0, 0)
	if search == "" {
		search = q.string("title", 0, 0)
	}
	folder := q.string("folder_id", 0, 0)
	statuses := q.q["status"]
	if q.errs != nil {
		writeDetail(w, http.StatusUnprocessableEntity, q.errs)
		return
	}
	if onlySaved && onlyWorkflows {
		writeDetail(w, http.StatusBadRequest, "only_saved_tasks and only_workflows cannot be used together")
		return
	}
	search = strings.ToLower(search)
	var found []*savedWorkflow
	s.mu.RLock()
	for _, sw := range slices.Backward(s.savedOrder) {
		d := sw.latest().def
		var savedTask bool
		_ = json.Unmarshal(d["is_saved_task"], &savedTask)
		status := stringMember(d, "status")
		if status == "" {
			status = "published"
		}
		switch {
		case none, !sw.deleted.IsZero(),
			onlySaved && !savedTask, onlyWorkflows && savedTask,
			!strings.Contains(strings.ToLower(stringMember(d, "title")), search),
			folder != "" && stringMember(d, "folder_id") != folder,
			len(statuses) > 0 && !slices.Contains(statuses, status):
			continue
		}
		found = append(found, sw)
	}
	out := []webhooks.Object{}
	for _, sw := range page(found, pg, size) {
		out = append(out, s.renderWorkflow(sw, sw.latest()))
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

// renderWorkflow renders version v of sw as Skyvern's Workflow: every
// member in the server's order, the definition's settings as sent or else
// their defaults. s.mu must be held.
func (s *Server) renderWorkflow(sw *savedWorkflow, v *workflowVersion) webhooks.Object {
	get := func(name string, def any) webhooks.Member {
		if raw, ok := v.def[name]; ok && string(raw) != "null" {
			return webhooks.Member{Key: name, Value: raw}
		}
		return webhooks.Member{Key: name, Value: def}
	}
	return webhooks.Object{
		{Key: "workflow_id", Value: v.id},
		{Key: "organization_id", Value: s.orgID},
		get("title", ""),
		{Key: "workflow_permanent_id", Value: sw.id},
		{Key: "version", Value: v.version},
		get("is_saved_task", false),
		{Key: "is_template", Value: false},
		get("description", nil),
		get("workflow_definition", emptyWorkflowBody),
		get("proxy_location", nil),
		get("webhook_callback_url", nil),
		get("totp_verification_url", nil),
		get("totp_identifier", nil),
		get("persist_browser_session", false),
		get("reuse_browser_session", false),
		get("mask_secrets", false),
		get("pin_saved_session_ip", false),
		get("browser_profile_id", nil),
		get("browser_profile_key", nil),
		get("model", nil),
		get("status", "published"),
		get("max_screenshot_scrolls", nil),
		get("max_elapsed_time_minutes", nil),
		get("extra_http_headers", nil),
		get("cdp_connect_headers", nil),
		get("run_with", "agent"),
		get("ai_fallback", true),
		get("cache_key", "default"),
		get("adaptive_caching", false),
		get("enable_self_healing", false),
		get("code_version", nil),
		get("generate_script_on_terminal", false),
		get("run_sequentially", false),
		get("sequential_key", nil),
		get("folder_id", nil),
		{Key: "import_error", Value: nil},
		{Key: "created_by", Value: nil},
		{Key: "edited_by", Value: nil},
		{Key: "copilot_authored", Value: false},
		{Key: "created_at", Value: timeValue(v.created)},
		{Key: "modified_at", Value: timeValue(v.created)},
		{Key: "deleted_at", Value: timeValue(sw.deleted)},
		{Key: "agent_id", Value: sw.id},
	}
}
