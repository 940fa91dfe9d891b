package skyverntest

import (
	"io"
	"net/http"
	"testing"
)

// TestAdminPrefixGoesToTheAdminHandler checks the router's hook for the
// admin API: with the admin option, /_skyverntest/ paths reach the
// handler before authentication; without it, they are unknown paths.
func TestAdminPrefixGoesToTheAdminHandler(t *testing.T) {
	prev := adminHandlerFor
	t.Cleanup(func() { adminHandlerFor = prev })
	adminHandlerFor = func(s *Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "admin "+r.URL.Path) })
	}
	get := func(s *Server) (int, string) {
		resp, err := http.Get(s.URL + "/_skyverntest/runs")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	on := NewServer(t, func(c *config) { c.admin = true })
	if status, body := get(on); status != http.StatusOK || body != "admin /_skyverntest/runs" {
		t.Errorf("with the admin API: %d %q", status, body)
	}
	off := NewServer(t)
	if status, _ := get(off); status != http.StatusNotFound {
		t.Errorf("without the admin API: %d, want 404", status)
	}
}
