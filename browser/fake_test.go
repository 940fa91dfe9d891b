package browser_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/browser/browsertest"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// fakeEnv is a fake Skyvern whose sessions each get a Chromium, with the
// AI's actions scripted by browsertest.Fake, and a Browser launched on it
// at the form.
type fakeEnv struct {
	ctx  context.Context
	fake *browsertest.Fake
	srv  *skyverntest.Server
	b    *browser.Browser
	page *browser.Page
	site string
}

func newFakeEnv(t *testing.T, script func(*browsertest.Fake), opts ...browser.Option) *fakeEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	e := &fakeEnv{ctx: ctx, fake: browsertest.New(t), site: pages(t, nil).URL}
	e.fake.ActionTimeout = slowMachine
	script(e.fake)
	e.srv = e.fake.NewServer()
	opts = append([]browser.Option{browser.WithSelectorTimeout(slowMachine)}, opts...)
	b, err := browser.Launch(ctx, e.srv.Client(), skyvern.CreateBrowserSessionRequest{}, opts...)
	if err != nil {
		t.Fatalf("Launch: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	e.b = b
	if e.page, err = b.WorkingPage(ctx); err != nil {
		t.Fatal(err)
	}
	rp := e.page.Rod().Context(ctx)
	if err := rp.Navigate(e.site + "/form"); err != nil {
		t.Fatal(err)
	}
	if err := rp.WaitLoad(); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *fakeEnv) text(t *testing.T, selector string) string {
	t.Helper()
	el, err := e.page.Rod().Context(e.ctx).Element(selector)
	if err != nil {
		t.Fatal(err)
	}
	s, err := el.Text()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFallbackChangesThePage: selectors that no longer match fall back to
// the AI, which (scripted) does the work on the real page of the session.
func TestFallbackChangesThePage(t *testing.T) {
	e := newFakeEnv(t, func(f *browsertest.Fake) {
		f.Fill("the email field", "#email").
			Select("the country", "#country").
			Click("the blue Submit button", "#submit")
	}, failFast)
	p := e.page
	if err := p.Fill(e.ctx, "#e-mail", "ai@example.com", "the email field"); err != nil {
		t.Fatalf("Fill: %v", err)
	}
	if err := p.SelectOption(e.ctx, "#land", "us", "the country"); err != nil {
		t.Fatalf("SelectOption: %v", err)
	}
	if err := p.Click(e.ctx, "#send", "the blue Submit button"); err != nil {
		t.Fatalf("Click: %v", err)
	}
	if got, want := e.text(t, "#status"), "submitted ai@example.com us"; got != want {
		t.Errorf("#status = %q, want %q: the AI's actions did not reach the page", got, want)
	}
	if p.WorkflowRunID() == "" {
		t.Error("no workflow run after three AI actions")
	}
	// Unscripted, the AI finds nothing: Skyvern's 422, with both steps
	// in the error.
	err := p.Click(e.ctx, "#nothing", "the red Cancel button")
	var ae *browser.AIError
	var se *browser.SelectorError
	if !errors.As(err, &ae) || ae.StatusCode != 422 || ae.Reason == "" || !errors.As(err, &se) {
		t.Errorf("unscripted fallback = %v, want a 422 *AIError with the *SelectorError", err)
	}
}

// TestAIOnly: act, extract into a struct, validate and locate on the
// real page, scripted.
func TestAIOnly(t *testing.T) {
	e := newFakeEnv(t, func(f *browsertest.Fake) {
		f.Act("send the form", "#submit").
			Extract("the order total", map[string]any{"amount": 42.5, "currency": "EUR"}).
			Validate("the form was sent", true).
			Locate("the email field", "#email")
	})
	p := e.page
	if err := p.Act(e.ctx, "send the form"); err != nil {
		t.Fatalf("Act: %v", err)
	}
	if got := e.text(t, "#status"); !strings.HasPrefix(got, "submitted") {
		t.Errorf("#status = %q after Act", got)
	}
	var total struct {
		Amount   float64 `json:"amount"`
		Currency string  `json:"currency"`
	}
	if err := p.Extract(e.ctx, "the order total", &total); err != nil || total.Amount != 42.5 || total.Currency != "EUR" {
		t.Errorf("Extract = %+v, %v; want 42.5 EUR", total, err)
	}
	if ok, err := p.Validate(e.ctx, "the form was sent"); err != nil || !ok {
		t.Errorf("Validate = %v, %v; want true", ok, err)
	}
	sel, err := p.Locate(e.ctx, "the email field")
	if err != nil {
		t.Fatalf("Locate: %v", err)
	}
	if err := p.Fill(e.ctx, sel, "located@example.com", ""); err != nil {
		t.Fatalf("Fill(%q): %v", sel, err)
	}
	if _, err := p.Locate(e.ctx, "a unicorn"); !errors.Is(err, browser.ErrNotLocated) {
		t.Errorf("Locate of an unscripted element = %v, want ErrNotLocated", err)
	}
	for _, r := range e.srv.Requests() {
		if r.Route == skyverntest.RouteRunSDKAction && !strings.Contains(string(r.Body), `"browser_session_id":"`+e.b.SessionID()+`"`) {
			t.Errorf("an action did not name the session: %s", r.Body)
		}
	}
	// The Browser holds the key for its handshake; printing it shows none.
	if s := fmt.Sprintf("%v %+v %#v %v", e.b, e.b, e.b, p); strings.Contains(s, e.srv.APIKey) {
		t.Error("printing the Browser or its Page shows the API key")
	}
}

// TestUseStopsTheSessionBrowser: whichever way fn ends, the session Use
// launched is closed and its Chromium is gone.
func TestUseStopsTheSessionBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	fake := browsertest.New(t)
	fake.ActionTimeout = slowMachine
	srv := fake.NewServer()
	client := srv.Client()
	errBoom := errors.New("boom")
	for _, tc := range []struct {
		name string
		fn   func(ctx context.Context, cancel context.CancelFunc) error
		want func(err error, recovered any) bool
	}{
		{"error", func(context.Context, context.CancelFunc) error { return errBoom },
			func(err error, r any) bool { return errors.Is(err, errBoom) && r == nil }},
		{"panic", func(context.Context, context.CancelFunc) error { panic(errBoom) },
			func(err error, r any) bool { return r == errBoom }},
		{"cancel", func(ctx context.Context, cancel context.CancelFunc) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}, func(err error, r any) bool { return errors.Is(err, context.Canceled) && r == nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				id       string
				chromium *browsertest.Chromium
				err      error
				rec      any
			)
			func() {
				defer func() { rec = recover() }()
				uctx, ucancel := context.WithCancel(ctx)
				defer ucancel()
				err = browser.Use(uctx, client, skyvern.CreateBrowserSessionRequest{}, func(ctx context.Context, b *browser.Browser) error {
					id = b.SessionID()
					chromium = fake.Chromium(id)
					if _, err := b.WorkingPage(ctx); err != nil {
						return err
					}
					return tc.fn(ctx, ucancel)
				})
			}()
			if !tc.want(err, rec) {
				t.Fatalf("Use = %v (recovered %v)", err, rec)
			}
			if chromium == nil {
				t.Fatal("the session had no Chromium")
			}
			if left := chromium.Processes(); len(left) > 0 {
				t.Errorf("the session's Chromium processes %v outlived Use", left)
			}
			s, gerr := client.GetBrowserSession(ctx, id)
			if gerr != nil || s.Status != skyvern.BrowserSessionStatusCompleted {
				t.Errorf("session %s after Use: %v, %v; want completed", id, s, gerr)
			}
		})
	}
}
