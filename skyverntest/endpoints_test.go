package skyverntest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// routeConstants returns the fake's exported Route constants, name →
// value, read from the package's source files.
func routeConstants(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !strings.HasPrefix(id.Name, "Route") || !id.IsExported() {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s is not a string literal", id.Name)
					}
					consts[id.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return consts
}

// TestRoutesMatchTheEndpointTable checks the fake's routes against the
// SDK's table of endpoints (internal/endpoint): every operation the SDK
// calls is a route of the fake, under the same pattern, and every Route
// constant names an operation of the table, by the pattern the SDK calls
// or by the spec's twin (/v1/agents... for /v1/workflows...), which the
// fake serves too.
func TestRoutesMatchTheEndpointTable(t *testing.T) {
	routes := skyverntest.Routes()
	consts := routeConstants(t)
	if len(consts) < len(endpoint.All()) {
		t.Fatalf("found %d Route constants, fewer than the table's %d rows", len(consts), len(endpoint.All()))
	}
	constOf := map[string]string{}
	for name, v := range consts {
		constOf[v] = name
	}
	known := map[string]bool{}
	for _, e := range endpoint.All() {
		known[e.Pattern()], known[e.SpecPattern()] = true, true
		if !slices.Contains(routes, e.Pattern()) {
			t.Errorf("the fake serves no route %q (called by %s)", e.Pattern(), strings.Join(e.Methods, ", "))
		}
		if constOf[e.Pattern()] == "" {
			t.Errorf("no Route constant is %q (called by %s)", e.Pattern(), strings.Join(e.Methods, ", "))
		}
		if e.Spec != e.Path && !slices.Contains(routes, e.SpecPattern()) {
			t.Errorf("the fake serves no route %q, the spec's twin of %q", e.SpecPattern(), e.Pattern())
		}
	}
	for name, v := range consts {
		if !known[v] {
			t.Errorf("%s = %q is no operation of the endpoint table", name, v)
		}
		if !slices.Contains(routes, v) {
			t.Errorf("%s = %q is not a route of the fake", name, v)
		}
	}
	for _, r := range routes {
		if constOf[r] == "" {
			t.Errorf("the fake's route %q has no Route constant", r)
		}
	}
}
