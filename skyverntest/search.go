package skyverntest

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/skyvern-go/skyvern"
)

// This file is the fake's run search: what search_key matches in Get Runs
// (GET /v1/runs) and in the lists of workflow runs, and how far a search
// pages. It follows Skyvern's server:
//
//   - Get Runs: skyvern/forge/sdk/routes/agent_protocol.py get_runs_v2 (the
//     1000-match page limit) and
//     skyvern/forge/sdk/db/repositories/workflow_runs.py get_all_runs_v2,
//     which matches a task_runs row by its searchable_text, its run_id and
//     its workflow_permanent_id, and a workflow run also by
//     _run_input_search_clauses (its parameters and extra HTTP headers).
//     searchable_text is the run's title and URL joined by a space
//     (skyvern/forge/sdk/db/repositories/tasks.py create_task_run, kept up
//     to date by update_task_run).
//   - Get Workflow Runs and Get Workflow Runs By ID: workflow_runs.py
//     get_workflow_runs and get_workflow_runs_for_workflow_permanent_id,
//     through _apply_workflow_run_search_key_filter: the run's id, its
//     workflow's title and permanent id, and the same parameters and
//     headers.
//
// Every match is a case-insensitive substring match of one field at a
// time. Nothing else is searched: not the webhook URL, not the prompt, not
// the rest of the request.

// searchMatchLimit is how many matches Get Runs serves when it is given a
// search_key or a workflow_permanent_id: MAX_SEARCH_FETCH_LIMIT in
// skyvern/schemas/runs.py.
const searchMatchLimit = 1000

// searchLimitDetail is the detail of the 400 Get Runs answers for a page
// that starts at or past searchMatchLimit matches (get_runs_v2).
var searchLimitDetail = "Search pagination is limited to the first " + strconv.Itoa(searchMatchLimit) + " matches. Use a narrower search."

// inputs returns the lower-case run inputs of r that search_key matches
// (_run_input_search_clauses), made once, when a search first needs them:
// they do not change once the run is stored. A task run has none: the
// clauses look for workflow run parameters under the task's id, and there
// are none.
//
//   - Parameters: for a run of a saved workflow, each workflow parameter
//     its definition declares with the value the run got (the request's,
//     else the parameter's default; a parameter with neither is not stored)
//     gives its key, description and value; keys the workflow does not
//     declare are dropped, as the server drops them. For a workflow the
//     fake does not know the definition of (OnWorkflow, WithAnyWorkflow),
//     every key of the request's parameters counts as declared. A value is
//     kept as the server stores it: a string as it is, an object or a list
//     as its JSON text, anything else as its JSON text.
//   - The run's extra_http_headers, as JSON text (the server casts the
//     JSON column to text).
func (r *run) inputs() []string {
	r.searchOnce.Do(func() {
		if r.typ != skyvern.RunTypeWorkflowRun || r.workflow == nil {
			return
		}
		var f []string
		add := func(s string) {
			if s != "" {
				f = append(f, strings.ToLower(s))
			}
		}
		values := r.workflow.Parameters
		if r.paramDefs == nil {
			for k, v := range values {
				add(k)
				add(parameterText(v))
			}
		} else {
			for _, p := range r.paramDefs {
				v, sent := values[p.Key]
				if !sent || v == nil {
					v = p.Default
				}
				if v == nil {
					continue
				}
				add(p.Key)
				add(p.Description)
				add(parameterText(v))
			}
		}
		if len(r.workflow.ExtraHTTPHeaders) > 0 {
			b, _ := json.Marshal(r.workflow.ExtraHTTPHeaders)
			add(string(b))
		}
		r.search = f
	})
	return r.search
}

// parameterText is a parameter value as the server stores it
// (skyvern/forge/sdk/workflow/service.py
// _serialize_workflow_run_parameter_value): a string as it is, anything
// else as JSON.
func parameterText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// workflowParameter is a workflow parameter a saved workflow declares, as
// far as the search needs it.
type workflowParameter struct {
	Key         string `json:"key"`
	Description string `json:"description"`
	Default     any    `json:"default_value"`
}

// declaredParameters returns the workflow parameters (parameter_type
// "workflow") of a saved workflow's definition, or an empty, non-nil list.
func declaredParameters(def json.RawMessage) []workflowParameter {
	var wd struct {
		Parameters []struct {
			Type string `json:"parameter_type"`
			workflowParameter
		} `json:"parameters"`
	}
	out := []workflowParameter{}
	if json.Unmarshal(def, &wd) != nil {
		return out
	}
	for _, p := range wd.Parameters {
		if p.Type == "workflow" && p.Key != "" {
			out = append(out, p.workflowParameter)
		}
	}
	return out
}

// searchableText is the run's task_runs.searchable_text: its title and its
// URL (a task's url; a workflow run has none), joined by a space.
func (r *run) searchableText() string {
	url := ""
	if r.task != nil {
		url = r.task.URL
	}
	switch t := r.title(); {
	case t == "":
		return url
	case url == "":
		return t
	default:
		return t + " " + url
	}
}

// listedWorkflowID is the workflow_permanent_id Get Runs has for r: that
// of a workflow run's workflow. A task v2 run's task_runs row has none
// (tasks.py create_task_run is not given one by task_v2_service.py).
func (r *run) listedWorkflowID() string {
	if r.typ == skyvern.RunTypeWorkflowRun {
		return r.workflowID
	}
	return ""
}

// matchesRunSearch reports whether Get Runs' search_key key matches r
// (get_all_runs_v2); "" matches every run. The store's lock is held.
func (r *run) matchesRunSearch(key string) bool {
	if key == "" {
		return true
	}
	key = strings.ToLower(key)
	return hasFold(r.searchableText(), key) || hasFold(r.id, key) ||
		hasFold(r.listedWorkflowID(), key) || inputsMatch(r.inputs(), key)
}

// matchesWorkflowRunSearch reports whether the workflow run lists'
// search_key key matches the workflow run r
// (_apply_workflow_run_search_key_filter); "" matches every run. The
// store's lock is held.
func (r *run) matchesWorkflowRunSearch(key string) bool {
	if key == "" {
		return true
	}
	key = strings.ToLower(key)
	return hasFold(r.id, key) || hasFold(r.workflowTitle, key) ||
		hasFold(r.workflowID, key) || inputsMatch(r.inputs(), key)
}

// hasFold reports whether lower, in lower case already, is part of
// s, ignoring case.
func hasFold(s, lower string) bool { return strings.Contains(strings.ToLower(s), lower) }

func inputsMatch(fields []string, lower string) bool {
	for _, f := range fields {
		if strings.Contains(f, lower) {
			return true
		}
	}
	return false
}
