package skyverntest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

func TestCredentialStore(t *testing.T) {
	s := newCredentialStore()
	pw, problems := s.create(skyvern.CredentialRequest{Name: "Portal", Credential: skyvern.PasswordCredential{
		Username: "ops@example.com", Password: skyvern.NewSecret("hunter2"), TOTP: skyvern.NewSecret("SEED"),
	}})
	require.Nil(t, problems)
	card, _ := s.create(skyvern.CredentialRequest{Name: "Card", VaultType: skyvern.CredentialVaultTypeBitwarden, Credential: skyvern.CreditCardCredential{
		CardNumber: skyvern.NewSecret("4242424242424242"), CardCVV: skyvern.NewSecret("424"),
		CardExpMonth: "12", CardExpYear: "2030", CardBrand: "visa", CardHolderName: "Jo Doe",
	}})
	secret, _ := s.create(skyvern.CredentialRequest{Name: "API", Credential: skyvern.SecretCredential{SecretValue: skyvern.NewSecret("tok"), SecretLabel: "token"}})

	t.Run("ids are cred_ and distinct", func(t *testing.T) {
		assert.Regexp(t, `^cred_\d+$`, pw.CredentialID)
		assert.NotEqual(t, pw.CredentialID, card.CredentialID)
	})
	t.Run("answers carry what the server shows, never the secrets", func(t *testing.T) {
		assert.Equal(t, skyvern.PasswordCredentialResponse{Username: "ops@example.com", TOTPType: skyvern.TOTPTypeNone}, pw.Credential)
		assert.Equal(t, skyvern.CreditCardCredentialResponse{LastFour: "4242", Brand: "visa"}, card.Credential)
		assert.Equal(t, skyvern.SecretCredentialResponse{SecretLabel: "token"}, secret.Credential)
		assert.Equal(t, skyvern.CredentialVaultTypeSkyvern, pw.VaultType, "the default vault")
		for _, v := range []skyvern.CredentialResponse{pw, card, secret} {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			for _, x := range []string{"hunter2", "SEED", "4242424242424242", `"424"`, `"tok"`, "2030", "Jo Doe"} {
				assert.NotContains(t, string(b), x)
			}
		}
		got, ok := s.get(card.CredentialID)
		require.True(t, ok)
		assert.Equal(t, card, got)
	})
	t.Run("the secrets are kept for the fake's own use", func(t *testing.T) {
		data, ok := s.secrets(pw.CredentialID)
		require.True(t, ok)
		assert.Equal(t, "hunter2", data.(skyvern.PasswordCredential).Password.Reveal())
	})
	t.Run("lists are newest first, paged and filtered", func(t *testing.T) {
		ids := func(list []skyvern.CredentialResponse) []string {
			var out []string
			for _, c := range list {
				out = append(out, c.CredentialID)
			}
			return out
		}
		assert.Equal(t, []string{secret.CredentialID, card.CredentialID, pw.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{})))
		assert.Equal(t, []string{card.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{Page: 2, PageSize: 1})))
		assert.Empty(t, s.list(skyvern.ListCredentialsParams{Page: 4, PageSize: 1}))
		assert.Equal(t, []string{card.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{CredentialType: skyvern.CredentialTypeCreditCard})))
		assert.Equal(t, []string{card.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{VaultType: skyvern.CredentialVaultTypeBitwarden})))
		assert.Equal(t, []string{card.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{Search: "VISA"})))
		assert.Equal(t, []string{pw.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{Search: "ops@"})))
		assert.Equal(t, []string{secret.CredentialID}, ids(s.list(skyvern.ListCredentialsParams{Search: "Tok"})))
	})
	t.Run("an update replaces the credential and keeps unsent settings", func(t *testing.T) {
		_, _, problems := s.update(pw.CredentialID, skyvern.CredentialRequest{Name: "Portal", PinSavedSessionIP: skyvern.Ptr(true),
			Credential: skyvern.PasswordCredential{Username: "ops2@example.com", Password: skyvern.NewSecret("n3w")}})
		require.Nil(t, problems)
		v, found, problems := s.update(pw.CredentialID, skyvern.CredentialRequest{Name: "Portal 2", RotateProxySessionID: true,
			Credential: skyvern.PasswordCredential{Username: "ops2@example.com", Password: skyvern.NewSecret("n3w2")}})
		require.True(t, found)
		require.Nil(t, problems)
		assert.Equal(t, pw.CredentialID, v.CredentialID)
		assert.Equal(t, "Portal 2", v.Name)
		assert.True(t, v.PinSavedSessionIP, "a pin not sent is kept")
		assert.Equal(t, "psid_1", v.ProxySessionID)
		assert.Equal(t, "ops2@example.com", v.Credential.(skyvern.PasswordCredentialResponse).Username)
		data, _ := s.secrets(pw.CredentialID)
		assert.Equal(t, "n3w2", data.(skyvern.PasswordCredential).Password.Reveal())

		_, found, _ = s.update("cred_nope", skyvern.CredentialRequest{})
		assert.False(t, found)
		_, found, problems = s.update(pw.CredentialID, skyvern.CredentialRequest{Name: "x"})
		assert.True(t, found)
		assert.NotEmpty(t, problems)
	})
	t.Run("a delete removes it", func(t *testing.T) {
		assert.True(t, s.delete(secret.CredentialID))
		assert.False(t, s.delete(secret.CredentialID))
		_, ok := s.get(secret.CredentialID)
		assert.False(t, ok)
		assert.Len(t, s.list(skyvern.ListCredentialsParams{}), 2)
		assert.Equal(t, "Credential not found", credentialNotFound("cred_1", false))
		assert.Equal(t, "Credential not found, credential_id=cred_1", credentialNotFound("cred_1", true))
	})
	t.Run("it is safe for concurrent use", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, _ := s.create(skyvern.CredentialRequest{Name: fmt.Sprint(i), Credential: skyvern.SecretCredential{SecretValue: skyvern.NewSecret("v")}})
				s.get(c.CredentialID)
				s.list(skyvern.ListCredentialsParams{})
				s.delete(c.CredentialID)
			}()
		}
		wg.Wait()
		assert.Len(t, s.list(skyvern.ListCredentialsParams{}), 2)
	})
}

func TestCredentialStoreValidates(t *testing.T) {
	s := newCredentialStore()
	locs := func(problems []skyvern.ValidationError) []string {
		var out []string
		for _, p := range problems {
			out = append(out, p.String())
		}
		return out
	}
	_, problems := s.create(skyvern.CredentialRequest{})
	assert.Equal(t, []string{"body.credential: Field required", "body.credential_type: Field required", "body.name: Field required"}, locs(problems))
	_, problems = s.create(skyvern.CredentialRequest{Name: "n", Credential: skyvern.CreditCardCredential{CardNumber: skyvern.NewSecret("4")}})
	assert.Len(t, problems, 5)
	_, problems = s.create(skyvern.CredentialRequest{Name: "n", Credential: skyvern.PasswordCredential{}})
	assert.Equal(t, []string{"body.credential.NonEmptyPasswordCredential.password: Field required",
		"body.credential.NonEmptyPasswordCredential.username: Field required"}, locs(problems))
	var unknown skyvern.CredentialRequest
	require.NoError(t, json.Unmarshal([]byte(`{"name":"n","credential_type":"ssh_key","credential":{}}`), &unknown))
	_, problems = s.create(unknown)
	assert.Equal(t, []string{"body.credential_type: Input should be 'password', 'credit_card' or 'secret'"}, locs(problems))
	assert.Empty(t, s.list(skyvern.ListCredentialsParams{}), "nothing stored")
}

func TestTOTPStore(t *testing.T) {
	var s totpStore
	now := time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC)
	code, problems := s.add(skyvern.TOTPCodeRequest{TOTPIdentifier: "Ops@Example.com", Content: " 123456 "}, "o_1", now)
	require.Nil(t, problems)
	assert.Equal(t, "123456", code.Code)
	assert.Equal(t, "ops@example.com", code.TOTPIdentifier, "emails are normalised")
	assert.Regexp(t, `^totp_\d+$`, code.TOTPCodeID)
	assert.Equal(t, skyvern.OTPTypeTOTP, code.OTPType)
	assert.Equal(t, "o_1", code.OrganizationID)

	msg, _ := s.add(skyvern.TOTPCodeRequest{TOTPIdentifier: "+15550100", Content: "Your verification code is 884201. It expires soon.", WorkflowRunID: "wr_1"}, "o_1", now)
	assert.Equal(t, "884201", msg.Code)
	raw, _ := s.add(skyvern.TOTPCodeRequest{TOTPIdentifier: "+15550100", Content: "Click the link in this message to sign in"}, "o_1", now)
	assert.Empty(t, raw.Code)
	assert.Equal(t, `"raw_pending"`, string(raw.Extra["status"]))

	got, ok := s.latest("OPS@example.com", "", now)
	require.True(t, ok)
	assert.Equal(t, "123456", got.Code)
	got, ok = s.latest("+15550100", "wr_1", now)
	require.True(t, ok, "a raw message has no code to take")
	assert.Equal(t, "884201", got.Code)
	_, ok = s.latest("+15550100", "wr_2", now)
	assert.False(t, ok, "a code for another run")

	s.add(skyvern.TOTPCodeRequest{TOTPIdentifier: "x", Content: "1111", ExpiredAt: skyvern.Time{Time: now.Add(time.Minute)}}, "o_1", now)
	_, ok = s.latest("x", "", now.Add(30*time.Second))
	assert.True(t, ok)
	_, ok = s.latest("x", "", now.Add(time.Minute))
	assert.False(t, ok, "expired")

	_, problems = s.add(skyvern.TOTPCodeRequest{}, "o_1", now)
	assert.Len(t, problems, 2)
	assert.Len(t, s.all(), 4)
}
