package browsertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser/browsertest"
)

// formPage is a local page whose button writes what the form holds.
const formPage = `<!doctype html><html><head><title>order</title></head><body>
<input id="email">
<select id="country"><option value="fr">France</option><option value="de">Germany</option></select>
<button id="submit" type="button" onclick="document.getElementById('out').textContent =
	'sent ' + document.getElementById('email').value + ' ' + document.getElementById('country').value">Submit</button>
<p id="out"></p>
</body></html>`

func servePage(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, formPage)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// openPage connects to the browser at address, as a user of the
// browser module would, and opens url in it. The connection closes when
// the test ends.
func openPage(t *testing.T, address, url string) *rod.Page {
	t.Helper()
	b := rod.New().ControlURL(address)
	if err := b.Connect(); err != nil {
		t.Fatalf("connect to %s: %v", address, err)
	}
	p, err := b.Page(proto.TargetCreateTarget{URL: url})
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if err := p.WaitLoad(); err != nil {
		t.Fatalf("load %s: %v", url, err)
	}
	return p
}

// text reads the text (or, for a field, the value) of selector.
func text(t *testing.T, p *rod.Page, selector string) string {
	t.Helper()
	res, err := p.Eval(`s => { const e = document.querySelector(s); return e.value !== undefined ? e.value : e.textContent }`, selector)
	if err != nil {
		t.Fatalf("read %s: %v", selector, err)
	}
	return res.Value.Str()
}

func run(t *testing.T, c *skyvern.Client, req skyvern.SDKActionRequest) (*skyvern.SDKActionResult, error) {
	t.Helper()
	return c.RunSDKAction(context.Background(), req)
}

func mustRun(t *testing.T, c *skyvern.Client, req skyvern.SDKActionRequest) *skyvern.SDKActionResult {
	t.Helper()
	res, err := run(t, c, req)
	if err != nil {
		t.Fatalf("%s: %v", req.Action.SDKActionType(), err)
	}
	return res
}

func refused(t *testing.T, err error) string {
	t.Helper()
	var ae *skyvern.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("want a 422, got %v", err)
	}
	return ae.Detail
}

// TestFakeSession scripts the AI, creates a session on the fake server,
// drives its browser from the test and has run_action change the page.
func TestFakeSession(t *testing.T) {
	site := servePage(t)
	fake := browsertest.New(t)
	fake.ActionTimeout = slowMachine
	fake.Click("the blue Submit button", "#submit").
		Fill("the email field", "#email").
		Select("the country", "#country").
		Extract("the order total", map[string]int{"total": 42}).
		Validate("the order was sent", true).
		Locate("the output line", "#out").
		Locate("a missing thing", "#nope").
		Act("send it", "#submit").
		Locate("the button, by XPath", "xpath=//button[@id='submit']").
		Do("what the page says", func(ctx context.Context, p *rod.Page, req skyvern.SDKActionRequest) (any, error) {
			el, err := p.Context(ctx).Element("#out")
			if err != nil {
				return nil, err
			}
			return el.Text()
		})
	srv := fake.NewServer()
	c := srv.Client()
	ctx := context.Background()

	sess, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sess.BrowserAddress, "ws://127.0.0.1:") {
		t.Fatalf("browser_address = %q", sess.BrowserAddress)
	}
	page := openPage(t, sess.BrowserAddress, site.URL)
	on := func(a skyvern.SDKAction) skyvern.SDKActionRequest {
		return skyvern.SDKActionRequest{URL: site.URL, BrowserSessionID: sess.BrowserSessionID, Action: a}
	}

	res := mustRun(t, c, on(skyvern.InputTextAction{Intention: "the email field", Value: "ann@example.com"}))
	if got := text(t, page, "#email"); got != "ann@example.com" {
		t.Fatalf("#email = %q after fill", got)
	}
	if string(res.Result) != `"ann@example.com"` {
		t.Fatalf("fill result = %s", res.Result)
	}
	chain := res.WorkflowRunID

	req := on(skyvern.SelectOptionAction{Intention: "the country", Value: "Germany"})
	req.WorkflowRunID = chain
	res = mustRun(t, c, req)
	if got := text(t, page, "#country"); got != "de" {
		t.Fatalf("#country = %q after select", got)
	}
	if res.WorkflowRunID != chain {
		t.Fatalf("workflow_run_id = %s, want the chain's %s", res.WorkflowRunID, chain)
	}

	res = mustRun(t, c, on(skyvern.ClickAction{Intention: "the blue Submit button"}))
	if got := text(t, page, "#out"); got != "sent ann@example.com de" {
		t.Fatalf("#out = %q after click", got)
	}
	if string(res.Result) != `"#submit"` {
		t.Fatalf("click result = %s", res.Result)
	}

	res = mustRun(t, c, on(skyvern.ExtractAction{Prompt: "the order total"}))
	var total struct{ Total int }
	if err := json.Unmarshal(res.Result, &total); err != nil || total.Total != 42 {
		t.Fatalf("extract result = %s (%v)", res.Result, err)
	}
	if res = mustRun(t, c, on(skyvern.ValidateAction{Prompt: "the order was sent"})); string(res.Result) != "true" {
		t.Fatalf("validate result = %s", res.Result)
	}
	if res = mustRun(t, c, on(skyvern.LocateElementAction{Prompt: "the output line"})); string(res.Result) != `"#out"` {
		t.Fatalf("locate result = %s", res.Result)
	}
	if res = mustRun(t, c, on(skyvern.LocateElementAction{Prompt: "the button, by XPath"})); string(res.Result) != `"xpath=//button[@id='submit']"` {
		t.Fatalf("locate by XPath result = %s", res.Result)
	}
	if res = mustRun(t, c, on(skyvern.ExtractAction{Prompt: "what the page says"})); string(res.Result) != `"sent ann@example.com de"` {
		t.Fatalf("extract by Do result = %s", res.Result)
	}
	// Skyvern answers null when its AI locates nothing.
	for _, prompt := range []string{"a missing thing", "never scripted"} {
		if res = mustRun(t, c, on(skyvern.LocateElementAction{Prompt: prompt})); string(res.Result) != "null" && res.Result != nil {
			t.Fatalf("locate %q result = %s, want null", prompt, res.Result)
		}
	}

	// A click prompt not scripted, with a selector: Skyvern clicks it.
	if _, err := page.Eval(`() => document.getElementById('out').textContent = ''`); err != nil {
		t.Fatal(err)
	}
	mustRun(t, c, on(skyvern.ClickAction{Intention: "something else", Selector: "#submit"}))
	if got := text(t, page, "#out"); got != "sent ann@example.com de" {
		t.Fatalf("#out = %q after the fallback click", got)
	}
	// An act does the scripted click.
	if _, err := page.Eval(`() => document.getElementById('out').textContent = ''`); err != nil {
		t.Fatal(err)
	}
	if res = mustRun(t, c, on(skyvern.ActAction{Intention: "send it"})); string(res.Result) != "null" && res.Result != nil {
		t.Fatalf("act result = %s", res.Result)
	}
	if got := text(t, page, "#out"); got != "sent ann@example.com de" {
		t.Fatalf("#out = %q after act", got)
	}
}

// The AI's failures are answered with the server's 422 and reason.
func TestFakeFailures(t *testing.T) {
	site := servePage(t)
	fake := browsertest.New(t)
	fake.ActionTimeout = slowMachine
	fake.Click("a button that moved", "#gone")
	srv := fake.NewServer()
	c := srv.Client()
	sess, err := c.CreateBrowserSession(context.Background(), skyvern.CreateBrowserSessionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	on := func(a skyvern.SDKAction) skyvern.SDKActionRequest {
		return skyvern.SDKActionRequest{URL: site.URL, BrowserSessionID: sess.BrowserSessionID, Action: a}
	}

	// A browser without a page: sdk.py's MissingBrowserStatePage.
	bare := browsertest.LaunchChromium(t)
	_, err = run(t, c, skyvern.SDKActionRequest{URL: site.URL, BrowserAddress: bare.Address(),
		Action: skyvern.ClickAction{Intention: "the blue Submit button"}})
	if d := refused(t, err); d != "The browser had no page left to act on before the action could complete." {
		t.Fatalf("no page: %q", d)
	}

	openPage(t, sess.BrowserAddress, site.URL)
	cases := []struct {
		action skyvern.SDKAction
		detail string
	}{
		{skyvern.ClickAction{Intention: "the red button"},
			"AI could not find an element to click for intention: the red button. The element may not exist on the current page."},
		{skyvern.InputTextAction{Intention: "the phone field", Value: "1"},
			"Input text failed: no selector was provided and no intention was given to locate the element"},
		{skyvern.SelectOptionAction{Intention: "the size", Selector: "#country"},
			"AI returned actions that could not be parsed for select option intention: the size"},
		{skyvern.ExtractAction{Prompt: "the price"}, `browsertest: nothing scripted for the extract prompt "the price"`},
		{skyvern.ValidateAction{Prompt: "it worked"}, `browsertest: nothing scripted for the validate prompt "it worked"`},
		{skyvern.ClickAction{Intention: "a button that moved", Timeout: 50 * time.Millisecond}, `no element matches "#gone" within 50ms`},
	}
	for _, tc := range cases {
		_, err := run(t, c, on(tc.action))
		if d := refused(t, err); d != tc.detail {
			t.Errorf("%s: detail %q, want %q", tc.action.SDKActionType(), d, tc.detail)
		}
	}
}

// run_action on a browser the test started, named by its address.
func TestFakeBrowserAddress(t *testing.T) {
	site := servePage(t)
	chromium := browsertest.LaunchChromium(t)
	page := openPage(t, chromium.Address(), site.URL)
	fake := browsertest.New(t)
	fake.ActionTimeout = slowMachine
	fake.Fill("the email field", "#email").Click("the blue Submit button", "#submit")
	srv := fake.NewServer()
	c := srv.Client()

	for _, a := range []skyvern.SDKAction{
		skyvern.InputTextAction{Intention: "the email field", Value: "bob@example.com"},
		skyvern.ClickAction{Intention: "the blue Submit button"},
	} {
		mustRun(t, c, skyvern.SDKActionRequest{URL: site.URL, BrowserAddress: chromium.Address(), Action: a})
	}
	if got := text(t, page, "#out"); got != "sent bob@example.com fr" {
		t.Fatalf("#out = %q", got)
	}
	srv.Close()
	// The Fake only connected to this browser: it is still running.
	if len(chromium.Processes()) == 0 {
		t.Fatal("the test's own browser was stopped")
	}
}

// Closing a session stops its Chromium; closing the server stops the
// others.
func TestFakeClose(t *testing.T) {
	fake := browsertest.New(t)
	fake.ActionTimeout = slowMachine
	srv := fake.NewServer()
	c := srv.Client()
	ctx := context.Background()
	var browsers []*browsertest.Chromium
	var ids []string
	for range 2 {
		s, err := c.CreateBrowserSession(ctx, skyvern.CreateBrowserSessionRequest{})
		if err != nil {
			t.Fatal(err)
		}
		ch := fake.Chromium(s.BrowserSessionID)
		if ch == nil || ch.Address() != s.BrowserAddress || len(ch.Processes()) == 0 {
			t.Fatalf("session %s has no running Chromium at %s", s.BrowserSessionID, s.BrowserAddress)
		}
		browsers, ids = append(browsers, ch), append(ids, s.BrowserSessionID)
	}

	if err := c.CloseBrowserSession(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if left := browsers[0].Processes(); len(left) != 0 {
		t.Fatalf("processes left after Close Browser Session: %v", left)
	}
	if fake.Chromium(ids[0]) != nil {
		t.Fatal("the closed session still has a Chromium")
	}
	if len(browsers[1].Processes()) == 0 {
		t.Fatal("the other session's Chromium stopped too")
	}

	srv.Close()
	if left := browsers[1].Processes(); len(left) != 0 {
		t.Fatalf("processes left after Server.Close: %v", left)
	}
}

// TestSameURL: a page Chromium lists at "http://h/" is the page an action
// names as "http://h", so an action finds its page whatever order CDP
// lists the pages in.
func TestSameURL(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080", true},
		{"http://127.0.0.1:8080/form", "http://127.0.0.1:8080/form", true},
		{"http://127.0.0.1:8080/form", "http://127.0.0.1:8080/", false},
		{"about:blank", "http://127.0.0.1:8080", false},
		{"about:blank", "about:blank", true},
	} {
		if got := browsertest.SameURL(c.a, c.b); got != c.want {
			t.Errorf("SameURL(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
