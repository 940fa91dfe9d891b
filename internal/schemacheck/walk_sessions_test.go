package schemacheck

import "github.com/skyvern-go/skyvern/skyverntest"

// unknownSession and unknownProfile are ids the server never issued.
const (
	unknownSession = "pbs_404404404"
	unknownProfile = "bp_404404404"
)

// sessionsWalk walks the routes of browser sessions and profiles, and the
// login and download runs, in and out of a session.
var sessionsWalk = []step{
	// Sessions.
	{route: skyverntest.RouteCreateBrowserSession, path: "/v1/browser_sessions", want: 200, why: "the body may be left out",
		save: map[string]string{"pbs": "browser_session_id"}},
	{route: skyverntest.RouteCreateBrowserSession, path: "/v1/browser_sessions", want: 200,
		body: `{"timeout":500,"browser_type":"chrome","extensions":["ad-blocker"],"generate_browser_profile":true}`,
		why:  "a timeout above the maximum is capped, with a warning", save: map[string]string{"pbs2": "browser_session_id"}},
	{route: skyverntest.RouteCreateBrowserSession, path: "/v1/browser_sessions", want: 422, body: `{"timeout":1}`,
		why: "the timeout is at least 5 minutes"},
	{route: skyverntest.RouteCreateBrowserSession, path: "/v1/browser_sessions", want: 422, body: `{"browser_type":"netscape"}`,
		why: "browser_type is an enum"},
	{route: skyverntest.RouteCreateBrowserSession, path: "/v1/browser_sessions", want: 404,
		body: `{"browser_profile_id":"` + unknownProfile + `"}`, why: "an unknown profile"},
	{route: skyverntest.RouteCreateBrowserSession, path: "/v1/browser_sessions", want: 400,
		body: `{"proxy_session_id":"ps_1","proxy_location":"RESIDENTIAL"}`, why: "a sticky proxy needs RESIDENTIAL_ISP"},
	{route: skyverntest.RouteGetBrowserSession, path: "/v1/browser_sessions/${pbs}", want: 200},
	{route: skyverntest.RouteGetBrowserSession, path: "/v1/browser_sessions/" + unknownSession, want: 404},
	{route: skyverntest.RouteListBrowserSessions, path: "/v1/browser_sessions", want: 200},
	{route: skyverntest.RouteUpdateBrowserSession, path: "/v1/browser_sessions/${pbs}", want: 200, body: `{"generate_browser_profile":true}`},
	{route: skyverntest.RouteUpdateBrowserSession, path: "/v1/browser_sessions/${pbs}", want: 422, body: `{}`,
		why: "generate_browser_profile is required"},
	{route: skyverntest.RouteUpdateBrowserSession, path: "/v1/browser_sessions/" + unknownSession, want: 404,
		body: `{"generate_browser_profile":false}`},

	// Login and download runs, one in the session. A Skyvern credential_id
	// must name a stored credential.
	{route: skyverntest.RouteCreateCredential, path: "/v1/credentials", want: 201, body: passwordCredential,
		save: map[string]string{"logincred": "credential_id"}},
	{route: skyverntest.RouteRunLogin, path: "/v1/run/tasks/login", want: 404,
		body: `{"credential_type":"skyvern","credential_id":"cred_1"}`, why: "an unknown credential"},
	{route: skyverntest.RouteRunLogin, path: "/v1/run/tasks/login", want: 200,
		body: `{"credential_type":"skyvern","credential_id":"${logincred}","url":"https://example.com/login","browser_session_id":"${pbs}","webhook_url":"${hook}"}`,
		save: map[string]string{"login": "run_id"}},
	{route: skyverntest.RouteRunLogin, path: "/v1/run/tasks/login", want: 422, body: `{}`, why: "credential_type is required"},
	{route: skyverntest.RouteRunLogin, path: "/v1/run/tasks/login", want: 422, body: `{"credential_type":"lastpass"}`,
		why: "credential_type is an enum"},
	{route: skyverntest.RouteRunLogin, path: "/v1/run/tasks/login", want: 400, body: `{"credential_type":"skyvern"}`,
		why: "a Skyvern credential needs credential_id"},
	{route: skyverntest.RouteRunLogin, path: "/v1/run/tasks/login", want: 404,
		body: `{"credential_type":"bitwarden","browser_session_id":"` + unknownSession + `"}`, why: "an unknown session"},
	{route: skyverntest.RouteRunDownloadFiles, path: "/v1/run/tasks/download_files", want: 200,
		body: `{"navigation_goal":"Download the invoice","download_suffix":"invoice.pdf","webhook_url":"${hook}"}`,
		save: map[string]string{"download": "run_id"}},
	{route: skyverntest.RouteRunDownloadFiles, path: "/v1/run/tasks/download_files", want: 422, body: `{}`,
		why: "navigation_goal is required"},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 404,
		body: `{"prompt":"p","browser_session_id":"` + unknownSession + `"}`, why: "a task run in an unknown session"},
	{advance: true},
	{route: skyverntest.RouteGetRun, path: "/v1/runs/${login}", want: 200},
	{route: skyverntest.RouteGetRun, path: "/v1/runs/${download}", want: 200, why: "a finished download lists its file"},

	// Sessions, closed.
	{route: skyverntest.RouteCloseBrowserSession, path: "/v1/browser_sessions/${pbs}/close", want: 200},
	{route: skyverntest.RouteCloseBrowserSession, path: "/v1/browser_sessions/${pbs}/close", want: 200, why: "closing twice is harmless"},
	{route: skyverntest.RouteCloseBrowserSession, path: "/v1/browser_sessions/" + unknownSession + "/close", want: 404},
	{route: skyverntest.RouteGetBrowserSession, path: "/v1/browser_sessions/${pbs}", want: 200, why: "a closed session"},
	{route: skyverntest.RouteUpdateBrowserSession, path: "/v1/browser_sessions/${pbs}", want: 409, body: `{"generate_browser_profile":false}`,
		why: "a closed session cannot be updated"},
	{route: skyverntest.RouteRunDownloadFiles, path: "/v1/run/tasks/download_files", want: 404,
		body: `{"navigation_goal":"g","browser_session_id":"${pbs}"}`, why: "a closed session runs nothing more"},

	// Profiles.
	{route: skyverntest.RouteCreateBrowserProfile, path: "/v1/browser_profiles", want: 200,
		body: `{"name":"billing","browser_session_id":"${pbs}"}`, why: "from a closed session that saved its state",
		save: map[string]string{"bp": "browser_profile_id"}},
	{route: skyverntest.RouteCreateBrowserProfile, path: "/v1/browser_profiles", want: 200,
		body: `{"name":"after login","workflow_run_id":"${login}","proxy_session_id":"ps_1"}`, why: "from a workflow run",
		save: map[string]string{"bp2": "browser_profile_id"}},
	{route: skyverntest.RouteCreateBrowserProfile, path: "/v1/browser_profiles", want: 409, body: `{"name":"billing"}`,
		why: "names are unique"},
	{route: skyverntest.RouteCreateBrowserProfile, path: "/v1/browser_profiles", want: 422, body: `{}`, why: "name is required"},
	{route: skyverntest.RouteCreateBrowserProfile, path: "/v1/browser_profiles", want: 400,
		body: `{"name":"live","browser_session_id":"${pbs2}"}`, why: "the session has not ended"},
	{route: skyverntest.RouteGetBrowserProfile, path: "/v1/browser_profiles/${bp}", want: 200},
	{route: skyverntest.RouteGetBrowserProfile, path: "/v1/browser_profiles/" + unknownProfile, want: 404},
	{route: skyverntest.RouteListBrowserProfiles, path: "/v1/browser_profiles", want: 200},
	{route: skyverntest.RouteListBrowserProfiles, path: "/v1/browser_profiles?page_size=1&search_key=BILL&managed=false", want: 200},
	{route: skyverntest.RouteListBrowserProfiles, path: "/v1/browser_profiles?page=0", want: 422, why: "page starts at 1"},
	{route: skyverntest.RouteListBrowserProfiles, path: "/v1/browser_profiles?managed=perhaps", want: 422, why: "managed is a boolean"},
	{route: skyverntest.RouteUpdateBrowserProfile, path: "/v1/browser_profiles/${bp}", want: 200,
		body: `{"description":"EU billing","rotate_proxy_session_id":true}`},
	{route: skyverntest.RouteUpdateBrowserProfile, path: "/v1/browser_profiles/${bp}", want: 409, body: `{"name":"after login"}`,
		why: "the name is taken"},
	{route: skyverntest.RouteUpdateBrowserProfile, path: "/v1/browser_profiles/" + unknownProfile, want: 404, body: `{"name":"x"}`},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 200, body: `{"prompt":"p","engine":"skyvern-2.0","browser_profile_id":"${bp}"}`,
		why: "a run seeded from the profile"},
	{route: skyverntest.RouteRunTask, path: "/v1/run/tasks", want: 400, body: `{"prompt":"p","browser_profile_id":"${bp}"}`,
		why: "skyvern-1.0 keeps no browser memory"},
	{route: skyverntest.RouteGetBrowserProfileUsage, path: "/v1/browser_profiles/${bp}/usage", want: 200},
	{route: skyverntest.RouteGetBrowserProfileUsage, path: "/v1/browser_profiles/" + unknownProfile + "/usage", want: 404},
	{route: skyverntest.RouteDeleteBrowserProfile, path: "/v1/browser_profiles/${bp2}", want: 204},
	{route: skyverntest.RouteDeleteBrowserProfile, path: "/v1/browser_profiles/${bp2}", want: 404, why: "deleting twice"},
	{route: skyverntest.RouteListBrowserProfiles, path: "/v1/browser_profiles?include_deleted=true", want: 200},
	{advance: true},
}
