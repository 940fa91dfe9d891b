package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/skyvern-go/skyvern/webhooks"
)

const verifyHelp = `verify --body FILE --signature SIG [--key KEY]... [flags]

Says whether SIG (the x-skyvern-signature header) is Skyvern's signature of
the body in FILE ("-" or no --body: standard input) with the key (--key,
repeatable; else SKYVERN_API_KEY). When it is not, it says the likely
cause: the body was re-encoded (spaced JSON, escapes, sorted keys, a
trailing newline), another of the keys given matches, the signature is in
upper case or prefixed, or the header is missing. Keys are never printed:
they are named by their position. Exit 0 when genuine, 1 when not.

Example:
  skyhook verify --body body.json --signature 3f2a...e9 --key "$OLD_KEY" --key "$NEW_KEY"
`

// verdict is verify's answer.
type verdict struct {
	Genuine bool   `json:"genuine"`
	Key     int    `json:"key,omitempty"` // the position (from 1) of the key that matches
	Cause   string `json:"cause,omitempty"`
	Detail  string `json:"detail"`
}

func verifyCmd(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	c := newCommand("verify", verifyHelp, stdout, stderr)
	bodyFile := c.fs.String("body", "-", `file holding the body as received ("-": standard input)`)
	sig := c.fs.String("signature", "", "the x-skyvern-signature header's value")
	var keys listFlag
	c.fs.Func("key", "a key the body may be signed with (repeatable; default SKYVERN_API_KEY)", func(s string) error {
		keys = append(keys, s)
		return nil
	})
	if code, done := c.parse(args); done {
		return code
	}
	if c.fs.NArg() > 0 {
		return c.fail("unexpected argument %q", c.fs.Arg(0))
	}
	if len(keys) == 0 {
		if k := getenv("SKYVERN_API_KEY"); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return c.fail("no key: pass --key or set SKYVERN_API_KEY")
	}
	for i, k := range keys {
		if k == "" {
			return c.fail("--key %d is empty (Skyvern never signs with an empty key)", i+1)
		}
	}
	var body []byte
	var err error
	if *bodyFile == "-" {
		body, err = io.ReadAll(stdin)
	} else {
		body, err = os.ReadFile(*bodyFile)
	}
	if err != nil {
		return c.fail("cannot read the body: %v", err)
	}
	v := diagnose(body, *sig, keys)
	if c.json {
		c.emit(v)
	} else if v.Genuine {
		c.printf("genuine: %s\n", v.Detail)
	} else {
		c.printf("NOT genuine (%s): %s\n", v.Cause, v.Detail)
	}
	if v.Genuine {
		return 0
	}
	return 1
}

// match returns the position (from 1) of the key that signed body as sig,
// or 0.
func match(body []byte, sig string, keys []string) int {
	for i, k := range keys {
		if webhooks.Verify(body, sig, k) == nil {
			return i + 1
		}
	}
	return 0
}

// diagnose checks sig and, when it does not match, tries the usual ways a
// genuine delivery is spoiled to name the likely one.
func diagnose(body []byte, sig string, keys []string) verdict {
	sig = strings.TrimSpace(sig)
	if sig == "" {
		return verdict{Cause: "missing_header", Detail: "no signature: the request had no x-skyvern-signature header, or it was not passed on (a proxy may drop it; header names are case-insensitive)"}
	}
	if len(body) == 0 {
		return verdict{Cause: "empty_body", Detail: "the body is empty: it was not read, or was read twice (a middleware consumed it)"}
	}
	if n := match(body, sig, keys[:1]); n == 1 {
		return verdict{Genuine: true, Key: 1, Detail: "the signature matches the key"}
	}
	if n := match(body, sig, keys); n > 0 {
		return verdict{Key: n, Cause: "other_key", Detail: fmt.Sprintf("signed with key %d of the %d given, not the first: the receiver must accept that key too (webhooks.WithExtraKeys)", n, len(keys))}
	}
	plain := sig
	for _, p := range []string{"sha256=", "SHA256=", "sha256:", "v1="} {
		plain = strings.TrimPrefix(plain, p)
	}
	if plain != sig || plain != strings.ToLower(plain) {
		if n := match(body, strings.ToLower(plain), keys); n > 0 {
			return verdict{Key: n, Cause: "signature_format", Detail: fmt.Sprintf("the signature matches key %d once written as Skyvern writes it: 64 lower-case hex digits, no prefix; it was upper-cased or prefixed on the way", n)}
		}
	}
	sig = strings.ToLower(plain)
	if trimmed := bytes.TrimRight(body, "\r\n"); len(trimmed) < len(body) {
		if n := match(trimmed, sig, keys); n > 0 {
			return verdict{Key: n, Cause: "trailing_newline", Detail: fmt.Sprintf("the body without its trailing newline matches key %d: an editor, echo or a logger added it; verify the bytes as received", n)}
		}
	}
	if !json.Valid(body) {
		return verdict{Cause: "not_json", Detail: "the body is not JSON: it is not what Skyvern sent (truncated, decoded, or another request)"}
	}
	if compact, err := webhooks.Marshal(json.RawMessage(bytes.TrimSpace(body))); err == nil && !bytes.Equal(compact, body) {
		if n := match(compact, sig, keys); n > 0 {
			return verdict{Key: n, Cause: "re_encoded", Detail: fmt.Sprintf("the body written compact, as Skyvern writes it (no spaces, raw UTF-8, <>& unescaped), matches key %d: it was re-encoded (pretty-printed, spaced or escaped) before verifying; verify the raw bytes", n)}
		}
	}
	if keysSorted(body) {
		return verdict{Cause: "re_encoded", Detail: "no key matches, and the body's keys are in alphabetical order, which Skyvern never sends (run_id comes first or after the legacy members): it was likely decoded into a map and encoded again; verify the raw bytes"}
	}
	return verdict{Cause: "no_match", Detail: fmt.Sprintf("none of the %d keys matches and the body shows no sign of re-encoding: another key (another organisation or a rotated key) or a changed body", len(keys))}
}

// keysSorted reports a JSON object of several members whose keys are in
// sorted order.
func keysSorted(body []byte) bool {
	o, err := parseObject(body)
	if err != nil || len(o) < 3 {
		return false
	}
	names := make([]string, len(o))
	for i, m := range o {
		names[i] = m.Key
	}
	return sort.StringsAreSorted(names)
}
