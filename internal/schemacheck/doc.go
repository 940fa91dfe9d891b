// Package schemacheck holds tests, and nothing else, that check every
// answer of the fake server (package skyverntest) against the response
// schemas of Skyvern's published OpenAPI spec.
//
// It is a module of its own so that its JSON Schema validator,
// github.com/santhosh-tekuri/jsonschema/v6, stays out of the SDK's go.mod:
// users of the SDK never download it. Its go.mod points the SDK at this
// checkout (replace ../..).
//
// The tests read the spec's facts committed in internal/specfacts (its
// schemas without their prose), so they run in every clone; the root
// package's TestSpecFactsAreUpToDate checks those facts against the full
// spec when it sits beside the checkout.
//
//	cd internal/schemacheck && go test ./...
//
// To check another checkout of the SDK (another branch's worktree), point
// the module at it with a throw-away go.mod:
//
//	cd internal/schemacheck
//	cp go.mod /tmp/other.mod && cp go.sum /tmp/other.sum
//	go mod edit -modfile=/tmp/other.mod -replace github.com/skyvern-go/skyvern=/path/to/other/checkout
//	go test -modfile=/tmp/other.mod ./...
//
// TestEveryRouteIsWalked fails when skyverntest gains a route, or the
// SDK's endpoint table (internal/endpoint) an operation, that the walk
// (walkSteps) has no successful call of: each new route comes with a case
// here. The spec's name of a route the SDK calls comes from that table.
package schemacheck
