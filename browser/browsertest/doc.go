// Package browsertest runs a real headless Chromium for tests: the
// browser behind a fake Skyvern browser session, or one a test connects
// to directly.
//
// LaunchChromium starts Debian's chromium (or the binary named by
// SKYVERN_CHROMIUM) with a fresh profile and stops it when the test
// ends. Without a binary the test is skipped, unless
// SKYVERN_CHROMIUM_REQUIRED=1, as in CI, where it fails instead.
package browsertest
