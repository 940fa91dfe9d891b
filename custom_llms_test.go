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
	"github.com/skyvern-go/skyvern/skyverntest"
)

// The secrets hold letters outside hexadecimal, as credentialCases' do.
const (
	llmKey    = "sk-zzLLMkeyzz\"<é>"
	llmHeader = "Bearer zzHEADERzz"
)

func llmConfig() skyvern.CustomLLMConfig {
	return skyvern.CustomLLMConfig{
		DisplayName:     "Our Llama",
		Provider:        skyvern.CustomLLMProviderOpenAICompatible,
		ModelName:       "llama3.1:70b",
		APIBase:         "https://llm.example.com/v1",
		APIKey:          skyvern.NewSecret(llmKey),
		ExtraHeaders:    map[string]skyvern.Secret{"Authorization": skyvern.NewSecret(llmHeader)},
		ExtraParameters: map[string]json.RawMessage{"top_p": json.RawMessage(`0.9`)},
		Temperature:     skyvern.Ptr(0.2),
	}
}

func TestCustomLLMsAgainstTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t)
	client := srv.Client()

	llm, err := client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: llmConfig()})
	require.NoError(t, err)
	assert.NotEmpty(t, llm.ID)
	assert.True(t, llm.Valid)
	assert.Equal(t, "Our Llama", llm.Config.DisplayName)
	assert.Equal(t, "********", llm.Config.APIKey.Reveal(), "Skyvern answers the key masked")
	assert.Equal(t, "********", llm.Config.ExtraHeaders["Authorization"].Reveal())
	assert.JSONEq(t, `0.9`, string(llm.Config.ExtraParameters["top_p"]))
	assert.True(t, *llm.Config.SupportsVision, "the server's default")
	assert.Equal(t, 0.2, *llm.Config.Temperature)

	t.Run("ListCustomLLMs lists it", func(t *testing.T) {
		list, err := skyvern.Collect(client.ListCustomLLMs(ctx))
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, llm.ID, list[0].ID)
	})

	t.Run("UpdateCustomLLM with the masked config read back keeps the key", func(t *testing.T) {
		cfg := llm.Config
		cfg.DisplayName = "Renamed"
		got, err := client.UpdateCustomLLM(ctx, llm.ID, skyvern.CustomLLMRequest{Config: cfg})
		require.NoError(t, err)
		assert.Equal(t, "Renamed", got.Config.DisplayName)
		// The fake kept the stored key: an update that drops the key of an
		// OpenAI-compatible model is refused, one that sent the mask is not.
		cfg.APIKey = skyvern.Secret{}
		_, err = client.UpdateCustomLLM(ctx, llm.ID, skyvern.CustomLLMRequest{Config: cfg})
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 422, apiErr.StatusCode)
		require.Len(t, apiErr.ValidationErrors, 1)
		assert.Equal(t, "Value error, api_key is required for OpenAI-compatible models", apiErr.ValidationErrors[0].Msg)
	})

	t.Run("errors", func(t *testing.T) {
		_, err := client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: skyvern.CustomLLMConfig{DisplayName: "x", ModelName: "m"}})
		assert.ErrorIs(t, err, skyvern.ErrValidation, "provider is required")
		_, err = client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: skyvern.CustomLLMConfig{DisplayName: "x", ModelName: "m", Provider: "bogus"}})
		assert.ErrorIs(t, err, skyvern.ErrValidation, "provider is an enum")
		cfg := llmConfig()
		cfg.APIBase = "ftp://llm.example.com"
		_, err = client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: cfg})
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
		require.Len(t, apiErr.ValidationErrors, 1)
		assert.Equal(t, "Value error, api_base must be an HTTP(S) URL", apiErr.ValidationErrors[0].Msg)
		cfg.APIBase = "http://localhost:8000/v1" // a self-hosted server takes a local http base
		local, err := client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: cfg})
		require.NoError(t, err)
		assert.Equal(t, "http://localhost:8000/v1", local.Config.APIBase)
		require.NoError(t, client.DeleteCustomLLM(ctx, local.ID))
		_, err = client.UpdateCustomLLM(ctx, "oat_404", skyvern.CustomLLMRequest{Config: llmConfig()})
		assert.ErrorIs(t, err, skyvern.ErrNotFound)
		cfg.APIBase = "ftp://llm.example.com"
		_, err = client.UpdateCustomLLM(ctx, "oat_404", skyvern.CustomLLMRequest{Config: cfg})
		assert.ErrorIs(t, err, skyvern.ErrValidation, "the body is read before the id is looked up")
		_, err = client.UpdateCustomLLM(ctx, "", skyvern.CustomLLMRequest{})
		assert.ErrorIs(t, err, skyvern.ErrEmptyID)
	})

	t.Run("DeleteCustomLLM removes it", func(t *testing.T) {
		require.NoError(t, client.DeleteCustomLLM(ctx, llm.ID))
		list, err := skyvern.Collect(client.ListCustomLLMs(ctx))
		require.NoError(t, err)
		assert.Empty(t, list)
		assert.ErrorIs(t, client.DeleteCustomLLM(ctx, llm.ID), skyvern.ErrNotFound)
	})
}

func TestCustomLLMConfigRoundTrip(t *testing.T) {
	in := `{"display_name":"d","provider":"ollama","model_name":"m","api_key":"k","extra_parameters":{"extra_headers":{"X-Key":"v"},"top_p":1},"brand_new":true}`
	var cfg skyvern.CustomLLMConfig
	require.NoError(t, json.Unmarshal([]byte(in), &cfg))
	assert.Equal(t, "k", cfg.APIKey.Reveal())
	assert.Equal(t, "v", cfg.ExtraHeaders["X-Key"].Reveal())
	assert.NotContains(t, cfg.ExtraParameters, "extra_headers", "the headers moved to ExtraHeaders")
	assert.JSONEq(t, `true`, string(cfg.Extra["brand_new"]))
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.JSONEq(t, `{"display_name":"d","provider":"ollama","model_name":"m","api_key":"[redacted]",`+
		`"extra_parameters":{"extra_headers":{"X-Key":"[redacted]"},"top_p":1},"brand_new":true}`, string(out))
}

func TestCustomLLMSecretsNeverShow(t *testing.T) {
	secrets := []string{llmKey, llmHeader}
	req := skyvern.CustomLLMRequest{Config: llmConfig()}
	llm := skyvern.CustomLLM{ID: "oat_1", Config: llmConfig()}
	values := []any{req, &req, req.Config, &llm, []skyvern.CustomLLM{llm}}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v", "%-v"}
	t.Run("in every fmt verb, nested or not", func(t *testing.T) {
		for _, v := range values {
			for _, verb := range verbs {
				assertNoSecret(t, secrets, fmt.Sprintf(verb, v), fmt.Sprintf("%s of %T", verb, v))
			}
		}
		assert.Contains(t, fmt.Sprintf("%+v", req), "[redacted]")
	})
	t.Run("to printers that walk pointers and unexported fields", func(t *testing.T) {
		var texts []string
		reachableText(reflect.ValueOf(values), map[uintptr]bool{}, &texts)
		assertNoSecret(t, secrets, strings.Join(texts, "\n"), "a reflection walk")
		var ct captureT
		other := req
		other.Config.DisplayName = "other"
		assert.Equal(&ct, req, other)
		require.NotEmpty(t, ct.out.String())
		assertNoSecret(t, secrets, ct.out.String(), "testify's diff")
	})
	t.Run("in slog's text and JSON output", func(t *testing.T) {
		var logs bytes.Buffer
		for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
			slog.New(h).Info("saving", "req", req, "llm", &llm)
		}
		assertNoSecret(t, secrets, logs.String(), "slog")
		assert.Contains(t, logs.String(), "[redacted]")
	})
	t.Run("in json.Marshal", func(t *testing.T) {
		for _, v := range values {
			b, err := json.Marshal(v)
			require.NoError(t, err)
			assertNoSecret(t, secrets, string(b), "json.Marshal")
		}
	})
}

func TestCustomLLMSecretsGoOnlyToTheAPI(t *testing.T) {
	ctx := context.Background()
	req := skyvern.CustomLLMRequest{Config: llmConfig()}
	const answer = `{"custom_llm":{"id":"oat_1","organization_id":"o","config":{"display_name":"d","provider":"ollama","model_name":"m"},"created_at":"2025-01-01T00:00:00","modified_at":"2025-01-01T00:00:00","valid":true}}`
	t.Run("the body sent to Skyvern carries them", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/custom-llms", 200, answer)
		_, err := f.client.CreateCustomLLM(ctx, req)
		require.NoError(t, err)
		var sent skyvern.CustomLLMRequest
		require.NoError(t, json.Unmarshal(f.only().Body, &sent))
		assert.Equal(t, llmKey, sent.Config.APIKey.Reveal())
		assert.Equal(t, llmHeader, sent.Config.ExtraHeaders["Authorization"].Reveal())
		assert.JSONEq(t, `0.9`, string(sent.Config.ExtraParameters["top_p"]))
	})
	t.Run("a redirect to another origin is not followed", func(t *testing.T) {
		var reached atomic.Int32
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached.Add(1)
			io.Copy(io.Discard, r.Body)
			status(200, answer)(w, r)
		}))
		defer other.Close()
		f := setup(t)
		f.handle("POST /v1/custom-llms", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/v1/custom-llms", http.StatusTemporaryRedirect)
		})
		f.handle("PUT /v1/custom-llms/{id}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/v1/custom-llms/x", http.StatusPermanentRedirect)
		})
		var apiErr *skyvern.APIError
		_, err := f.client.CreateCustomLLM(ctx, req)
		require.ErrorAs(t, err, &apiErr)
		_, err = f.client.UpdateCustomLLM(ctx, "x", req)
		require.ErrorAs(t, err, &apiErr)
		assert.Zero(t, reached.Load(), "the other origin got no request")
	})
	t.Run("an error answer that repeats them is redacted", func(t *testing.T) {
		f := setup(t, skyvern.WithMaxRetries(0))
		echoBody := func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var m map[string]json.RawMessage
			_ = json.Unmarshal(body, &m)
			detail, _ := json.Marshal("bad " + string(body))
			status(422, `{"detail":[{"type":"value_error","loc":["body","config"],"msg":`+string(detail)+`,"input":`+string(m["config"])+`}]}`)(w, r)
		}
		f.handle("POST /v1/custom-llms", echoBody)
		f.handle("PUT /v1/custom-llms/{id}", echoBody)
		_, createErr := f.client.CreateCustomLLM(ctx, req)
		_, updateErr := f.client.UpdateCustomLLM(ctx, "oat_1", req)
		for _, err := range []error{createErr, updateErr} {
			var apiErr *skyvern.APIError
			require.ErrorAs(t, err, &apiErr)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				assertNoSecret(t, []string{llmKey, llmHeader}, fmt.Sprintf(verb, err), verb+" of the error")
			}
			var texts []string
			reachableText(reflect.ValueOf(apiErr), map[uintptr]bool{}, &texts)
			assertNoSecret(t, []string{llmKey, llmHeader}, strings.Join(texts, "\n"), "the error's fields")
			assert.Contains(t, string(apiErr.Body), "[redacted]")
		}
	})
}

func TestCustomLLMAnswerWithoutTheLLMIsMalformed(t *testing.T) {
	ctx := context.Background()
	req := skyvern.CustomLLMRequest{Config: llmConfig()}
	f := setup(t)
	f.reply("POST /v1/custom-llms", 200, `{}`)
	f.reply("PUT /v1/custom-llms/{id}", 200, `{"custom_llm":null}`)

	_, err := f.client.CreateCustomLLM(ctx, req)
	var reqErr *skyvern.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
	assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown, "the create may have stored the configuration")
	assert.Equal(t, 1, reqErr.Attempts)

	_, err = f.client.UpdateCustomLLM(ctx, "oat_1", req)
	require.ErrorAs(t, err, &reqErr)
	assert.ErrorIs(t, err, skyvern.ErrMalformedResponse)
	assert.NotErrorIs(t, err, skyvern.ErrOutcomeUnknown, "an update creates nothing")
	assert.Equal(t, 1, reqErr.Attempts)
}
