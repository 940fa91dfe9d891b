package skyvern_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

func TestConformanceCredentialSchemas(t *testing.T) {
	spec := openAPISpec(t)
	for _, c := range []struct {
		schema string
		goType any
	}{
		// The spec names the create body CreateCredentialRequest; the SDK's
		// CredentialRequest serves create and update, which take the same
		// body. credential_type is written from the credential's Go type.
		{"CreateCredentialRequest", skyvern.CredentialRequest{}},
		{"NonEmptyPasswordCredential", skyvern.PasswordCredential{}},
		{"NonEmptyCreditCardCredential", skyvern.CreditCardCredential{}},
		{"CreditCardBillingAddress", skyvern.CreditCardBillingAddress{}},
		{"SecretCredential", skyvern.SecretCredential{}},
		{"CredentialResponse", skyvern.CredentialResponse{}},
		{"PasswordCredentialResponse", skyvern.PasswordCredentialResponse{}},
		{"CreditCardCredentialResponse", skyvern.CreditCardCredentialResponse{}},
		{"SecretCredentialResponse", skyvern.SecretCredentialResponse{}},
		{"TOTPCodeCreate", skyvern.TOTPCodeRequest{}},
		{"TOTPCode", skyvern.TOTPCode{}},
	} {
		t.Run(c.schema, func(t *testing.T) {
			props, _ := schema(t, spec, c.schema)["properties"].(map[string]any)
			require.NotEmpty(t, props)
			names := jsonNames(reflect.TypeOf(c.goType))
			if _, ok := c.goType.(skyvern.CredentialRequest); ok {
				names["credential_type"] = true // derived from Credential
			}
			var missing []string
			for p := range props {
				if !names[p] {
					missing = append(missing, p)
				}
			}
			sort.Strings(missing)
			require.Empty(t, missing, "%T has no field for these properties of %s", c.goType, c.schema)
		})
	}
	t.Run("the server version", func(t *testing.T) {
		op := spec["paths"].(map[string]any)["/v1/version"].(map[string]any)["get"].(map[string]any)
		s := op["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		require.Equal(t, "object", s["type"], "an object of strings, which ServerVersion decodes with Extra")
	})
}

func TestConformanceCredentialEnums(t *testing.T) {
	spec := openAPISpec(t)
	consts := constants(t)
	for _, e := range []struct{ schema, goType string }{
		{"skyvern__forge__sdk__schemas__credentials__CredentialType", "CredentialType"},
		{"CredentialType-Output", "CredentialType"},
		{"CredentialVaultType", "CredentialVaultType"},
		{"TotpType", "TOTPType"},
		{"OTPType", "OTPType"},
	} {
		t.Run(e.schema, func(t *testing.T) {
			values, _ := schema(t, spec, e.schema)["enum"].([]any)
			require.NotEmpty(t, values)
			for _, v := range values {
				require.True(t, consts[e.goType][v.(string)], "no %s constant for %q", e.goType, v)
			}
		})
	}
	t.Run("IsKnown agrees with the constants", func(t *testing.T) {
		for v := range consts["CredentialType"] {
			require.True(t, skyvern.CredentialType(v).IsKnown(), v)
		}
		for v := range consts["CredentialVaultType"] {
			require.True(t, skyvern.CredentialVaultType(v).IsKnown(), v)
		}
		for v := range consts["TOTPType"] {
			require.True(t, skyvern.TOTPType(v).IsKnown(), v)
		}
		for v := range consts["OTPType"] {
			require.True(t, skyvern.OTPType(v).IsKnown(), v)
		}
	})
}

func TestConformanceCredentialQueryParameters(t *testing.T) {
	spec := openAPISpec(t)
	op := spec["paths"].(map[string]any)["/v1/credentials"].(map[string]any)["get"].(map[string]any)
	names := urlNames(reflect.TypeFor[skyvern.ListCredentialsParams]())
	for _, p := range op["parameters"].([]any) {
		p := p.(map[string]any)
		if p["in"] == "query" {
			require.True(t, names[p["name"].(string)], "ListCredentialsParams has no field for query parameter %s", p["name"])
		}
	}
}
