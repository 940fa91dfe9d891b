package skyverntest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// A page number so large that (page-1)×page_size overflows an int: the
// page is empty, as any page past the end, not the first page and not a
// crash.
func TestAHugePageNumberIsAnEmptyPage(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := context.Background()
	_, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{})
	require.NoError(t, err)
	_, err = client.CreateCredential(ctx, passwordRequest("Portal"))
	require.NoError(t, err)
	_, err = client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_x"})
	require.NoError(t, err)

	for _, path := range []string{"/v1/scripts", "/v1/credentials", "/v1/workflows/runs", "/v1/browser_profiles", "/v1/workflows"} {
		for _, q := range []string{"?page=4611686018427387905&page_size=3", "?page=4611686018427387905&page_size=4"} {
			status, body, _ := do(t, http.MethodGet, srv.URL+path+q, srv.APIKey, "")
			assert.Equal(t, http.StatusOK, status, path+q)
			assert.JSONEq(t, `[]`, string(body), path+q)
		}
	}
}
