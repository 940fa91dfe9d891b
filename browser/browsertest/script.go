package browsertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// The script. Each method maps the prompt (for extract, validate, prompt
// and locate_element) or the intention (for the others) of one kind of
// action to what the AI would do; a later call for the same kind and
// prompt replaces an earlier one. They return f, to chain them.

// Click scripts a click (ai_click) whose intention is prompt: selector is
// clicked, and answered as the result.
func (f *Fake) Click(prompt, selector string) *Fake {
	return f.set(skyvern.SDKActionTypeClick, prompt, func(ctx context.Context, a *action) (any, error) {
		return selector, click(ctx, a.page, selector, a.timeout)
	})
}

// Fill scripts typing (ai_input_text) whose intention is prompt: the
// request's value replaces the text of selector, and is the result.
func (f *Fake) Fill(prompt, selector string) *Fake {
	return f.set(skyvern.SDKActionTypeInputText, prompt, func(ctx context.Context, a *action) (any, error) {
		v := a.req.Action.(skyvern.InputTextAction).Value
		return v, fill(ctx, a.page, selector, v, a.timeout)
	})
}

// Select scripts choosing an option (ai_select_option) whose intention is
// prompt: the option of the select element selector whose value or label
// is the request's value is chosen, and the value is the result.
func (f *Fake) Select(prompt, selector string) *Fake {
	return f.set(skyvern.SDKActionTypeSelectOption, prompt, func(ctx context.Context, a *action) (any, error) {
		v := a.req.Action.(skyvern.SelectOptionAction).Value
		return v, selectOption(ctx, a.page, selector, v, a.timeout)
	})
}

// Act scripts an ai_act whose intention is prompt as a click on
// selector.
func (f *Fake) Act(prompt, selector string) *Fake {
	return f.set(skyvern.SDKActionTypeAct, prompt, func(ctx context.Context, a *action) (any, error) {
		return nil, click(ctx, a.page, selector, a.timeout)
	})
}

// Extract scripts an extract whose prompt is prompt: value is the data
// extracted, sent as encoding/json encodes it.
func (f *Fake) Extract(prompt string, value any) *Fake {
	return f.set(skyvern.SDKActionTypeExtract, prompt, func(context.Context, *action) (any, error) { return value, nil })
}

// Validate scripts a validate whose prompt is prompt: ok is its answer.
func (f *Fake) Validate(prompt string, ok bool) *Fake {
	return f.set(skyvern.SDKActionTypeValidate, prompt, func(context.Context, *action) (any, error) { return ok, nil })
}

// Locate scripts a locate_element whose prompt is prompt: selector is
// the answer when it matches an element of the page now (Skyvern looks at
// the page as it is, without waiting), and null, as when Skyvern's AI
// finds nothing, when it does not.
func (f *Fake) Locate(prompt, selector string) *Fake {
	return f.set(skyvern.SDKActionTypeLocateElement, prompt, func(ctx context.Context, a *action) (any, error) {
		ctx, cancel := context.WithTimeout(ctx, a.timeout)
		defer cancel()
		p := a.page.Context(ctx)
		var has bool
		var err error
		if xpath, ok := isXPath(selector); ok {
			has, _, err = p.HasX(xpath)
		} else {
			has, _, err = p.Has(strings.TrimPrefix(selector, "css="))
		}
		if err != nil {
			return nil, fmt.Errorf("locate %q: %w", selector, err)
		}
		if !has {
			return nil, nil
		}
		return selector, nil
	})
}

// Prompt scripts a prompt action whose prompt is prompt: value is the
// model's answer.
func (f *Fake) Prompt(prompt string, value any) *Fake {
	return f.set(skyvern.SDKActionTypePrompt, prompt, func(context.Context, *action) (any, error) { return value, nil })
}

// Do scripts every kind of action whose prompt or intention is prompt
// and that no other method scripts: fn does it on the page, within ctx,
// and returns its result. An error of fn is the AI's failure: a 422 with
// its text, but for an ai_act, which Skyvern answers with null whatever
// happened (the error is logged to the test).
func (f *Fake) Do(prompt string, fn func(ctx context.Context, page *rod.Page, req skyvern.SDKActionRequest) (any, error)) *Fake {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.any[prompt] = func(ctx context.Context, a *action) (any, error) { return fn(ctx, a.page, a.req) }
	return f
}

func (f *Fake) set(kind skyvern.SDKActionType, prompt string, s step) *Fake {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[scriptKey{kind, prompt}] = s
	return f
}

// lookup returns the step scripted for an action of kind with text.
func (f *Fake) lookup(kind skyvern.SDKActionType, text string) step {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.scripts[scriptKey{kind, text}]; s != nil {
		return s
	}
	return f.any[text]
}

// actionTimeout is the bound the request sets on the action, or else def,
// or else the server's default.
func actionTimeout(a skyvern.SDKAction, def time.Duration) time.Duration {
	var d time.Duration
	switch a := a.(type) {
	case skyvern.ClickAction:
		d = a.Timeout
	case skyvern.InputTextAction:
		d = a.Timeout
	case skyvern.SelectOptionAction:
		d = a.Timeout
	case skyvern.UploadFileAction:
		d = a.Timeout
	}
	switch {
	case d > 0:
		return d
	case def > 0:
		return def
	}
	return DefaultActionTimeout
}

// Texts of the server's answers, which the Fake gives in the same cases.
const (
	// sdk.py _run_sdk_action, MissingBrowserStatePage.
	noPageReason = "The browser had no page left to act on before the action could complete."
)

// perform answers one run_action (skyverntest.Server.OnActionContext) as
// Skyvern's server does it, with the script in place of the AI.
//
// Server: skyvern/forge/sdk/routes/sdk.py _run_sdk_action, which calls
// skyvern/core/script_generations/real_skyvern_page_ai.py ai_click,
// ai_input_text, ai_select_option, ai_act, ai_extract, ai_validate,
// ai_locate_element and ai_prompt: the AI is tried first, the request's
// selector is the fallback of a click, an input and a select, and the
// failures below are the ones those functions raise.
func (f *Fake) perform(ctx context.Context, req skyvern.SDKActionRequest) skyverntest.ActionOutcome {
	fail := func(err error) skyverntest.ActionOutcome {
		return skyverntest.ActionOutcome{FailureReason: err.Error()}
	}
	// failOr fails with the script's error, or else with the server's
	// reason for an AI that found nothing.
	failOr := func(err error, reason string) skyverntest.ActionOutcome {
		if err != nil {
			return fail(err)
		}
		return skyverntest.ActionOutcome{FailureReason: reason}
	}
	cn, err := f.browserFor(ctx, req)
	if err != nil {
		return fail(err)
	}
	cn.front.Lock()
	defer cn.front.Unlock()
	page, err := pageFor(ctx, cn.b, req.URL)
	if err != nil {
		return fail(fmt.Errorf("browsertest: find the page: %w", err))
	}
	if page == nil {
		return skyverntest.ActionOutcome{FailureReason: noPageReason}
	}
	if err := (proto.TargetActivateTarget{TargetID: page.TargetID}).Call(cn.b.Context(ctx)); err != nil {
		return fail(fmt.Errorf("browsertest: bring the page to the front: %w", err))
	}
	a := &action{req: req, page: page, timeout: actionTimeout(req.Action, f.ActionTimeout)}
	text := skyverntest.ActionText(req.Action)
	s := f.lookup(req.Action.SDKActionType(), text)
	var result any
	if s != nil {
		result, err = s(ctx, a)
	}
	switch act := req.Action.(type) {
	case skyvern.ClickAction:
		// ai_click: the request's selector is clicked when the AI fails.
		if s == nil || err != nil {
			if act.Selector == "" {
				return failOr(err, "AI could not find an element to click for intention: "+text+
					". The element may not exist on the current page.")
			}
			result, err = act.Selector, click(ctx, page, act.Selector, a.timeout)
		}
	case skyvern.InputTextAction:
		// ai_input_text: the request's selector is typed into when the AI
		// finds no element.
		if s == nil || err != nil {
			if act.Selector == "" {
				return failOr(err, "Input text failed: no selector was provided and no intention was given to locate the element")
			}
			result, err = act.Value, fill(ctx, page, act.Selector, act.Value, a.timeout)
		}
	case skyvern.SelectOptionAction:
		// ai_select_option: the request's selector is used only with a
		// value; otherwise the AI's failure stands.
		if s == nil || err != nil {
			if act.Selector == "" || act.Value == "" {
				return failOr(err, "AI returned actions that could not be parsed for select option intention: "+text)
			}
			result, err = act.Value, selectOption(ctx, page, act.Selector, act.Value, a.timeout)
		}
	case skyvern.ActAction:
		// ai_act logs whatever fails and answers null.
		switch {
		case s == nil:
			f.logf("browsertest: nothing scripted for the act %q: answered null, having done nothing, as Skyvern does when its AI infers no action", text)
		case err != nil:
			f.logf("browsertest: the act %q failed: %v; answered null, as Skyvern does", text, err)
		}
		return skyverntest.ActionOutcome{}
	case skyvern.LocateElementAction:
		// ai_locate_element answers null when the AI finds nothing.
		if s == nil {
			return skyverntest.ActionOutcome{}
		}
	default:
		// extract, validate, prompt, upload_file: Skyvern asks its model,
		// which the Fake does not have.
		if s == nil {
			return fail(fmt.Errorf("browsertest: nothing scripted for the %s prompt %q", req.Action.SDKActionType(), text))
		}
	}
	if err != nil {
		return fail(err)
	}
	return skyverntest.ActionOutcome{Result: result}
}

// find waits up to timeout for an element to match selector: CSS, or
// XPath when it starts with "xpath=" or "//" as Skyvern's selectors may.
func find(ctx context.Context, page *rod.Page, selector string, timeout time.Duration) (*rod.Element, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	p := page.Context(ctx)
	var el *rod.Element
	var err error
	if xpath, ok := isXPath(selector); ok {
		el, err = p.ElementX(xpath)
	} else {
		el, err = p.Element(strings.TrimPrefix(selector, "css="))
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("no element matches %q within %v", selector, timeout)
		}
		return nil, fmt.Errorf("find %q: %w", selector, err)
	}
	return el, nil
}

// isXPath reports whether selector is an XPath, as Playwright reads
// Skyvern's selectors ("xpath=..." or starting with "//" or "(//"), and
// returns the XPath.
func isXPath(selector string) (string, bool) {
	if x, ok := strings.CutPrefix(selector, "xpath="); ok {
		return x, true
	}
	return selector, strings.HasPrefix(selector, "//") || strings.HasPrefix(selector, "(//")
}

// click clicks the element selector matches, as a user would.
func click(ctx context.Context, page *rod.Page, selector string, timeout time.Duration) error {
	el, err := find(ctx, page, selector, timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := el.Context(ctx).Click(proto.InputMouseButtonLeft, 1); err != nil {
		return fmt.Errorf("click %q: %w", selector, err)
	}
	return nil
}

// fill replaces the text of the field selector matches with value.
func fill(ctx context.Context, page *rod.Page, selector, value string, timeout time.Duration) error {
	el, err := find(ctx, page, selector, timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	el = el.Context(ctx)
	if err := el.SelectAllText(); err != nil {
		return fmt.Errorf("fill %q: %w", selector, err)
	}
	if err := el.Input(value); err != nil {
		return fmt.Errorf("fill %q: %w", selector, err)
	}
	return nil
}

// selectJS chooses the option whose value or label is v, and fires the
// events a user's choice fires; it reports whether there was one.
const selectJS = `function (v) {
	const o = Array.from(this.options || []).find(o => o.value === v || o.label === v || o.text === v);
	if (!o) return false;
	this.value = o.value;
	this.dispatchEvent(new Event('input', {bubbles: true}));
	this.dispatchEvent(new Event('change', {bubbles: true}));
	return true;
}`

// selectOption chooses value in the select element selector matches.
func selectOption(ctx context.Context, page *rod.Page, selector, value string, timeout time.Duration) error {
	el, err := find(ctx, page, selector, timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := el.Context(ctx).Eval(selectJS, value)
	if err != nil {
		return fmt.Errorf("select %q in %q: %w", value, selector, err)
	}
	if !res.Value.Bool() {
		return fmt.Errorf("select %q in %q: no option has this value or label", value, selector)
	}
	return nil
}
