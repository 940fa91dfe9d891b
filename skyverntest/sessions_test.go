package skyverntest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

// refusedWith asserts that err is an *APIError with status and returns its
// detail.
func refusedWith(t *testing.T, err error, status int) string {
	t.Helper()
	var ae *skyvern.APIError
	require.True(t, errors.As(err, &ae), "want an *APIError, got %v", err)
	assert.Equal(t, status, ae.StatusCode, "status of %v", err)
	return ae.Detail
}

// A session is created, read, listed, updated, used by a login run and a
// download run one after another, and closed; then it can run nothing
// more, and closing it again is harmless.
func TestBrowserSessionLifeCycle(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	h := newHook(t, nil)

	created, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{
		BrowserType: skyvern.BrowserTypeChrome, Extensions: []skyvern.BrowserExtension{skyvern.BrowserExtensionAdBlocker}})
	require.NoError(t, err)
	id := created.BrowserSessionID
	assert.Regexp(t, `^pbs_\d+$`, id)
	assert.Equal(t, skyvern.BrowserSessionStatusCreated, created.Status)
	require.NotNil(t, created.TimeoutMinutes)
	assert.Equal(t, 60, *created.TimeoutMinutes, "the server's default timeout")
	assert.Equal(t, skyvern.BrowserTypeChrome, created.BrowserType)
	assert.Empty(t, created.Extra, "every member the fake sends is modelled")

	got, err := client.GetBrowserSession(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, skyvern.BrowserSessionStatusRunning, got.Status, "its browser is up by the next request")
	assert.False(t, got.StartedAt.IsZero())

	listed, err := skyvern.Collect(client.ListBrowserSessions(ctx))
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, id, listed[0].BrowserSessionID)

	updated, err := client.UpdateBrowserSession(ctx, id, skyvern.UpdateBrowserSessionRequest{GenerateBrowserProfile: true})
	require.NoError(t, err)
	assert.True(t, updated.GenerateBrowserProfile)

	cred, err := client.CreateCredential(ctx, passwordRequest("Billing"))
	require.NoError(t, err)
	login, err := client.RunLogin(ctx, skyvern.LoginRequest{
		CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: cred.CredentialID,
		URL: "https://billing.example.com/login", BrowserSessionID: id})
	require.NoError(t, err)
	assert.Regexp(t, `^wr_\d+$`, login.RunID)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, login.RunType)
	assert.Equal(t, id, login.BrowserSessionID)

	inUse, err := client.GetBrowserSession(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "workflow_run", inUse.RunnableType)
	assert.Equal(t, login.RunID, inUse.RunnableID, "the session is held by the run in it")

	srv.Advance(skyverntest.DefaultRunDuration)
	login, err = client.WaitForRun(ctx, login.RunID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, login.Status)
	free, err := client.GetBrowserSession(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, free.RunnableID, "a finished run lets the session go")

	dl, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
		NavigationGoal: "Download the invoice for May", DownloadSuffix: "invoice-may.pdf",
		BrowserSessionID: id, WebhookURL: h.URL})
	require.NoError(t, err)
	srv.Advance(skyverntest.DefaultRunDuration)
	dl, err = client.WaitForRun(ctx, dl.RunID)
	require.NoError(t, err)
	require.Len(t, dl.DownloadedFiles, 1)
	assert.Equal(t, "invoice-may.pdf", dl.DownloadedFiles[0].Filename)

	// The download's webhook is a signed workflow run payload that lists
	// the file too.
	d := h.next(t)
	verify(t, d, srv.APIKey)
	var payload skyvern.RunResponse
	require.NoError(t, json.Unmarshal(d.Body, &payload))
	assert.Equal(t, dl.RunID, payload.RunID)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, payload.RunType)
	require.Len(t, payload.DownloadedFiles, 1)
	m := members(t, d.Body)
	assert.JSONEq(t, `"`+dl.RunID+`"`, string(m["workflow_run_id"]))
	assert.JSONEq(t, `"File Download"`, string(m["workflow_title"]))

	withFiles, err := client.GetBrowserSession(ctx, id)
	require.NoError(t, err)
	require.Len(t, withFiles.DownloadedFiles, 1, "the session keeps what its runs downloaded")
	assert.Equal(t, "invoice-may.pdf", withFiles.DownloadedFiles[0].Filename)

	require.NoError(t, client.CloseBrowserSession(ctx, id))
	closed, err := client.GetBrowserSession(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, skyvern.BrowserSessionStatusCompleted, closed.Status)
	assert.False(t, closed.CompletedAt.IsZero())
	require.NoError(t, client.CloseBrowserSession(ctx, id), "closing an ended session is harmless")

	listed, err = skyvern.Collect(client.ListBrowserSessions(ctx))
	require.NoError(t, err)
	assert.Empty(t, listed, "only active sessions are listed")

	_, err = client.UpdateBrowserSession(ctx, id, skyvern.UpdateBrowserSessionRequest{})
	assert.ErrorIs(t, err, skyvern.ErrConflict)
	assert.Equal(t, "Browser session "+id+" has already ended and can no longer be updated.", refusedWith(t, err, http.StatusConflict))

	_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", BrowserSessionID: id})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Browser session "+id+" does not exist or is not live.", refusedWith(t, err, http.StatusNotFound))
}

// Every kind of run that names a browser session needs it live: unknown
// or closed, the run is refused with the server's 404 and not started.
func TestRunsInAnUnknownOrClosedSessionAreRefused(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock(), skyverntest.WithAnyWorkflow())
	client := srv.Client()
	ctx := ctxT(t)
	closed, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	require.NoError(t, err)
	require.NoError(t, client.CloseBrowserSession(ctx, closed.BrowserSessionID))

	starts := map[string]func(session string) error{
		"task": func(s string) error {
			_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", BrowserSessionID: s})
			return err
		},
		"task v2": func(s string) error {
			_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV2, BrowserSessionID: s})
			return err
		},
		"workflow": func(s string) error {
			_, err := client.RunWorkflow(ctx, skyvern.WorkflowRunRequest{WorkflowID: "wpid_1", BrowserSessionID: s})
			return err
		},
		"login": func(s string) error {
			_, err := client.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceBitwarden, BrowserSessionID: s})
			return err
		},
		"download": func(s string) error {
			_, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "g", BrowserSessionID: s})
			return err
		},
	}
	for name, start := range starts {
		for _, session := range []string{"pbs_404", closed.BrowserSessionID} {
			err := start(session)
			assert.ErrorIs(t, err, skyvern.ErrNotFound, "%s in %s", name, session)
			assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 404 says the run was not made")
			assert.Equal(t, "Browser session "+session+" does not exist or is not live.", refusedWith(t, err, http.StatusNotFound))
		}
	}
	assert.Empty(t, srv.Runs(), "no run was started")
}

// A task v2 run holds its session under the workflow run Skyvern makes
// for it, a task run under its own id.
func TestTaskRunsHoldTheirSession(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	for _, tc := range []struct {
		engine skyvern.RunEngine
		typ    string
	}{{"", "task"}, {skyvern.RunEngineSkyvernV2, "workflow_run"}} {
		s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
		require.NoError(t, err)
		run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: tc.engine, BrowserSessionID: s.BrowserSessionID})
		require.NoError(t, err)
		got, err := client.GetBrowserSession(ctx, s.BrowserSessionID)
		require.NoError(t, err)
		assert.Equal(t, tc.typ, got.RunnableType)
		if tc.typ == "task" {
			assert.Equal(t, run.RunID, got.RunnableID)
		} else {
			assert.Regexp(t, `^wr_\d+$`, got.RunnableID)
		}
		srv.Advance(skyverntest.DefaultRunDuration)
		got, err = client.GetBrowserSession(ctx, s.BrowserSessionID)
		require.NoError(t, err)
		assert.Empty(t, got.RunnableType, "released when the run finished")
	}
}

// UseBrowserSession against the fake: the session is closed when fn
// returns, fails, or when ctx was cancelled meanwhile.
func TestUseBrowserSessionClosesTheSessionOnEveryPath(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	boom := errors.New("boom")
	for name, fn := range map[string]func(ctx context.Context, cancel context.CancelFunc, s *skyvern.BrowserSession) error{
		"success": func(ctx context.Context, _ context.CancelFunc, s *skyvern.BrowserSession) error {
			_, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", BrowserSessionID: s.BrowserSessionID})
			return err
		},
		"failure": func(context.Context, context.CancelFunc, *skyvern.BrowserSession) error { return boom },
		"cancelled": func(_ context.Context, cancel context.CancelFunc, _ *skyvern.BrowserSession) error {
			cancel()
			return context.Canceled
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(ctxT(t))
			defer cancel()
			var id string
			err := client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, s *skyvern.BrowserSession) error {
				id = s.BrowserSessionID
				return fn(ctx, cancel, s)
			})
			switch name {
			case "success":
				require.NoError(t, err)
			case "failure":
				require.ErrorIs(t, err, boom)
			default:
				require.ErrorIs(t, err, context.Canceled)
			}
			s, err := client.GetBrowserSession(ctxT(t), id)
			require.NoError(t, err)
			assert.Equal(t, skyvern.BrowserSessionStatusCompleted, s.Status)
		})
	}
}

func TestBrowserSessionErrors(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)

	_, err := client.GetBrowserSession(ctx, "pbs_404")
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Browser session pbs_404 not found", refusedWith(t, err, http.StatusNotFound))
	_, err = client.UpdateBrowserSession(ctx, "pbs_404", skyvern.UpdateBrowserSessionRequest{})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.ErrorIs(t, client.CloseBrowserSession(ctx, "pbs_404"), skyvern.ErrNotFound)

	_, err = client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 1})
	assert.ErrorIs(t, err, skyvern.ErrValidation)
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 422 says nothing was made")
	_, err = client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{BrowserProfileID: "bp_404"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "Browser profile bp_404 not found", refusedWith(t, err, http.StatusNotFound))
	_, err = client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{
		ProxySessionID: "ps_1", ProxyLocation: skyvern.ProxyLocationResidential})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest)

	capped, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 500})
	require.NoError(t, err)
	assert.Equal(t, 240, *capped.TimeoutMinutes)
	assert.Contains(t, capped.Warning, "capped at 240 minutes")

	// A session whose timeout passes ends by itself.
	_, err = client.GetBrowserSession(ctx, capped.BrowserSessionID) // started
	require.NoError(t, err)
	srv.Advance(240 * time.Minute)
	ended, err := client.GetBrowserSession(ctx, capped.BrowserSessionID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.BrowserSessionStatusTimeout, ended.Status)
}

func TestBrowserProfiles(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)

	blank, err := client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "billing", Description: "Billing portal"})
	require.NoError(t, err)
	assert.Regexp(t, `^bp_\d+$`, blank.BrowserProfileID)
	assert.Equal(t, "billing", blank.Name)
	assert.Empty(t, blank.Extra)

	_, err = client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "billing"})
	assert.ErrorIs(t, err, skyvern.ErrConflict, "names are unique")
	_, err = client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{})
	assert.ErrorIs(t, err, skyvern.ErrValidation, "a name is required")

	// From a session that saved its state, once closed.
	s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{GenerateBrowserProfile: true})
	require.NoError(t, err)
	_, err = client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "early", BrowserSessionID: s.BrowserSessionID})
	assert.ErrorIs(t, err, skyvern.ErrBadRequest, "not before the session has ended")
	require.NoError(t, client.CloseBrowserSession(ctx, s.BrowserSessionID))
	fromSession, err := client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "signed in", BrowserSessionID: s.BrowserSessionID})
	require.NoError(t, err)
	_, err = client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "x", BrowserSessionID: "pbs_404"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)

	// From a workflow run the server knows.
	login, err := client.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceBitwarden, BitwardenItemID: "item"})
	require.NoError(t, err)
	fromRun, err := client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "from run", WorkflowRunID: login.RunID})
	require.NoError(t, err)
	_, err = client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "y", WorkflowRunID: "wr_404"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.Equal(t, "WorkflowRun wr_404 not found", refusedWith(t, err, http.StatusNotFound))

	got, err := client.GetBrowserProfile(ctx, fromSession.BrowserProfileID)
	require.NoError(t, err)
	assert.Equal(t, "signed in", got.Name)

	var names []string
	for p, err := range client.ListBrowserProfiles(ctx, skyvern.ListBrowserProfilesParams{PageSize: 2}) {
		require.NoError(t, err)
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"from run", "signed in", "billing"}, names, "newest first, over pages of 2")
	found, err := client.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{SearchKey: "PORTAL"})
	require.NoError(t, err)
	require.Len(t, found, 1, "search_key matches the description, ignoring case")
	assert.Equal(t, blank.BrowserProfileID, found[0].BrowserProfileID)
	managed, err := client.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{Managed: skyvern.Ptr(true)})
	require.NoError(t, err)
	assert.Empty(t, managed, "no profile is managed")
	userMade, err := client.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{Managed: skyvern.Ptr(false)})
	require.NoError(t, err)
	assert.Len(t, userMade, 3)
	_, err = client.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{Page: -1})
	assert.ErrorIs(t, err, skyvern.ErrValidation)

	renamed, err := client.UpdateBrowserProfile(ctx, blank.BrowserProfileID, skyvern.UpdateBrowserProfileRequest{
		Name: "billing (EU)", Description: skyvern.Ptr("")})
	require.NoError(t, err)
	assert.Equal(t, "billing (EU)", renamed.Name)
	assert.Empty(t, renamed.Description)
	_, err = client.UpdateBrowserProfile(ctx, blank.BrowserProfileID, skyvern.UpdateBrowserProfileRequest{Name: "signed in"})
	assert.ErrorIs(t, err, skyvern.ErrConflict)
	_, err = client.UpdateBrowserProfile(ctx, "bp_404", skyvern.UpdateBrowserProfileRequest{Name: "z"})
	assert.ErrorIs(t, err, skyvern.ErrNotFound)

	// Runs started from a profile count in its usage.
	_, err = client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "p", Engine: skyvern.RunEngineSkyvernV2, BrowserProfileID: fromSession.BrowserProfileID})
	require.NoError(t, err)
	_, err = client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "g", BrowserProfileID: fromSession.BrowserProfileID})
	require.NoError(t, err)
	usage, err := client.GetBrowserProfileUsage(ctx, fromSession.BrowserProfileID)
	require.NoError(t, err)
	assert.Equal(t, 2, usage.RecentSeededRunCount)
	assert.NotNil(t, usage.Workflows)
	_, err = client.GetBrowserProfileUsage(ctx, "bp_404")
	assert.ErrorIs(t, err, skyvern.ErrNotFound)

	require.NoError(t, client.DeleteBrowserProfile(ctx, fromRun.BrowserProfileID))
	_, err = client.GetBrowserProfile(ctx, fromRun.BrowserProfileID)
	assert.ErrorIs(t, err, skyvern.ErrNotFound)
	assert.ErrorIs(t, client.DeleteBrowserProfile(ctx, fromRun.BrowserProfileID), skyvern.ErrNotFound, "deleting twice")
	live, err := client.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{})
	require.NoError(t, err)
	assert.Len(t, live, 2)
	all, err := client.ListBrowserProfilesPage(ctx, skyvern.ListBrowserProfilesParams{IncludeDeleted: true})
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.False(t, all[0].DeletedAt.IsZero(), "the deleted profile is kept")
}

// Login and download runs are workflow runs like any other: OnRun sees
// their requests and chooses their outcome, ListRuns lists them, and a
// Waiter fed by the webhooks package takes their webhooks.
func TestLoginAndDownloadRunsAreWorkflowRuns(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	seen := make(chan skyverntest.RunRequest, 2)
	srv.OnRun(func(r skyverntest.RunRequest) skyverntest.Outcome {
		seen <- r
		if r.Login != nil {
			return skyverntest.Outcome{Status: skyvern.RunStatusFailed, FailureReason: "wrong password"}
		}
		return skyverntest.Outcome{}
	})
	client := srv.Client()
	ctx := ctxT(t)
	waiter := skyvern.NewWaiter(client, skyvern.WithFallbackPolling(time.Hour, time.Hour))
	receiver := httptest.NewServer(webhooks.Handler(srv.APIKey, func(_ context.Context, run *skyvern.RunResponse) error {
		waiter.Deliver(run)
		return nil
	}, webhooks.WithLogger(nil)))
	t.Cleanup(receiver.Close)

	login, err := client.RunLogin(ctx, skyvern.LoginRequest{
		CredentialSource: skyvern.CredentialSourceOnePassword, OnePasswordVaultID: "v", OnePasswordItemID: "i",
		WebhookURL: receiver.URL, TOTPIdentifier: "me@example.com", XUserAgent: "agent/1"})
	require.NoError(t, err)
	r := <-seen
	require.NotNil(t, r.Login)
	assert.Equal(t, "i", r.Login.OnePasswordItemID)
	assert.Equal(t, login.RunID, r.RunID)
	assert.Equal(t, skyvern.RunTypeWorkflowRun, r.RunType)
	require.NotNil(t, r.Workflow)
	assert.Equal(t, "Login", r.Workflow.Title)

	var shown skyvern.WorkflowRunRequest
	require.NoError(t, json.Unmarshal(login.RunRequest, &shown))
	assert.Regexp(t, `^w_\d+$`, shown.WorkflowID, "run_request names the made workflow's version")
	assert.Equal(t, "Login", shown.Title)
	assert.Equal(t, receiver.URL, shown.WebhookURL)
	assert.Equal(t, "me@example.com", shown.TOTPIdentifier)

	dl, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{NavigationGoal: "Get the statement", URL: "https://bank.example.com"})
	require.NoError(t, err)
	r = <-seen
	require.NotNil(t, r.DownloadFiles)
	assert.Equal(t, "Get the statement", r.DownloadFiles.NavigationGoal)

	done := make(chan *skyvern.RunResponse)
	go func() {
		run, err := waiter.Wait(ctx, login.RunID)
		assert.NoError(t, err)
		done <- run
	}()
	require.Eventually(t, func() bool { return waiter.Pending() == 1 }, 10*time.Second, time.Millisecond)
	srv.Advance(skyverntest.DefaultRunDuration)
	failed := <-done
	assert.Equal(t, skyvern.RunStatusFailed, failed.Status)
	assert.Equal(t, "wrong password", failed.FailureReason)

	dlRun, err := client.WaitForRun(ctx, dl.RunID)
	require.NoError(t, err)
	assert.Equal(t, skyvern.RunStatusCompleted, dlRun.Status)
	require.Len(t, dlRun.DownloadedFiles, 1)
	assert.Equal(t, "download", dlRun.DownloadedFiles[0].Filename)

	runs, err := client.ListRunsPage(ctx, skyvern.ListRunsParams{RunType: []skyvern.RunType{skyvern.RunTypeWorkflowRun}})
	require.NoError(t, err)
	require.Len(t, runs, 2)
	assert.Equal(t, "File Download", runs[0].Title)
	assert.Equal(t, "Login", runs[1].Title)
	timeline, err := skyvern.Collect(client.ListRunTimeline(ctx, dl.RunID))
	require.NoError(t, err)
	require.Len(t, timeline, 1)
	assert.Equal(t, "file_download", timeline[0].Block.Label)
}

func TestLoginAndDownloadRequestErrors(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	for name, tc := range map[string]struct {
		req    skyvern.LoginRequest
		status int
		detail string
	}{
		"no credential type":    {skyvern.LoginRequest{}, http.StatusUnprocessableEntity, ""},
		"an unknown source":     {skyvern.LoginRequest{CredentialSource: "lastpass"}, http.StatusUnprocessableEntity, ""},
		"skyvern without an id": {skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern}, http.StatusBadRequest, "credential_id is required to login with Skyvern credential"},
		"an unknown skyvern credential": {skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_404"},
			http.StatusNotFound, "Credential cred_404 not found"},
		"a bad webhook URL before the credential": {skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_404", WebhookURL: "ftp://x"},
			http.StatusBadRequest, "Invalid URL: ftp://x. Skyvern supports HTTP and HTTPS urls with max 2083 character length."},
		"1password without a vault": {skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceOnePassword, OnePasswordItemID: "i"},
			http.StatusBadRequest, "onepassword_vault_id is required to login with 1Password credential"},
		"azure without a password key": {skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceAzureVault,
			AzureVaultName: "v", AzureVaultUsernameKey: "u"}, http.StatusBadRequest, "azure_vault_password_key is required to login with Azure Vault credential"},
		"a bad webhook URL": {skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceBitwarden, WebhookURL: "ftp://x"},
			http.StatusBadRequest, "Invalid URL: ftp://x. Skyvern supports HTTP and HTTPS urls with max 2083 character length."},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := client.RunLogin(ctx, tc.req)
			detail := refusedWith(t, err, tc.status)
			assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown)
			if tc.detail != "" {
				assert.Equal(t, tc.detail, detail)
			}
		})
	}
	_, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{URL: "https://example.com"})
	assert.ErrorIs(t, err, skyvern.ErrValidation, "navigation_goal is required")
	assert.Empty(t, srv.Runs())
}
