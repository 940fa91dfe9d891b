package skyvern_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
)

// The secrets hold letters outside hexadecimal, so that no pointer address
// printed by a test can contain one by chance.
var credentialCases = []struct {
	name    string
	data    skyvern.CredentialData
	secrets []string
}{
	{
		name: "password",
		data: skyvern.PasswordCredential{Username: "ops@example.com", Password: skyvern.NewSecret("pw-zq8!\"quote\\<é>"),
			TOTP: skyvern.NewSecret("JBSWY3DPEHPK3PXP-zseed"), TOTPType: skyvern.TOTPTypeAuthenticator},
		secrets: []string{"pw-zq8!\"quote\\<é>", "JBSWY3DPEHPK3PXP-zseed"},
	},
	{
		name: "credit card",
		data: skyvern.CreditCardCredential{CardNumber: skyvern.NewSecret("4000z0566z5566z5556"), CardCVV: skyvern.NewSecret("cvv-z713"),
			CardExpMonth: "12", CardExpYear: "2030", CardBrand: "visa", CardHolderName: "Jo Doe"},
		secrets: []string{"4000z0566z5566z5556", "cvv-z713"},
	},
	{
		name:    "secret",
		data:    skyvern.SecretCredential{SecretValue: skyvern.NewSecret("tok_zzSECRETzz"), SecretLabel: "token"},
		secrets: []string{"tok_zzSECRETzz"},
	},
}

func assertNoSecret(t *testing.T, secrets []string, out, what string) {
	t.Helper()
	for _, s := range secrets {
		assert.NotContains(t, out, s, "%s shows a secret", what)
	}
}

// reachableText returns every string and byte slice reachable from v by
// reflection, unexported fields and pointers followed, as go-spew and
// go-cmp walk values.
func reachableText(v reflect.Value, seen map[uintptr]bool, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		reachableText(v.Elem(), seen, out)
	case reflect.Interface:
		if !v.IsNil() {
			reachableText(v.Elem(), seen, out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			reachableText(v.Field(i), seen, out)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint())
			}
			*out = append(*out, string(b))
			return
		}
		for i := 0; i < v.Len(); i++ {
			reachableText(v.Index(i), seen, out)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			reachableText(it.Key(), seen, out)
			reachableText(it.Value(), seen, out)
		}
	}
}

// captureT records what a failing testify assertion would print.
type captureT struct{ out strings.Builder }

func (c *captureT) Errorf(format string, args ...any) { fmt.Fprintf(&c.out, format, args...) }

func TestCredentialSecretsNeverShow(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v", "%-v"}
	for _, tc := range credentialCases {
		t.Run(tc.name, func(t *testing.T) {
			req := skyvern.CredentialRequest{Name: "n", Credential: tc.data}
			type holder struct {
				Req   skyvern.CredentialRequest
				inner skyvern.CredentialData
				list  []skyvern.CredentialData
				byKey map[string]*skyvern.CredentialRequest
			}
			values := []any{tc.data, &tc.data, req, &req, holder{Req: req, inner: tc.data, list: []skyvern.CredentialData{tc.data}, byKey: map[string]*skyvern.CredentialRequest{"k": &req}}}

			t.Run("in every fmt verb, nested or not", func(t *testing.T) {
				for _, v := range values {
					for _, verb := range verbs {
						assertNoSecret(t, tc.secrets, fmt.Sprintf(verb, v), fmt.Sprintf("%s of %T", verb, v))
					}
					assertNoSecret(t, tc.secrets, fmt.Sprint(v)+fmt.Sprintln(v), "Sprint")
				}
				assert.Contains(t, fmt.Sprintf("%+v", req), "[redacted]")
			})
			t.Run("to printers that walk pointers and unexported fields", func(t *testing.T) {
				var texts []string
				reachableText(reflect.ValueOf(values[len(values)-1]), map[uintptr]bool{}, &texts)
				assertNoSecret(t, tc.secrets, strings.Join(texts, "\n"), "a reflection walk")

				var ct captureT
				other := req
				other.Name = "other"
				assert.Equal(&ct, req, other) // fails, and prints both with go-spew
				require.NotEmpty(t, ct.out.String())
				assertNoSecret(t, tc.secrets, ct.out.String(), "testify's diff")
			})
			t.Run("in slog's text and JSON output", func(t *testing.T) {
				var logs bytes.Buffer
				for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
					slog.New(h).Info("storing", "req", req, "data", tc.data, "ptr", &req, "group", slog.GroupValue(slog.Any("inner", tc.data)))
				}
				assertNoSecret(t, tc.secrets, logs.String(), "slog")
				assert.Contains(t, logs.String(), "[redacted]")
			})
			t.Run("in json.Marshal", func(t *testing.T) {
				for _, v := range values[:4] {
					b, err := json.Marshal(v)
					require.NoError(t, err)
					assertNoSecret(t, tc.secrets, string(b), "json.Marshal")
				}
			})
		})
	}
}

func TestCredentialSecretsGoOnlyToTheAPI(t *testing.T) {
	for _, tc := range credentialCases {
		t.Run(tc.name, func(t *testing.T) {
			req := skyvern.CredentialRequest{Name: "n", Credential: tc.data}
			t.Run("the body sent to Skyvern carries them", func(t *testing.T) {
				f := setup(t)
				f.reply("POST /v1/credentials", 201, `{"credential_id":"cred_1"}`)
				_, err := f.client.CreateCredential(context.Background(), req)
				require.NoError(t, err)
				var sent skyvern.CredentialRequest
				require.NoError(t, json.Unmarshal(f.only().Body, &sent))
				assert.Equal(t, tc.data.CredentialType(), sent.Credential.CredentialType())
				var got []string
				switch d := sent.Credential.(type) {
				case skyvern.PasswordCredential:
					got = []string{d.Password.Reveal(), d.TOTP.Reveal()}
				case skyvern.CreditCardCredential:
					got = []string{d.CardNumber.Reveal(), d.CardCVV.Reveal()}
				case skyvern.SecretCredential:
					got = []string{d.SecretValue.Reveal()}
				}
				assert.Equal(t, tc.secrets, got)
			})
			for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
				t.Run(fmt.Sprintf("a %d redirect to another origin is not followed", code), func(t *testing.T) {
					var reached atomic.Int32
					other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						reached.Add(1)
						io.Copy(io.Discard, r.Body)
						status(201, `{"credential_id":"cred_1"}`)(w, r)
					}))
					defer other.Close()
					f := setup(t)
					f.handle("POST /v1/credentials", func(w http.ResponseWriter, r *http.Request) {
						http.Redirect(w, r, other.URL+"/v1/credentials", code)
					})
					f.handle("POST /v1/credentials/{id}/update", func(w http.ResponseWriter, r *http.Request) {
						http.Redirect(w, r, other.URL+"/v1/credentials/x/update", code)
					})
					f.handle("POST /v1/credentials/totp", func(w http.ResponseWriter, r *http.Request) {
						http.Redirect(w, r, other.URL+"/v1/credentials/totp", code)
					})
					ctx := context.Background()
					_, err := f.client.CreateCredential(ctx, req)
					var apiErr *skyvern.APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, code, apiErr.StatusCode)
					_, err = f.client.UpdateCredential(ctx, "x", req)
					require.ErrorAs(t, err, &apiErr)
					_, err = f.client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "a", Content: "123456"})
					require.ErrorAs(t, err, &apiErr)
					assert.Zero(t, reached.Load(), "the other origin got no request")
				})
			}
			t.Run("a redirect within the API's origin is followed with the body", func(t *testing.T) {
				f := setup(t)
				f.handle("POST /v1/credentials", func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, prefix+"/v1/credentials/", http.StatusTemporaryRedirect)
				})
				f.reply("POST /v1/credentials/", 201, `{"credential_id":"cred_1"}`)
				_, err := f.client.CreateCredential(context.Background(), req)
				require.NoError(t, err)
				reqs := f.requests()
				require.Len(t, reqs, 2)
				assert.Equal(t, string(reqs[0].Body), string(reqs[1].Body))
			})
		})
	}
}

// echo answers with the request body repeated in every way a server might:
// a FastAPI validation list whose input is the credential, a message, and
// JSON escapes.
func echo(code int, shape, firstSecret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req map[string]json.RawMessage
		_ = json.Unmarshal(body, &req)
		var answer string
		switch shape {
		case "validation list":
			answer = `{"detail":[{"type":"string_too_short","loc":["body","credential"],"msg":"bad value in ` +
				strings.ReplaceAll(strings.ReplaceAll(string(body), `\`, `\\`), `"`, `\"`) + `","input":` + string(req["credential"]) + `,"ctx":{"got":` + string(req["credential"]) + `}}]}`
		case "string detail":
			detail, _ := json.Marshal("could not store " + string(body))
			answer = `{"detail":` + string(detail) + `}`
		case "ascii escapes":
			// Python's json.dumps escapes every non-ASCII character.
			answer = `{"detail":"` + pythonASCII(string(body)) + `"}`
		case "no JSON":
			answer = "<html>" + string(body) + "</html>"
		case "long body":
			// Padded so that the 4 KiB the error keeps end two bytes into
			// the first secret.
			tail := `","credential":` + string(req["credential"]) + `}`
			at := len(`{"padding":"`) + strings.Index(tail, firstSecret[:3])
			answer = `{"padding":"` + strings.Repeat("x", 4096-at-2) + tail
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, answer)
	}
}

func pythonASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r > 0x7e:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestCredentialSecretsNeverShowInErrors(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q"}
	for _, tc := range credentialCases {
		for _, shape := range []string{"validation list", "string detail", "ascii escapes", "no JSON", "long body"} {
			for _, code := range []int{422, 500} {
				t.Run(fmt.Sprintf("%s, %s, %d", tc.name, shape, code), func(t *testing.T) {
					f := setup(t, skyvern.WithMaxRetries(0))
					f.handle("POST /v1/credentials", echo(code, shape, tc.secrets[0]))
					f.handle("POST /v1/credentials/{id}/update", echo(code, shape, tc.secrets[0]))
					req := skyvern.CredentialRequest{Name: "n", Credential: tc.data}
					_, createErr := f.client.CreateCredential(context.Background(), req)
					_, updateErr := f.client.UpdateCredential(context.Background(), "cred_1", req)
					for _, err := range []error{createErr, updateErr} {
						var apiErr *skyvern.APIError
						require.ErrorAs(t, err, &apiErr)
						require.Equal(t, code, apiErr.StatusCode)
						for _, verb := range verbs {
							assertNoSecret(t, tc.secrets, fmt.Sprintf(verb, err), verb+" of the error")
						}
						var texts []string
						reachableText(reflect.ValueOf(apiErr), map[uintptr]bool{}, &texts)
						assertNoSecret(t, tc.secrets, strings.Join(texts, "\n"), "the error's fields")
						if shape != "no JSON" {
							assert.Contains(t, string(apiErr.Body), "[redacted]")
						}
					}
					// The request sent still carried the secrets; only the
					// error was cleaned.
					for _, r := range f.requests() {
						var sent skyvern.CredentialRequest
						require.NoError(t, json.Unmarshal(r.Body, &sent))
						assert.Equal(t, tc.data.CredentialType(), sent.Credential.CredentialType())
					}
				})
			}
		}
	}
}

func TestSecret(t *testing.T) {
	s := skyvern.NewSecret("v4lue")
	assert.Equal(t, "v4lue", s.Reveal())
	assert.Equal(t, "[redacted]", s.String())
	assert.False(t, s.IsZero())
	var zero skyvern.Secret
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.Reveal())
	assert.Equal(t, "[empty]", fmt.Sprint(zero))
	assert.True(t, skyvern.NewSecret("").IsZero(), "an empty value is the zero Secret")

	var decoded struct{ S, N skyvern.Secret }
	require.NoError(t, json.Unmarshal([]byte(`{"S":"from config","N":null}`), &decoded))
	assert.Equal(t, "from config", decoded.S.Reveal())
	assert.True(t, decoded.N.IsZero())
	err := json.Unmarshal([]byte(`{"S":12}`), &decoded)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a Secret must be a JSON string")

	b, err := json.Marshal(decoded)
	require.NoError(t, err)
	assert.Equal(t, `{"S":"[redacted]","N":null}`, string(b))
}

// A Secret holds its value as the Client holds its API key (for which see
// TestTheConfigNeverShowsTheKey): in a closure,
// so a reflection walk finds no data at all, neither the value nor
// anything derived from it (an encrypted copy would still be bytes that a
// dump shows and a memory scan finds next to its key).
func TestSecretLeavesNothingForReflection(t *testing.T) {
	s := skyvern.NewSecret("v4lue-zz")
	for _, v := range []any{s, &s, struct{ inner skyvern.Secret }{s}} {
		var texts []string
		reachableText(reflect.ValueOf(v), map[uintptr]bool{}, &texts)
		assert.Empty(t, texts, "%T: a reflection walk reaches data", v)
	}
	cp := s
	assert.Equal(t, s, cp, "a copy equals its original")
	assert.NotEqual(t, s, skyvern.NewSecret("v4lue-zz"), "Secrets made apart differ")
}

// A request written with json.Marshal and read back carries the marker
// "[redacted]" in place of each secret; sending it would store the marker
// as the password. The client refuses it before anything is sent.
func TestSecretRoundTripIsRefusedBeforeSending(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "unexpected request", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	client, err := skyvern.NewClient(skyvern.WithAPIKey("sk-test"), skyvern.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()

	for _, tc := range credentialCases {
		t.Run(tc.name, func(t *testing.T) {
			logged, err := json.Marshal(skyvern.CredentialRequest{Name: "n", Credential: tc.data})
			require.NoError(t, err)
			var back skyvern.CredentialRequest
			require.NoError(t, json.Unmarshal(logged, &back))

			_, err = client.CreateCredential(ctx, back)
			require.ErrorIs(t, err, skyvern.ErrRedactedSecret)
			_, err = client.UpdateCredential(ctx, "cred_1", back)
			require.ErrorIs(t, err, skyvern.ErrRedactedSecret)
		})
	}
	t.Run("custom LLM", func(t *testing.T) {
		logged, err := json.Marshal(skyvern.CustomLLMRequest{Config: skyvern.CustomLLMConfig{
			DisplayName: "llm", Provider: skyvern.CustomLLMProviderOpenAICompatible, ModelName: "m",
			APIBase: "https://llm.example.com/v1", APIKey: skyvern.NewSecret("llm-key-zz"),
		}})
		require.NoError(t, err)
		var back skyvern.CustomLLMRequest
		require.NoError(t, json.Unmarshal(logged, &back))
		_, err = client.CreateCustomLLM(ctx, back)
		require.ErrorIs(t, err, skyvern.ErrRedactedSecret)
	})
	assert.Zero(t, requests.Load(), "a request carrying the redaction marker was sent")
}
