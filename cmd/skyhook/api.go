package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/skyvern-go/skyvern"
)

// api is a Skyvern client that also keeps Get Run's raw body (the bytes a
// webhook is built from) and counts the requests it makes.
type api struct {
	client *skyvern.Client
	key    string
	lists  atomic.Int64 // Get Runs (list) requests
	gets   atomic.Int64 // Get Run requests
}

type rawSlot struct{}

// tap is the client's transport: it counts requests and copies the body of
// a response into the *[]byte its request's context carries.
type tap struct {
	next http.RoundTripper
	a    *api
}

func (t tap) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && req.URL.Path == "/v1/runs" {
		t.a.lists.Add(1)
	} else if req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/v1/runs/") {
		t.a.gets.Add(1)
	}
	resp, err := t.next.RoundTrip(req)
	slot, _ := req.Context().Value(rawSlot{}).(*[]byte)
	if err != nil || slot == nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	*slot = body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// newAPI makes a client from SKYVERN_API_KEY and SKYVERN_BASE_URL.
func newAPI(getenv env) (*api, error) {
	key := getenv("SKYVERN_API_KEY")
	if key == "" {
		return nil, errors.New("SKYVERN_API_KEY is not set")
	}
	a := &api{key: key}
	opts := []skyvern.Option{
		skyvern.WithAPIKey(key),
		skyvern.WithHTTPClient(&http.Client{Transport: tap{next: http.DefaultTransport, a: a}, Timeout: time.Minute}),
	}
	if base := getenv("SKYVERN_BASE_URL"); base != "" {
		opts = append(opts, skyvern.WithBaseURL(base))
	}
	c, err := skyvern.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	a.client = c
	return a, nil
}

// getRun returns run runID decoded and as the bytes Get Run answered.
func (a *api) getRun(ctx context.Context, runID string) (*skyvern.RunResponse, []byte, error) {
	var raw []byte
	run, err := a.client.GetRun(context.WithValue(ctx, rawSlot{}, &raw), runID)
	if err != nil {
		return nil, nil, err
	}
	if raw == nil {
		return nil, nil, errors.New("the body of Get Run was not kept")
	}
	return run, raw, nil
}

// deliveryOf fetches run runID and signs its webhook.
func (a *api) deliveryOf(ctx context.Context, runID string) (*delivery, error) {
	run, raw, err := a.getRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	body, err := webhookBody(raw)
	if err != nil {
		return nil, err
	}
	return newDelivery(run.RunID, string(run.Status), body, a.key, time.Now()), nil
}
