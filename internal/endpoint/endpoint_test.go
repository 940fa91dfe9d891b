package endpoint

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestTableIsOneServeMux registers every row's pattern in one ServeMux
// (which panics on two patterns that conflict), and checks that each
// row's call, built by With, is served by its own pattern with its ids
// as the wildcards' values, however they must be escaped.
func TestTableIsOneServeMux(t *testing.T) {
	mux := http.NewServeMux()
	seen := map[string]bool{}
	for _, e := range All() {
		if seen[e.Pattern()] {
			t.Fatalf("%s is in the table twice", e.Pattern())
		}
		seen[e.Pattern()] = true
		if len(e.Methods) == 0 {
			t.Errorf("%s names no Client method", e.Pattern())
		}
		mux.HandleFunc(e.Pattern(), func(w http.ResponseWriter, r *http.Request) {
			for _, name := range e.Params() {
				w.Header().Add("X-Param", r.PathValue(name))
			}
		})
	}
	ids := []string{"a/b", "..", "x y%z", "é?#"}
	for _, e := range All() {
		params := e.Params()
		c := e.With(ids[:len(params)]...)
		if c.Op != e || c.Path == "" {
			t.Fatalf("%s: With = %+v", e.Pattern(), c)
		}
		req := httptest.NewRequest(e.Method, c.Path, nil)
		_, pattern := mux.Handler(req)
		if pattern != e.Pattern() {
			t.Errorf("%s: %s %s is served by %q", e.Pattern(), e.Method, c.Path, pattern)
			continue
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if got := rec.Header().Values("X-Param"); !slices.Equal(got, ids[:len(params)]) {
			t.Errorf("%s: %s carries %q, want %q", e.Pattern(), c.Path, got, ids[:len(params)])
		}
	}
}

func TestWith(t *testing.T) {
	for _, tt := range []struct {
		e    *Endpoint
		ids  []string
		want string
	}{
		{GetRun, []string{"tsk_1"}, "/v1/runs/tsk_1"},
		{CancelRun, []string{"a/b"}, "/v1/runs/a%2Fb/cancel"},
		{GetRun, []string{"."}, "/v1/runs/%2E"},
		{GetRun, []string{".."}, "/v1/runs/%2E%2E"},
		{DeleteRunTag, []string{"wr_1", "team name"}, "/v1/runs/wr_1/tags/team%20name"},
		{GetSchedule, []string{"wpid_1", "wfs_2"}, "/v1/workflows/wpid_1/schedules/wfs_2"},
		{ListRuns, nil, "/v1/runs"},
		{GetRun, []string{""}, ""},
		{DeleteRunTag, []string{"wr_1", ""}, ""},
	} {
		if got := tt.e.With(tt.ids...); got.Path != tt.want || got.Op != tt.e {
			t.Errorf("%s.With(%q) = %+v, want path %q", tt.e.Pattern(), tt.ids, got, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("With with too few ids did not panic")
		}
	}()
	GetRun.With()
}

func TestAgentsTwins(t *testing.T) {
	for e, want := range map[*Endpoint]string{
		RunWorkflow:      "POST /v1/run/agents",
		GetWorkflow:      "GET /v1/agents/{workflow_permanent_id}",
		RetryWorkflowRun: "POST /v1/agents/runs/{workflow_run_id}/retry",
		GetRun:           "GET /v1/runs/{run_id}",
	} {
		if got := e.SpecPattern(); got != want {
			t.Errorf("%s: SpecPattern = %q, want %q", e.Pattern(), got, want)
		}
	}
	if got := ListRuns.Operation(); got != "ListRunsPage" {
		t.Errorf("ListRuns.Operation() = %q", got)
	}
}
