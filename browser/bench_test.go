package browser_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/browser"
	"github.com/skyvern-go/skyvern/browser/browsertest"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// The deterministic benchmarks do the same work on the same local page in
// one Chromium: navigate, click the button, fill the field. Module goes
// through Page.Click and Page.Fill; Rod is the same with go-rod alone, as
// a user without this package writes it. The difference per iteration is
// the module's overhead on two deterministic actions.

func BenchmarkDeterministic(b *testing.B) {
	chrome := browsertest.LaunchChromium(b)
	site := pages(b, nil)
	ctx := context.Background()
	url := site.URL + "/form"

	b.Run("Module", func(b *testing.B) {
		br, err := browser.Connect(ctx, nil, chrome.Address())
		if err != nil {
			b.Fatal(err)
		}
		defer br.Close()
		page, err := br.NewPage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		rp := page.Rod().Context(ctx)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := rp.Navigate(url); err != nil {
				b.Fatal(err)
			}
			if err := rp.WaitLoad(); err != nil {
				b.Fatal(err)
			}
			if err := page.Click(ctx, "#submit", ""); err != nil {
				b.Fatal(err)
			}
			if err := page.Fill(ctx, "#email", "bench@example.com", ""); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("Rod", func(b *testing.B) {
		// rod has no disconnect: its browser stops with its context, and
		// its connection with the browser, which LaunchChromium kills.
		bctx, cancel := context.WithCancel(ctx)
		defer cancel()
		rb := rod.New().Context(bctx).ControlURL(chrome.Address()).NoDefaultDevice()
		if err := rb.Connect(); err != nil {
			b.Fatal(err)
		}
		rp, err := rb.Page(proto.TargetCreateTarget{})
		if err != nil {
			b.Fatal(err)
		}
		rp = rp.Context(ctx)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := rp.Navigate(url); err != nil {
				b.Fatal(err)
			}
			if err := rp.WaitLoad(); err != nil {
				b.Fatal(err)
			}
			el, err := rp.Timeout(browser.DefaultSelectorTimeout).Element("#submit")
			if err != nil {
				b.Fatal(err)
			}
			if err := el.Click(proto.InputMouseButtonLeft, 1); err != nil {
				b.Fatal(err)
			}
			el, err = rp.Timeout(browser.DefaultSelectorTimeout).Element("#email")
			if err != nil {
				b.Fatal(err)
			}
			if err := el.SelectAllText(); err != nil {
				b.Fatal(err)
			}
			if err := el.Input("bench@example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The AI benchmarks send one act action to the fake. Module is
// Page.Act; SDK is the same RunSDKAction call made with the plain SDK;
// RawPOST is the same body POSTed with net/http. Module minus SDK is
// what the module adds to one AI action (reading the page's URL over CDP,
// the page's run chain); SDK minus RawPOST is the SDK's own cost.
func BenchmarkAIAction(b *testing.B) {
	chrome := browsertest.LaunchChromium(b)
	srv := skyverntest.NewServer(b)
	client := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	br, err := browser.Connect(ctx, client, chrome.Address())
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	page, err := br.NewPage(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := page.Act(ctx, "warm up"); err != nil { // the page's run exists from here on
		b.Fatal(err)
	}
	req := skyvern.SDKActionRequest{
		URL:            "about:blank",
		BrowserAddress: chrome.Address(),
		WorkflowRunID:  page.WorkflowRunID(),
		Action:         skyvern.ActAction{Intention: "scroll down"},
	}

	b.Run("Module", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if err := page.Act(ctx, "scroll down"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PageURL", func(b *testing.B) { // the CDP round trip Module adds
		b.ReportAllocs()
		for range b.N {
			if _, err := page.URL(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SDK", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := client.RunSDKAction(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RawPOST", func(b *testing.B) {
		body, err := req.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		hc := &http.Client{}
		b.ReportAllocs()
		for range b.N {
			r, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/sdk/run_action", bytes.NewReader(body))
			r.Header.Set("x-api-key", srv.APIKey)
			r.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		hc.CloseIdleConnections()
	})
}
