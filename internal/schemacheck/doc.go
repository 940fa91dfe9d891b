// Package schemacheck holds tests, and nothing else, that check every
// answer of the fake server (package skyverntest) against the response
// schemas of Skyvern's published OpenAPI spec.
//
// It is a module of its own so that its JSON Schema validator,
// github.com/santhosh-tekuri/jsonschema/v6, stays out of the SDK's go.mod:
// users of the SDK never download it. Its go.mod points the SDK at this
// checkout (replace ../..).
//
// The tests read the spec from SKYVERN_OPENAPI_SPEC, else from
// shared/reference/skyvern-openapi.json beside the checkout (three levels
// up from this directory). When it is not there, they skip and say so; when
// SKYVERN_OPENAPI_SPEC names a file that cannot be read, they fail.
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
// TestEveryRouteIsWalked fails when skyverntest gains a Route constant
// that the walk (walkSteps) has no successful call of: each new route
// comes with a case here.
package schemacheck
