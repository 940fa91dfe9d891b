package webhooks

import "github.com/skyvern-go/skyvern/internal/wire"

// Marshal encodes v as JSON byte for byte as Skyvern's server serialises a
// webhook or TOTP body, so that Sign(Marshal(v), key) is the signature
// Skyvern would send for the same payload. Use it to build deliveries in
// tests and fake servers.
//
// v is encoded as encoding/json encodes it (MarshalJSON methods and json
// tags apply, struct fields keep their declaration order, so a struct
// gives a payload its key order, and map keys are sorted), written the way
// Skyvern writes it:
//   - no whitespace between tokens;
//   - strings in raw UTF-8, escaping only '"', '\' and control characters
//     below U+0020 (\n \r \t \b \f, others as \u00XX in lower-case hex), so
//     '<', '>', '&', U+2028, U+2029 and emoji are written as they are;
//   - every number with a whole value written as an integer, exactly (3.0
//     is 3, 1e20 is 100000000000000000000), and integers of any size kept
//     digit for digit;
//   - other numbers as Python writes a float: the shortest digits that read
//     back the same, in scientific form below 1e-4 (1e-05, 1.5e-07).
//
// Strings, booleans, ints, float64s, []any, map[string]any and
// json.RawMessage values are written directly, in one pass; other values
// are encoded by encoding/json and the result rewritten in one pass. Raw
// JSON (json.RawMessage, MarshalJSON results) is read with any escapes and
// whitespace and rewritten in the same form.
//
// Invalid UTF-8 in a Go string is written as U+FFFD, one for each invalid
// byte, as encoding/json does, so such a string is not signed as the bytes
// it held. Marshal returns encoding/json's errors, an error for a number
// beyond the range of a float64 that is not an integer literal, and
// ErrTooDeep for a value that nests arrays and objects more than 10000
// levels deep, or holds itself.
func Marshal(v any) ([]byte, error) { return wire.Marshal(v) }

// ErrTooDeep is returned by Marshal for a value that nests arrays and
// objects more than 10000 levels deep, or that holds itself (a map that
// is its own member). encoding/json reads no deeper than that, nor could
// Skyvern's server have written such a payload: Python's json module stops
// at its recursion limit, 1000 levels by default.
var ErrTooDeep = wire.ErrTooDeep
