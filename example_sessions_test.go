package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/skyvern-go/skyvern"
)

// sessionExampleServer is a small stand-in for Skyvern's browser session,
// login and download routes, so that the examples below run offline. It
// prints each session it closes.
func sessionExampleServer() *httptest.Server {
	var mu sync.Mutex
	runs := map[string]string{} // run id -> session id
	answer := func(w http.ResponseWriter, v string) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, v)
	}
	startRun := func(id string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				BrowserSessionID string `json:"browser_session_id"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			mu.Lock()
			runs[id] = body.BrowserSessionID
			mu.Unlock()
			answer(w, `{"run_id":"`+id+`","status":"queued","run_type":"workflow_run","browser_session_id":"`+body.BrowserSessionID+`"}`)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/browser_sessions", func(w http.ResponseWriter, r *http.Request) {
		answer(w, `{"browser_session_id":"pbs_1","organization_id":"o_1","status":"created","timeout":30,`+
			`"created_at":"2026-01-31T15:20:42","modified_at":"2026-01-31T15:20:42"}`)
	})
	mux.HandleFunc("POST /v1/browser_sessions/{id}/close", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("closed", r.PathValue("id"))
		answer(w, `{"message":"Browser session closed"}`)
	})
	mux.HandleFunc("POST /v1/run/tasks/login", startRun("wr_login"))
	mux.HandleFunc("POST /v1/run/tasks/download_files", startRun("wr_download"))
	mux.HandleFunc("GET /v1/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		files := `[]`
		if strings.Contains(id, "download") {
			files = `[{"url":"https://files.example.com/invoice-may.pdf","filename":"invoice-may.pdf"}]`
		}
		mu.Lock()
		session := runs[id]
		mu.Unlock()
		answer(w, `{"run_id":"`+id+`","status":"completed","run_type":"workflow_run","browser_session_id":"`+session+`","downloaded_files":`+files+`}`)
	})
	return httptest.NewServer(mux)
}

// Log in once and download a file in the same browser session, which
// UseBrowserSession closes afterwards on every path: success, error or
// panic, and even when ctx has been cancelled.
func ExampleClient_UseBrowserSession() {
	srv := sessionExampleServer() // with the real API, leave out WithBaseURL
	defer srv.Close()
	client, err := skyvern.NewClient(skyvern.WithAPIKey("sk-your-key"), skyvern.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	err = client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 30},
		func(ctx context.Context, s *skyvern.BrowserSession) error {
			login, err := client.RunLogin(ctx, skyvern.LoginRequest{
				URL:              "https://billing.example.com/login",
				CredentialType:   skyvern.CredentialSourceSkyvern,
				CredentialID:     "cred_123",
				BrowserSessionID: s.BrowserSessionID,
			})
			if err != nil {
				return err
			}
			if login, err = client.WaitForRun(ctx, login.RunID); err != nil {
				return err
			}
			fmt.Println("login", login.Status, "in", login.BrowserSessionID)

			dl, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
				NavigationGoal:   "Download the invoice for May",
				BrowserSessionID: s.BrowserSessionID, // already signed in
			})
			if err != nil {
				return err
			}
			if dl, err = client.WaitForRun(ctx, dl.RunID); err != nil {
				return err
			}
			for _, f := range dl.DownloadedFiles {
				fmt.Println("downloaded", f.Filename)
			}
			return nil
		})
	if err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// login completed in pbs_1
	// downloaded invoice-may.pdf
	// closed pbs_1
}

// Without UseBrowserSession, close the session with a deferred call that
// outlives ctx's cancellation. Closing an ended session is harmless.
func ExampleClient_CloseBrowserSession() {
	srv := sessionExampleServer()
	defer srv.Close()
	client, err := skyvern.NewClient(skyvern.WithAPIKey("sk-your-key"), skyvern.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		panic(err) // with ErrRunMayExist, a session may still have started: see ListBrowserSessions
	}
	defer client.CloseBrowserSession(context.WithoutCancel(ctx), s.BrowserSessionID)

	run, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
		NavigationGoal:   "Download the latest statement",
		URL:              "https://bank.example.com",
		BrowserSessionID: s.BrowserSessionID,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(run.RunID, run.Status)
	// Output:
	// wr_download queued
	// closed pbs_1
}
