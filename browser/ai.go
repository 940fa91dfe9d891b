package browser

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// Act asks Skyvern's AI to do what prompt says on the page, in as many
// steps as it takes, such as "accept the cookie banner and open the
// pricing page".
//
// It calls POST /v1/sdk/run_action with an ai_act action. Errors: an
// *AIError (with Skyvern's reason when it could not do it), ErrNoClient,
// ErrClosed, ctx's error.
func (p *Page) Act(ctx context.Context, prompt string) error {
	_, err := p.run(ctx, skyvern.ActAction{Intention: prompt}, prompt, nil)
	return err
}

// Extract asks Skyvern's AI for the data prompt describes, shaped by the
// JSON schema of out's type (see Schema), and decodes it into out, a
// non-nil pointer such as a *struct, *[]T, *map[string]any or *string:
//
//	var order struct {
//		Total    float64 `json:"total" description:"the order total, in euros"`
//		Currency string  `json:"currency"`
//	}
//	err := page.Extract(ctx, "the order total", &order)
//
// It calls POST /v1/sdk/run_action with an extract action. Errors: an
// error, with nothing sent, when out is not a non-nil pointer or its type
// has no JSON schema (a channel, a function); an *AIError; an error that
// wraps skyvern.ErrNoOutput when Skyvern extracted nothing (null), or the
// decoding's error.
func (p *Page) Extract(ctx context.Context, prompt string, out any) error {
	schema, err := Schema(out)
	if err != nil {
		return fmt.Errorf("browser: Extract: %w", err)
	}
	if len(schema) == 0 { // any value: no schema to send
		return p.ExtractWithSchema(ctx, prompt, nil, out)
	}
	return p.ExtractWithSchema(ctx, prompt, schema, out)
}

// ExtractWithSchema is Extract with the schema given: a JSON schema as a
// value that encodes to a JSON object (a map or a struct), or nil for
// none. out is decoded as Extract decodes it; pass a *any or a
// *json.RawMessage to take the data as it comes.
func (p *Page) ExtractWithSchema(ctx context.Context, prompt string, schema, out any) error {
	res, err := p.run(ctx, skyvern.ExtractAction{Prompt: prompt, ExtractSchema: schema}, prompt, nil)
	if err != nil {
		return err
	}
	return decodeResult(res, out)
}

// Validate asks Skyvern's AI whether the page meets the condition prompt
// states, such as "the order is confirmed", and returns its answer.
//
// It calls POST /v1/sdk/run_action with a validate action. Errors: an
// *AIError; an error for an answer that is not true or false.
func (p *Page) Validate(ctx context.Context, prompt string) (bool, error) {
	res, err := p.run(ctx, skyvern.ValidateAction{Prompt: prompt}, prompt, nil)
	if err != nil {
		return false, err
	}
	var ok bool
	if err := decodeResult(res, &ok); err != nil {
		return false, err
	}
	return ok, nil
}

// Locate asks Skyvern's AI for the element prompt describes and returns a
// selector for it (an XPath, such as "xpath=//button[@id='pay']"), which
// Click, Fill and SelectOption take, as go-rod's ElementX takes it without
// its "xpath=" prefix.
//
// It calls POST /v1/sdk/run_action with a locate_element action. Errors:
// ErrNotLocated when the AI found no such element; an *AIError.
func (p *Page) Locate(ctx context.Context, prompt string) (string, error) {
	res, err := p.run(ctx, skyvern.LocateElementAction{Prompt: prompt}, prompt, nil)
	if err != nil {
		return "", err
	}
	var sel string
	if err := decodeResult(res, &sel); errors.Is(err, skyvern.ErrNoOutput) || err == nil && sel == "" {
		return "", ErrNotLocated
	} else if err != nil {
		return "", err
	}
	return sel, nil
}

// Prompt sends prompt to Skyvern's LLM, without looking at the page, and
// decodes the answer into out, shaped by the JSON schema of out's type as
// for Extract. A *string out asks for a plain text answer (no schema).
//
// It calls POST /v1/sdk/run_action with a prompt action. Errors are as for
// Extract.
func (p *Page) Prompt(ctx context.Context, prompt string, out any) error {
	var schema map[string]any
	if _, text := out.(*string); !text {
		var err error
		if schema, err = Schema(out); err != nil {
			return fmt.Errorf("browser: Prompt: %w", err)
		}
	}
	res, err := p.run(ctx, skyvern.PromptAction{Prompt: prompt, ResponseSchema: schema}, prompt, nil)
	if err != nil {
		return err
	}
	return decodeResult(res, out)
}

// decodeResult decodes the result of an action into out.
func decodeResult(res *skyvern.SDKActionResult, out any) error {
	if err := res.DecodeResult(out); err != nil {
		if errors.Is(err, skyvern.ErrNoOutput) {
			return fmt.Errorf("browser: the action in workflow run %s answered null: %w", res.WorkflowRunID, err)
		}
		return fmt.Errorf("browser: %w", err)
	}
	return nil
}

// run sends action for the page, in the page's workflow run, retrying
// while Skyvern refuses it with 429. prompt and sel describe it in an
// error.
func (p *Page) run(ctx context.Context, action skyvern.SDKAction, prompt string, sel *SelectorError) (*skyvern.SDKActionResult, error) {
	b := p.b
	if b.client == nil {
		if sel != nil { // keep the selector's failure
			return nil, newAIError(action.SDKActionType(), prompt, "", sel, ErrNoClient)
		}
		return nil, ErrNoClient
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	url, err := p.URL(ctx)
	if err != nil {
		return nil, newAIError(action.SDKActionType(), prompt, "", sel, err)
	}
	runID, first, err := p.acquire(ctx)
	if err != nil {
		return nil, newAIError(action.SDKActionType(), prompt, "", sel, err)
	}
	req := skyvern.SDKActionRequest{
		URL:              url,
		BrowserSessionID: b.sessionID,
		BrowserAddress:   b.address,
		WorkflowRunID:    runID,
		Action:           action,
	}
	res, err := b.runAction(ctx, req)
	if res != nil {
		runID = res.WorkflowRunID
	}
	p.release(first, runID)
	if err != nil {
		return nil, newAIError(action.SDKActionType(), prompt, runID, sel, err)
	}
	return res, nil
}

// runAction calls RunSDKAction, again after a backoff for as long as
// Skyvern answers 429 and ctx allows. A 429 means the action was not
// taken: the server checks its cap before it does anything.
func (b *Browser) runAction(ctx context.Context, req skyvern.SDKActionRequest) (*skyvern.SDKActionResult, error) {
	wait := b.cfg.backoffFirst
	var (
		timer    *time.Timer
		refusal  error // the last 429
		refusals int
	)
	for {
		res, err := b.client.RunSDKAction(ctx, req, b.cfg.callOpts...)
		var ae *skyvern.APIError
		if err == nil || !errors.As(err, &ae) || !errors.Is(err, skyvern.ErrRateLimited) {
			if err != nil && refusal != nil && ctx.Err() != nil {
				err = fmt.Errorf("%w (after %d refusals; the last: %w)", err, refusals, refusal)
			}
			return res, err
		}
		refusal = err
		refusals++
		d := rand.N(wait) + wait/2 // jitter in [wait/2, 3*wait/2)
		if ra, ok := wire.ParseRetryAfter(ae.RetryAfter, time.Now()); ok {
			d = min(ra, b.cfg.backoffMax)
		}
		if timer == nil {
			timer = time.NewTimer(d)
			defer timer.Stop()
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (after %d refusals; the last: %w)", ctx.Err(), refusals, err)
		case <-timer.C:
		}
		wait = min(2*wait, b.cfg.backoffMax)
	}
}

// acquire returns the workflow run to send an AI action with. While the
// page has none, the first caller gets "" and first = true, and the
// others wait for its answer, so that concurrent first actions are
// recorded in one run rather than one run each.
func (p *Page) acquire(ctx context.Context) (runID string, first bool, err error) {
	for {
		p.mu.Lock()
		if p.runID != "" {
			id := p.runID
			p.mu.Unlock()
			return id, false, nil
		}
		if p.starting == nil {
			p.starting = make(chan struct{})
			p.mu.Unlock()
			return "", true, nil
		}
		ch := p.starting
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
	}
}

// release records runID, the run an action was recorded in, as the page's
// and, for the first action, lets the waiting ones go.
func (p *Page) release(first bool, runID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if runID != "" {
		p.runID = runID
	}
	if first {
		close(p.starting)
		p.starting = nil
	}
}
