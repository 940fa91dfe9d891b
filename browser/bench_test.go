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
// a user without this package writes it (bringing its tab to the front
// once, as the module does before each action). The difference per
// iteration is the module's overhead on two deterministic actions.

func BenchmarkDeterministic(b *testing.B) {
	chrome := browsertest.LaunchChromium(b)
	site := pages(b, nil)
	ctx := context.Background()
	url := site.URL + "/form"

	br, err := browser.Connect(ctx, nil, chrome.Address())
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	page, err := br.NewPage(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// rod has no disconnect: its browser stops with its context, and its
	// connection with the browser, which LaunchChromium kills.
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

	viaModule := func(b *testing.B) {
		mp := page.Rod().Context(ctx)
		if err := mp.Navigate(url); err != nil {
			b.Fatal(err)
		}
		if err := mp.WaitLoad(); err != nil {
			b.Fatal(err)
		}
		if err := page.Click(ctx, "#submit", ""); err != nil {
			b.Fatal(err)
		}
		if err := page.Fill(ctx, "#email", "bench@example.com", ""); err != nil {
			b.Fatal(err)
		}
	}
	viaRod := func(b *testing.B) {
		// With two tabs, the one acted on must be in front: go-rod waits
		// for a repaint, which a tab behind another never does.
		if _, err := rp.Activate(); err != nil {
			b.Fatal(err)
		}
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

	b.Run("Module", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			viaModule(b)
		}
	})
	b.Run("Rod", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			viaRod(b)
		}
	})
	// Interleaved runs both in turn, in alternating order, and reports
	// the module's time over rod's: the machine's load drifts alike for
	// both, so this ratio is steadier than two separate runs'.
	b.Run("Interleaved", func(b *testing.B) {
		var mod, bare time.Duration
		for i := range b.N {
			first, second := viaModule, viaRod
			if i%2 == 1 {
				first, second = viaRod, viaModule
			}
			t0 := time.Now()
			first(b)
			t1 := time.Now()
			second(b)
			t2 := time.Now()
			if i%2 == 0 {
				mod, bare = mod+t1.Sub(t0), bare+t2.Sub(t1)
			} else {
				mod, bare = mod+t2.Sub(t1), bare+t1.Sub(t0)
			}
		}
		b.ReportMetric(float64(mod.Microseconds())/float64(b.N), "module-µs/op")
		b.ReportMetric(float64(bare.Microseconds())/float64(b.N), "rod-µs/op")
		b.ReportMetric(100*(float64(mod)/float64(bare)-1), "overhead-%")
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
