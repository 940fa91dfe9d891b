// Package browser drives a browser from Go with Skyvern's AI on the same
// page: open or reuse a Skyvern cloud browser session, or connect to any
// browser over the Chrome DevTools Protocol, then act on its pages with
// selectors first and Skyvern's AI where a selector would be brittle.
//
// It is a module of its own, so that the SDK's go.mod stays free of a
// CDP library. It is built on go-rod (github.com/go-rod/rod), whose CDP
// client sends headers on the WebSocket handshake, as a Skyvern session's
// browser_address requires (x-api-key); Browser.Rod and Page.Rod hand out
// go-rod's own values for everything this package does not do itself.
//
// # Connecting
//
// Launch creates a Skyvern browser session and connects to its browser;
// Use does the same around a function and closes the session on every
// path (an error, a panic, a cancelled context). Reuse takes the newest
// idle session, or launches one. ConnectSession connects to a session by
// id, and Connect to any browser's CDP address. A session this package
// created is closed by Browser.Close; one it only connected to is left
// open. The API key for the handshake is the client's, or WithAPIKey's.
//
// # Pages and actions
//
// A Browser's pages (WorkingPage, NewPage, Pages) are *Page values.
// Click, Fill and SelectOption try a CSS or XPath selector first and, when
// it fails within WithSelectorTimeout, ask Skyvern's AI to do the same
// from a prompt. Act, Extract (into a Go value, with a JSON schema derived
// from its type by Schema), Validate, Locate and Prompt are AI actions.
// Each AI action is one Client.RunSDKAction (POST /v1/sdk/run_action),
// carrying the page's URL, the session (or address) and the page's
// workflow run, so that a page's actions are recorded in one run. A 429
// from Skyvern's cap on concurrent actions is retried with backoff until
// the context ends (WithRateLimitBackoff).
//
// RunTask, Login, DownloadFiles and RunWorkflow start an agent run in the
// page's browser, from the page's URL, and wait for it with
// Client.WaitForRun or a skyvern.Waiter (WithWaiter).
//
// # Errors
//
// A failed selector step is a *SelectorError; a failed AI step an
// *AIError, with Skyvern's status and reason, which also holds the
// selector's failure when it was a fallback. Both are found with
// errors.As; Skyvern's sentinels (skyvern.ErrValidation,
// skyvern.ErrRateLimited, ...) match through them. The API key never
// appears in an error.
//
// # Testing
//
// The package browsertest starts a local headless Chromium for a test and
// backs the sessions of the fake Skyvern server (skyverntest) with it, so
// that a test drives real pages and scripts what Skyvern's AI does.
package browser
