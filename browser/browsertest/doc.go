// Package browsertest runs a real headless Chromium for tests: the
// browser behind a fake Skyvern browser session, or one a test connects
// to directly.
//
// LaunchChromium starts Debian's chromium (or the binary named by
// SKYVERN_CHROMIUM) with a fresh profile and stops it when the test
// ends. Without a binary the test is skipped, unless
// SKYVERN_CHROMIUM_REQUIRED=1, as in CI, where it fails instead.
//
// Fake puts real browsers behind the fake server of skyverntest: each
// browser session created on it gets its own Chromium, reported as its
// browser_address, and Run SDK Action does the AI's actions on that
// browser's page from a script the test writes, so that a test can
// assert real changes of the page:
//
//	fake := browsertest.New(t)
//	fake.Click("the blue Submit button", "#submit").
//		Fill("the email field", "#email").
//		Extract("the order total", map[string]any{"total": 42}).
//		Validate("the order was sent", true)
//	srv := fake.NewServer()
//	// srv.Client() creates a session, connects to its browser_address
//	// over CDP, opens a page, and runs AI actions on it.
//
// What is not scripted answers as Skyvern does when its AI finds
// nothing: a 422 with the server's reason for a click, an input and a
// select without a selector to fall back on; null for locate_element;
// null, with nothing done, for an act. Extract, validate and prompt,
// for which Skyvern asks its model, fail with a 422 that names the
// prompt.
//
// Where the Fake differs from Skyvern (skyvern/forge/sdk/routes/sdk.py
// _run_sdk_action and skyvern/core/script_generations/
// real_skyvern_page_ai.py): a scripted selector that fails is the AI's
// failure, a 422 as on Skyvern but with the Fake's reason; a request's
// fallback selector that fails is a 422 too, where Skyvern answers 500
// with Playwright's timeout; an action that names neither a browser session nor a
// browser_address is a 422, where Skyvern starts a browser for it; a
// click answers the scripted selector as given, where Skyvern answers an
// "xpath=..." of the element its AI chose; there is no cap on concurrent
// actions (make one with skyverntest.Server.Fault and a 429).
package browsertest
