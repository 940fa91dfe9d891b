package skyverntest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// The secrets hold letters outside hexadecimal, so that no id or address
// can contain one by chance.
const (
	testPassword = "pw-zq8!\"quote\\<é>"
	testSeed     = "JBSWY3DPEHPK3PXP-zseed"
	testCard     = "4000z0566z5566z5556"
	testCVV      = "cvv-z713"
	testToken    = "tok_zzSECRETzz"
	testCode     = "zz-code-991177"
)

var testSecrets = []string{testPassword, testSeed, testCard, testCVV, testToken, testCode,
	// as JSON writes them
	`pw-zq8!\"quote\\`, `\u003cé\u003e`}

func assertNoSecrets(t *testing.T, text, what string) {
	t.Helper()
	for _, s := range testSecrets {
		assert.NotContains(t, text, s, "%s shows a secret", what)
	}
}

func passwordRequest(name string) skyvern.CredentialRequest {
	return skyvern.CredentialRequest{Name: name, Credential: skyvern.PasswordCredential{
		Username: "ops@example.com", Password: skyvern.NewSecret(testPassword), TOTP: skyvern.NewSecret(testSeed),
		TOTPType: skyvern.TOTPTypeEmail, TOTPIdentifier: "ops@example.com",
	}}
}

func cardRequest(name string) skyvern.CredentialRequest {
	return skyvern.CredentialRequest{Name: name, VaultType: skyvern.CredentialVaultTypeBitwarden, Credential: skyvern.CreditCardCredential{
		CardNumber: skyvern.NewSecret(testCard), CardCVV: skyvern.NewSecret(testCVV),
		CardExpMonth: "12", CardExpYear: "2030", CardBrand: "visa", CardHolderName: "Jo Doe",
	}}
}

func secretRequest(name string) skyvern.CredentialRequest {
	return skyvern.CredentialRequest{Name: name, Credential: skyvern.SecretCredential{SecretValue: skyvern.NewSecret(testToken), SecretLabel: "token"}}
}

// wantAPIError returns err as an *APIError with the given status, failing
// the test if it is not one.
func wantAPIError(t *testing.T, err error, status int) *skyvern.APIError {
	t.Helper()
	ae := apiError(t, err)
	require.Equal(t, status, ae.StatusCode, "%v", err)
	return ae
}

func TestCredentialsThroughTheClient(t *testing.T) {
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()

	pw, err := client.CreateCredential(ctx, passwordRequest("Portal"))
	require.NoError(t, err)
	card, err := client.CreateCredential(ctx, cardRequest("Company card"))
	require.NoError(t, err)
	secret, err := client.CreateCredential(ctx, secretRequest("Partner API"))
	require.NoError(t, err)

	t.Run("create answers the credential without its secrets", func(t *testing.T) {
		assert.Regexp(t, `^cred_\d+$`, pw.CredentialID)
		assert.Equal(t, skyvern.CredentialTypePassword, pw.CredentialType)
		assert.Equal(t, "Portal", pw.Name)
		assert.Equal(t, skyvern.CredentialVaultTypeSkyvern, pw.VaultType)
		assert.Equal(t, skyvern.PasswordCredentialResponse{Username: "ops@example.com", TOTPType: skyvern.TOTPTypeEmail,
			TOTPIdentifier: "ops@example.com"}, pw.Credential)
		assert.Equal(t, skyvern.CreditCardCredentialResponse{LastFour: "5556", Brand: "visa"}, card.Credential)
		assert.Equal(t, skyvern.CredentialVaultTypeBitwarden, card.VaultType)
		assert.Equal(t, skyvern.SecretCredentialResponse{SecretLabel: "token"}, secret.Credential)
		assert.Equal(t, "POST /v1/credentials", srv.Requests()[0].Route)
	})
	t.Run("get answers it without its secrets", func(t *testing.T) {
		for _, want := range []*skyvern.CredentialResponse{pw, card, secret} {
			got, err := client.GetCredential(ctx, want.CredentialID)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			b, err := json.Marshal(got)
			require.NoError(t, err)
			assertNoSecrets(t, string(b), "Get Credential")
		}
	})
	t.Run("lists are newest first, paged and filtered", func(t *testing.T) {
		ids := func(list []skyvern.CredentialResponse) []string {
			var out []string
			for _, c := range list {
				out = append(out, c.CredentialID)
			}
			return out
		}
		page, err := client.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{})
		require.NoError(t, err)
		assert.Equal(t, []string{secret.CredentialID, card.CredentialID, pw.CredentialID}, ids(page))
		page, err = client.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{Page: 2, PageSize: 1})
		require.NoError(t, err)
		assert.Equal(t, []string{card.CredentialID}, ids(page))
		page, err = client.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{CredentialType: skyvern.CredentialTypeCreditCard})
		require.NoError(t, err)
		assert.Equal(t, []string{card.CredentialID}, ids(page))
		page, err = client.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{VaultType: skyvern.CredentialVaultTypeSkyvern, Search: "PORT"})
		require.NoError(t, err)
		assert.Equal(t, []string{pw.CredentialID}, ids(page))

		var all []string
		for c, err := range client.ListCredentials(ctx, skyvern.ListCredentialsParams{PageSize: 2}) {
			require.NoError(t, err)
			all = append(all, c.CredentialID)
		}
		assert.Equal(t, []string{secret.CredentialID, card.CredentialID, pw.CredentialID}, all, "the iterator reads every page")
	})
	t.Run("update replaces the credential and keeps its id", func(t *testing.T) {
		req := passwordRequest("Portal (new)")
		req.Credential = skyvern.PasswordCredential{Username: "ops2@example.com", Password: skyvern.NewSecret(testPassword)}
		req.PinSavedSessionIP = skyvern.Ptr(true)
		got, err := client.UpdateCredential(ctx, pw.CredentialID, req)
		require.NoError(t, err)
		assert.Equal(t, pw.CredentialID, got.CredentialID)
		assert.Equal(t, "Portal (new)", got.Name)
		assert.True(t, got.PinSavedSessionIP)
		assert.Equal(t, skyvern.PasswordCredentialResponse{Username: "ops2@example.com", TOTPType: skyvern.TOTPTypeNone}, got.Credential)
		again, err := client.GetCredential(ctx, pw.CredentialID)
		require.NoError(t, err)
		assert.Equal(t, got, again)
	})
	t.Run("delete removes it", func(t *testing.T) {
		require.NoError(t, client.DeleteCredential(ctx, secret.CredentialID))
		_, err := client.GetCredential(ctx, secret.CredentialID)
		require.ErrorIs(t, err, skyvern.ErrNotFound)
		assert.Equal(t, "Credential not found", wantAPIError(t, err, 404).Detail)
		page, err := client.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{})
		require.NoError(t, err)
		assert.Len(t, page, 2)
	})
}

func TestCredentialErrors(t *testing.T) {
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()
	const unknown = "cred_404404404"

	t.Run("404 for an unknown id, in the server's words", func(t *testing.T) {
		_, err := client.GetCredential(ctx, unknown)
		assert.Equal(t, "Credential not found", wantAPIError(t, err, 404).Detail)
		_, err = client.UpdateCredential(ctx, unknown, passwordRequest("x"))
		assert.Equal(t, "Credential not found, credential_id="+unknown, wantAPIError(t, err, 404).Detail)
		err = client.DeleteCredential(ctx, unknown)
		assert.Equal(t, "Credential not found, credential_id="+unknown, wantAPIError(t, err, 404).Detail)
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
	})
	t.Run("422 for a missing member, nothing stored", func(t *testing.T) {
		_, err := client.CreateCredential(ctx, skyvern.CredentialRequest{Credential: skyvern.PasswordCredential{Username: "u"}})
		require.ErrorIs(t, err, skyvern.ErrValidation)
		var locs []string
		for _, v := range wantAPIError(t, err, 422).ValidationErrors {
			locs = append(locs, fmt.Sprint(v.Loc))
			assert.Equal(t, "missing", v.Type)
		}
		assert.Equal(t, []string{"[body credential NonEmptyPasswordCredential password]", "[body name]"}, locs)

		_, err = client.CreateCredential(ctx, skyvern.CredentialRequest{Name: "card", Credential: skyvern.CreditCardCredential{CardNumber: skyvern.NewSecret(testCard)}})
		ae := wantAPIError(t, err, 422)
		assert.Len(t, ae.ValidationErrors, 5, "every missing card member")
		assertNoSecrets(t, fmt.Sprintf("%+v %#v", err, ae), "the error")

		_, err = client.CreateCredential(ctx, skyvern.CredentialRequest{Name: "no credential"})
		assert.Equal(t, 422, wantAPIError(t, err, 422).StatusCode)

		page, err := client.ListCredentialsPage(ctx, skyvern.ListCredentialsParams{})
		require.NoError(t, err)
		assert.Empty(t, page)
	})
	t.Run("422 for an update that misses a member", func(t *testing.T) {
		c, err := client.CreateCredential(ctx, secretRequest("s"))
		require.NoError(t, err)
		_, err = client.UpdateCredential(ctx, c.CredentialID, skyvern.CredentialRequest{Name: "s", Credential: skyvern.SecretCredential{SecretLabel: "l"}})
		ae := wantAPIError(t, err, 422)
		require.Len(t, ae.ValidationErrors, 1)
		assert.Equal(t, []any{"body", "credential", "SecretCredential", "secret_value"}, ae.ValidationErrors[0].Loc)
	})
	t.Run("422 for a bad list filter", func(t *testing.T) {
		for _, p := range []skyvern.ListCredentialsParams{
			{Page: -1},
			{PageSize: -3},
			{Search: strings.Repeat("x", 201)},
			{CredentialType: "passkey"},
			{VaultType: "vault9"},
		} {
			_, err := client.ListCredentialsPage(ctx, p)
			assert.ErrorIs(t, err, skyvern.ErrValidation, "%+v", p)
		}
	})
	t.Run("422 for an unknown enum value in the body", func(t *testing.T) {
		req := passwordRequest("p")
		req.Credential = skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret(testPassword), TOTPType: "carrier-pigeon"}
		_, err := client.CreateCredential(ctx, req)
		ae := wantAPIError(t, err, 422)
		assertNoSecrets(t, fmt.Sprintf("%+v", ae)+string(ae.Body), "the error")
	})
}

func TestSendTOTPCodeThroughTheClient(t *testing.T) {
	srv := skyverntest.NewServer(t)
	client := srv.Client()
	ctx := context.Background()

	short, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "Ops@Example.com", Content: "123456", Source: "email"})
	require.NoError(t, err)
	assert.Equal(t, "123456", short.Code)
	assert.Equal(t, "ops@example.com", short.TOTPIdentifier, "emails are stored in lower case")
	assert.Equal(t, skyvern.OTPTypeTOTP, short.OTPType)
	assert.Regexp(t, `^totp_\d+$`, short.TOTPCodeID)
	assert.NotEmpty(t, short.OrganizationID)
	assert.False(t, short.CreatedAt.IsZero())

	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Log in"})
	require.NoError(t, err)
	long, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "+14155550100", Content: "Your code is 998877. It expires soon.", TaskID: run.RunID})
	require.NoError(t, err)
	assert.Equal(t, "998877", long.Code, "the digits are taken from a long message")
	assert.Equal(t, run.RunID, long.TaskID)

	raw, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com", Content: "Click the link we sent you to sign in"})
	require.NoError(t, err)
	assert.Empty(t, raw.Code, "a message without a code is kept raw")
	assert.JSONEq(t, `"raw_pending"`, string(raw.Extra["status"]))

	t.Run("the codes received are there for the test to read", func(t *testing.T) {
		codes := srv.TOTPCodes()
		require.Len(t, codes, 3)
		assert.Equal(t, []string{"123456", "998877", ""}, []string{codes[0].Code, codes[1].Code, codes[2].Code})
		assert.Equal(t, *short, codes[0])
	})
	t.Run("400 for a message without a code too long to keep raw", func(t *testing.T) {
		client := skyverntest.NewServer(t).Client() // its codes are not the test's
		_, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "i", Content: strings.Repeat("é", 65537)})
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, "Failed to parse otp login", apiErr.Detail)
		_, err = client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "i", Content: strings.Repeat("é", 65536)})
		require.NoError(t, err, "the limit counts characters, not bytes")
		_, err = client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "i", Content: "ééééé12345"})
		require.NoError(t, err)
	})
	t.Run("400 for a run or workflow that does not exist", func(t *testing.T) {
		for _, req := range []skyvern.TOTPCodeRequest{
			{TOTPIdentifier: "i", Content: "1", TaskID: "tsk_404"},
			{TOTPIdentifier: "i", Content: "1", WorkflowRunID: "wr_404"},
			{TOTPIdentifier: "i", Content: "1", WorkflowID: "wpid_404"},
		} {
			_, err := client.SendTOTPCode(ctx, req)
			require.ErrorIs(t, err, skyvern.ErrBadRequest)
			assert.Regexp(t, `^Invalid (task|workflow|workflow run) id: \w+_404$`, wantAPIError(t, err, 400).Detail)
		}
	})
	t.Run("422 for a missing member", func(t *testing.T) {
		_, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com"})
		ae := wantAPIError(t, err, 422)
		require.Len(t, ae.ValidationErrors, 1)
		assert.Equal(t, []any{"body", "content"}, ae.ValidationErrors[0].Loc)
		assert.Len(t, srv.TOTPCodes(), 3, "nothing stored")
	})
}

func TestGetServerVersionThroughTheClient(t *testing.T) {
	srv := skyverntest.NewServer(t)
	v, err := srv.Client().GetServerVersion(context.Background())
	require.NoError(t, err)
	assert.Equal(t, skyverntest.ServerVersion, v.Version)
	assert.Empty(t, v.Extra)

	_, err = skyverntest.NewServer(t).Client(skyvern.WithAPIKey("wrong")).GetServerVersion(context.Background())
	assert.ErrorIs(t, err, skyvern.ErrUnauthorized)
}

// post sends body to path as it is, for bodies the client would never
// write.
func post(t *testing.T, srv *skyverntest.Server, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Api-Key", srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestSecretsAreRecordedRedactedAndNeverLogged(t *testing.T) {
	var logs syncBuffer
	srv := skyverntest.NewServer(t, skyverntest.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	client := srv.Client()
	ctx := context.Background()

	pw, err := client.CreateCredential(ctx, passwordRequest("Portal"))
	require.NoError(t, err)
	_, err = client.CreateCredential(ctx, cardRequest("Card"))
	require.NoError(t, err)
	_, err = client.CreateCredential(ctx, secretRequest("Token"))
	require.NoError(t, err)
	_, err = client.UpdateCredential(ctx, pw.CredentialID, passwordRequest("Portal 2"))
	require.NoError(t, err)
	_, err = client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com", Content: testCode})
	require.NoError(t, err)
	// Refused bodies, whose 422 answers quote them.
	_, err = client.CreateCredential(ctx, skyvern.CredentialRequest{Credential: skyvern.PasswordCredential{Password: skyvern.NewSecret(testPassword)}})
	require.ErrorIs(t, err, skyvern.ErrValidation)
	bad := passwordRequest("p")
	bad.Credential = skyvern.PasswordCredential{Username: "u", Password: skyvern.NewSecret(testPassword), TOTPType: "carrier-pigeon"}
	_, err = client.CreateCredential(ctx, bad)
	require.ErrorIs(t, err, skyvern.ErrValidation)
	// Bodies only a hand-written client sends: members in other cases
	// (which encoding/json still matches to the fields), repeated members,
	// a secret of the wrong type, and bodies that are not JSON objects.
	odd := []string{
		`{"name":"n","credential_type":"password","credential":{"username":"u","PassWord":"` + testCard + `"}}`,
		`{"name":"n","credential_type":"secret","Credential":{"secret_value":"` + testToken + `","secret_value":"` + testCVV + `"}}`,
		`{"name":"n","credential_type":"password","credential":{"username":"u","password":{"v":"` + testSeed + `"}}}`,
		`{"name":"n","credential_type":"password","credential":{"username":"u","password":"` + testToken + `"}`,
		`["` + testToken + `"]`,
		`{"name":"n"} "` + testToken + `"`,
	}
	for _, body := range odd {
		post(t, srv, "/v1/credentials", body)
	}
	post(t, srv, "/v1/credentials/totp", `{"totp_identifier":"i","Content":"`+testCode+`","task_id":7}`)

	reqs := srv.Requests()
	var secretRoutes int
	for _, r := range reqs {
		switch r.Route {
		case skyverntest.RouteCreateCredential, skyverntest.RouteUpdateCredential, skyverntest.RouteSendTOTPCode:
			secretRoutes++
			assertNoSecrets(t, string(r.Body), "the recorded body of "+r.Route)
			assert.Contains(t, string(r.Body), `"[redacted]"`, r.Route)
		}
	}
	assert.Equal(t, 4+1+2+len(odd)+1, secretRoutes)
	assertNoSecrets(t, logs.String(), "the server's log")
	assert.Contains(t, logs.String(), "refused with 422", "the refusals were logged")

	t.Run("the rest of a body is kept byte for byte", func(t *testing.T) {
		first := reqs[0]
		var got map[string]any
		require.NoError(t, json.Unmarshal(first.Body, &got))
		assert.Equal(t, map[string]any{"username": "ops@example.com", "password": "[redacted]", "totp": "[redacted]",
			"totp_type": "email", "totp_identifier": "ops@example.com"}, got["credential"])
		assert.Equal(t, "Portal", got["name"])
		i := slices.IndexFunc(reqs, func(r skyverntest.RecordedRequest) bool {
			return bytes.HasPrefix(r.Body, []byte(`{"name":"n","credential_type":"secret"`))
		})
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, `{"name":"n","credential_type":"secret","Credential":{"secret_value":"[redacted]","secret_value":"[redacted]"}}`, string(reqs[i].Body))
	})
	t.Run("a body that is not a JSON object is not kept", func(t *testing.T) {
		n := 0
		for _, r := range reqs {
			if string(r.Body) == `"[redacted]"` {
				n++
			}
		}
		assert.Equal(t, 3, n, "the cut-off object, the list and the trailing value")
	})
	t.Run("the admin API shows the recorded bodies", func(t *testing.T) {
		resp, err := http.Get(srv.URL + skyverntest.AdminPrefix + "requests")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		if resp.StatusCode == http.StatusOK {
			assertNoSecrets(t, string(b), "the admin API")
		}
	})
	t.Run("the store still has the secrets, for the fake's own use", func(t *testing.T) {
		got, err := client.GetCredential(ctx, pw.CredentialID)
		require.NoError(t, err)
		assert.Equal(t, "Portal 2", got.Name)
		codes := srv.TOTPCodes()
		require.NotEmpty(t, codes)
		assert.Equal(t, testCode, codes[0].Content)
		assert.False(t, errors.Is(err, skyvern.ErrNotFound))
	})
}

// A credential links a live browser profile that no other credential
// links, as the server checks; an update that leaves the profile out keeps
// the link.
func TestCredentialBrowserProfileLink(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := context.Background()
	profile, err := client.CreateBrowserProfile(ctx, skyvern.CreateBrowserProfileRequest{Name: "portal"})
	require.NoError(t, err)

	req := passwordRequest("Portal")
	req.BrowserProfileID = "bp_404"
	_, err = client.CreateCredential(ctx, req)
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "Browser profile not found, browser_profile_id=bp_404", apiErr.Detail)

	req.BrowserProfileID = profile.BrowserProfileID
	linked, err := client.CreateCredential(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, profile.BrowserProfileID, linked.BrowserProfileID)

	_, err = client.CreateCredential(ctx, req)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "This browser profile is already linked to another credential.", apiErr.Detail)

	updated, err := client.UpdateCredential(ctx, linked.CredentialID, passwordRequest("Portal renamed"))
	require.NoError(t, err)
	assert.Equal(t, "Portal renamed", updated.Name)
	assert.Equal(t, profile.BrowserProfileID, updated.BrowserProfileID, "a link the update leaves out is kept")
	_, err = client.UpdateCredential(ctx, linked.CredentialID, req)
	require.NoError(t, err, "relinking its own profile is no conflict")
}

// A credential the test names, rather than creates, is served as one
// created through the API, and a login run may use it.
func TestAddCredential(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := context.Background()
	require.NoError(t, srv.AddCredential("cred_from_config", passwordRequest("Portal")))
	got, err := client.GetCredential(ctx, "cred_from_config")
	require.NoError(t, err)
	assert.Equal(t, "Portal", got.Name)
	_, err = client.RunLogin(ctx, skyvern.LoginRequest{CredentialSource: skyvern.CredentialSourceSkyvern, CredentialID: "cred_from_config"})
	require.NoError(t, err)

	err = srv.AddCredential("cred_2", skyvern.CredentialRequest{Credential: skyvern.PasswordCredential{Password: skyvern.NewSecret(testPassword)}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "body.name: Field required")
	assertNoSecrets(t, err.Error(), "AddCredential's error")
	assert.Error(t, srv.AddCredential("", passwordRequest("x")))
	_, err = client.GetCredential(ctx, "cred_2")
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "nothing is stored from an incomplete request")
}
