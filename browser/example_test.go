package browser_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
)

// Use opens a Skyvern cloud browser, drives it with selectors and with
// Skyvern's AI, and closes the session on every path. (This is the
// README's "Driving a browser" block; it needs Skyvern Cloud, so it has
// no output to check.)
func ExampleUse() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	client, err := skyvern.NewClient() // SKYVERN_API_KEY, also sent on the CDP handshake
	if err != nil {
		log.Fatal(err)
	}
	err = browser.Use(ctx, client, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, b *browser.Browser) error {
		page, err := b.WorkingPage(ctx)
		if err != nil {
			return err
		}
		if err := page.Rod().Context(ctx).Navigate("https://example.com/checkout"); err != nil {
			return err
		}
		// The selector first; Skyvern's AI when the selector no longer matches.
		if err := page.Click(ctx, "#submit", "the blue Submit button"); err != nil {
			return err
		}
		var order struct {
			Total float64 `json:"total"`
		}
		if err := page.Extract(ctx, "the order total", &order); err != nil {
			return err
		}
		fmt.Println(order.Total)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Connect drives any browser that speaks CDP, such as a local Chromium
// started with --remote-debugging-port=9222. Without a client only the
// selector steps run; with one, the AI steps reach the browser at the
// address given, so Skyvern must be able to reach it too.
func ExampleConnect() {
	ctx := context.Background()
	b, err := browser.Connect(ctx, nil, "http://127.0.0.1:9222")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close() // disconnects; the browser keeps running

	page, err := b.NewPage(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rp := page.Rod().Context(ctx) // go-rod's own API, unwrapped
	if err := rp.Navigate("http://127.0.0.1:8080/login"); err != nil {
		log.Fatal(err)
	}
	if err := page.Fill(ctx, "#user", "ada", ""); err != nil {
		log.Fatal(err)
	}
}

// Failures say which step failed: the selector, or Skyvern's AI with its
// reason.
func ExamplePage_Click_errors() {
	var page *browser.Page // from Browser.WorkingPage
	ctx := context.Background()

	err := page.Click(ctx, "#pay", "the Pay now button")
	var aiErr *browser.AIError
	var selErr *browser.SelectorError
	switch {
	case errors.As(err, &aiErr):
		// The selector failed too (aiErr.Selector), then the AI could not do it.
		log.Printf("Skyvern could not click %q: %d %s", aiErr.Prompt, aiErr.StatusCode, aiErr.Reason)
	case errors.As(err, &selErr):
		log.Printf("selector %s: %v", selErr.Selector, selErr.Err)
	case err != nil:
		log.Print(err)
	}
}

// A task on the page runs in the page's browser, from the page's URL,
// and is waited for.
func ExamplePage_RunTask() {
	var page *browser.Page // from Browser.WorkingPage
	ctx := context.Background()

	run, err := page.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Download the latest invoice"})
	if err != nil {
		log.Fatal(err)
	}
	if run.Status != skyvern.RunStatusCompleted {
		log.Fatalf("run %s %s: %s", run.RunID, run.Status, run.FailureReason)
	}
}

// Reuse takes the newest idle session, so that a script run again does
// not pay for a new browser each time; it leaves that session open.
func ExampleReuse() {
	ctx := context.Background()
	client, err := skyvern.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	b, err := browser.Reuse(ctx, client, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close() // closes the session only if Reuse had to launch it

	page, err := b.WorkingPage(ctx)
	if err != nil {
		log.Fatal(err)
	}
	ok, err := page.Validate(ctx, "the user is logged in")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ok)
}
