// Command browser drives a browser from Go with Skyvern's AI on the same
// page: it fills a small order form with selectors, clicks a button whose
// selector has gone stale so that Skyvern's AI finds it, and reads the
// confirmation back with an AI extraction and validation.
//
// With SKYVERN_API_KEY set it runs on a Skyvern Cloud browser session.
// Without it, it runs offline: a fake Skyvern server whose browser
// sessions are local headless Chromium processes (Debian's chromium, or
// the binary named by SKYVERN_CHROMIUM) and whose AI follows a script.
//
//	go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"time"

	"github.com/go-rod/rod"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/browser/browsertest"
)

// orderForm is the page the example works on. It is loaded as a data:
// URL, so that a Skyvern Cloud browser and a local one see the same page
// without a server.
const orderForm = `<!doctype html>
<html><head><title>Order</title></head><body>
<h1>Order</h1>
<label>Email <input id="email" type="email"></label>
<label>Plan <select id="plan"><option value="free">Free</option><option value="pro">Pro</option></select></label>
<button class="btn-blue" type="button" onclick="document.getElementById('confirmation').textContent =
	'Thank you! Plan ' + document.getElementById('plan').value + ' ordered for ' + document.getElementById('email').value + '.'">Order now</button>
<p id="confirmation"></p>
</body></html>`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Getenv("SKYVERN_API_KEY"), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// run orders on Skyvern Cloud with apiKey, or offline without one.
func run(ctx context.Context, apiKey string, out io.Writer) error {
	if apiKey != "" {
		client, err := skyvern.NewClient(skyvern.WithAPIKey(apiKey))
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "Using Skyvern Cloud.")
		return order(ctx, client, out)
	}

	fake, err := browsertest.Start()
	if err != nil {
		return err
	}
	defer fake.Stop()
	script(fake)
	srv, err := fake.StartServer()
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(out, "No SKYVERN_API_KEY set: using the fake Skyvern server at %s, its browser sessions local headless Chromium.\n", srv.URL)
	return order(ctx, srv.Client(), out)
}

// script tells the offline fake what Skyvern's AI would do with each
// prompt of order.
func script(fake *browsertest.Fake) {
	confirmation := func(ctx context.Context, page *rod.Page) (string, error) {
		el, err := page.Context(ctx).Element("#confirmation")
		if err != nil {
			return "", err
		}
		return el.Text()
	}
	fake.Click("the blue Order now button", ".btn-blue").
		Do("the confirmation message", func(ctx context.Context, page *rod.Page, _ skyvern.SDKActionRequest) (any, error) {
			text, err := confirmation(ctx, page)
			return map[string]string{"message": text}, err
		}).
		Do("the page confirms the order", func(ctx context.Context, page *rod.Page, _ skyvern.SDKActionRequest) (any, error) {
			text, err := confirmation(ctx, page)
			return text != "", err
		})
}

// order opens a browser session, fills the form and reads the
// confirmation; the session is closed on every path.
func order(ctx context.Context, client *skyvern.Client, out io.Writer) error {
	opts := []browser.Option{browser.WithSelectorTimeout(2 * time.Second)}
	return browser.Use(ctx, client, skyvern.CreateBrowserSessionRequest{TimeoutMinutes: 15}, func(ctx context.Context, b *browser.Browser) error {
		fmt.Fprintf(out, "Browser session %s is up.\n", b.SessionID())
		page, err := b.WorkingPage(ctx)
		if err != nil {
			return err
		}
		// Everything go-rod can do is there: here, load the page.
		rp := page.Rod().Context(ctx)
		if err := rp.Navigate("data:text/html;charset=utf-8," + url.PathEscape(orderForm)); err != nil {
			return err
		}
		if err := rp.WaitLoad(); err != nil {
			return err
		}

		// Selectors that match: no AI involved.
		if err := page.Fill(ctx, "#email", "ada@example.com", "the email field"); err != nil {
			return err
		}
		if err := page.SelectOption(ctx, "#plan", "pro", "the plan"); err != nil {
			return err
		}
		// A selector that no longer matches: Skyvern's AI clicks the button
		// the prompt describes.
		if err := page.Click(ctx, "#submit-order", "the blue Order now button"); err != nil {
			return err
		}
		fmt.Fprintln(out, "Filled the form with selectors; the stale selector #submit-order fell back to Skyvern's AI.")

		var confirmation struct {
			Message string `json:"message"`
		}
		if err := page.Extract(ctx, "the confirmation message", &confirmation); err != nil {
			return err
		}
		fmt.Fprintf(out, "Extracted: %q\n", confirmation.Message)
		ok, err := page.Validate(ctx, "the page confirms the order")
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("the page does not confirm the order")
		}
		fmt.Fprintf(out, "Validated: the order is confirmed (workflow run %s).\n", page.WorkflowRunID())
		return nil
	}, opts...)
}
