package skyvern_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestScriptsAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t)
	client := srv.Client()

	created, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{
		skyvern.NewScriptFile("main.py", []byte("print('hi')\n")),
		{Path: "lib/util.py", Content: "X = 1\n", Encoding: skyvern.ScriptFileEncodingUTF8, MimeType: "text/x-python"},
	}})
	require.NoError(t, err)
	assert.Regexp(t, `^s_\d+$`, created.ScriptID)
	assert.Equal(t, 1, created.Version)
	assert.Equal(t, 2, created.FileCount)
	require.Contains(t, created.FileTree, "main.py")
	assert.Equal(t, "file", created.FileTree["main.py"].Type)
	assert.Equal(t, 12, *created.FileTree["main.py"].Size)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, created.FileTree["main.py"].ContentHash)
	lib := created.FileTree["lib"]
	assert.Equal(t, "directory", lib.Type)
	assert.Equal(t, "text/x-python", lib.Children["util.py"].MimeType)
	assert.False(t, created.CreatedAt.IsZero())

	t.Run("GetScript returns the latest version", func(t *testing.T) {
		s, err := client.GetScript(ctx, created.ScriptID)
		require.NoError(t, err)
		assert.Equal(t, created.ScriptID, s.ScriptID)
		assert.Equal(t, 1, s.Version)
		assert.NotEmpty(t, s.ScriptRevisionID)
		assert.NotEmpty(t, s.OrganizationID)
	})

	t.Run("DeployScript makes the next version, and GetScript shows it", func(t *testing.T) {
		v, err := client.DeployScript(ctx, created.ScriptID, skyvern.DeployScriptRequest{Files: []skyvern.ScriptFile{
			skyvern.NewScriptFile("main.py", []byte("print('bye')\n")),
		}})
		require.NoError(t, err)
		assert.Equal(t, 2, v.Version)
		assert.Equal(t, 1, v.FileCount)
		assert.Empty(t, v.FileTree, "Skyvern answers a deploy with an empty tree")
		s, err := client.GetScript(ctx, created.ScriptID)
		require.NoError(t, err)
		assert.Equal(t, 2, s.Version)
	})

	t.Run("ListScripts pages through every script, newest first", func(t *testing.T) {
		second, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{})
		require.NoError(t, err)
		third, err := client.CreateScript(ctx, skyvern.CreateScriptRequest{})
		require.NoError(t, err)
		var ids []string
		for s, err := range client.ListScripts(ctx, skyvern.ListScriptsParams{PageSize: 2}) {
			require.NoError(t, err)
			ids = append(ids, s.ScriptID)
		}
		assert.Equal(t, []string{third.ScriptID, second.ScriptID, created.ScriptID}, ids)
		page, err := client.ListScriptsPage(ctx, skyvern.ListScriptsParams{Page: 2, PageSize: 2})
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, 2, page[0].Version)
	})

	t.Run("RunScript is refused, as the server refuses every run", func(t *testing.T) {
		err := client.RunScript(ctx, created.ScriptID)
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, "Not implemented", apiErr.Detail)
	})

	t.Run("errors", func(t *testing.T) {
		_, err := client.GetScript(ctx, "s_404")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		_, err = client.DeployScript(ctx, "s_404", skyvern.DeployScriptRequest{})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.ErrorIs(t, client.RunScript(ctx, "s_404"), skyvern.ErrBadRequest, "the server refuses before it looks the script up")
		_, err = client.CreateScript(ctx, skyvern.CreateScriptRequest{RunID: "tsk_404"})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		var apiErr *skyvern.APIError
		_, err = client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{{Path: "a.py", Content: "not base64!"}}})
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, "File 'a.py' is not valid base64", apiErr.Detail)
		_, err = client.CreateScript(ctx, skyvern.CreateScriptRequest{Files: []skyvern.ScriptFile{skyvern.NewScriptFile("../up.py", nil)}})
		assert.ErrorIs(t, err, skyvern.ErrBadRequest)
		_, err = client.ListScriptsPage(ctx, skyvern.ListScriptsParams{Page: -1})
		assert.ErrorIs(t, err, skyvern.ErrValidation)
		assert.ErrorIs(t, client.RunScript(ctx, ""), skyvern.ErrEmptyID)
		_, err = client.GetScript(ctx, "")
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
	})
}

func TestNewScriptFileEncodesBase64(t *testing.T) {
	f := skyvern.NewScriptFile("a/b.py", []byte{0, 1, 2, 'x'})
	assert.Equal(t, "a/b.py", f.Path)
	got, err := base64.StdEncoding.DecodeString(f.Content)
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 1, 2, 'x'}, got)
	assert.Empty(t, f.Encoding, "base64 is the server's default")
}

func TestScriptCallsThatCreateAreNotRetriedBlindly(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, route string
		call        func(c *skyvern.Client) error
	}{
		{"CreateScript", "POST /v1/scripts", func(c *skyvern.Client) error {
			_, err := c.CreateScript(ctx, skyvern.CreateScriptRequest{})
			return err
		}},
		{"DeployScript", "POST /v1/scripts/{id}/deploy", func(c *skyvern.Client) error {
			_, err := c.DeployScript(ctx, "s_1", skyvern.DeployScriptRequest{})
			return err
		}},
		{"RunScript", "POST /v1/scripts/{id}/run", func(c *skyvern.Client) error { return c.RunScript(ctx, "s_1") }},
		{"RunSDKAction", "POST /v1/sdk/run_action", func(c *skyvern.Client) error {
			_, err := c.RunSDKAction(ctx, skyvern.SDKActionRequest{URL: "https://example.com", Action: skyvern.ActAction{Intention: "x"}})
			return err
		}},
		{"CreateCustomLLM", "POST /v1/custom-llms", func(c *skyvern.Client) error {
			_, err := c.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{})
			return err
		}},
	} {
		t.Run(tc.name+" is sent once after a 500, and may have acted", func(t *testing.T) {
			f := setup(t, skyvern.WithMaxRetries(3), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
			f.reply(tc.route, 500, `{"detail":"boom"}`)
			err := tc.call(f.client)
			assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			assert.Len(t, f.requests(), 1)
		})
	}
	for _, tc := range []struct {
		name, route string
		call        func(c *skyvern.Client) error
	}{
		{"UpdateCustomLLM", "PUT /v1/custom-llms/{id}", func(c *skyvern.Client) error {
			_, err := c.UpdateCustomLLM(ctx, "oat_1", skyvern.CustomLLMRequest{})
			return err
		}},
		{"DeleteCustomLLM", "DELETE /v1/custom-llms/{id}", func(c *skyvern.Client) error { return c.DeleteCustomLLM(ctx, "oat_1") }},
		{"GetScript", "GET /v1/scripts/{id}", func(c *skyvern.Client) error {
			_, err := c.GetScript(ctx, "s_1")
			return err
		}},
	} {
		t.Run(tc.name+" is retried like a read", func(t *testing.T) {
			f := setup(t, skyvern.WithMaxRetries(2), skyvern.WithRetryWait(time.Millisecond, time.Millisecond))
			f.reply(tc.route, 503, `{"detail":"busy"}`)
			err := tc.call(f.client)
			assert.ErrorIs(t, err, skyvern.ErrServer)
			assert.False(t, errors.Is(err, skyvern.ErrOutcomeUnknown))
			assert.Len(t, f.requests(), 3)
		})
	}
}
