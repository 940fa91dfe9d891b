// Package browser drives a browser from Go with Skyvern's AI on the same
// page: open or reuse a Skyvern cloud browser session, or connect to any
// browser over the Chrome DevTools Protocol, then act on its pages with
// selectors first and Skyvern's AI where a selector would be brittle.
//
// It is a module of its own, so that the SDK's go.mod stays free of a
// CDP library.
package browser
