package skyvern_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
)

// plainClick is a click action as a plain struct, for a baseline encode
// with encoding/json alone.
type plainClick struct {
	Type      string  `json:"type"`
	Timeout   float64 `json:"timeout,omitempty"`
	Selector  string  `json:"selector,omitempty"`
	Intention string  `json:"intention,omitempty"`
}

type plainActionRequest struct {
	URL              string     `json:"url"`
	BrowserSessionID string     `json:"browser_session_id,omitempty"`
	Action           plainClick `json:"action"`
}

// BenchmarkEncodeSDKAction measures the body RunSDKAction sends: the
// union's type and the timeout in milliseconds written by hand around
// encoding/json.
func BenchmarkEncodeSDKAction(b *testing.B) {
	req := skyvern.SDKActionRequest{URL: "https://example.com", BrowserSessionID: "pbs_1",
		Action: skyvern.ClickAction{Selector: "#buy", Intention: "the Buy button", Timeout: 5 * time.Second}}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	plain := plainActionRequest{URL: "https://example.com", BrowserSessionID: "pbs_1",
		Action: plainClick{Type: "ai_click", Timeout: 5000, Selector: "#buy", Intention: "the Buy button"}}
	b.Run("encoding/json baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeCustomLLMList measures ListCustomLLMs' decode of 50
// configurations, each with secrets sealed into Secret values.
func BenchmarkDecodeCustomLLMList(b *testing.B) {
	one := `{"id":"oat_1","organization_id":"o_1","config":{"display_name":"Llama","provider":"openai_compatible","model_name":"llama3",` +
		`"api_base":"https://llm.example.com/v1","api_key":"********","api_version":null,"supports_vision":true,"add_assistant_prefix":false,` +
		`"max_completion_tokens":null,"temperature":0.2,"reasoning_effort":null,"extra_parameters":{"extra_headers":{"Authorization":"********"},"top_p":0.9}},` +
		`"created_at":"2025-01-01T00:00:00.000001","modified_at":"2025-01-01T00:00:00.000001","valid":true}`
	body := `{"custom_llms":[` + one
	for range 49 {
		body += "," + one
	}
	data := []byte(body + "]}")
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var out struct {
				CustomLLMs []skyvern.CustomLLM `json:"custom_llms"`
			}
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	type plainConfig struct {
		DisplayName, Provider, ModelName string
		APIBase                          *string        `json:"api_base"`
		APIKey                           *string        `json:"api_key"`
		APIVersion                       *string        `json:"api_version"`
		SupportsVision                   bool           `json:"supports_vision"`
		AddAssistantPrefix               bool           `json:"add_assistant_prefix"`
		MaxCompletionTokens              *int           `json:"max_completion_tokens"`
		Temperature                      *float64       `json:"temperature"`
		ReasoningEffort                  *string        `json:"reasoning_effort"`
		ExtraParameters                  map[string]any `json:"extra_parameters"`
	}
	type plainLLM struct {
		ID             string      `json:"id"`
		OrganizationID string      `json:"organization_id"`
		Config         plainConfig `json:"config"`
		CreatedAt      string      `json:"created_at"`
		ModifiedAt     string      `json:"modified_at"`
		Valid          bool        `json:"valid"`
	}
	b.Run("encoding/json baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var out struct {
				CustomLLMs []plainLLM `json:"custom_llms"`
			}
			if err := json.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
