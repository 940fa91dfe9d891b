// Package endpoint is the one table of the Skyvern API operations the SDK
// calls: for each, its HTTP method, its path pattern, the path Skyvern's
// OpenAPI spec documents it under, and the Client methods that call it.
//
// The root package builds every request from a row (GetRun.With(runID));
// the Observer's operation name is the row's. Everything else that names
// an endpoint is checked against the table by a test: the fake's Route
// constants (package skyverntest), the Client methods' "It calls" doc
// lines and the spec's operations (the root package's tests), and the
// schema walk (internal/schemacheck).
package endpoint

import (
	"net/url"
	"strconv"
	"strings"
)

// Endpoint is one row of the table: one operation.
type Endpoint struct {
	// Method is the HTTP method, such as "GET".
	Method string
	// Path is the path the SDK calls, as a net/http.ServeMux pattern:
	// "/v1/runs/{run_id}". It is also the fake server's route.
	Path string
	// Spec is the path Skyvern's OpenAPI spec documents the operation
	// under: Path, or for the workflow routes the newer twin that Skyvern
	// serves beside it (/v1/agents... for /v1/workflows...), which the SDK
	// does not call.
	Spec string
	// Methods are the Client methods that call the operation. The first
	// is the one that sends the request (the others call it), and names
	// the operation (CallInfo.Operation).
	Methods []string

	// lits are Path's literal parts around its wildcards: one more than
	// there are wildcards.
	lits []string
}

// Operation names the operation: the Client method that sends it.
func (e *Endpoint) Operation() string { return e.Methods[0] }

// Pattern is "METHOD PATH", as the fake server's Route constants write it.
func (e *Endpoint) Pattern() string { return e.Method + " " + e.Path }

// SpecPattern is "METHOD SPEC", the spec's name of the operation.
func (e *Endpoint) SpecPattern() string { return e.Method + " " + e.Spec }

// Params returns the names of Path's wildcards, in order.
func (e *Endpoint) Params() []string {
	var names []string
	for rest := e.Path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(rest[i:], '}')
		names = append(names, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
}

// Call is one request to an endpoint: its row, and its path with the
// wildcards filled in.
type Call struct {
	Op *Endpoint
	// Path is the escaped path, such as "/v1/runs/tsk_1"; "" when one of
	// the ids given to With was empty, so that nothing may be sent.
	Path string
}

// With returns the call of e whose path holds ids in place of the
// wildcards, in order, each escaped as one path segment ("." and ".."
// too, so that nothing on the way can resolve them). An empty id leaves
// Call.Path empty. With panics when the number of ids is not the number
// of wildcards: that is a bug in the caller, which every method's test
// finds.
func (e *Endpoint) With(ids ...string) Call {
	if len(ids) != len(e.lits)-1 {
		panic("endpoint: " + e.Pattern() + " takes " + strconv.Itoa(len(e.lits)-1) + " ids")
	}
	if len(ids) == 0 {
		return Call{Op: e, Path: e.Path}
	}
	n := 0
	for _, l := range e.lits {
		n += len(l)
	}
	for _, id := range ids {
		if id == "" {
			return Call{Op: e}
		}
		n += len(id)
	}
	var b strings.Builder
	b.Grow(n)
	for i, id := range ids {
		b.WriteString(e.lits[i])
		b.WriteString(segment(id))
	}
	b.WriteString(e.lits[len(ids)])
	return Call{Op: e, Path: b.String()}
}

// segment escapes id, not empty, as one path segment.
func segment(id string) string {
	switch id {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(id)
}

// all is the table, in the order its rows are declared.
var all []*Endpoint

// All returns every row of the table. The caller must not change them.
func All() []*Endpoint { return all }

// op declares a row from its pattern ("METHOD /path") and the Client
// methods that call it, the sending one first.
func op(pattern string, methods ...string) *Endpoint {
	method, path, _ := strings.Cut(pattern, " ")
	e := &Endpoint{Method: method, Path: path, Spec: path, Methods: methods}
	for rest := path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			e.lits = append(e.lits, rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		e.lits = append(e.lits, rest[:i])
		rest = rest[i+j+1:]
	}
	all = append(all, e)
	return e
}

// agents declares a row of a workflow route that the spec documents under
// its newer name only: /v1/agents for /v1/workflows, /v1/run/agents for
// /v1/run/workflows. Skyvern serves both with the same handler.
func agents(pattern string, methods ...string) *Endpoint {
	e := op(pattern, methods...)
	if rest, ok := strings.CutPrefix(e.Path, "/v1/run/workflows"); ok {
		e.Spec = "/v1/run/agents" + rest
	} else if rest, ok := strings.CutPrefix(e.Path, "/v1/workflows"); ok {
		e.Spec = "/v1/agents" + rest
	} else {
		panic("endpoint: " + pattern + " has no /v1/agents twin")
	}
	return e
}
