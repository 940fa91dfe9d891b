package skyvern_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const passwordCredentialJSON = `{"credential_id":"cred_1","credential":{"username":"ops@example.com","totp_type":"email","totp_identifier":"ops@example.com"},` +
	`"credential_type":"password","name":"Portal","vault_type":"skyvern","browser_profile_id":null,"auto_profile_disabled":null,` +
	`"pin_saved_session_ip":false,"tested_url":null,"user_context":null,"save_browser_session_intent":null,"run_sequentially":false,` +
	`"folder_id":null,"proxy_location":"RESIDENTIAL_GB","proxy_session_id":null}`

func TestCredentialMethodsOnTheWire(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		route   string
		answer  string // "" answers 204 with no body
		call    func(c *skyvern.Client) error
		method  string
		rawPath string
		query   string
		body    string // exact bytes; "" means no body at all
	}{
		{
			name:   "CreateCredential sends a password credential with its secrets and derives credential_type",
			route:  "POST /v1/credentials",
			answer: passwordCredentialJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateCredential(ctx, skyvern.CredentialRequest{
					Name: "Portal",
					Credential: skyvern.PasswordCredential{
						Username: "ops@example.com", Password: skyvern.NewSecret("hunter2"),
						TOTP: skyvern.NewSecret("JBSWY3DPEHPK3PXP"), TOTPType: skyvern.TOTPTypeAuthenticator,
						Metadata: map[string]string{"team": "ops"},
					},
					VaultType:         skyvern.CredentialVaultTypeSkyvern,
					ProxyLocation:     skyvern.GeoTarget{Country: "US"},
					PinSavedSessionIP: skyvern.Ptr(false),
				})
				return err
			},
			method: "POST", rawPath: "/v1/credentials",
			body: `{"name":"Portal","vault_type":"skyvern","proxy_location":{"country":"US"},"pin_saved_session_ip":false,` +
				`"credential_type":"password","credential":{"username":"ops@example.com","password":"hunter2","totp":"JBSWY3DPEHPK3PXP",` +
				`"totp_type":"authenticator","metadata":{"team":"ops"}}}`,
		},
		{
			name:   "CreateCredential sends a card with its number, CVV and billing address",
			route:  "POST /v1/credentials",
			answer: `{"credential_id":"cred_2","credential":{"last_four":"4242","brand":"visa"},"credential_type":"credit_card","name":"Card"}`,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateCredential(ctx, skyvern.CredentialRequest{Name: "Card", Credential: skyvern.CreditCardCredential{
					CardNumber: skyvern.NewSecret("4242424242424242"), CardCVV: skyvern.NewSecret("424"),
					CardExpMonth: "12", CardExpYear: "2028", CardBrand: "visa", CardHolderName: "Jo Doe",
					BillingAddress: &skyvern.CreditCardBillingAddress{Line1: "1 Main St", CountryCode: "US"},
				}})
				return err
			},
			method: "POST", rawPath: "/v1/credentials",
			body: `{"name":"Card","credential_type":"credit_card","credential":{"card_number":"4242424242424242","card_cvv":"424",` +
				`"card_exp_month":"12","card_exp_year":"2028","card_brand":"visa",` +
				`"card_holder_name":"Jo Doe","billing_address":{"line1":"1 Main St","country_code":"US"}}}`,
		},
		{
			name:   "CreateCredential sends a secret and the caller's extra members",
			route:  "POST /v1/credentials",
			answer: `{"credential_id":"cred_3","credential":{"secret_label":"token"},"credential_type":"secret","name":"API"}`,
			call: func(c *skyvern.Client) error {
				_, err := c.CreateCredential(ctx, skyvern.CredentialRequest{
					Name:       "API",
					Credential: skyvern.SecretCredential{SecretValue: skyvern.NewSecret("s3cr3t"), SecretLabel: "token"},
					Extra:      map[string]json.RawMessage{"proxy_location": json.RawMessage("null")},
				})
				return err
			},
			method: "POST", rawPath: "/v1/credentials",
			body: `{"name":"API","proxy_location":null,"credential_type":"secret","credential":{"secret_value":"s3cr3t","secret_label":"token"}}`,
		},
		{
			name:   "UpdateCredential posts the whole credential to .../update",
			route:  "POST /v1/credentials/{id}/update",
			answer: passwordCredentialJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.UpdateCredential(ctx, "cred_1", skyvern.CredentialRequest{
					Name:                 "Portal",
					Credential:           skyvern.PasswordCredential{Username: "ops@example.com", Password: skyvern.NewSecret("n3w")},
					RotateProxySessionID: true,
				})
				return err
			},
			method: "POST", rawPath: "/v1/credentials/cred_1/update",
			body: `{"name":"Portal","rotate_proxy_session_id":true,"credential_type":"password","credential":{"username":"ops@example.com","password":"n3w"}}`,
		},
		{
			name:   "GetCredential escapes the id",
			route:  "GET /v1/credentials/{id}",
			answer: passwordCredentialJSON,
			call: func(c *skyvern.Client) error {
				_, err := c.GetCredential(ctx, "a/b")
				return err
			},
			method: "GET", rawPath: "/v1/credentials/a%2Fb",
		},
		{
			name:   "ListCredentialsPage sends the filters",
			route:  "GET /v1/credentials",
			answer: `[]`,
			call: func(c *skyvern.Client) error {
				_, err := c.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{Page: 2, PageSize: 5,
					VaultType: skyvern.CredentialVaultTypeBitwarden, CredentialType: skyvern.CredentialTypeCreditCard, Search: "visa"})
				return err
			},
			method: "GET", rawPath: "/v1/credentials",
			query: "credential_type=credit_card&page=2&page_size=5&search=visa&vault_type=bitwarden",
		},
		{
			name:   "DeleteCredential posts no body and takes the 204",
			route:  "POST /v1/credentials/{id}/delete",
			call:   func(c *skyvern.Client) error { return c.DeleteCredential(ctx, "cred_1") },
			method: "POST", rawPath: "/v1/credentials/cred_1/delete",
		},
		{
			name:  "SendTOTPCode posts the code",
			route: "POST /v1/credentials/totp",
			answer: `{"totp_code_id":"totp_1","totp_identifier":"ops@example.com","code":"123456","content":"123456","organization_id":"o_1",` +
				`"created_at":"2026-01-31T15:20:42.160725","modified_at":"2026-01-31T15:20:42.160725","otp_type":"totp"}`,
			call: func(c *skyvern.Client) error {
				_, err := c.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com", Content: "123456", WorkflowRunID: "wr_1", Source: "sms"})
				return err
			},
			method: "POST", rawPath: "/v1/credentials/totp",
			body: `{"totp_identifier":"ops@example.com","content":"123456","workflow_run_id":"wr_1","source":"sms"}`,
		},
		{
			name:   "GetServerVersion sends no body",
			route:  "GET /v1/version",
			answer: `{"version":"abc1234"}`,
			call: func(c *skyvern.Client) error {
				_, err := c.GetServerVersion(ctx)
				return err
			},
			method: "GET", rawPath: "/v1/version",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			if tc.answer == "" {
				f.handle(tc.route, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
			} else {
				f.reply(tc.route, http.StatusOK, tc.answer)
			}
			require.NoError(t, tc.call(f.client))
			got := f.only()
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, tc.rawPath, got.RawPath)
			assert.Equal(t, tc.query, got.Query)
			assert.Equal(t, tc.body, string(got.Body))
			if tc.body == "" {
				assert.Empty(t, got.Header.Get("Content-Type"))
			} else {
				assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
			}
			assert.Equal(t, testKey, got.Header.Get("x-api-key"))
		})
	}
}

func TestCredentialResponsesDecode(t *testing.T) {
	t.Run("a password credential, with its proxy and summary", func(t *testing.T) {
		var c skyvern.CredentialResponse
		require.NoError(t, json.Unmarshal([]byte(passwordCredentialJSON), &c))
		assert.Equal(t, "cred_1", c.CredentialID)
		assert.Equal(t, skyvern.CredentialTypePassword, c.CredentialType)
		assert.Equal(t, skyvern.PasswordCredentialResponse{Username: "ops@example.com", TOTPType: skyvern.TOTPTypeEmail, TOTPIdentifier: "ops@example.com"}, c.Credential)
		assert.Equal(t, skyvern.ProxyLocationResidentialGB, c.ProxyLocation)
		assert.Nil(t, c.AutoProfileDisabled)
		assert.Nil(t, c.Extra)
	})
	t.Run("a card and a secret", func(t *testing.T) {
		var list []skyvern.CredentialResponse
		require.NoError(t, json.Unmarshal([]byte(`[{"credential_id":"cred_2","credential":{"last_four":"4242","brand":"visa"},"credential_type":"credit_card","name":"Card"},`+
			`{"credential_id":"cred_3","credential":{"secret_label":null},"credential_type":"secret","name":"API","proxy_location":{"country":"DE","city":"Berlin"}}]`), &list))
		require.Len(t, list, 2)
		assert.Equal(t, skyvern.CreditCardCredentialResponse{LastFour: "4242", Brand: "visa"}, list[0].Credential)
		assert.Equal(t, skyvern.SecretCredentialResponse{}, list[1].Credential)
		assert.Equal(t, skyvern.GeoTarget{Country: "DE", City: "Berlin"}, list[1].ProxyLocation)
	})
	t.Run("unknown members, types and enum values are kept", func(t *testing.T) {
		in := `{"credential":{"key_id":"k1","n":12345678901234567890},"credential_type":"ssh_key","credential_id":"cred_9","name":"Box",` +
			`"pin_saved_session_ip":false,"run_sequentially":true,"vault_type":"hashicorp","brand_new":{"x":[1,2]}}`
		var c skyvern.CredentialResponse
		require.NoError(t, json.Unmarshal([]byte(in), &c))
		assert.Equal(t, skyvern.CredentialType("ssh_key"), c.CredentialType)
		assert.False(t, c.CredentialType.IsKnown())
		assert.Equal(t, skyvern.CredentialVaultType("hashicorp"), c.VaultType)
		assert.False(t, c.VaultType.IsKnown())
		assert.Equal(t, skyvern.RawCredentialResponseData(`{"key_id":"k1","n":12345678901234567890}`), c.Credential)
		assert.JSONEq(t, `{"x":[1,2]}`, string(c.Extra["brand_new"]))
		out, err := json.Marshal(c)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out))
		assert.Contains(t, string(out), "12345678901234567890", "exact numbers")
	})
	t.Run("unknown members of the summaries are kept", func(t *testing.T) {
		in := `{"credential":{"username":"u","totp_type":"hardware_key","nickname":"main"},"credential_type":"password","pin_saved_session_ip":false,"run_sequentially":false}`
		var c skyvern.CredentialResponse
		require.NoError(t, json.Unmarshal([]byte(in), &c))
		p, ok := c.Credential.(skyvern.PasswordCredentialResponse)
		require.True(t, ok)
		assert.Equal(t, skyvern.TOTPType("hardware_key"), p.TOTPType)
		assert.False(t, p.TOTPType.IsKnown())
		assert.JSONEq(t, `"main"`, string(p.Extra["nickname"]))
		out, err := json.Marshal(c)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out))
	})
	t.Run("a TOTP code with the server's raw_pending answer", func(t *testing.T) {
		var code skyvern.TOTPCode
		require.NoError(t, json.Unmarshal([]byte(`{"totp_code_id":"totp_1","totp_identifier":"a@b.c","code":"","content":"long message",`+
			`"organization_id":"o_1","created_at":"2026-01-31T15:20:42.160725","modified_at":"2026-01-31T15:20:42Z","expired_at":null,`+
			`"otp_type":null,"type":"sms_link","status":"raw_pending"}`), &code))
		assert.Empty(t, code.Code)
		assert.Equal(t, `"raw_pending"`, string(code.Extra["status"]))
		assert.Equal(t, skyvern.OTPType("sms_link"), code.Type)
		assert.False(t, code.Type.IsKnown())
		assert.Equal(t, "2026-01-31T15:20:42Z", code.ModifiedAt.UTC().Format("2006-01-02T15:04:05Z07:00"))
		assert.True(t, code.ExpiredAt.IsZero())
	})
	t.Run("a server version with more members", func(t *testing.T) {
		var v skyvern.ServerVersion
		require.NoError(t, json.Unmarshal([]byte(`{"version":"abc1234","build":"2026-01-31"}`), &v))
		assert.Equal(t, "abc1234", v.Version)
		assert.JSONEq(t, `"2026-01-31"`, string(v.Extra["build"]))
	})
	t.Run("a credential request decodes by its type, as the fake reads it", func(t *testing.T) {
		var r skyvern.CredentialRequest
		require.NoError(t, json.Unmarshal([]byte(`{"name":"n","credential_type":"credit_card","credential":{"card_number":"4111","card_cvv":"1","x":1},"proxy_location":"NONE"}`), &r))
		card, ok := r.Credential.(skyvern.CreditCardCredential)
		require.True(t, ok)
		assert.Equal(t, "4111", card.CardNumber.Reveal())
		assert.Equal(t, "1", card.CardCVV.Reveal())
		assert.JSONEq(t, `1`, string(card.Extra["x"]))
		assert.Equal(t, skyvern.ProxyLocationNone, r.ProxyLocation)

		var unknown skyvern.CredentialRequest
		require.NoError(t, json.Unmarshal([]byte(`{"name":"n","credential_type":"ssh_key","credential":{"k":"v"}}`), &unknown))
		assert.Nil(t, unknown.Credential)
		out, err := json.Marshal(unknown)
		require.NoError(t, err)
		assert.JSONEq(t, `{"name":"n","credential_type":"ssh_key","credential":{"k":"v"}}`, string(out))
	})
}

func TestListCredentialsIterates(t *testing.T) {
	f := setup(t)
	f.handle("GET /v1/credentials", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			status(200, `[{"credential_id":"cred_1","credential_type":"secret","credential":{}},{"credential_id":"cred_2","credential_type":"secret","credential":{}}]`)(w, r)
			return
		}
		status(200, `[{"credential_id":"cred_3","credential_type":"secret","credential":{}}]`)(w, r)
	})
	var ids []string
	for c, err := range f.client.ListCredentials(context.Background(), skyvern.ListCredentialsParams{PageSize: 2, CredentialType: skyvern.CredentialTypeSecret}) {
		require.NoError(t, err)
		ids = append(ids, c.CredentialID)
	}
	assert.Equal(t, []string{"cred_1", "cred_2", "cred_3"}, ids)
	var queries []string
	for _, r := range f.requests() {
		queries = append(queries, r.Query)
	}
	assert.Equal(t, []string{"credential_type=secret&page=1&page_size=2", "credential_type=secret&page=2&page_size=2"}, queries)
}

func TestCredentialErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("empty ids are refused before sending", func(t *testing.T) {
		f := setup(t)
		_, err := f.client.GetCredential(ctx, "")
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
		_, err = f.client.UpdateCredential(ctx, "", skyvern.CredentialRequest{})
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
		assert.ErrorIs(t, f.client.DeleteCredential(ctx, ""), skyvern.ErrEmptyID)
		assert.Empty(t, f.requests())
	})
	t.Run("an unknown credential is ErrNotFound", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/credentials/{id}", 404, `{"detail":"Credential not found"}`)
		f.reply("POST /v1/credentials/{id}/delete", 404, `{"detail":"Credential not found, credential_id=cred_x"}`)
		_, err := f.client.GetCredential(ctx, "cred_x")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		err = f.client.DeleteCredential(ctx, "cred_x")
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.EqualError(t, err, "skyvern: POST /v1/credentials/cred_x/delete: 404 Not Found: Credential not found, credential_id=cred_x")
	})
	t.Run("a missing field is ErrValidation with the server's list", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/credentials", 422, `{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{}}]}`)
		_, err := f.client.CreateCredential(ctx, skyvern.CredentialRequest{Credential: skyvern.SecretCredential{SecretValue: skyvern.NewSecret("v")}})
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, skyvern.ErrValidation)
		assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "a 422 is a refusal")
		require.Len(t, apiErr.ValidationErrors, 1)
		assert.Equal(t, "body.name: Field required", apiErr.ValidationErrors[0].String())
	})
	t.Run("a malformed credential is ErrMalformedResponse", func(t *testing.T) {
		f := setup(t)
		f.reply("GET /v1/credentials/{id}", 200, `{"credential_type":"password","credential":"not an object"}`)
		_, err := f.client.GetCredential(ctx, "cred_1")
		assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
	})
}

func TestCredentialRetryRules(t *testing.T) {
	ctx := context.Background()
	req := skyvern.CredentialRequest{Name: "n", Credential: skyvern.SecretCredential{SecretValue: skyvern.NewSecret("v")}}
	t.Run("a create that may have arrived is not repeated", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/credentials", 502, `{"detail":"bad gateway"}`)
		_, err := f.client.CreateCredential(ctx, req)
		assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("a create refused with 429 is repeated", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/credentials", sequence(status(429, `{}`), status(201, `{"credential_id":"cred_1"}`)))
		c, err := f.client.CreateCredential(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, "cred_1", c.CredentialID)
		assert.Len(t, f.requests(), 2)
	})
	for _, tc := range []struct {
		name, route string
		call        func(c *skyvern.Client) error
	}{
		{"an update is retried like a read", "POST /v1/credentials/{id}/update", func(c *skyvern.Client) error {
			_, err := c.UpdateCredential(ctx, "cred_1", req)
			return err
		}},
		{"a delete is retried like a read", "POST /v1/credentials/{id}/delete", func(c *skyvern.Client) error { return c.DeleteCredential(ctx, "cred_1") }},
		{"a get is retried", "GET /v1/credentials/{id}", func(c *skyvern.Client) error {
			_, err := c.GetCredential(ctx, "cred_1")
			return err
		}},
		{"a TOTP code is retried, since it is useful for seconds only", "POST /v1/credentials/totp", func(c *skyvern.Client) error {
			_, err := c.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "a", Content: "1"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			f.handle(tc.route, sequence(status(502, `{"detail":"OTP extraction is temporarily unavailable"}`), status(200, `{"credential_id":"cred_1","totp_code_id":"totp_1"}`)))
			require.NoError(t, tc.call(f.client))
			reqs := f.requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, string(reqs[0].Body), string(reqs[1].Body), "the same body on every attempt")
		})
	}
}

func BenchmarkDecodeCredentialList(b *testing.B) {
	list := []byte("[" + strings.TrimSuffix(strings.Repeat(passwordCredentialJSON+",", 100), ",") + "]")
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(list)))
		for b.Loop() {
			var out []skyvern.CredentialResponse
			if err := json.Unmarshal(list, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(list)))
		for b.Loop() {
			out := newPlain[[]skyvern.CredentialResponse]()
			if err := json.Unmarshal(list, out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

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

func ExampleClient_CreateCredential() {
	srv, _ := skyverntest.Start()
	defer srv.Close()
	client := srv.Client() // with the real API: skyvern.NewClient()
	ctx := context.Background()
	os.Setenv("PORTAL_PASSWORD", "correct horse battery staple") // for this example only
	defer os.Unsetenv("PORTAL_PASSWORD")

	cred, err := client.CreateCredential(ctx, skyvern.CredentialRequest{
		Name: "Billing portal",
		Credential: skyvern.PasswordCredential{
			Username:       "ops@example.com",
			Password:       skyvern.NewSecret(os.Getenv("PORTAL_PASSWORD")), // prints as [redacted]
			TOTPType:       skyvern.TOTPTypeEmail,
			TOTPIdentifier: "ops@example.com",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cred.CredentialID, cred.Credential) // Skyvern answers without the password

	// When the site emails a code during a login run, hand it over.
	code, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com", Content: "Your code is 123456"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(code.Code)

	// Secrets never print, in any verb, nor in a struct that holds them.
	fmt.Printf("%v %+v\n", skyvern.NewSecret(os.Getenv("PORTAL_PASSWORD")), skyvern.SecretCredential{SecretValue: skyvern.NewSecret("tok")})

	if err := client.DeleteCredential(ctx, cred.CredentialID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// cred_1000000001 {ops@example.com email ops@example.com map[]}
	// 123456
	// [redacted] {SecretValue:[redacted] SecretLabel: Extra:map[]}
}
