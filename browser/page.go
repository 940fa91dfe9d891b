package browser

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
)

// Page is a tab of a Browser: a go-rod page (Rod) with Skyvern's AI on it.
//
// Click, Fill and SelectOption try a selector first, through go-rod, and
// fall back to Skyvern's AI when the selector fails and a prompt is given.
// Act, Extract, Validate, Locate and Prompt are AI only. Each AI action is
// one call of Skyvern's run_action (Client.RunSDKAction) carrying the
// page's URL, the Browser's session (or, for Connect, its address) and the
// page's workflow run, so that the AI actions of one page are recorded in
// one run (WorkflowRunID). RunTask, Login, DownloadFiles and RunWorkflow
// start an agent run in the page's browser and wait for it.
//
// A Page is safe for concurrent use, but one tab does one thing at a
// time: actions started together act on the same page in any order.
type Page struct {
	b   *Browser
	rod *rod.Page

	mu       sync.Mutex
	runID    string        // the workflow run of the page's AI actions
	starting chan struct{} // closed when the first AI action ends
}

// Rod returns the go-rod page, for everything this package does not do
// itself (navigation, waiting, screenshots, network...). Give it the
// context of the work at hand with its Context method:
//
//	err := page.Rod().Context(ctx).Navigate("https://example.com")
func (p *Page) Rod() *rod.Page { return p.rod }

// Browser returns the Browser the page belongs to.
func (p *Page) Browser() *Browser { return p.b }

// WorkflowRunID returns the workflow run ("wr_...") that the page's AI
// actions are recorded in: the one Skyvern made for the first of them, or
// "" before it.
func (p *Page) WorkflowRunID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.runID
}

// URL returns the page's current URL.
func (p *Page) URL(ctx context.Context) (string, error) {
	info, err := proto.TargetGetTargetInfo{TargetID: p.rod.TargetID}.Call(p.b.rod.Context(ctx))
	if err != nil {
		return "", fmt.Errorf("browser: reading the page's URL: %w", err)
	}
	return info.TargetInfo.URL, nil
}

// Click clicks the element selector finds; when it finds none in time
// (WithSelectorTimeout) or the click fails, and prompt is not empty, it
// asks Skyvern's AI to click the element prompt describes, such as "the
// blue Submit button". Either may be empty, not both.
//
// A selector is CSS ("css=" may prefix it), or XPath when it starts with
// "xpath=", "//", ".." or "("; Locate returns such a selector. The AI
// step calls POST /v1/sdk/run_action with an ai_click action.
//
// Click, Fill and SelectOption make the page the browser's front tab
// first: go-rod waits for a repaint before it acts on an element, and a
// tab in the background never repaints. The selector steps of a
// Browser's pages therefore take turns, one tab in front at a time.
//
// Errors: ErrNoTarget; a *SelectorError when the selector failed and there
// is no prompt; an *AIError when the AI step failed (its Selector field
// holds the selector's failure, if any; it matches ErrNoClient for a
// Browser without a client); ErrClosed; ctx's error.
func (p *Page) Click(ctx context.Context, selector, prompt string) error {
	return p.fallback(ctx, "click", selector, prompt, func(el *rod.Element) error {
		return el.Click(proto.InputMouseButtonLeft, 1)
	}, func(sel *SelectorError) error {
		_, err := p.run(ctx, skyvern.ClickAction{Intention: prompt}, prompt, sel)
		return err
	})
}

// Fill replaces the text of the input field selector finds with value;
// when that fails and prompt is not empty, it asks Skyvern's AI to type
// value into the field prompt describes (with an empty value, the AI
// chooses the text from prompt). Selectors and errors are as for Click.
//
// value is sent to Skyvern in the AI step, and Skyvern answers it back:
// never fill a password this way; store it as a credential and use Login.
func (p *Page) Fill(ctx context.Context, selector, value, prompt string) error {
	return p.fallback(ctx, "fill", selector, prompt, func(el *rod.Element) error {
		if err := el.SelectAllText(); err != nil {
			return err
		}
		return el.Input(value)
	}, func(sel *SelectorError) error {
		_, err := p.run(ctx, skyvern.InputTextAction{Value: value, Intention: prompt}, prompt, sel)
		return err
	})
}

// SelectOption selects, in the drop-down (a <select>) selector finds, the
// option whose value or label is value; when that fails and prompt is not
// empty, it asks Skyvern's AI to select value in the drop-down prompt
// describes. Selectors and errors are as for Click.
func (p *Page) SelectOption(ctx context.Context, selector, value, prompt string) error {
	return p.fallback(ctx, "select option", selector, prompt, func(el *rod.Element) error {
		if err := el.Focus(); err != nil {
			return err
		}
		res, err := el.Eval(selectOptionJS, value)
		if err != nil {
			return err
		}
		if !res.Value.Bool() {
			return fmt.Errorf("no option has the value or label %q", value)
		}
		return nil
	}, func(sel *SelectorError) error {
		_, err := p.run(ctx, skyvern.SelectOptionAction{Value: value, Intention: prompt}, prompt, sel)
		return err
	})
}

// selectOptionJS selects the option of a <select> (this) whose value, or
// else label, is the argument, and fires input and change as a user's
// choice does. It reports whether such an option exists.
const selectOptionJS = `function (v) {
	if (!(this instanceof HTMLSelectElement)) throw new Error('not a <select> element');
	const opts = Array.from(this.options);
	const o = opts.find(o => o.value === v) || opts.find(o => o.label === v || o.text.trim() === v);
	if (!o) return false;
	o.selected = true;
	this.dispatchEvent(new Event('input', {bubbles: true}));
	this.dispatchEvent(new Event('change', {bubbles: true}));
	return true;
}`

// fallback runs do on the element selector finds, within the selector
// timeout; when that fails and prompt is set, it runs ai.
func (p *Page) fallback(ctx context.Context, action, selector, prompt string, do func(*rod.Element) error, ai func(*SelectorError) error) error {
	if selector == "" && prompt == "" {
		return ErrNoTarget
	}
	if err := p.b.check(); err != nil {
		return err
	}
	var selErr *SelectorError
	if selector != "" {
		err := p.withElement(ctx, selector, do)
		if err == nil {
			return nil
		}
		selErr = &SelectorError{Action: action, Selector: selector, Err: err}
		if prompt == "" || ctx.Err() != nil {
			return selErr
		}
	}
	return ai(selErr)
}

// withElement brings the page to the front, finds selector's element and
// runs do on it, all within the selector timeout.
//
// go-rod waits for the page to repaint before it scrolls to, clicks or
// types into an element, and a page behind another tab never repaints;
// that wait, made on the page's root, does not see ctx either, so the page
// must be in front first.
func (p *Page) withElement(ctx context.Context, selector string, do func(*rod.Element) error) error {
	// One tab of the browser at a time is in front and acted on; the
	// selector timeout starts with the page's turn.
	select {
	case p.b.front <- struct{}{}:
		defer func() { <-p.b.front }()
	case <-ctx.Done():
		return ctx.Err()
	}
	sctx, cancel := context.WithTimeout(ctx, p.b.cfg.selectorTimeout)
	defer cancel()
	err := p.act(sctx, selector, do)
	if err != nil && ctx.Err() == nil && sctx.Err() != nil {
		return fmt.Errorf("no usable element within %v (WithSelectorTimeout): %w", p.b.cfg.selectorTimeout, err)
	}
	return err
}

// act is withElement's work, within ctx.
func (p *Page) act(ctx context.Context, selector string, do func(*rod.Element) error) error {
	if err := (proto.TargetActivateTarget{TargetID: p.rod.TargetID}).Call(p.b.rod.Context(ctx)); err != nil {
		return fmt.Errorf("bringing the page to the front: %w", err)
	}
	rp := p.rod.Context(ctx)
	var (
		el  *rod.Element
		err error
	)
	if xpath, ok := isXPath(selector); ok {
		el, err = rp.ElementX(xpath)
	} else {
		el, err = rp.Element(strings.TrimPrefix(selector, "css="))
	}
	if err != nil {
		return err
	}
	return do(el)
}

// isXPath reports whether selector is an XPath expression, and returns it
// without its "xpath=" prefix. As in Playwright, which Skyvern's own SDKs
// drive, "//..." and "..." are XPath too, and so is "(//...)[n]", which
// no CSS selector starts like.
func isXPath(selector string) (string, bool) {
	if x, ok := strings.CutPrefix(selector, "xpath="); ok {
		return x, true
	}
	return selector, strings.HasPrefix(selector, "//") || strings.HasPrefix(selector, "..") || strings.HasPrefix(selector, "(")
}
