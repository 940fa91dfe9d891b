package browser_test

import (
	"sync"
	"testing"

	"github.com/skyvern-go/skyvern/browser"
)

// TestBackgroundTabs: tabs behind another are clicked, even two at once,
// within the selector timeout (go-rod waits for a repaint, which a tab in
// the background never does).
func TestBackgroundTabs(t *testing.T) {
	e := newEnv(t, nil)
	other := e.open("/form")
	var wg sync.WaitGroup
	for range 3 {
		for _, p := range []*browser.Page{e.page, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := p.Click(e.ctx, "#submit", ""); err != nil {
					t.Errorf("Click: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	for _, p := range []*browser.Page{e.page, other} {
		if got := e.text(p, "#status"); got != "submitted old@example.com fr" {
			t.Errorf("#status = %q", got)
		}
	}
}
