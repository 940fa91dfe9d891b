package browser_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// TestSelectorWorks drives the form with selectors only: the DOM changes
// and Skyvern is never asked.
func TestSelectorWorks(t *testing.T) {
	e := newEnv(t, nil)
	p := e.page
	if err := p.Fill(e.ctx, "#email", "new@example.com", "the email field"); err != nil {
		t.Fatalf("Fill: %v", err)
	}
	if err := p.SelectOption(e.ctx, "#country", "United States", ""); err != nil {
		t.Fatalf("SelectOption by label: %v", err)
	}
	if err := p.Click(e.ctx, "(//button[@id='submit'])[1]", "the blue Submit button"); err != nil {
		t.Fatalf("Click by XPath: %v", err)
	}
	if got, want := e.text(p, "#status"), "submitted new@example.com us"; got != want {
		t.Errorf("#status = %q, want %q", got, want)
	}
	if n := len(e.actions()); n != 0 {
		t.Errorf("%d run_action calls, want none: every selector worked", n)
	}
	// TestMain's check for Chromium processes left behind sees them.
	if chromiumChildren() == 0 {
		t.Error("chromiumChildren counts no Chromium while one runs")
	}
}

// TestSelectorFailsWithoutPrompt fails with a *SelectorError that names
// the selector, and asks Skyvern nothing.
func TestSelectorFailsWithoutPrompt(t *testing.T) {
	e := newEnv(t, nil, failFast)
	err := e.page.Click(e.ctx, "#nope", "")
	var se *browser.SelectorError
	if !errors.As(err, &se) || se.Selector != "#nope" || se.Action != "click" {
		t.Fatalf("Click = %v, want a *SelectorError for #nope", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no usable element within 300ms") {
		t.Errorf("Click = %v, want it to say the selector timeout passed", err)
	}
	var ae *browser.AIError
	if errors.As(err, &ae) {
		t.Errorf("Click = %v: an *AIError without an AI step", err)
	}
	if err := e.page.Click(e.ctx, "", ""); !errors.Is(err, browser.ErrNoTarget) {
		t.Errorf("Click with nothing = %v, want ErrNoTarget", err)
	}
	if n := len(e.actions()); n != 0 {
		t.Errorf("%d run_action calls, want none", n)
	}
}

// TestSelectOptionMissing: a <select> without the option asked for fails
// at once with a *SelectorError naming the option, and asks Skyvern
// nothing. (Its element exists, so it runs with the slow machine's
// selector timeout, not failFast's.)
func TestSelectOptionMissing(t *testing.T) {
	e := newEnv(t, nil)
	err := e.page.SelectOption(e.ctx, "#country", "Narnia", "")
	var se *browser.SelectorError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "Narnia") {
		t.Errorf("SelectOption of a missing option = %v, want a *SelectorError naming it", err)
	}
	if n := len(e.actions()); n != 0 {
		t.Errorf("%d run_action calls, want none", n)
	}
}

// TestSelectorFailsAIFallback: the selector finds nothing, so the action
// goes to Skyvern as an AI action with the prompt, the page's URL and
// the browser's address.
func TestSelectorFailsAIFallback(t *testing.T) {
	e := newEnv(t, nil, failFast)
	if err := e.page.Click(e.ctx, "#gone", "the blue Submit button"); err != nil {
		t.Fatalf("Click: %v", err)
	}
	if err := e.page.Fill(e.ctx, "#gone", "a@b.c", "the email field"); err != nil {
		t.Fatalf("Fill: %v", err)
	}
	acts := e.actions()
	if len(acts) != 2 {
		t.Fatalf("%d run_action calls, want 2", len(acts))
	}
	click, ok := acts[0].Action.(skyvern.ClickAction)
	if !ok || click.Intention != "the blue Submit button" || click.Selector != "" {
		t.Errorf("first action = %#v, want an ai_click with the prompt and no selector", acts[0].Action)
	}
	if fill, ok := acts[1].Action.(skyvern.InputTextAction); !ok || fill.Value != "a@b.c" || fill.Intention != "the email field" {
		t.Errorf("second action = %#v, want an ai_input_text with the value and prompt", acts[1].Action)
	}
	for _, a := range acts {
		if a.URL != e.site.URL+"/form" || a.BrowserAddress != e.chrome.Address() || a.BrowserSessionID != "" {
			t.Errorf("action sent url %q address %q session %q, want the page's URL and the browser's address", a.URL, a.BrowserAddress, a.BrowserSessionID)
		}
	}
}

// TestAIFailureSaysWhichStep: when both steps fail, the error holds the
// selector's failure and Skyvern's reason, each errors.As-able.
func TestAIFailureSaysWhichStep(t *testing.T) {
	e := newEnv(t, nil, failFast)
	e.srv.OnAction(func(skyvern.SDKActionRequest) skyverntest.ActionOutcome {
		return skyverntest.ActionOutcome{FailureReason: "no element matches the blue Submit button"}
	})
	err := e.page.Click(e.ctx, "#gone", "the blue Submit button")
	var ae *browser.AIError
	if !errors.As(err, &ae) {
		t.Fatalf("Click = %v, want an *AIError", err)
	}
	if ae.StatusCode != 422 || ae.Reason != "no element matches the blue Submit button" || ae.Action != skyvern.SDKActionTypeClick {
		t.Errorf("AIError = %+v, want 422 with Skyvern's reason", ae)
	}
	var se *browser.SelectorError
	if !errors.As(err, &se) || se.Selector != "#gone" {
		t.Errorf("Click = %v, want the selector's failure too", err)
	}
	if !errors.Is(err, skyvern.ErrValidation) {
		t.Errorf("Click = %v, want it to match skyvern.ErrValidation", err)
	}
	for _, want := range []string{"#gone", "the blue Submit button", "422", "no element matches"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	err = e.page.Act(e.ctx, "accept the cookies")
	if !errors.As(err, &ae) || ae.Selector != nil || ae.Action != skyvern.SDKActionTypeAct {
		t.Errorf("Act = %v, want an *AIError of ai_act without a selector step", err)
	}
}

// TestWorkflowRunChain: the first AI action of a page starts a workflow
// run; every later one, and concurrent first ones, carry it. Another page
// has a chain of its own.
func TestWorkflowRunChain(t *testing.T) {
	e := newEnv(t, nil)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.page.Act(e.ctx, "scroll down"); err != nil {
				t.Errorf("Act: %v", err)
			}
		}()
	}
	wg.Wait()
	run := e.page.WorkflowRunID()
	if run == "" {
		t.Fatal("WorkflowRunID is empty after an action")
	}
	if _, err := e.page.Validate(e.ctx, "the page shows a total"); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	other := e.open("/form")
	if err := other.Act(e.ctx, "scroll up"); err != nil {
		t.Fatalf("Act: %v", err)
	}
	acts := e.actions()
	if len(acts) != 5 {
		t.Fatalf("%d actions, want 5", len(acts))
	}
	if acts[0].WorkflowRunID != "" {
		t.Errorf("the first action carried %q, want no run", acts[0].WorkflowRunID)
	}
	for i, a := range acts[1:4] {
		if a.WorkflowRunID != run {
			t.Errorf("action %d carried run %q, want the page's %q", i+1, a.WorkflowRunID, run)
		}
	}
	if acts[4].WorkflowRunID != "" || other.WorkflowRunID() == run || other.WorkflowRunID() == "" {
		t.Errorf("the other page's first action carried %q and its run is %q, want a run of its own", acts[4].WorkflowRunID, other.WorkflowRunID())
	}
	// The same tab, found again, is the same *Page, chain included.
	pages, err := e.b.Pages(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range pages {
		found = found || p == e.page
	}
	if !found {
		t.Error("Pages does not return the *Page made by NewPage")
	}
	if p := e.b.Page(e.page.Rod()); p != e.page {
		t.Error("Browser.Page of the same rod page is another *Page")
	}
	if wp, err := e.b.WorkingPage(e.ctx); err != nil || wp != other {
		t.Errorf("WorkingPage = %v, %v; want the page opened last", wp, err)
	}
	if pages[len(pages)-1] != other || pages[len(pages)-2] != e.page {
		t.Error("Pages is not in the order the pages were opened")
	}
}

// TestExtractIntoStruct derives the schema from the struct, sends it,
// and decodes Skyvern's answer into the struct.
func TestExtractIntoStruct(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.OnAction(func(req skyvern.SDKActionRequest) skyverntest.ActionOutcome {
		if _, ok := req.Action.(skyvern.ExtractAction); ok {
			return skyverntest.ActionOutcome{Result: map[string]any{"total": 42.5, "currency": "EUR"}}
		}
		return skyverntest.ActionOutcome{}
	})
	var order struct {
		Total    float64 `json:"total" description:"the order total"`
		Currency string  `json:"currency"`
		Note     string  `json:"note,omitempty"`
	}
	if err := e.page.Extract(e.ctx, "the order total", &order); err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if order.Total != 42.5 || order.Currency != "EUR" {
		t.Errorf("extracted %+v, want 42.5 EUR", order)
	}
	acts := e.actions()
	ex, ok := acts[len(acts)-1].Action.(skyvern.ExtractAction)
	if !ok || ex.Prompt != "the order total" {
		t.Fatalf("sent %#v, want an extract with the prompt", acts[len(acts)-1].Action)
	}
	schema, _ := ex.ExtractSchema.(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	total, _ := props["total"].(map[string]any)
	if schema["type"] != "object" || total["type"] != "number" || total["description"] != "the order total" {
		t.Errorf("sent schema %v, want an object with a described number total", ex.ExtractSchema)
	}
	if req, _ := schema["required"].([]any); len(req) != 2 {
		t.Errorf("required = %v, want total and currency", schema["required"])
	}

	// Null answers are an error that says so.
	e.srv.OnAction(nil)
	err := e.page.Extract(e.ctx, "nothing", &order)
	if !errors.Is(err, skyvern.ErrNoOutput) {
		t.Errorf("Extract of null = %v, want ErrNoOutput", err)
	}
}

// TestValidateLocatePrompt covers the other AI actions' answers.
func TestValidateLocatePrompt(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.OnAction(func(req skyvern.SDKActionRequest) skyverntest.ActionOutcome {
		switch a := req.Action.(type) {
		case skyvern.ValidateAction:
			return skyverntest.ActionOutcome{Result: strings.Contains(a.Prompt, "total")}
		case skyvern.LocateElementAction:
			if a.Prompt == "nothing" {
				return skyverntest.ActionOutcome{}
			}
			return skyverntest.ActionOutcome{Result: "xpath=//button[@id='submit']"}
		case skyvern.PromptAction:
			if a.ResponseSchema != nil {
				return skyverntest.ActionOutcome{Result: map[string]any{"n": 3}}
			}
			return skyverntest.ActionOutcome{Result: "three"}
		}
		return skyverntest.ActionOutcome{}
	})
	ok, err := e.page.Validate(e.ctx, "the page shows a total")
	if err != nil || !ok {
		t.Errorf("Validate = %v, %v; want true", ok, err)
	}
	ok, err = e.page.Validate(e.ctx, "the page is empty")
	if err != nil || ok {
		t.Errorf("Validate = %v, %v; want false", ok, err)
	}
	sel, err := e.page.Locate(e.ctx, "the blue Submit button")
	if err != nil || sel != "xpath=//button[@id='submit']" {
		t.Fatalf("Locate = %q, %v", sel, err)
	}
	if err := e.page.Click(e.ctx, sel, ""); err != nil {
		t.Fatalf("Click(located selector): %v", err)
	}
	if got := e.text(e.page, "#status"); !strings.HasPrefix(got, "submitted") {
		t.Errorf("#status = %q after clicking the located selector", got)
	}
	if _, err := e.page.Locate(e.ctx, "nothing"); !errors.Is(err, browser.ErrNotLocated) {
		t.Errorf("Locate of nothing = %v, want ErrNotLocated", err)
	}
	var n struct {
		N int `json:"n"`
	}
	if err := e.page.Prompt(e.ctx, "how many?", &n); err != nil || n.N != 3 {
		t.Errorf("Prompt into a struct = %+v, %v", n, err)
	}
	var s string
	if err := e.page.Prompt(e.ctx, "how many, in words?", &s); err != nil || s != "three" {
		t.Errorf("Prompt into a string = %q, %v", s, err)
	}
}

// TestRateLimitRetried: 429s from the action cap are retried until the
// action is taken; an endless 429 ends with the context, saying so.
func TestRateLimitRetried(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Fault(skyverntest.RouteRunSDKAction, skyverntest.Fault{StatusCode: 429, RetryAfter: "0", Times: 5})
	if err := e.page.Act(e.ctx, "scroll down"); err != nil {
		t.Fatalf("Act after five 429s: %v", err)
	}
	var faulted, served int
	for _, r := range e.srv.Requests() {
		if r.Route == skyverntest.RouteRunSDKAction {
			if r.Faulted {
				faulted++
			} else {
				served++
			}
		}
	}
	if faulted != 5 || served != 1 {
		t.Errorf("%d refused and %d served run_action calls, want 5 and 1", faulted, served)
	}

	e.srv.Fault(skyverntest.RouteRunSDKAction, skyverntest.Fault{StatusCode: 429, RetryAfter: "0", Times: -1})
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Second)
	defer cancel()
	err := e.page.Act(ctx, "scroll up")
	var ae *browser.AIError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ae) || ae.StatusCode != 429 || !errors.Is(err, skyvern.ErrRateLimited) {
		t.Errorf("Act under endless 429s = %v, want the deadline and the 429", err)
	}
}

// TestClosedBrowser: actions after Close fail with ErrClosed, and the
// browser Connect reached is still running.
func TestClosedBrowser(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.b.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := e.page.Click(e.ctx, "#submit", ""); !errors.Is(err, browser.ErrClosed) {
		t.Errorf("Click after Close = %v, want ErrClosed", err)
	}
	if err := e.page.Act(e.ctx, "x"); !errors.Is(err, browser.ErrClosed) {
		t.Errorf("Act after Close = %v, want ErrClosed", err)
	}
	b, err := browser.Connect(e.ctx, nil, e.chrome.Address(), failFast)
	if err != nil {
		t.Fatalf("Connect again after Close: %v (Close must leave the browser running)", err)
	}
	defer b.Close()
	pages, err := b.Rod().Context(e.ctx).Pages()
	if err != nil || len(pages) == 0 {
		t.Errorf("pages after reconnecting = %d, %v; want the form still open", len(pages), err)
	}
	if err := (&proto.PageReload{}).Call(pages[0].Context(e.ctx)); err != nil {
		t.Errorf("reload: %v", err)
	}
	var nc *browser.Page
	nc, err = b.WorkingPage(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Act(e.ctx, "x"); !errors.Is(err, browser.ErrNoClient) {
		t.Errorf("Act without a client = %v, want ErrNoClient", err)
	}
	var se *browser.SelectorError
	if err := nc.Click(e.ctx, "#gone", "the gone button"); !errors.Is(err, browser.ErrNoClient) || !errors.As(err, &se) {
		t.Errorf("a fallback without a client = %v, want ErrNoClient and the selector's failure", err)
	}
}
