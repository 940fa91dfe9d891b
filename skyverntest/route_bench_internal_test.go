package skyverntest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/skyvern-go/skyvern"
)

// BenchmarkServeHTTP measures the server's handler in process, without
// the network, so that the cost of routing and the pipeline shows: Get Run
// of a stored run, and an unknown path (404). The baseline is a handler
// that answers the same bytes, unrouted.
func BenchmarkServeHTTP(b *testing.B) {
	s := NewServer(b, WithManualClock())
	run, err := s.Client().RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		b.Fatal(err)
	}
	get := httptest.NewRequest("GET", "/v1/runs/"+run.RunID, nil)
	get.Header.Set("X-Api-Key", s.APIKey)
	rec := httptest.NewRecorder()
	s.serveHTTP(rec, get)
	body := rec.Body.Bytes()
	for _, bc := range []struct {
		name string
		req  *http.Request
		h    http.HandlerFunc
	}{
		{"get_run", get, s.serveHTTP},
		{"not_found", httptest.NewRequest("GET", "/v1/nowhere/at/all", nil), s.serveHTTP},
		{"baseline", get, func(w http.ResponseWriter, _ *http.Request) { writeBody(w, http.StatusOK, body) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bc.h(w, bc.req)
			}
		})
	}
}
