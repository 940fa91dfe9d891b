package skyvern_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/specfacts"
)

// The conformance tests hold the SDK's types against Skyvern's published
// OpenAPI spec. The mechanism lives here, one check per kind of fact; each
// API area's conformance_*_test.go file declares only its tables, listed in
// conformanceAreas, and the tests below run every area's cases as subtests
// named area/case.

// conformanceArea is the conformance tables of one API area.
type conformanceArea struct {
	name    string
	schemas []schemaCase
	enums   []enumCase
	queries []queryCase
	headers []headerCase
}

// conformanceAreas is every area the tests below check.
var conformanceAreas = []conformanceArea{
	runConformance,
	sessionConformance,
	credentialConformance,
	fileConformance,
	scheduleConformance,
	scriptConformance,
	tagConformance,
}

// runAreas runs check on each case of each area, as the subtest area/case.
func runAreas[C interface{ label() string }](t *testing.T, cases func(conformanceArea) []C, check func(*testing.T, C)) {
	for _, a := range conformanceAreas {
		if len(cases(a)) == 0 {
			continue
		}
		t.Run(a.name, func(t *testing.T) {
			for _, c := range cases(a) {
				t.Run(c.label(), func(t *testing.T) { check(t, c) })
			}
		})
	}
}

// specPath is where the full spec is looked for, and whether the
// environment named it.
func specPath() (path string, explicit bool) {
	path, explicit = os.LookupEnv("SKYVERN_OPENAPI_SPEC")
	if path == "" {
		return "../shared/reference/skyvern-openapi.json", false
	}
	return path, explicit
}

// loadSpec decodes the committed facts of the spec once for every test;
// the tests only read the map.
var loadSpec = sync.OnceValues(func() (map[string]any, error) {
	var spec map[string]any
	return spec, json.Unmarshal(specfacts.Committed, &spec)
})

// openAPISpec returns the facts of Skyvern's published OpenAPI spec
// (internal/specfacts): its operations, parameters, schemas and enums,
// without its prose. Every clone has them, so every conformance test runs.
func openAPISpec(t *testing.T) map[string]any {
	t.Helper()
	spec, err := loadSpec()
	require.NoError(t, err)
	return spec
}

// TestSpecFactsAreUpToDate regenerates the facts file from the full spec,
// when it sits beside the clone or SKYVERN_OPENAPI_SPEC names it, and
// fails if the committed file differs.
func TestSpecFactsAreUpToDate(t *testing.T) {
	path, explicit := specPath()
	full, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		t.Skipf("the full spec is not at %s; set SKYVERN_OPENAPI_SPEC to its path to check the facts file against it", path)
	}
	require.NoError(t, err)
	facts, err := specfacts.Facts(full)
	require.NoError(t, err)
	if !bytes.Equal(facts, specfacts.Committed) {
		t.Fatalf("internal/specfacts/%s is stale: run go run ./internal/specfacts/cmd/specfacts %s", specfacts.File, path)
	}
}

func schema(t *testing.T, spec map[string]any, name string) map[string]any {
	t.Helper()
	s, ok := spec["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	require.True(t, ok, "the spec has no schema %q", name)
	return s
}

func operation(t *testing.T, spec map[string]any, method, path string) map[string]any {
	t.Helper()
	item, ok := spec["paths"].(map[string]any)[path].(map[string]any)
	require.True(t, ok, "the spec has no path %s", path)
	op, ok := item[method].(map[string]any)
	require.True(t, ok, "the spec has no %s %s", method, path)
	return op
}

// parameters returns the names of an operation's parameters that are in
// in ("query", "header"), the API key left out.
func parameters(op map[string]any, in string) []string {
	var out []string
	for _, p := range op["parameters"].([]any) {
		p := p.(map[string]any)
		if name := p["name"].(string); p["in"] == in && name != "x-api-key" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// tagNames returns the member names the key tags (json, form, url) of a
// struct type's own fields give.
func tagNames(typ reflect.Type, key string) map[string]bool {
	names := map[string]bool{}
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get(key), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// allURLNames returns the query parameter names a params type encodes,
// those of embedded structs included.
func allURLNames(typ reflect.Type) map[string]bool {
	names := tagNames(typ, "url")
	for i := range typ.NumField() {
		if f := typ.Field(i); f.Anonymous && f.Type.Kind() == reflect.Struct {
			for n := range allURLNames(f.Type) {
				names[n] = true
			}
		}
	}
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// schemaCase says the SDK has a member for every property of a spec
// schema and, when exact, no member the schema lacks.
type schemaCase struct {
	schema string
	// goType is the Go type modelling the schema; nil when extra names
	// every member (a schema a method takes as arguments, or an envelope
	// it unwraps).
	goType any
	// form: goType's form tags name the members (a multipart body), not
	// its json tags.
	form bool
	// aliases maps a spec property to the member name goType gives it on
	// purpose.
	aliases map[string]string
	// extra names the members the SDK writes or reads without a field of
	// that name.
	extra []string
	// exact makes the check two-way: every member is a property too.
	exact bool
}

func (c schemaCase) label() string { return c.schema }

func checkSchema(t *testing.T, spec map[string]any, c schemaCase) {
	props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
	require.NotEmpty(t, props)
	who, names := "the SDK", map[string]bool{}
	if c.goType != nil {
		key := "json"
		if c.form {
			key = "form"
		}
		who, names = fmt.Sprintf("%T", c.goType), tagNames(reflect.TypeOf(c.goType), key)
	}
	for _, n := range c.extra {
		names[n] = true
	}
	spelled := map[string]bool{}
	var missing []string
	for p := range props {
		name := p
		if alias, ok := c.aliases[p]; ok {
			name = alias
		}
		spelled[name] = true
		if !names[name] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "%s has no member for these properties of %s", who, c.schema)
	if c.goType != nil && !c.form {
		checkTimes(t, props, reflect.TypeOf(c.goType), c.aliases, c.schema)
	}
	if c.exact {
		var undefined []string
		for n := range names {
			if !spelled[n] {
				undefined = append(undefined, n)
			}
		}
		sort.Strings(undefined)
		require.Empty(t, undefined, "%s has members that %s does not define", who, c.schema)
	}
}

// checkTimes says that every field of typ that decodes a skyvern.Time
// (alone, as a pointer or as list elements) models a property the spec
// gives the format date-time: a property typed as a plain string may hold
// anything, and must decode whatever it holds.
func checkTimes(t *testing.T, props map[string]any, typ reflect.Type, aliases map[string]string, schemaName string) {
	t.Helper()
	timeType := reflect.TypeFor[skyvern.Time]()
	prop := map[string]string{} // member name -> property
	for p := range props {
		prop[p] = p
	}
	for p, alias := range aliases {
		prop[alias] = p
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if ft != timeType || name == "" || name == "-" {
			continue
		}
		p, ok := prop[name]
		require.True(t, ok, "%s.%s decodes a Time, but %s has no property %s", typ.Name(), f.Name, schemaName, name)
		assert.True(t, hasDateTime(props[p]), "%s.%s decodes a Time, but %s.%s is not a date-time: %v", typ.Name(), f.Name, schemaName, p, props[p])
	}
}

// hasDateTime reports whether a property schema is a date-time string,
// alone, in an anyOf, or as the items of a list.
func hasDateTime(s any) bool {
	m, _ := s.(map[string]any)
	if m["format"] == "date-time" {
		return true
	}
	if items, ok := m["items"]; ok && hasDateTime(items) {
		return true
	}
	alts, _ := m["anyOf"].([]any)
	for _, a := range alts {
		if hasDateTime(a) {
			return true
		}
	}
	return false
}

func TestConformanceSchemas(t *testing.T) {
	spec := openAPISpec(t)
	runAreas(t, func(a conformanceArea) []schemaCase { return a.schemas },
		func(t *testing.T, c schemaCase) { checkSchema(t, spec, c) })
}

// enumCase says every value of an enum is a constant of a Go string type
// and, when exact, that the type has no other constants. Where the type
// has an IsKnown method, IsKnown holds for every constant and not for a
// value that is none.
type enumCase struct {
	values enumValues
	goType enumType
	exact  bool
}

func (c enumCase) label() string { return c.values.name }

// enumValues is where an enum's values come from, and the subtest's name.
type enumValues struct {
	name string
	get  func(t *testing.T) []string
}

// enumType is a Go string type whose constants model an enum.
type enumType struct {
	name    string
	isKnown func(string) bool // nil when the type has no IsKnown method
}

func goEnum[T ~string]() enumType {
	type known interface{ IsKnown() bool }
	e := enumType{name: reflect.TypeFor[T]().Name()}
	if _, ok := any(T("")).(known); ok {
		e.isKnown = func(v string) bool { return any(T(v)).(known).IsKnown() }
	}
	return e
}

func strs(t *testing.T, values any) []string {
	t.Helper()
	list, _ := values.([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := v.(string)
		require.True(t, ok, "%v is not a string", v)
		out = append(out, s)
	}
	return out
}

// specEnum is the enum of a named schema.
func specEnum(name string) enumValues {
	return enumValues{name, func(t *testing.T) []string {
		return strs(t, schema(t, openAPISpec(t), name)["enum"])
	}}
}

func property(t *testing.T, schemaName, prop string) map[string]any {
	t.Helper()
	p, ok := schema(t, openAPISpec(t), schemaName)["properties"].(map[string]any)[prop].(map[string]any)
	require.True(t, ok, "%s has no property %s", schemaName, prop)
	return p
}

// propertyEnum is the enum given inline on a property of a schema.
func propertyEnum(schemaName, prop string) enumValues {
	return enumValues{schemaName + "." + prop, func(t *testing.T) []string {
		return strs(t, property(t, schemaName, prop)["enum"])
	}}
}

// propertyExamples are the examples of a property the spec types as a
// plain string.
func propertyExamples(schemaName, prop string) enumValues {
	return enumValues{schemaName + "." + prop + " examples", func(t *testing.T) []string {
		return strs(t, property(t, schemaName, prop)["examples"])
	}}
}

// unionTags are the discriminator values of a union property.
func unionTags(schemaName, prop string) enumValues {
	return enumValues{schemaName + "." + prop + " discriminator", func(t *testing.T) []string {
		mapping, _ := property(t, schemaName, prop)["discriminator"].(map[string]any)["mapping"].(map[string]any)
		return sortedKeys(mapping)
	}}
}

// queryEnum is the enum among the alternatives of a query parameter.
func queryEnum(method, path, param string) enumValues {
	return enumValues{method + " " + path + " " + param, func(t *testing.T) []string {
		for _, p := range operation(t, openAPISpec(t), method, path)["parameters"].([]any) {
			if p := p.(map[string]any); p["name"] == param {
				for _, alt := range p["schema"].(map[string]any)["anyOf"].([]any) {
					if e, ok := alt.(map[string]any)["enum"]; ok {
						return strs(t, e)
					}
				}
			}
		}
		return nil
	}}
}

// listed are values the spec does not give, kept here from Skyvern's code.
func listed(name string, values ...string) enumValues {
	return enumValues{name, func(*testing.T) []string { return values }}
}

// constants returns the string constants of the package, by type name, as
// declared in its source.
func constants(t *testing.T) map[string]map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	out := map[string]map[string]bool{}
	for _, f := range pkgs["skyvern"].Files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				ident, ok := vs.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						if out[ident.Name] == nil {
							out[ident.Name] = map[string]bool{}
						}
						out[ident.Name][s] = true
					}
				}
			}
		}
	}
	return out
}

func checkEnum(t *testing.T, consts map[string]map[string]bool, c enumCase) {
	values := c.values.get(t)
	require.NotEmpty(t, values)
	have := consts[c.goType.name]
	for _, v := range values {
		require.True(t, have[v], "no %s constant for %q", c.goType.name, v)
	}
	if c.exact {
		require.ElementsMatch(t, values, sortedKeys(have), "the %s constants are exactly these values", c.goType.name)
	}
	if known := c.goType.isKnown; known != nil {
		for v := range have {
			require.True(t, known(v), "%s.IsKnown disagrees with the constant %q", c.goType.name, v)
		}
		require.False(t, known("no-such-value"), "%s.IsKnown holds for a value that is no constant", c.goType.name)
	}
}

// TestConformanceEnums needs the spec only for the enums it gives, so the
// values kept here are checked without it.
func TestConformanceEnums(t *testing.T) {
	consts := constants(t)
	runAreas(t, func(a conformanceArea) []enumCase { return a.enums },
		func(t *testing.T, c enumCase) { checkEnum(t, consts, c) })
}

// queryCase says a params type has a field for every query parameter of a
// route and, when exact, sends none the route does not take.
type queryCase struct {
	method, path string
	goType       any
	skip         []string // parameters left out on purpose
	exact        bool
}

func (c queryCase) label() string { return c.method + " " + c.path }

func checkQuery(t *testing.T, spec map[string]any, c queryCase) {
	names := allURLNames(reflect.TypeOf(c.goType))
	inSpec := map[string]bool{}
	for _, p := range parameters(operation(t, spec, c.method, c.path), "query") {
		inSpec[p] = true
		if !slices.Contains(c.skip, p) {
			require.True(t, names[p], "%T has no field for query parameter %s", c.goType, p)
		}
	}
	if c.exact {
		for n := range names {
			require.True(t, inSpec[n], "%T sends %s, which %s %s does not take", c.goType, n, c.method, c.path)
		}
	}
}

func TestConformanceQueryParameters(t *testing.T) {
	spec := openAPISpec(t)
	runAreas(t, func(a conformanceArea) []queryCase { return a.queries },
		func(t *testing.T, c queryCase) { checkQuery(t, spec, c) })
}

// headerFields maps the header parameters of the run-creating routes to the
// request fields that carry them.
var headerFields = map[string]string{
	"x-user-agent":         "XUserAgent",
	"x-max-steps-override": "MaxStepsOverride",
}

// headerCase says a request type has a field, named in headerFields, for
// every header parameter of a POST route.
type headerCase struct {
	path   string
	goType any
}

func (c headerCase) label() string { return "post " + c.path }

func checkHeaders(t *testing.T, spec map[string]any, c headerCase) {
	for _, name := range parameters(operation(t, spec, "post", c.path), "header") {
		field, ok := headerFields[name]
		require.True(t, ok, "header %s of POST %s is not modelled", name, c.path)
		_, ok = reflect.TypeOf(c.goType).FieldByName(field)
		require.True(t, ok, "%T has no field %s for header %s", c.goType, field, name)
	}
}

func TestConformanceHeaderParameters(t *testing.T) {
	spec := openAPISpec(t)
	runAreas(t, func(a conformanceArea) []headerCase { return a.headers },
		func(t *testing.T, c headerCase) { checkHeaders(t, spec, c) })
}
