package skyverntest

import (
	"errors"
	"net/http"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// The routes of browser sessions, browser profiles and the runs that
// Skyvern makes a one-block workflow for (login, download files), as keys
// for Server.Fault and values of RecordedRequest.Route. Each also answers
// with a trailing slash, as the others do.
const (
	RouteCreateBrowserSession = "POST /v1/browser_sessions"
	RouteListBrowserSessions  = "GET /v1/browser_sessions"
	RouteGetBrowserSession    = "GET /v1/browser_sessions/{browser_session_id}"
	RouteUpdateBrowserSession = "PATCH /v1/browser_sessions/{browser_session_id}"
	RouteCloseBrowserSession  = "POST /v1/browser_sessions/{browser_session_id}/close"

	RouteCreateBrowserProfile   = "POST /v1/browser_profiles"
	RouteListBrowserProfiles    = "GET /v1/browser_profiles"
	RouteGetBrowserProfile      = "GET /v1/browser_profiles/{profile_id}"
	RouteUpdateBrowserProfile   = "PATCH /v1/browser_profiles/{profile_id}"
	RouteDeleteBrowserProfile   = "DELETE /v1/browser_profiles/{profile_id}"
	RouteGetBrowserProfileUsage = "GET /v1/browser_profiles/{profile_id}/usage"

	RouteRunLogin         = "POST /v1/run/tasks/login"
	RouteRunDownloadFiles = "POST /v1/run/tasks/download_files"
)

// sessionRoutes are the routes of browser sessions and profiles, and of
// login and download runs.
var sessionRoutes = []route{
	{name: RouteCreateBrowserSession, body: optionalBody[skyvern.CreateBrowserSessionRequest](), handle: (*Server).handleCreateBrowserSession},
	{name: RouteListBrowserSessions, handle: (*Server).handleListBrowserSessions},
	{name: RouteGetBrowserSession, handle: (*Server).handleGetBrowserSession},
	{name: RouteUpdateBrowserSession, body: body[skyvern.UpdateBrowserSessionRequest](), handle: (*Server).handleUpdateBrowserSession},
	{name: RouteCloseBrowserSession, handle: (*Server).handleCloseBrowserSession},

	{name: RouteCreateBrowserProfile, body: body[skyvern.CreateBrowserProfileRequest]("name"), handle: (*Server).handleCreateBrowserProfile},
	{name: RouteListBrowserProfiles, query: query[skyvern.ListBrowserProfilesParams](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 0)}), handle: (*Server).handleListBrowserProfiles},
	{name: RouteGetBrowserProfile, handle: (*Server).handleGetBrowserProfile},
	{name: RouteUpdateBrowserProfile, body: body[skyvern.UpdateBrowserProfileRequest](), handle: (*Server).handleUpdateBrowserProfile},
	{name: RouteDeleteBrowserProfile, handle: (*Server).handleDeleteBrowserProfile},
	{name: RouteGetBrowserProfileUsage, handle: (*Server).handleGetBrowserProfileUsage},

	{name: RouteRunLogin, body: body[skyvern.LoginRequest]("credential_type"), handle: (*Server).handleRunLogin},
	{name: RouteRunDownloadFiles, body: body[skyvern.DownloadFilesRequest]("navigation_goal"), handle: (*Server).handleRunDownloadFiles},
}

// refuse answers a store's refusal (a *sessionRefusal) with its status
// and detail.
func (c *call) refuse(err error) {
	var r *sessionRefusal
	if !errors.As(err, &r) {
		panic("skyverntest: a store failed without a refusal: " + err.Error())
	}
	c.fail(r.status, r.detail)
}

// replyOr replies with v, or with the refusal err.
func replyOr[T any](c *call, v T, err error) {
	if err != nil {
		c.refuse(err)
		return
	}
	c.reply(v)
}

// handleCreateBrowserSession serves Create Browser Session: POST
// /v1/browser_sessions, whose body may be left out.
//
// Server: skyvern/forge/sdk/routes/browser_sessions.py
// create_browser_session.
func (s *Server) handleCreateBrowserSession(c *call) {
	var req skyvern.CreateBrowserSessionRequest
	if b := bodyOf[skyvern.CreateBrowserSessionRequest](c); b != nil {
		req = *b
	}
	v, err := s.sessions.create(req)
	if err != nil {
		c.refuse(err)
		return
	}
	addr, err := s.browsers.start(c.r.Context(), v.BrowserSessionID)
	if err != nil {
		// The fake's own failure, not one of Skyvern's answers: the session
		// is kept as failed, as Skyvern keeps one whose browser never came.
		s.sessions.fail(v.BrowserSessionID)
		c.fail(http.StatusInternalServerError, "skyverntest: the browser of session "+v.BrowserSessionID+" did not start: "+err.Error())
		return
	}
	if addr != "" {
		v.BrowserAddress = addr
		s.sessions.setAddress(v.BrowserSessionID, addr)
	}
	c.reply(v)
}

// handleListBrowserSessions serves Get Browser Sessions: GET
// /v1/browser_sessions, the active sessions, newest first, unpaged.
//
// Server: skyvern/forge/sdk/routes/browser_sessions.py
// get_browser_sessions.
func (s *Server) handleListBrowserSessions(c *call) {
	c.reply(s.sessions.list(0, 0))
}

// handleGetBrowserSession serves Get Browser Session: GET
// /v1/browser_sessions/{browser_session_id}, ended sessions included.
//
// Server: skyvern/forge/sdk/routes/browser_sessions.py get_browser_session.
func (s *Server) handleGetBrowserSession(c *call) {
	v, err := s.sessions.get(c.param("browser_session_id"))
	replyOr(c, v, err)
}

// handleUpdateBrowserSession serves Update Browser Session: PATCH
// /v1/browser_sessions/{browser_session_id}; an ended session is a 409.
//
// Server: skyvern/forge/sdk/routes/browser_sessions.py
// update_browser_session.
func (s *Server) handleUpdateBrowserSession(c *call) {
	v, err := s.sessions.update(c.param("browser_session_id"), *bodyOf[skyvern.UpdateBrowserSessionRequest](c))
	replyOr(c, v, err)
}

// handleCloseBrowserSession serves Close Browser Session: POST
// /v1/browser_sessions/{browser_session_id}/close. It answers Skyvern's
// message; closing an ended session changes nothing and succeeds.
//
// Server: skyvern/forge/sdk/routes/browser_sessions.py
// close_browser_session.
func (s *Server) handleCloseBrowserSession(c *call) {
	id := c.param("browser_session_id")
	if err := s.sessions.close(id); err != nil {
		c.refuse(err)
		return
	}
	if err := s.browsers.stop(id); err != nil { // WithBrowsers
		s.log("closing the browser of a session failed", "browser_session_id", id, "error", err.Error())
	}
	c.reply(wire.Object{{Key: "message", Value: "Browser session closed"}})
}

// handleCreateBrowserProfile serves Create Browser Profile: POST
// /v1/browser_profiles, blank, from a closed session that saved its state,
// or from a workflow run the server knows.
//
// Server: skyvern/forge/sdk/routes/browser_profiles.py
// create_browser_profile, _create_empty_profile,
// _create_profile_from_session, _create_profile_from_workflow_run.
func (s *Server) handleCreateBrowserProfile(c *call) {
	runExists := func(id string) bool {
		r := s.st.run(id)
		return r != nil && r.typ == skyvern.RunTypeWorkflowRun
	}
	v, err := s.profiles.create(*bodyOf[skyvern.CreateBrowserProfileRequest](c), s.sessions, runExists)
	replyOr(c, v, err)
}

// handleListBrowserProfiles serves List Browser Profiles: GET
// /v1/browser_profiles, newest first, paged.
//
// Server: skyvern/forge/sdk/routes/browser_profiles.py
// list_browser_profiles.
func (s *Server) handleListBrowserProfiles(c *call) {
	c.reply(s.profiles.list(*queryOf[skyvern.ListBrowserProfilesParams](c)))
}

// handleGetBrowserProfile serves Get Browser Profile: GET
// /v1/browser_profiles/{profile_id}.
//
// Server: skyvern/forge/sdk/routes/browser_profiles.py get_browser_profile.
func (s *Server) handleGetBrowserProfile(c *call) {
	v, err := s.profiles.get(c.param("profile_id"))
	replyOr(c, v, err)
}

// handleUpdateBrowserProfile serves Update Browser Profile: PATCH
// /v1/browser_profiles/{profile_id}.
//
// Server: skyvern/forge/sdk/routes/browser_profiles.py
// update_browser_profile.
func (s *Server) handleUpdateBrowserProfile(c *call) {
	v, err := s.profiles.update(c.param("profile_id"), *bodyOf[skyvern.UpdateBrowserProfileRequest](c))
	replyOr(c, v, err)
}

// handleDeleteBrowserProfile serves Delete Browser Profile: DELETE
// /v1/browser_profiles/{profile_id}, which answers 204 without a body.
//
// Server: skyvern/forge/sdk/routes/browser_profiles.py
// delete_browser_profile.
func (s *Server) handleDeleteBrowserProfile(c *call) {
	if err := s.profiles.delete(c.param("profile_id")); err != nil {
		c.refuse(err)
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// handleGetBrowserProfileUsage serves Get Browser Profile Usage: GET
// /v1/browser_profiles/{profile_id}/usage.
//
// Server: skyvern/forge/sdk/routes/browser_profiles.py
// get_browser_profile_usage.
func (s *Server) handleGetBrowserProfileUsage(c *call) {
	v, err := s.profiles.usage(c.param("profile_id"))
	replyOr(c, v, err)
}

// blockRun is what a login or download run shares: Skyvern makes a
// one-block workflow for the request and runs it.
type blockRun struct {
	title, label string // the made workflow's title, its block's label and type
	webhookURL   string
	run          skyvern.WorkflowRunRequest // the run_request Skyvern shows
	rr           RunRequest                 // for OnRun, without its ids
	downloads    []skyvern.FileInfo
}

// handleRunLogin serves Login Task: POST /v1/run/tasks/login. The
// webhook URL is checked first; then each credential source needs the
// fields it reads, refused with the server's 400 when missing, and a
// Skyvern credential_id must name a stored credential (404 otherwise).
//
// Server: skyvern/forge/sdk/routes/run_blocks.py login.
func (s *Server) handleRunLogin(c *call) {
	req := bodyOf[skyvern.LoginRequest](c)
	if _, msg := s.checkWebhookURL(req.WebhookURL); msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	missing := ""
	switch req.CredentialSource {
	case skyvern.CredentialSourceSkyvern:
		if req.CredentialID == "" {
			c.fail(http.StatusBadRequest, "credential_id is required to login with Skyvern credential")
			return
		}
		if _, ok := s.creds.get(req.CredentialID); !ok {
			c.fail(http.StatusNotFound, "Credential "+req.CredentialID+" not found")
			return
		}
	case skyvern.CredentialSourceOnePassword:
		switch {
		case req.OnePasswordVaultID == "":
			missing = "onepassword_vault_id"
		case req.OnePasswordItemID == "":
			missing = "onepassword_item_id"
		}
		if missing != "" {
			c.fail(http.StatusBadRequest, missing+" is required to login with 1Password credential")
			return
		}
	case skyvern.CredentialSourceAzureVault:
		switch {
		case req.AzureVaultName == "":
			missing = "azure_vault_name"
		case req.AzureVaultUsernameKey == "":
			missing = "azure_vault_username_key"
		case req.AzureVaultPasswordKey == "":
			missing = "azure_vault_password_key"
		}
		if missing != "" {
			c.fail(http.StatusBadRequest, missing+" is required to login with Azure Vault credential")
			return
		}
	}
	s.startBlockRun(c, blockRun{
		title:      "Login",
		label:      "login",
		webhookURL: req.WebhookURL,
		run: blockRunRequest(req.ProxyLocation, req.WebhookURL, req.TOTPURL, req.TOTPIdentifier,
			req.BrowserSessionID, req.BrowserProfileID, req.StartFreshBrowser, req.MaxScreenshotScrollingTimes),
		rr: RunRequest{Login: req},
	})
}

// handleRunDownloadFiles serves File Download Task: POST
// /v1/run/tasks/download_files. A completed download run has one made-up
// file, named by download_suffix when given, which Get Run, its webhook
// and its browser session list.
//
// Server: skyvern/forge/sdk/routes/run_blocks.py download_files (as login,
// with a file download block).
func (s *Server) handleRunDownloadFiles(c *call) {
	req := bodyOf[skyvern.DownloadFilesRequest](c)
	name := req.DownloadSuffix
	if name == "" {
		name = "download"
	}
	s.startBlockRun(c, blockRun{
		title:      "File Download",
		label:      "file_download",
		webhookURL: req.WebhookURL,
		run: blockRunRequest(req.ProxyLocation, req.WebhookURL, req.TOTPURL, req.TOTPIdentifier,
			req.BrowserSessionID, req.BrowserProfileID, req.StartFreshBrowser, req.MaxScreenshotScrollingTimes),
		rr:        RunRequest{DownloadFiles: req},
		downloads: []skyvern.FileInfo{{Filename: name}},
	})
}

// blockRunRequest is the run_request Skyvern shows for a login or
// download run: the members the two requests share, under the names of
// a workflow run request.
func blockRunRequest(proxy skyvern.ProxyLocation, webhookURL, totpURL, totpIdentifier, sessionID, profileID string,
	fresh bool, scrolls *int) skyvern.WorkflowRunRequest {
	r := skyvern.WorkflowRunRequest{
		WebhookURL:           webhookURL,
		TOTPURL:              totpURL,
		TOTPIdentifier:       totpIdentifier,
		BrowserSessionID:     sessionID,
		BrowserProfileID:     profileID,
		StartFreshBrowser:    fresh,
		MaxScreenshotScrolls: scrolls,
	}
	if proxy != "" {
		r.ProxyLocation = proxy
	}
	return r
}

// startBlockRun makes the one-block workflow of b and starts a workflow
// run of it, as Run Workflow starts one.
func (s *Server) startBlockRun(c *call, b blockRun) {
	hook, msg := s.checkWebhookURL(b.webhookURL) // run_blocks.py: a WebhookUrl
	if msg != "" {
		c.fail(http.StatusBadRequest, msg)
		return
	}
	b.webhookURL, b.run.WebhookURL = hook, hook
	wr := b.run
	wr.WorkflowID, wr.Title = s.newID("w_"), b.title // Skyvern shows the version's id
	ru := &run{
		id:            s.newID("wr_"),
		typ:           skyvern.RunTypeWorkflowRun,
		workflow:      &wr,
		hookURL:       b.webhookURL,
		workflowID:    s.newID("wpid_"),
		workflowTitle: b.title,
		versionID:     wr.WorkflowID,
		blockLabel:    b.label,
		blockType:     b.label,
		downloads:     b.downloads,
	}
	ru.request = mustMarshal(render(&wr))
	for i := range ru.downloads {
		f := &ru.downloads[i]
		f.URL = "https://artifacts.skyverntest.invalid/" + s.orgID + "/" + ru.id + "/downloads/" + f.Filename
	}
	if !s.claimSession(c, ru) {
		return
	}
	rr := b.rr
	rr.RunID, rr.RunType, rr.Workflow = ru.id, ru.typ, &wr
	ru.outcome = s.outcomeFor(rr)
	s.addRun(ru)
	c.replyRaw(s.st.rendered(ru))
}

// runSession returns the browser session and profile a run names, and
// what the session records as using it: a task, or the workflow run
// (behind a task v2 run, the one Skyvern makes for it).
func runSession(r *run) (sessionID, profileID, runnableType, runnableID string) {
	switch {
	case r.workflow != nil:
		return r.workflow.BrowserSessionID, r.workflow.BrowserProfileID, "workflow_run", r.id
	case r.task != nil && r.typ == skyvern.RunTypeTaskV2:
		return r.task.BrowserSessionID, r.task.BrowserProfileID, "workflow_run", r.v2WorkflowRunID
	case r.task != nil:
		return r.task.BrowserSessionID, r.task.BrowserProfileID, "task", r.id
	}
	return "", "", "", ""
}

// claimSession marks the browser session a new run names as used by it,
// and counts the run as seeded from the profile it names. It answers the
// server's 404, and reports false, for a session that is unknown or has
// ended.
//
// Server: skyvern/forge/agent.py create_task and
// skyvern/forge/sdk/workflow/service.py create_workflow_run (404
// BrowserSessionNotFound); skyvern/forge/sdk/db/repositories/
// browser_sessions.py occupy_persistent_browser_session records the
// runnable. Deliberate difference: a second run in a busy session takes
// it over here; the server accepts it and then fails it when its lease is
// refused ("Failed to begin browser session for workflow run: Browser
// session ... is already occupied by ...", service.py execute_workflow).
func (s *Server) claimSession(c *call, r *run) bool {
	sessionID, profileID, typ, id := runSession(r)
	if sessionID != "" {
		if err := s.sessions.use(sessionID, typ, id); err != nil {
			c.refuse(err)
			return false
		}
	}
	if profileID != "" {
		s.profiles.seeded(profileID)
	}
	return true
}

// releaseSession frees the browser session of a run that has just
// finished with status, and adds the files it downloaded to the
// session's.
func (s *Server) releaseSession(r *run, status skyvern.RunStatus) {
	sessionID, _, _, id := runSession(r)
	if sessionID == "" {
		return
	}
	var files []skyvern.FileInfo
	if status == skyvern.RunStatusCompleted {
		files = r.downloads
	}
	s.sessions.release(sessionID, id, files)
}
