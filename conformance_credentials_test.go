package skyvern_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// credentialConformance is the credentials and TOTP area.
var credentialConformance = conformanceArea{
	name: "credentials",
	schemas: []schemaCase{
		// The spec names the create body CreateCredentialRequest; the SDK's
		// CredentialRequest serves create and update, which take the same
		// body. credential_type is written from the credential's Go type.
		{schema: "CreateCredentialRequest", goType: skyvern.CredentialRequest{}, extra: []string{"credential_type"}},
		{schema: "NonEmptyPasswordCredential", goType: skyvern.PasswordCredential{}},
		{schema: "NonEmptyCreditCardCredential", goType: skyvern.CreditCardCredential{}},
		{schema: "CreditCardBillingAddress", goType: skyvern.CreditCardBillingAddress{}},
		{schema: "SecretCredential", goType: skyvern.SecretCredential{}},
		{schema: "CredentialResponse", goType: skyvern.CredentialResponse{}},
		{schema: "PasswordCredentialResponse", goType: skyvern.PasswordCredentialResponse{}},
		{schema: "CreditCardCredentialResponse", goType: skyvern.CreditCardCredentialResponse{}},
		{schema: "SecretCredentialResponse", goType: skyvern.SecretCredentialResponse{}},
		{schema: "TOTPCodeCreate", goType: skyvern.TOTPCodeRequest{}},
		{schema: "TOTPCode", goType: skyvern.TOTPCode{}},
	},
	enums: []enumCase{
		{values: specEnum("skyvern__forge__sdk__schemas__credentials__CredentialType"), goType: goEnum[skyvern.CredentialType]()},
		{values: specEnum("CredentialType-Output"), goType: goEnum[skyvern.CredentialType]()},
		{values: specEnum("CredentialVaultType"), goType: goEnum[skyvern.CredentialVaultType]()},
		{values: specEnum("TotpType"), goType: goEnum[skyvern.TOTPType]()},
		{values: specEnum("OTPType"), goType: goEnum[skyvern.OTPType]()},
	},
	queries: []queryCase{
		{method: "get", path: "/v1/credentials", goType: skyvern.ListCredentialsParams{}},
	},
}

func TestConformanceServerVersionIsAnObject(t *testing.T) {
	op := operation(t, openAPISpec(t), "get", "/v1/version")
	s := op["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	require.Equal(t, "object", s["type"], "an object of strings, which ServerVersion decodes with Extra")
}
