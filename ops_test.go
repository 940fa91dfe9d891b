package skyvern_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// TestEveryOperationHasAMethod checks the endpoint table (internal/endpoint)
// against the spec's facts: every operation of the spec is a row, by the
// name the spec gives it (the SDK calls the long-lived /v1/run/workflows and
// /v1/workflows... routes where the spec documents their newer twins
// /v1/run/agents and /v1/agents...; Skyvern serves both), every row is an
// operation of the spec, and every Client method a row names exists.
func TestEveryOperationHasAMethod(t *testing.T) {
	spec := openAPISpec(t)
	var ops []string
	for path, item := range spec["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			switch method {
			case "get", "post", "put", "patch", "delete":
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(ops)
	require.Len(t, ops, 87, "the spec's operations")

	rows := map[string]*endpoint.Endpoint{}
	for _, e := range endpoint.All() {
		require.Nil(t, rows[e.SpecPattern()], "%s is in the table twice", e.SpecPattern())
		rows[e.SpecPattern()] = e
	}
	client := reflect.TypeFor[*skyvern.Client]()
	inSpec := map[string]bool{}
	for _, op := range ops {
		inSpec[op] = true
		e := rows[op]
		if e == nil {
			t.Errorf("%s has no method: add one, and its row to internal/endpoint", op)
			continue
		}
		for _, name := range e.Methods {
			_, ok := client.MethodByName(name)
			assert.True(t, ok, "%s: Client has no method %s", op, name)
		}
	}
	for op := range rows {
		assert.True(t, inSpec[op], "the endpoint table names %s, which the spec does not have", op)
	}
}
