package skyvern_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// Log in once and download a file in the same browser session, which
// UseBrowserSession closes afterwards on every path: success, error or
// panic, and even when ctx has been cancelled.
func ExampleClient_UseBrowserSession() {
	srv, err := skyverntest.Start(skyverntest.WithRunDuration(50 * time.Millisecond))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	// With the real API: skyvern.NewClient().
	client := srv.Client()
	ctx := context.Background()
	// The credential the code logs in with: with the real API, one saved
	// beforehand.
	err = srv.AddCredential("cred_123", skyvern.CredentialRequest{
		Name:       "Billing portal",
		Credential: skyvern.PasswordCredential{Username: "ops@example.com", Password: skyvern.NewSecret("s3cret")},
	})
	if err != nil {
		log.Fatal(err)
	}

	err = client.UseBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 30},
		func(ctx context.Context, s *skyvern.BrowserSession) error {
			login, err := client.RunLogin(ctx, skyvern.LoginRequest{
				URL:              "https://billing.example.com/login",
				CredentialSource: skyvern.CredentialSourceSkyvern,
				CredentialID:     "cred_123",
				BrowserSessionID: s.BrowserSessionID,
			})
			if err != nil {
				return err
			}
			if login, err = client.WaitForRun(ctx, login.RunID); err != nil {
				return err
			}
			fmt.Println("login", login.Status)

			dl, err := client.RunDownloadFiles(ctx, skyvern.DownloadFilesRequest{
				NavigationGoal:   "Download the invoice for May",
				DownloadSuffix:   "invoice-may.pdf",
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
		log.Fatal(err)
	}

	// UseBrowserSession closed the session on the way out.
	active, err := skyvern.Collect(client.ListBrowserSessions(ctx))
	if err != nil {
		panic(err)
	}
	fmt.Println("active sessions:", len(active))
	// Output:
	// login completed
	// downloaded invoice-may.pdf
	// active sessions: 0
}

// Without UseBrowserSession, close the session with a deferred call that
// outlives ctx's cancellation. Closing an ended session is harmless.
func ExampleClient_CloseBrowserSession() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		panic(err) // with ErrOutcomeUnknown, a session may still have started: see ListBrowserSessions
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
	fmt.Println(strings.HasPrefix(run.RunID, "wr_"), run.Status)
	// Output:
	// true created
}

// Save a signed-in browser as a profile: a session started with
// GenerateBrowserProfile keeps its state when it is closed, and a profile
// made from it seeds later sessions and runs.
func ExampleClient_CreateBrowserProfile() {
	srv, _ := skyverntest.Start(skyverntest.WithManualClock())
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	s, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{GenerateBrowserProfile: true})
	if err != nil {
		panic(err)
	}
	// ... sign in within the session, then close it to save its state.
	if err := client.CloseBrowserSession(ctx, s.BrowserSessionID); err != nil {
		panic(err)
	}
	profile, err := client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{
		Name:             "billing portal",
		BrowserSessionID: s.BrowserSessionID,
	})
	if err != nil {
		panic(err)
	}
	next, err := client.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{BrowserProfileID: profile.BrowserProfileID})
	if err != nil {
		panic(err)
	}
	defer client.CloseBrowserSession(context.WithoutCancel(ctx), next.BrowserSessionID)

	for p, err := range client.ListBrowserProfiles(ctx, skyvern.ListBrowserProfilesParams{SearchKey: "billing"}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(p.Name, p.BrowserProfileID == next.BrowserProfileID)
	}
	// Output:
	// billing portal true
}
