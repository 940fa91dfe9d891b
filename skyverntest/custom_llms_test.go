package skyverntest_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func TestCustomLLMSecretsAreRecordedRedactedAndNeverLogged(t *testing.T) {
	const apiKey, header = "sk-zzLLMKEYzz", "Bearer zzHEADERzz"
	var logs syncBuffer
	srv := skyverntest.NewServer(t, skyverntest.WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	client := srv.Client()
	ctx := context.Background()

	cfg := skyvern.CustomLLMConfig{
		DisplayName: "Mine", Provider: skyvern.CustomLLMProviderOpenAICompatible, ModelName: "m",
		APIBase: "https://llm.example.com/v1", APIKey: skyvern.NewSecret(apiKey),
		ExtraParameters: map[string]json.RawMessage{"top_p": json.RawMessage(`0.5`)},
		ExtraHeaders:    map[string]skyvern.Secret{"Authorization": skyvern.NewSecret(header)},
	}
	created, err := client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: cfg})
	require.NoError(t, err)
	_, err = client.UpdateCustomLLM(ctx, created.ID, skyvern.CustomLLMRequest{Config: cfg})
	require.NoError(t, err)
	// Refused with a 422 that quotes the body, which the log must not show.
	_, err = client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: skyvern.CustomLLMConfig{
		Provider: "carrier-pigeon", APIKey: skyvern.NewSecret(apiKey)}})
	require.ErrorIs(t, err, skyvern.ErrValidation)
	post(t, srv, "/v1/custom-llms", `{"Config":{"API_KEY":"`+apiKey+`","extra_parameters":{"Extra_Headers":{"a":"`+header+`"}}}}`)

	var n int
	for _, r := range srv.Requests() {
		if r.Route != skyverntest.RouteCreateCustomLLM && r.Route != skyverntest.RouteUpdateCustomLLM {
			continue
		}
		n++
		assert.NotContains(t, string(r.Body), apiKey, r.Route)
		assert.NotContains(t, string(r.Body), "zzHEADERzz", r.Route)
		assert.Contains(t, string(r.Body), `"[redacted]"`, r.Route)
	}
	assert.Equal(t, 4, n)
	assert.NotContains(t, logs.String(), apiKey)
	assert.NotContains(t, logs.String(), "zzHEADERzz")

	t.Run("the rest of the body is kept", func(t *testing.T) {
		var got struct {
			Config map[string]json.RawMessage `json:"config"`
		}
		require.NoError(t, json.Unmarshal(srv.Requests()[0].Body, &got))
		assert.JSONEq(t, `"https://llm.example.com/v1"`, string(got.Config["api_base"]))
		assert.JSONEq(t, `{"top_p":0.5,"extra_headers":"[redacted]"}`, string(got.Config["extra_parameters"]))
	})
	t.Run("the store keeps the key, answered masked", func(t *testing.T) {
		list, err := skyvern.Collect(client.ListCustomLLMs(ctx))
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, "********", list[0].Config.APIKey.Reveal())
	})
}
