package skyverntest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file holds the fake's browser sessions and browser profiles as plain
// state, without HTTP: the routes decode a request into the SDK's request
// type, call a store method, and render what it returns (the SDK's response
// types are the stored schema) or the sessionRefusal it reports.

// Limits of Skyvern's browser sessions, in minutes.
const (
	sessionMinTimeout     = 5
	sessionMaxTimeout     = 240
	sessionDefaultTimeout = 60
	// sessionActiveWindow is how far back Skyvern looks for active sessions.
	sessionActiveWindow = 24 * time.Hour
)

// sessionRefusal is a store's refusal of a request, as the HTTP status and
// the "detail" Skyvern sends with it: a message, or FastAPI's list of
// validation errors for a 422.
type sessionRefusal struct {
	status int
	detail any
}

func (e *sessionRefusal) Error() string {
	return fmt.Sprintf("%d %s: %v", e.status, http.StatusText(e.status), e.detail)
}

func sessionRefuse(status int, format string, args ...any) *sessionRefusal {
	return &sessionRefusal{status: status, detail: fmt.Sprintf(format, args...)}
}

// sessionTime returns now as the server stores it: UTC, to the microsecond.
func sessionTime(now func() time.Time) skyvern.Time {
	return skyvern.Time{Time: now().UTC().Truncate(time.Microsecond)}
}

// sessionEntry is one stored browser session: what Skyvern sends about it,
// and what it keeps to itself.
type sessionEntry struct {
	view           skyvern.BrowserSession
	proxy          skyvern.Proxy
	proxySessionID string
	// exported is set when the session ended and saved its browser state,
	// so that a browser profile can be made from it.
	exported bool
}

// sessionStore holds the browser sessions of one organization. Its methods
// are safe for concurrent use; they return copies, never the stored values.
type sessionStore struct {
	now      func() time.Time
	newID    func(prefix string) string
	orgID    string
	profiles *profileStore // to check a session's browser_profile_id; may be nil

	mu    sync.Mutex
	byID  map[string]*sessionEntry
	order []*sessionEntry // oldest first
}

func newSessionStore(now func() time.Time, newID func(prefix string) string, orgID string, profiles *profileStore) *sessionStore {
	return &sessionStore{now: now, newID: newID, orgID: orgID, profiles: profiles, byID: map[string]*sessionEntry{}}
}

// sessionCopy returns s without shared slices or maps.
func sessionCopy(s skyvern.BrowserSession) skyvern.BrowserSession {
	s.Extensions = slices.Clone(s.Extensions)
	s.DownloadedFiles = slices.Clone(s.DownloadedFiles)
	s.Recordings = slices.Clone(s.Recordings)
	if s.TimeoutMinutes != nil {
		s.TimeoutMinutes = skyvern.Ptr(*s.TimeoutMinutes)
	}
	s.Extra = nil
	return s
}

// create starts a session as Skyvern does: status "created", the default
// timeout of 60 minutes, a longer one capped at 240 with a warning, and the
// proxy and profile checks of the real server.
func (st *sessionStore) create(req skyvern.CreateBrowserSessionRequest) (skyvern.BrowserSession, error) {
	timeout := req.TimeoutMinutes
	var warning string
	switch {
	case timeout == 0:
		timeout = sessionDefaultTimeout
	case timeout < sessionMinTimeout:
		return skyvern.BrowserSession{}, &sessionRefusal{status: http.StatusUnprocessableEntity, detail: []validationError{
			invalid("greater_than_equal", []any{"body", "timeout"}, fmt.Sprintf("Input should be greater than or equal to %d", sessionMinTimeout),
				timeout, wire.Object{{Key: "ge", Value: sessionMinTimeout}}),
		}}
	case timeout > sessionMaxTimeout:
		warning = fmt.Sprintf("Requested timeout of %d minutes exceeds the maximum of %d minutes (%d hours); this session was capped at %d minutes.",
			timeout, sessionMaxTimeout, sessionMaxTimeout/60, sessionMaxTimeout)
		timeout = sessionMaxTimeout
	}
	proxy, proxySessionID := req.ProxyLocation, req.ProxySessionID
	if req.BrowserProfileID != "" {
		if st.profiles == nil {
			return skyvern.BrowserSession{}, sessionRefuse(http.StatusNotFound, "Browser profile %s not found", req.BrowserProfileID)
		}
		p, ok := st.profiles.live(req.BrowserProfileID)
		if !ok {
			return skyvern.BrowserSession{}, sessionRefuse(http.StatusNotFound, "Browser profile %s not found", req.BrowserProfileID)
		}
		if proxy == nil { // the profile's pinned proxy applies unless the request sets one
			proxy = p.ProxyLocation
			if proxySessionID == "" {
				proxySessionID = p.ProxySessionID
			}
		}
	}
	if proxySessionID != "" && proxy == nil {
		proxy = skyvern.ProxyLocationResidentialISP
	}
	if proxySessionID != "" && proxy != skyvern.ProxyLocationResidentialISP {
		return skyvern.BrowserSession{}, sessionRefuse(http.StatusBadRequest, "proxy_session_id is only supported with RESIDENTIAL_ISP proxy_location")
	}

	now := sessionTime(st.now)
	id := st.newID("pbs_")
	e := &sessionEntry{
		view: skyvern.BrowserSession{
			BrowserSessionID:       id,
			OrganizationID:         st.orgID,
			Status:                 skyvern.BrowserSessionStatusCreated,
			TimeoutMinutes:         skyvern.Ptr(timeout),
			AppURL:                 "https://app.skyvern.com/browser-session/" + id,
			Extensions:             slices.Clone(req.Extensions),
			BrowserType:            req.BrowserType,
			BrowserProfileID:       req.BrowserProfileID,
			GenerateBrowserProfile: req.GenerateBrowserProfile,
			CreatedAt:              now,
			ModifiedAt:             now,
			Warning:                warning,
		},
		proxy:          proxy,
		proxySessionID: proxySessionID,
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.byID[id] = e
	st.order = append(st.order, e)
	view := sessionCopy(e.view)
	e.view.Warning = "" // only the create answer carries it
	return view, nil
}

// refresh brings e up to date before it is read: a created session's
// browser is up by the next request (status running), and a running one
// whose timeout has passed has ended (status timeout). Callers hold st.mu.
func (st *sessionStore) refresh(e *sessionEntry) {
	s := &e.view
	if s.Status == skyvern.BrowserSessionStatusCreated {
		now := sessionTime(st.now)
		s.Status, s.StartedAt, s.ModifiedAt = skyvern.BrowserSessionStatusRunning, now, now
	}
	if s.Status == skyvern.BrowserSessionStatusRunning && s.TimeoutMinutes != nil {
		end := s.StartedAt.Add(time.Duration(*s.TimeoutMinutes) * time.Minute)
		if !st.now().Before(end) {
			st.end(e, skyvern.BrowserSessionStatusTimeout, skyvern.Time{Time: end})
		}
	}
}

// end ends the session e with status at the time at. Callers hold st.mu.
func (st *sessionStore) end(e *sessionEntry, status skyvern.BrowserSessionStatus, at skyvern.Time) {
	s := &e.view
	s.Status, s.CompletedAt, s.ModifiedAt = status, at, at
	s.RunnableType, s.RunnableID = "", ""
	e.exported = s.GenerateBrowserProfile || s.BrowserProfileID != ""
}

func (st *sessionStore) find(id string) (*sessionEntry, error) {
	e, ok := st.byID[id]
	if !ok {
		return nil, sessionRefuse(http.StatusNotFound, "Browser session %s not found", id)
	}
	st.refresh(e)
	return e, nil
}

// get returns the session id, ended or not.
func (st *sessionStore) get(id string) (skyvern.BrowserSession, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, err := st.find(id)
	if err != nil {
		return skyvern.BrowserSession{}, err
	}
	return sessionCopy(e.view), nil
}

// list returns page (from 1) of size active sessions, newest first: those
// not ended and created within the last 24 hours, as Skyvern lists them.
// A size of 0 returns them all.
func (st *sessionStore) list(pg, size int) []skyvern.BrowserSession {
	st.mu.Lock()
	defer st.mu.Unlock()
	since := st.now().Add(-sessionActiveWindow)
	var active []skyvern.BrowserSession
	for _, e := range slices.Backward(st.order) {
		st.refresh(e)
		if e.view.CompletedAt.IsZero() && e.view.CreatedAt.After(since) {
			active = append(active, sessionCopy(e.view))
		}
	}
	if size <= 0 {
		return active
	}
	return page(active, max(pg, 1), size)
}

// update changes a live session; an ended one is a conflict.
func (st *sessionStore) update(id string, req skyvern.UpdateBrowserSessionRequest) (skyvern.BrowserSession, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, err := st.find(id)
	if err != nil {
		return skyvern.BrowserSession{}, err
	}
	if e.view.Status.IsTerminal() {
		return skyvern.BrowserSession{}, sessionRefuse(http.StatusConflict, "Browser session %s has already ended and can no longer be updated.", id)
	}
	e.view.GenerateBrowserProfile = req.GenerateBrowserProfile
	e.view.ModifiedAt = sessionTime(st.now)
	return sessionCopy(e.view), nil
}

// close ends the session with status completed. Closing a session that has
// already ended changes nothing and is no error, as on the real server.
func (st *sessionStore) close(id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, err := st.find(id)
	if err != nil {
		return err
	}
	if e.view.CompletedAt.IsZero() {
		st.end(e, skyvern.BrowserSessionStatusCompleted, sessionTime(st.now))
	}
	return nil
}

// setAddress records the CDP address of the session's browser
// (WithBrowsers).
func (st *sessionStore) setAddress(id, addr string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.byID[id]; ok {
		e.view.BrowserAddress = addr
	}
}

// fail ends the session id with status failed: its browser did not start
// (WithBrowsers).
func (st *sessionStore) fail(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.byID[id]; ok && e.view.CompletedAt.IsZero() {
		st.end(e, skyvern.BrowserSessionStatusFailed, sessionTime(st.now))
	}
}

// use records that the run runID (of runnableType, "task" or
// "workflow_run") runs in the session id, as for a run request's
// browser_session_id. An unknown or ended session is refused with the
// server's 404.
func (st *sessionStore) use(id, runnableType, runID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, err := st.liveEntry(id)
	if err != nil {
		return err
	}
	e.view.RunnableType, e.view.RunnableID = runnableType, runID
	e.view.ModifiedAt = sessionTime(st.now)
	return nil
}

// live refuses, with the server's 404, a session id that is unknown or
// has ended.
func (st *sessionStore) live(id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, err := st.liveEntry(id)
	return err
}

func (st *sessionStore) liveEntry(id string) (*sessionEntry, error) {
	e, ok := st.byID[id]
	if ok {
		st.refresh(e)
	}
	if !ok || e.view.Status.IsTerminal() {
		return nil, sessionRefuse(http.StatusNotFound, "Browser session %s does not exist or is not live.", id)
	}
	return e, nil
}

// release records that the run runID no longer uses the session id, and
// adds the files it downloaded to the session's.
func (st *sessionStore) release(id, runID string, downloaded []skyvern.FileInfo) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byID[id]
	if !ok {
		return
	}
	e.view.DownloadedFiles = append(e.view.DownloadedFiles, downloaded...)
	if e.view.RunnableID == runID {
		e.view.RunnableType, e.view.RunnableID = "", ""
	}
}

// exportedState reports what a browser profile made from the session id
// takes from it, or the server's refusal.
func (st *sessionStore) exportedState(id string) (browserType skyvern.BrowserType, proxy skyvern.Proxy, proxySessionID string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byID[id]
	if !ok {
		return "", nil, "", sessionRefuse(http.StatusNotFound, "Browser session %s does not exist or is not live.", id)
	}
	st.refresh(e)
	switch {
	case e.exported:
		return e.view.BrowserType, e.proxy, e.proxySessionID, nil
	case !e.view.GenerateBrowserProfile && e.view.BrowserProfileID == "":
		return "", nil, "", sessionRefuse(http.StatusBadRequest, "This browser session was not configured to generate a browser profile. "+
			"Start a session with generate_browser_profile enabled to capture a profile.")
	default:
		return "", nil, "", sessionRefuse(http.StatusBadRequest, "Browser session does not have a persisted profile archive. "+
			"Close the session and wait for upload before creating a browser profile.")
	}
}

// profileStore holds the browser profiles of one organization. Deleted
// profiles are kept, as Skyvern keeps them. Its methods are safe for
// concurrent use and return copies.
type profileStore struct {
	now   func() time.Time
	newID func(prefix string) string
	orgID string

	mu    sync.Mutex
	byID  map[string]*skyvern.BrowserProfile
	order []*skyvern.BrowserProfile // oldest first
	seeds map[string]int            // runs started from each profile
}

func newProfileStore(now func() time.Time, newID func(prefix string) string, orgID string) *profileStore {
	return &profileStore{now: now, newID: newID, orgID: orgID, byID: map[string]*skyvern.BrowserProfile{}, seeds: map[string]int{}}
}

func profileCopy(p skyvern.BrowserProfile) skyvern.BrowserProfile {
	if c, ok := p.ProxyLocation.(skyvern.CustomProxy); ok {
		m := make(skyvern.CustomProxy, len(c))
		for k, v := range c {
			m[k] = v
		}
		p.ProxyLocation = m
	}
	p.Extra = nil
	return p
}

func (ps *profileStore) notFound(id string) error {
	return sessionRefuse(http.StatusNotFound, "Browser profile %s not found for organization %s", id, ps.orgID)
}

// live returns the profile id if it exists and is not deleted.
func (ps *profileStore) live(id string) (skyvern.BrowserProfile, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.byID[id]
	if !ok || !p.DeletedAt.IsZero() {
		return skyvern.BrowserProfile{}, false
	}
	return profileCopy(*p), true
}

// nameTaken reports whether a live profile other than except has name.
// Callers hold ps.mu.
func (ps *profileStore) nameTaken(name, except string) bool {
	for _, p := range ps.order {
		if p.Name == name && p.DeletedAt.IsZero() && p.BrowserProfileID != except {
			return true
		}
	}
	return false
}

func profileNameConflict(name string) error {
	return sessionRefuse(http.StatusConflict, "A browser profile named '%s' already exists. Use a different name or delete the existing profile.", name)
}

// create makes a profile: blank, from a closed session of sessions that
// saved its state, or from the run req.WorkflowRunID, which runExists must
// know. Names are unique among live profiles.
func (ps *profileStore) create(req skyvern.CreateBrowserProfileRequest, sessions *sessionStore, runExists func(runID string) bool) (skyvern.BrowserProfile, error) {
	if req.Name == "" {
		return skyvern.BrowserProfile{}, &sessionRefusal{status: http.StatusUnprocessableEntity, detail: []validationError{
			invalid("string_too_short", []any{"body", "name"}, "String should have at least 1 character", "", wire.Object{{Key: "min_length", Value: 1}}),
		}}
	}
	p := skyvern.BrowserProfile{
		Name:           req.Name,
		Description:    req.Description,
		ProxyLocation:  req.ProxyLocation,
		ProxySessionID: req.ProxySessionID,
	}
	switch {
	case req.BrowserSessionID != "":
		if sessions == nil {
			return skyvern.BrowserProfile{}, sessionRefuse(http.StatusNotFound, "Browser session %s does not exist or is not live.", req.BrowserSessionID)
		}
		browserType, proxy, proxySessionID, err := sessions.exportedState(req.BrowserSessionID)
		if err != nil {
			return skyvern.BrowserProfile{}, err
		}
		p.SourceBrowserType = browserType
		if p.ProxySessionID == "" && proxySessionID != "" && (p.ProxyLocation == nil || p.ProxyLocation == skyvern.ProxyLocationResidentialISP) {
			p.ProxyLocation, p.ProxySessionID = proxy, proxySessionID
		}
	case req.WorkflowRunID != "":
		if runExists == nil || !runExists(req.WorkflowRunID) {
			return skyvern.BrowserProfile{}, sessionRefuse(http.StatusNotFound, "WorkflowRun %s not found", req.WorkflowRunID)
		}
	}
	if p.ProxySessionID != "" && p.ProxyLocation == nil {
		p.ProxyLocation = skyvern.ProxyLocationResidentialISP
	}

	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.nameTaken(req.Name, "") {
		return skyvern.BrowserProfile{}, profileNameConflict(req.Name)
	}
	now := sessionTime(ps.now)
	p.BrowserProfileID = ps.newID("bp_")
	p.OrganizationID = ps.orgID
	p.CreatedAt, p.ModifiedAt = now, now
	stored := profileCopy(p)
	ps.byID[p.BrowserProfileID] = &stored
	ps.order = append(ps.order, &stored)
	return profileCopy(stored), nil
}

// get returns the live profile id.
func (ps *profileStore) get(id string) (skyvern.BrowserProfile, error) {
	p, ok := ps.live(id)
	if !ok {
		return skyvern.BrowserProfile{}, ps.notFound(id)
	}
	return p, nil
}

// list returns a page of the profiles matching q, newest first, with the
// server's defaults: page 1, 10 per page, deleted profiles left out.
func (ps *profileStore) list(q skyvern.ListBrowserProfilesParams) []skyvern.BrowserProfile {
	pg, size := max(q.Page, 1), q.PageSize
	if size < 1 {
		size = 10
	}
	search := strings.ToLower(q.SearchKey)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var found []skyvern.BrowserProfile
	// Stored oldest first with increasing ids, so backwards is created_at
	// and then id descending, the server's order.
	for _, p := range slices.Backward(ps.order) {
		switch {
		case !q.IncludeDeleted && !p.DeletedAt.IsZero():
		case q.Managed != nil && p.IsManaged != *q.Managed:
		case search != "" && !strings.Contains(strings.ToLower(p.Name), search) && !strings.Contains(strings.ToLower(p.Description), search):
		default:
			found = append(found, profileCopy(*p))
		}
	}
	return page(found, pg, size)
}

// update changes what req sets of the live profile id. An explicit null
// proxy_location in req.Extra unpins the proxy.
func (ps *profileStore) update(id string, req skyvern.UpdateBrowserProfileRequest) (skyvern.BrowserProfile, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.byID[id]
	if !ok || !p.DeletedAt.IsZero() {
		return skyvern.BrowserProfile{}, ps.notFound(id)
	}
	if req.Name != "" && ps.nameTaken(req.Name, id) {
		return skyvern.BrowserProfile{}, profileNameConflict(req.Name)
	}
	if req.Name != "" {
		p.Name = req.Name
	}
	if req.Description != nil {
		p.Description = *req.Description
	}
	if req.ProxyLocation != nil {
		p.ProxyLocation = req.ProxyLocation
	} else if raw, ok := req.Extra["proxy_location"]; ok && string(raw) == "null" {
		p.ProxyLocation, p.ProxySessionID = nil, ""
	}
	if req.ProxySessionID != "" {
		p.ProxySessionID = req.ProxySessionID
	}
	if req.RotateProxySessionID {
		p.ProxySessionID = "ps_" + randomHex(8)
	}
	if p.ProxySessionID != "" && p.ProxyLocation == nil {
		p.ProxyLocation = skyvern.ProxyLocationResidentialISP
	}
	p.ModifiedAt = sessionTime(ps.now)
	return profileCopy(*p), nil
}

// delete marks the live profile id deleted; a second delete is a 404, as
// on the real server.
func (ps *profileStore) delete(id string) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.byID[id]
	if !ok || !p.DeletedAt.IsZero() {
		return ps.notFound(id)
	}
	now := sessionTime(ps.now)
	p.DeletedAt, p.ModifiedAt = now, now
	return nil
}

// seeded records that a run started from the profile id.
func (ps *profileStore) seeded(id string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, ok := ps.byID[id]; ok {
		ps.seeds[id]++
	}
}

// usage reports what depends on the live profile id: the fake has no
// workflows or credentials that link profiles, so only the count of runs
// started from it.
func (ps *profileStore) usage(id string) (skyvern.BrowserProfileUsage, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.byID[id]
	if !ok || !p.DeletedAt.IsZero() {
		return skyvern.BrowserProfileUsage{}, ps.notFound(id)
	}
	return skyvern.BrowserProfileUsage{
		Workflows:            []skyvern.BrowserProfileUsageWorkflow{},
		Credentials:          []skyvern.BrowserProfileUsageCredential{},
		RecentSeededRunCount: ps.seeds[id],
	}, nil
}
