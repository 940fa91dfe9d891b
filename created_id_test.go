package skyvern_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// creatingCall is a method that creates something, the answer member that
// holds the id of what it created, and how to call it for that id.
type creatingCall struct {
	name string
	// wrap puts an id value (JSON) where the method's answer holds it.
	wrap func(id string) string
	// member names it in the error.
	member string
	call   func(ctx context.Context, c *skyvern.Client) (id string, err error)
}

func member(name string) func(string) string {
	return func(id string) string { return `{"` + name + `":` + id + `}` }
}

func creatingCalls() []creatingCall {
	run := func(id *skyvern.RunResponse, err error) (string, error) {
		if err != nil {
			return "", err
		}
		return id.RunID, nil
	}
	return []creatingCall{
		{"RunTask", member("run_id"), "run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			return run(c.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p"}))
		}},
		{"RunWorkflow", member("run_id"), "run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			return run(c.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1"}))
		}},
		{"RunLogin", member("run_id"), "run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			return run(c.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_1", URL: "https://example.com/login"}))
		}},
		{"RunDownloadFiles", member("run_id"), "run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			return run(c.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "g"}))
		}},
		{"RetryWorkflowRun", member("run_id"), "run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			return run(c.RetryWorkflowRun(ctx, "wr_1"))
		}},
		{"RetryRunWebhook", member("run_id"), "run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			r, err := c.RetryRunWebhook(ctx, "tsk_1", skyvern.RetryRunWebhookRequest{})
			if err != nil {
				return "", err
			}
			return r.RunID, nil
		}},
		{"RunSDKAction", member("workflow_run_id"), "workflow_run_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			r, err := c.RunSDKAction(ctx, skyvern.SDKActionRequest{Action: skyvern.ValidateAction{Prompt: "p"}})
			if err != nil {
				return "", err
			}
			return r.WorkflowRunID, nil
		}},
		{"CreateWorkflow", member("workflow_permanent_id"), "workflow_permanent_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			w, err := c.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: t\n"})
			if err != nil {
				return "", err
			}
			return w.WorkflowPermanentID, nil
		}},
		{"UpdateWorkflow", member("workflow_permanent_id"), "workflow_permanent_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			w, err := c.UpdateWorkflow(ctx, "wpid_1", skyvern.WorkflowRequest{YAMLDefinition: "title: t\n"})
			if err != nil {
				return "", err
			}
			return w.WorkflowPermanentID, nil
		}},
		{"CreateCredential", member("credential_id"), "credential_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			r, err := c.CreateCredential(ctx, skyvern.CredentialRequest{Name: "n", Credential: skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret("pw")}})
			if err != nil {
				return "", err
			}
			return r.CredentialID, nil
		}},
		{"CreateCustomLLM", func(id string) string { return `{"custom_llm":{"id":` + id + `}}` }, "custom_llm.id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			r, err := c.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: llmConfig()})
			if err != nil {
				return "", err
			}
			return r.ID, nil
		}},
		{"CreateBrowserSession", member("browser_session_id"), "browser_session_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			s, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
			if err != nil {
				return "", err
			}
			return s.BrowserSessionID, nil
		}},
		{"UseBrowserSession", member("browser_session_id"), "browser_session_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			var id string
			err := c.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{}, func(_ context.Context, s *skyvern.BrowserSession) error {
				id = s.BrowserSessionID
				return nil
			})
			return id, err
		}},
		{"CreateBrowserProfile", member("browser_profile_id"), "browser_profile_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			p, err := c.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "b", BrowserSessionID: "pbs_1"})
			if err != nil {
				return "", err
			}
			return p.BrowserProfileID, nil
		}},
		{"UploadFile", member("s3_uri"), "s3_uri", func(ctx context.Context, c *skyvern.Client) (string, error) {
			f, err := c.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a.txt", Content: strings.NewReader("x")})
			if err != nil {
				return "", err
			}
			return f.S3URI, nil
		}},
		{"CreateFolder", member("folder_id"), "folder_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			f, err := c.CreateFolder(ctx, skyvern.CreateFolderRequest{Title: "t"})
			if err != nil {
				return "", err
			}
			return f.FolderID, nil
		}},
		{"CreateSchedule", func(id string) string { return `{"schedule":{"workflow_schedule_id":` + id + `}}` }, "schedule.workflow_schedule_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			s, err := c.CreateSchedule(ctx, "wpid_1", skyvern.ScheduleRequest{CronExpression: "@daily", Timezone: "UTC"})
			if err != nil {
				return "", err
			}
			return s.Schedule.WorkflowScheduleID, nil
		}},
		{"CreateScript", member("script_id"), "script_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			v, err := c.CreateScript(ctx, skyvern.CreateScriptRequest{})
			if err != nil {
				return "", err
			}
			return v.ScriptID, nil
		}},
		{"DeployScript", member("script_id"), "script_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			v, err := c.DeployScript(ctx, "s_1", skyvern.DeployScriptRequest{})
			if err != nil {
				return "", err
			}
			return v.ScriptID, nil
		}},
		{"SendTOTPCode", member("totp_code_id"), "totp_code_id", func(ctx context.Context, c *skyvern.Client) (string, error) {
			t, err := c.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "a", Content: "123456"})
			if err != nil {
				return "", err
			}
			return t.TOTPCodeID, nil
		}},
		{"CreateTagValue", member("value"), "value", func(ctx context.Context, c *skyvern.Client) (string, error) {
			v, err := c.CreateTagValue(ctx, skyvern.CreateTagValueRequest{Key: "env", Value: "dev"})
			if err != nil {
				return "", err
			}
			return v.Value, nil
		}},
	}
}

// notCreatingAnID lists the methods whose names suggest a create but
// whose answer names nothing created, with the reason.
var notCreatingAnID = map[string]string{
	"RunScript": "Skyvern answers it with null (scripts.py run_script)",
}

// TestEveryCreatingCallIsInTheTable keeps creatingCalls complete: a new
// method named like a create must be added there or to notCreatingAnID.
func TestEveryCreatingCallIsInTheTable(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range creatingCalls() {
		covered[c.name] = true
	}
	var missing []string
	typ := reflect.TypeOf(&skyvern.Client{})
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		for _, verb := range []string{"Create", "Run", "Retry", "Upload", "Deploy", "Send", "Use"} {
			if strings.HasPrefix(name, verb) && !covered[name] && notCreatingAnID[name] == "" {
				missing = append(missing, name)
			}
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "creating methods missing from creatingCalls")
}

// TestACreateAnsweredWithoutAnIDMayHaveCreatedIt: a 2xx answer that does
// not name what was created proves nothing, and the thing may exist.
func TestACreateAnsweredWithoutAnIDMayHaveCreatedIt(t *testing.T) {
	ctx := context.Background()
	for _, cc := range creatingCalls() {
		t.Run(cc.name, func(t *testing.T) {
			bad := []string{`{}`, `{"status":"queued"}`, cc.wrap(`""`), cc.wrap(`null`), `{"detail":"Internal error"}`}
			for _, answer := range bad {
				t.Run(answer, func(t *testing.T) {
					f := setup(t)
					f.handle("/", status(200, answer))
					id, err := cc.call(ctx, f.client)
					require.Error(t, err, "a success without the id must not pass")
					assert.Empty(t, id)
					assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
					assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
					assert.Contains(t, err.Error(), cc.member)
					if strings.Contains(answer, "detail") {
						assert.Contains(t, err.Error(), "Internal error", "Skyvern's detail is kept")
					}
					assert.Len(t, f.requests(), 1, "not sent again")
				})
			}
			t.Run("with the id it succeeds", func(t *testing.T) {
				f := setup(t)
				f.handle("/", status(200, cc.wrap(`"id_1"`)))
				id, err := cc.call(ctx, f.client)
				require.NoError(t, err)
				assert.Equal(t, "id_1", id)
			})
		})
	}
}

// TestAnUpdateAnsweredWithoutAnIDIsNotAMaybeCreate: the shared calls of
// update and create declare the id for the create only.
func TestAnUpdateAnsweredWithoutAnIDIsNotAMaybeCreate(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	f.handle("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		status(200, `{"credential_id":""}`)(w, r)
	})
	_, err := f.client.UpdateCredential(ctx, "cred_1", skyvern.CredentialRequest{Name: "n", Credential: skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret("pw")}})
	require.NoError(t, err)
	_, err = f.client.UpdateCustomLLM(ctx, "llm_1", skyvern.CustomLLMRequest{Config: llmConfig()})
	require.Error(t, err, "an answer without custom_llm is still refused")
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, fmt.Sprint(err))
}
