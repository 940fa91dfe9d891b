package browser

import (
	"context"
	"fmt"

	"github.com/skyvern-go/skyvern"
)

// This file runs Skyvern's agent in the page's browser: the page methods
// that start a task, a login, a file download or a workflow there, and
// wait for it. Skyvern's agent acts on the browser's working page (see
// Browser.WorkingPage), which is the page these methods are called on in
// the common case of one page.

// RunTask starts a task run with req in the page's browser and waits for
// it to finish. req's BrowserSessionID and BrowserAddress are set to the
// page's browser's, and an empty URL to the page's URL (unless the page is
// at about:blank), so that the agent goes on from where the page is.
//
// It calls POST /v1/run/tasks, then waits as Client.WaitForRun does (or
// with the Waiter of WithWaiter). A run that failed or was terminated is
// a result, not an error: check its Status. Errors: RunTask's
// (skyvern.ErrOutcomeUnknown among them); when the wait fails, the started
// run is returned with an error that wraps the wait's.
func (p *Page) RunTask(ctx context.Context, req skyvern.TaskRunRequest) (*skyvern.RunResponse, error) {
	if err := p.agentCheck(); err != nil {
		return nil, err
	}
	p.inSession(ctx, &req.BrowserSessionID, &req.BrowserAddress, &req.URL)
	return p.wait(ctx, func(ctx context.Context) (*skyvern.RunResponse, error) {
		return p.b.client.RunTask(ctx, req, p.b.cfg.callOpts...)
	})
}

// Login starts a login run with req in the page's browser and waits for
// it, as RunTask does; an empty URL is the page's. It calls POST
// /v1/run/tasks/login.
func (p *Page) Login(ctx context.Context, req skyvern.LoginRequest) (*skyvern.RunResponse, error) {
	if err := p.agentCheck(); err != nil {
		return nil, err
	}
	p.inSession(ctx, &req.BrowserSessionID, &req.BrowserAddress, &req.URL)
	return p.wait(ctx, func(ctx context.Context) (*skyvern.RunResponse, error) {
		return p.b.client.RunLogin(ctx, req, p.b.cfg.callOpts...)
	})
}

// DownloadFiles starts a file download run with req in the page's browser
// and waits for it, as RunTask does; an empty URL is the page's. It calls
// POST /v1/run/tasks/download_files.
func (p *Page) DownloadFiles(ctx context.Context, req skyvern.DownloadFilesRequest) (*skyvern.RunResponse, error) {
	if err := p.agentCheck(); err != nil {
		return nil, err
	}
	p.inSession(ctx, &req.BrowserSessionID, &req.BrowserAddress, &req.URL)
	return p.wait(ctx, func(ctx context.Context) (*skyvern.RunResponse, error) {
		return p.b.client.RunDownloadFiles(ctx, req, p.b.cfg.callOpts...)
	})
}

// RunWorkflow starts a run of a workflow with req in the page's browser
// and waits for it, as RunTask does. It calls POST /v1/run/workflows.
func (p *Page) RunWorkflow(ctx context.Context, req skyvern.WorkflowRunRequest) (*skyvern.RunResponse, error) {
	if err := p.agentCheck(); err != nil {
		return nil, err
	}
	p.inSession(ctx, &req.BrowserSessionID, &req.BrowserAddress, nil)
	return p.wait(ctx, func(ctx context.Context) (*skyvern.RunResponse, error) {
		return p.b.client.RunWorkflow(ctx, req, p.b.cfg.callOpts...)
	})
}

func (p *Page) agentCheck() error {
	if p.b.client == nil {
		return ErrNoClient
	}
	return p.b.check()
}

// startURL returns the page's URL for an agent run to start from, or ""
// (the run's own default) for a blank page or when it cannot be read.
func (p *Page) startURL(ctx context.Context) string {
	u, err := p.URL(ctx)
	if err != nil || u == "about:blank" {
		return ""
	}
	return u
}

// wait starts a run with start and waits for it to finish.
func (p *Page) wait(ctx context.Context, start func(context.Context) (*skyvern.RunResponse, error)) (*skyvern.RunResponse, error) {
	started, err := start(ctx)
	if err != nil {
		return nil, err
	}
	var run *skyvern.RunResponse
	if w := p.b.cfg.waiter; w != nil {
		run, err = w.Wait(ctx, started.RunID)
	} else {
		opts := make([]skyvern.WaitOption, len(p.b.cfg.callOpts))
		for i, o := range p.b.cfg.callOpts {
			opts[i] = o
		}
		run, err = p.b.client.WaitForRun(ctx, started.RunID, opts...)
	}
	if err != nil {
		return started, fmt.Errorf("browser: waiting for run %s: %w", started.RunID, err)
	}
	return run, nil
}

// inSession points a run's request at the page's browser, and at the
// page's URL when url is not nil and empty.
func (p *Page) inSession(ctx context.Context, sessionID, address, url *string) {
	*sessionID, *address = p.b.sessionID, p.b.address
	if url != nil && *url == "" {
		*url = p.startURL(ctx)
	}
}
