package skyverntest

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// storeClock is a settable clock for the stores.
type storeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *storeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *storeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newStores(t *testing.T) (*sessionStore, *profileStore, *storeClock) {
	t.Helper()
	clk := &storeClock{t: time.Date(2026, 1, 31, 15, 20, 42, 160725123, time.UTC)}
	var mu sync.Mutex
	n := 0
	newID := func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return prefix + strconv.Itoa(n)
	}
	profiles := newProfileStore(clk.now, newID, "o_test")
	return newSessionStore(clk.now, newID, "o_test", profiles), profiles, clk
}

// refusal asserts that err is a sessionRefusal with status and returns it.
func refusal(t *testing.T, err error, status int) *sessionRefusal {
	t.Helper()
	var r *sessionRefusal
	require.True(t, errors.As(err, &r), "want a refusal, got %v", err)
	assert.Equal(t, status, r.status, "status of %v", err)
	return r
}

func TestSessionStoreCreate(t *testing.T) {
	t.Run("the server's defaults", func(t *testing.T) {
		st, _, clk := newStores(t)
		s, err := st.create(skyvern.CreateBrowserSessionRequest{})
		require.NoError(t, err)
		assert.Equal(t, "pbs_1", s.BrowserSessionID)
		assert.Equal(t, "o_test", s.OrganizationID)
		assert.Equal(t, skyvern.BrowserSessionStatusCreated, s.Status)
		assert.Equal(t, 60, *s.TimeoutMinutes)
		assert.Equal(t, "https://app.skyvern.com/browser-session/pbs_1", s.AppURL)
		assert.True(t, s.StartedAt.IsZero())
		assert.Equal(t, clk.now().Truncate(time.Microsecond), s.CreatedAt.Time)
		assert.Equal(t, s.CreatedAt, s.ModifiedAt)
		assert.Empty(t, s.Warning)
	})
	t.Run("a timeout above the maximum is capped with a warning, once", func(t *testing.T) {
		st, _, _ := newStores(t)
		s, err := st.create(skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 600})
		require.NoError(t, err)
		assert.Equal(t, 240, *s.TimeoutMinutes)
		assert.Contains(t, s.Warning, "Requested timeout of 600 minutes exceeds the maximum of 240 minutes")
		got, err := st.get(s.BrowserSessionID)
		require.NoError(t, err)
		assert.Empty(t, got.Warning, "only the create answer warns")
	})
	t.Run("a timeout below 5 is FastAPI's 422", func(t *testing.T) {
		st, _, _ := newStores(t)
		_, err := st.create(skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 4})
		r := refusal(t, err, http.StatusUnprocessableEntity)
		b, _ := json.Marshal(r.detail)
		assert.JSONEq(t, `[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":4,"ctx":{"ge":5}}]`, string(b))
		assert.Empty(t, st.list(0, 0), "nothing was created")
	})
	t.Run("an unknown profile is a 404", func(t *testing.T) {
		st, _, _ := newStores(t)
		_, err := st.create(skyvern.CreateBrowserSessionRequest{BrowserProfileID: "bp_nope"})
		r := refusal(t, err, http.StatusNotFound)
		assert.Equal(t, "Browser profile bp_nope not found", r.detail)
	})
	t.Run("a proxy session id needs the ISP proxy", func(t *testing.T) {
		st, _, _ := newStores(t)
		_, err := st.create(skyvern.CreateBrowserSessionRequest{ProxySessionID: "ps_1", ProxyLocation: skyvern.ProxyLocationResidentialGB})
		refusal(t, err, http.StatusBadRequest)
		_, err = st.create(skyvern.CreateBrowserSessionRequest{ProxySessionID: "ps_1", ProxyLocation: skyvern.CustomProxy{"url": "http://p"}})
		refusal(t, err, http.StatusBadRequest)
		_, err = st.create(skyvern.CreateBrowserSessionRequest{ProxySessionID: "ps_1"})
		assert.NoError(t, err, "no proxy means the ISP proxy")
	})
	t.Run("the answer is a copy", func(t *testing.T) {
		st, _, _ := newStores(t)
		s, err := st.create(skyvern.CreateBrowserSessionRequest{Extensions: []skyvern.BrowserExtension{skyvern.BrowserExtensionAdBlocker}})
		require.NoError(t, err)
		s.Extensions[0] = "changed"
		*s.TimeoutMinutes = 1
		got, _ := st.get(s.BrowserSessionID)
		assert.Equal(t, skyvern.BrowserExtensionAdBlocker, got.Extensions[0])
		assert.Equal(t, 60, *got.TimeoutMinutes)
	})
}

func TestSessionStoreLifeCycle(t *testing.T) {
	st, _, clk := newStores(t)
	s, err := st.create(skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 30})
	require.NoError(t, err)
	id := s.BrowserSessionID

	clk.add(time.Second)
	got, err := st.get(id)
	require.NoError(t, err)
	assert.Equal(t, skyvern.BrowserSessionStatusRunning, got.Status, "the browser is up by the next request")
	assert.Equal(t, clk.now().Truncate(time.Microsecond), got.StartedAt.Time)

	require.NoError(t, st.use(id, "workflow_run", "wr_1"))
	got, _ = st.get(id)
	assert.Equal(t, "workflow_run", got.RunnableType)
	assert.Equal(t, "wr_1", got.RunnableID)
	st.release(id, "wr_1", []skyvern.FileInfo{{Filename: "a.pdf"}})
	got, _ = st.get(id)
	assert.Empty(t, got.RunnableID)
	require.Len(t, got.DownloadedFiles, 1)

	updated, err := st.update(id, skyvern.UpdateBrowserSessionRequest{GenerateBrowserProfile: true})
	require.NoError(t, err)
	assert.True(t, updated.GenerateBrowserProfile)

	clk.add(time.Minute)
	require.NoError(t, st.close(id))
	closed, _ := st.get(id)
	assert.Equal(t, skyvern.BrowserSessionStatusCompleted, closed.Status)
	assert.True(t, closed.Status.IsTerminal())
	assert.Equal(t, clk.now().Truncate(time.Microsecond), closed.CompletedAt.Time)

	t.Run("closing again changes nothing and is no error", func(t *testing.T) {
		clk.add(time.Minute)
		require.NoError(t, st.close(id))
		again, _ := st.get(id)
		assert.Equal(t, closed, again)
	})
	t.Run("a closed session cannot be updated or used", func(t *testing.T) {
		_, err := st.update(id, skyvern.UpdateBrowserSessionRequest{})
		r := refusal(t, err, http.StatusConflict)
		assert.Equal(t, "Browser session "+id+" has already ended and can no longer be updated.", r.detail)
		r = refusal(t, st.use(id, "task", "tsk_1"), http.StatusNotFound)
		assert.Equal(t, "Browser session "+id+" does not exist or is not live.", r.detail)
	})
	t.Run("a closed session is not listed but can be fetched", func(t *testing.T) {
		assert.Empty(t, st.list(0, 0))
		_, err := st.get(id)
		assert.NoError(t, err)
	})
	t.Run("unknown sessions are 404s", func(t *testing.T) {
		_, err := st.get("pbs_nope")
		r := refusal(t, err, http.StatusNotFound)
		assert.Equal(t, "Browser session pbs_nope not found", r.detail)
		refusal(t, st.close("pbs_nope"), http.StatusNotFound)
		_, err = st.update("pbs_nope", skyvern.UpdateBrowserSessionRequest{})
		refusal(t, err, http.StatusNotFound)
		refusal(t, st.use("pbs_nope", "task", "tsk_1"), http.StatusNotFound)
	})
}

func TestSessionStoreTimeout(t *testing.T) {
	st, _, clk := newStores(t)
	s, _ := st.create(skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 5})
	started, _ := st.get(s.BrowserSessionID)
	clk.add(5*time.Minute - time.Microsecond)
	got, _ := st.get(s.BrowserSessionID)
	assert.Equal(t, skyvern.BrowserSessionStatusRunning, got.Status)
	clk.add(time.Hour)
	got, _ = st.get(s.BrowserSessionID)
	assert.Equal(t, skyvern.BrowserSessionStatusTimeout, got.Status)
	assert.Equal(t, started.StartedAt.Add(5*time.Minute), got.CompletedAt.Time, "ended when its timeout passed")
	assert.Empty(t, st.list(0, 0))
}

func TestSessionStoreList(t *testing.T) {
	st, _, clk := newStores(t)
	for range 5 {
		_, err := st.create(skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 240})
		require.NoError(t, err)
		clk.add(time.Second)
	}
	require.NoError(t, st.close("pbs_2"))
	ids := func(list []skyvern.BrowserSession) []string {
		var out []string
		for _, s := range list {
			out = append(out, s.BrowserSessionID)
		}
		return out
	}
	assert.Equal(t, []string{"pbs_5", "pbs_4", "pbs_3", "pbs_1"}, ids(st.list(0, 0)), "active only, newest first")
	assert.Equal(t, []string{"pbs_5", "pbs_4"}, ids(st.list(1, 2)))
	assert.Equal(t, []string{"pbs_3", "pbs_1"}, ids(st.list(2, 2)))
	assert.Empty(t, st.list(3, 2))
	assert.Empty(t, st.list(1<<40, 2), "a huge page is empty, not a panic")
}

func TestProfileStoreCreate(t *testing.T) {
	t.Run("a blank profile", func(t *testing.T) {
		_, ps, _ := newStores(t)
		p, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "billing", Description: "d"}, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, "bp_1", p.BrowserProfileID)
		assert.Equal(t, "o_test", p.OrganizationID)
		assert.False(t, p.IsManaged)
		assert.False(t, p.CreatedAt.IsZero())
		got, err := ps.get(p.BrowserProfileID)
		require.NoError(t, err)
		assert.Equal(t, p, got)
	})
	t.Run("names are unique among live profiles", func(t *testing.T) {
		_, ps, _ := newStores(t)
		p, _ := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n"}, nil, nil)
		_, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n"}, nil, nil)
		r := refusal(t, err, http.StatusConflict)
		assert.Contains(t, r.detail, "A browser profile named 'n' already exists.")
		require.NoError(t, ps.delete(p.BrowserProfileID))
		_, err = ps.create(skyvern.CreateBrowserProfileRequest{Name: "n"}, nil, nil)
		assert.NoError(t, err, "a deleted profile frees its name")
	})
	t.Run("an empty name is a 422", func(t *testing.T) {
		_, ps, _ := newStores(t)
		_, err := ps.create(skyvern.CreateBrowserProfileRequest{}, nil, nil)
		refusal(t, err, http.StatusUnprocessableEntity)
	})
	t.Run("from a session that saved its state once closed", func(t *testing.T) {
		st, ps, _ := newStores(t)
		s, _ := st.create(skyvern.CreateBrowserSessionRequest{GenerateBrowserProfile: true, BrowserType: skyvern.BrowserTypeChrome, ProxySessionID: "ps_9"})
		_, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n", BrowserSessionID: s.BrowserSessionID}, st, nil)
		r := refusal(t, err, http.StatusBadRequest)
		assert.Contains(t, r.detail, "Close the session and wait for upload")

		require.NoError(t, st.close(s.BrowserSessionID))
		p, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n", BrowserSessionID: s.BrowserSessionID}, st, nil)
		require.NoError(t, err)
		assert.Equal(t, skyvern.BrowserTypeChrome, p.SourceBrowserType)
		assert.Equal(t, skyvern.ProxyLocationResidentialISP, p.ProxyLocation, "the session's pinned proxy carries over")
		assert.Equal(t, "ps_9", p.ProxySessionID)

		t.Run("which a new session can load", func(t *testing.T) {
			s2, err := st.create(skyvern.CreateBrowserSessionRequest{BrowserProfileID: p.BrowserProfileID})
			require.NoError(t, err)
			assert.Equal(t, p.BrowserProfileID, s2.BrowserProfileID)
		})
	})
	t.Run("from a session that did not save its state", func(t *testing.T) {
		st, ps, _ := newStores(t)
		s, _ := st.create(skyvern.CreateBrowserSessionRequest{})
		require.NoError(t, st.close(s.BrowserSessionID))
		_, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n", BrowserSessionID: s.BrowserSessionID}, st, nil)
		r := refusal(t, err, http.StatusBadRequest)
		assert.Contains(t, r.detail, "not configured to generate a browser profile")
		_, err = ps.create(skyvern.CreateBrowserProfileRequest{Name: "n", BrowserSessionID: "pbs_nope"}, st, nil)
		refusal(t, err, http.StatusNotFound)
	})
	t.Run("from a run", func(t *testing.T) {
		_, ps, _ := newStores(t)
		runs := func(id string) bool { return id == "wr_1" }
		_, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n", WorkflowRunID: "wr_1"}, nil, runs)
		require.NoError(t, err)
		_, err = ps.create(skyvern.CreateBrowserProfileRequest{Name: "m", WorkflowRunID: "wr_2"}, nil, runs)
		r := refusal(t, err, http.StatusNotFound)
		assert.Equal(t, "WorkflowRun wr_2 not found", r.detail)
	})
}

func TestProfileStoreListUpdateDeleteUsage(t *testing.T) {
	st, ps, clk := newStores(t)
	for _, name := range []string{"Billing EU", "billing US", "shipping"} {
		_, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: name}, nil, nil)
		require.NoError(t, err)
		clk.add(time.Second)
	}
	names := func(list []skyvern.BrowserProfile) []string {
		var out []string
		for _, p := range list {
			out = append(out, p.Name)
		}
		return out
	}
	assert.Equal(t, []string{"shipping", "billing US", "Billing EU"}, names(ps.list(skyvern.ListBrowserProfilesParams{})), "newest first")
	assert.Equal(t, []string{"billing US", "Billing EU"}, names(ps.list(skyvern.ListBrowserProfilesParams{SearchKey: "BILL"})), "search ignores case")
	assert.Equal(t, []string{"billing US"}, names(ps.list(skyvern.ListBrowserProfilesParams{Page: 2, PageSize: 1})))
	assert.Empty(t, ps.list(skyvern.ListBrowserProfilesParams{Managed: skyvern.Ptr(true)}))
	assert.Len(t, ps.list(skyvern.ListBrowserProfilesParams{Managed: skyvern.Ptr(false)}), 3)

	t.Run("update changes what is set", func(t *testing.T) {
		p, err := ps.update("bp_1", skyvern.UpdateBrowserProfileRequest{Description: skyvern.Ptr("eu"), ProxyLocation: skyvern.GeoTarget{Country: "DE"}})
		require.NoError(t, err)
		assert.Equal(t, "Billing EU", p.Name)
		assert.Equal(t, "eu", p.Description)
		assert.Equal(t, skyvern.GeoTarget{Country: "DE"}, p.ProxyLocation)
		assert.True(t, p.ModifiedAt.After(p.CreatedAt.Time))
		assert.Equal(t, []string{"Billing EU"}, names(ps.list(skyvern.ListBrowserProfilesParams{SearchKey: "EU"})), "search covers descriptions")

		p, err = ps.update("bp_1", skyvern.UpdateBrowserProfileRequest{RotateProxySessionID: true})
		require.NoError(t, err)
		assert.NotEmpty(t, p.ProxySessionID)
		p, err = ps.update("bp_1", skyvern.UpdateBrowserProfileRequest{Extra: map[string]json.RawMessage{"proxy_location": json.RawMessage("null")}})
		require.NoError(t, err)
		assert.Nil(t, p.ProxyLocation, "an explicit null unpins the proxy")
		assert.Empty(t, p.ProxySessionID)

		_, err = ps.update("bp_1", skyvern.UpdateBrowserProfileRequest{Name: "shipping"})
		refusal(t, err, http.StatusConflict)
		_, err = ps.update("bp_1", skyvern.UpdateBrowserProfileRequest{Name: "Billing EU"})
		assert.NoError(t, err, "keeping its own name is no conflict")
		_, err = ps.update("bp_nope", skyvern.UpdateBrowserProfileRequest{})
		refusal(t, err, http.StatusNotFound)
	})
	t.Run("usage counts the runs seeded from the profile", func(t *testing.T) {
		ps.seeded("bp_2")
		ps.seeded("bp_2")
		ps.seeded("bp_nope")
		u, err := ps.usage("bp_2")
		require.NoError(t, err)
		assert.Equal(t, 2, u.RecentSeededRunCount)
		b, _ := json.Marshal(u)
		assert.JSONEq(t, `{"workflows":[],"credentials":[],"recent_seeded_run_count":2}`, string(b), "rendered with the spec's empty lists")
	})
	t.Run("delete keeps the profile for include_deleted, once", func(t *testing.T) {
		require.NoError(t, ps.delete("bp_3"))
		r := refusal(t, ps.delete("bp_3"), http.StatusNotFound)
		assert.Equal(t, "Browser profile bp_3 not found for organization o_test", r.detail)
		_, err := ps.get("bp_3")
		refusal(t, err, http.StatusNotFound)
		_, err = ps.usage("bp_3")
		refusal(t, err, http.StatusNotFound)
		_, err = ps.update("bp_3", skyvern.UpdateBrowserProfileRequest{})
		refusal(t, err, http.StatusNotFound)
		assert.NotContains(t, names(ps.list(skyvern.ListBrowserProfilesParams{})), "shipping")
		all := ps.list(skyvern.ListBrowserProfilesParams{IncludeDeleted: true})
		require.Len(t, all, 3)
		assert.False(t, all[0].DeletedAt.IsZero())
		_, err = st.create(skyvern.CreateBrowserSessionRequest{BrowserProfileID: "bp_3"})
		refusal(t, err, http.StatusNotFound)
	})
}

// TestStoredValuesRenderAsTheSchema checks that what the stores hold
// encodes with the members the spec requires and decodes back unchanged.
func TestStoredValuesRenderAsTheSchema(t *testing.T) {
	st, ps, _ := newStores(t)
	s, err := st.create(skyvern.CreateBrowserSessionRequest{GenerateBrowserProfile: true})
	require.NoError(t, err)
	require.NoError(t, st.close(s.BrowserSessionID))
	s, _ = st.get(s.BrowserSessionID)
	p, err := ps.create(skyvern.CreateBrowserProfileRequest{Name: "n", BrowserSessionID: s.BrowserSessionID, ProxyLocation: skyvern.CustomProxy{"url": "http://p"}}, st, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		v        any
		required []string
		back     any
	}{
		{s, []string{"browser_session_id", "organization_id", "created_at", "modified_at"}, &skyvern.BrowserSession{}},
		{p, []string{"browser_profile_id", "organization_id", "name", "created_at", "modified_at"}, &skyvern.BrowserProfile{}},
	} {
		b, err := json.Marshal(tc.v)
		require.NoError(t, err)
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &m))
		for _, name := range tc.required {
			assert.Contains(t, m, name, "%T", tc.v)
			assert.NotEqual(t, "null", string(m[name]), "%T.%s", tc.v, name)
		}
		require.NoError(t, json.Unmarshal(b, tc.back))
		assert.Equal(t, tc.v, reflect.ValueOf(tc.back).Elem().Interface(), "%T decodes back unchanged", tc.v)
	}
}

func TestSessionStoresAreSafeForConcurrentUse(t *testing.T) {
	st, ps, _ := newStores(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := st.create(skyvern.CreateBrowserSessionRequest{GenerateBrowserProfile: true})
			if !assert.NoError(t, err) {
				return
			}
			assert.NoError(t, st.use(s.BrowserSessionID, "task", "tsk_"+strconv.Itoa(i)))
			st.list(1, 3)
			assert.NoError(t, st.close(s.BrowserSessionID))
			_, err = ps.create(skyvern.CreateBrowserProfileRequest{Name: "p" + strconv.Itoa(i), BrowserSessionID: s.BrowserSessionID}, st, nil)
			assert.NoError(t, err)
			ps.list(skyvern.ListBrowserProfilesParams{})
		}()
	}
	wg.Wait()
	assert.Empty(t, st.list(0, 0))
	assert.Len(t, ps.list(skyvern.ListBrowserProfilesParams{PageSize: 100}), 8)
}
