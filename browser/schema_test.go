package browser_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
)

type lineItem struct {
	Name  string  `json:"name"`
	Price float64 `json:"price"`
}

type audit struct {
	Seen time.Time `json:"seen"`
}

type invoice struct {
	audit
	Number   string            `json:"number" description:"the invoice number"`
	Items    []lineItem        `json:"items"`
	Paid     bool              `json:"paid,omitempty"`
	Count    int               `json:"count,string"`
	Tags     map[string]string `json:"tags,omitzero"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Due      skyvern.Time      `json:"due"`
	Next     *invoice          `json:"next,omitempty"`
	Skipped  string            `json:"-"`
	internal int
	Untagged uint8
}

func TestSchema(t *testing.T) {
	var inv invoice
	_ = inv.internal
	got, err := browser.Schema(&inv)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"seen":   map[string]any{"type": "string", "format": "date-time"},
			"number": map[string]any{"type": "string", "description": "the invoice number"},
			"items": map[string]any{"type": "array", "items": map[string]any{
				"type": "object",
				"properties": map[string]any{
					"name":  map[string]any{"type": "string"},
					"price": map[string]any{"type": "number"},
				},
				"required": []string{"name", "price"},
			}},
			"paid":     map[string]any{"type": "boolean"},
			"count":    map[string]any{"type": "string"},
			"tags":     map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"raw":      map[string]any{},
			"due":      map[string]any{"type": "string", "format": "date-time"},
			"next":     map[string]any{},
			"Untagged": map[string]any{"type": "integer"},
		},
		"required": []string{"number", "items", "count", "due", "Untagged", "seen"},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("Schema(invoice) =\n%s\nwant\n%s", g, w)
	}

	for _, tc := range []struct {
		v    any
		want map[string]any
	}{
		{new([]string), map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
		{new(any), map[string]any{}},
		{new(string), map[string]any{"type": "string"}},
		{new([]byte), map[string]any{"type": "string", "contentEncoding": "base64"}},
		{new(map[int]bool), map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "boolean"}}},
		{new(json.Number), map[string]any{"type": "number"}},
	} {
		got, err := browser.Schema(tc.v)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Schema(%T) = %v, %v; want %v", tc.v, got, err, tc.want)
		}
	}
	for _, bad := range []any{nil, new(chan int), new(func()), new(complex64), new(map[[2]int]string), new(struct{ F chan int })} {
		if _, err := browser.Schema(bad); err == nil {
			t.Errorf("Schema(%T) succeeded, want an error", bad)
		}
	}
}

// TestOptionsChecked: a bad option fails the call before anything is
// dialled or sent.
func TestOptionsChecked(t *testing.T) {
	for name, opt := range map[string]browser.Option{
		"WithAPIKey":           browser.WithAPIKey(""),
		"WithWaiter":           browser.WithWaiter(nil),
		"WithSelectorTimeout":  browser.WithSelectorTimeout(0),
		"WithRateLimitBackoff": browser.WithRateLimitBackoff(time.Second, time.Millisecond),
	} {
		_, err := browser.Connect(context.Background(), nil, "ws://127.0.0.1:1/devtools/browser/x", opt)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Connect with a bad %s = %v, want an error naming it", name, err)
		}
	}
	if _, err := browser.Launch(context.Background(), nil, skyvern.CreateBrowserSessionRequest{}); !errors.Is(err, browser.ErrNoClient) {
		t.Errorf("Launch without a client = %v, want ErrNoClient", err)
	}
}
