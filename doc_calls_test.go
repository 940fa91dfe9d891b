package skyvern_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// clientDocs returns the doc comment of every exported Client method, by
// name, with its lines joined by single spaces.
func clientDocs(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || fn.Doc == nil {
				continue
			}
			if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); !ok || star.X.(*ast.Ident).Name != "Client" {
				continue
			}
			docs[fn.Name.Name] = strings.Join(strings.Fields(fn.Doc.Text()), " ")
		}
	}
	return docs
}

// TestDocsNameTheirEndpoints checks the "It calls METHOD /path" of each
// Client method's doc against the endpoint table (internal/endpoint): the
// method that sends an operation names its method and path, and every
// "It calls" names an operation the table says the method calls.
func TestDocsNameTheirEndpoints(t *testing.T) {
	docs := clientDocs(t)
	for _, e := range endpoint.All() {
		doc, ok := docs[e.Operation()]
		if !ok {
			t.Errorf("%s: Client has no documented method %s", e.Pattern(), e.Operation())
			continue
		}
		mention := regexp.MustCompile(regexp.QuoteMeta(e.Pattern()) + `([\s,.;:)?]|$)`)
		if !mention.MatchString(doc) {
			t.Errorf("the doc of %s does not say it calls %s", e.Operation(), e.Pattern())
		}
	}
	calls := regexp.MustCompile(`It calls (GET|POST|PUT|PATCH|DELETE) (/[^\s?,;)]*[^\s?,;).])`)
	for name, doc := range docs {
		for _, m := range calls.FindAllStringSubmatch(doc, -1) {
			i := slices.IndexFunc(endpoint.All(), func(e *endpoint.Endpoint) bool {
				return e.Method == m[1] && e.Path == m[2]
			})
			switch {
			case i < 0:
				t.Errorf("the doc of %s says %q: the endpoint table has no %s %s", name, m[0], m[1], m[2])
			case !slices.Contains(endpoint.All()[i].Methods, name):
				t.Errorf("the doc of %s says %q: the table's row does not list %s", name, m[0], name)
			}
		}
	}
}
