package skyvern_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// formNames returns the multipart form members a type's form tags name.
func formNames(typ reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("form"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// TestConformanceFileSchemas checks the upload's form and answer against
// the spec, both ways: every property has a field, every field a property.
func TestConformanceFileSchemas(t *testing.T) {
	spec := openAPISpec(t)
	for _, c := range []struct {
		schema string
		names  map[string]bool
	}{
		{"Body_upload_file_v1_upload_file_post", formNames(reflect.TypeFor[skyvern.UploadFileRequest]())},
		{"UploadFileResponse", jsonNames(reflect.TypeFor[skyvern.UploadedFile]())},
	} {
		t.Run(c.schema, func(t *testing.T) {
			props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
			require.NotEmpty(t, props)
			var missing []string
			for p := range props {
				if !c.names[p] {
					missing = append(missing, p)
				}
			}
			sort.Strings(missing)
			require.Empty(t, missing, "no field for these properties of %s", c.schema)
			for name := range c.names {
				require.Contains(t, props, name, "a field %s that %s does not define", name, c.schema)
			}
		})
	}
}
