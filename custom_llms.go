package skyvern

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"maps"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// CustomLLMProvider is the kind of model server a custom LLM is served by.
// Values this SDK does not know yet are sent and decoded as they are;
// IsKnown tells them apart.
type CustomLLMProvider string

// The providers Skyvern calls custom LLMs through.
const (
	// CustomLLMProviderOpenAICompatible: any server with OpenAI's API;
	// APIBase and APIKey are required.
	CustomLLMProviderOpenAICompatible CustomLLMProvider = "openai_compatible"
	// CustomLLMProviderOllama: an Ollama server, at APIBase.
	CustomLLMProviderOllama CustomLLMProvider = "ollama"
	// CustomLLMProviderOpenRouter: OpenRouter; APIKey is required.
	CustomLLMProviderOpenRouter CustomLLMProvider = "openrouter"
	// CustomLLMProviderGemini: Google's Gemini API; APIKey is required.
	CustomLLMProviderGemini CustomLLMProvider = "gemini"
)

// IsKnown reports whether p is one of the providers defined above.
func (p CustomLLMProvider) IsKnown() bool {
	switch p {
	case CustomLLMProviderOpenAICompatible, CustomLLMProviderOllama, CustomLLMProviderOpenRouter, CustomLLMProviderGemini:
		return true
	}
	return false
}

// CustomLLMConfig configures a model of your own that Skyvern's runs can
// use. DisplayName, Provider and ModelName are required.
//
// APIKey and the values of ExtraHeaders are Secrets: printing, logging or
// json.Marshal shows them as "[redacted]", and only the Client's custom LLM
// calls send them, to Skyvern. Skyvern never answers them back: in a
// configuration it returns, APIKey and each header hold the mask
// "********", and sending such a configuration back to UpdateCustomLLM
// keeps the stored values.
type CustomLLMConfig struct {
	// DisplayName is how the model is shown, 1 to 120 characters.
	DisplayName string            `json:"display_name"`
	Provider    CustomLLMProvider `json:"provider"`
	// ModelName is the model as its provider names it, such as
	// "llama3.1:70b".
	ModelName string `json:"model_name"`
	// APIBase is the provider's base URL. Skyvern Cloud requires HTTPS on
	// port 443, and fills in OpenRouter's and Ollama's default when it is
	// empty.
	APIBase    string `json:"api_base,omitempty"`
	APIKey     Secret `json:"api_key,omitzero"`
	APIVersion string `json:"api_version,omitempty"`
	// SupportsVision says whether the model takes screenshots; nil leaves
	// the server's default, true.
	SupportsVision     *bool `json:"supports_vision,omitempty"`
	AddAssistantPrefix bool  `json:"add_assistant_prefix,omitempty"`
	// MaxCompletionTokens caps the model's answers, 1 to 1,000,000.
	MaxCompletionTokens *int `json:"max_completion_tokens,omitempty"`
	// Temperature is between 0 and 2.
	Temperature     *float64 `json:"temperature,omitempty"`
	ReasoningEffort string   `json:"reasoning_effort,omitempty"`
	// ExtraParameters are more arguments of the model call, such as
	// "top_p" (at most 30). They are sent and printed as they are: put
	// headers that carry credentials in ExtraHeaders instead.
	ExtraParameters map[string]json.RawMessage `json:"extra_parameters,omitempty"`
	// ExtraHeaders are HTTP headers sent with every model call, such as
	// "Authorization". They travel in extra_parameters, as its
	// "extra_headers" member, which they replace when set.
	ExtraHeaders map[string]Secret `json:"-"`

	// Extra holds members this type does not model, sent after the
	// modelled ones. Never put a secret in it.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the configuration with its secrets redacted, Extra
// included.
func (c CustomLLMConfig) MarshalJSON() ([]byte, error) { return c.encode(false) }

// encode encodes the configuration, revealing its secrets when reveal is
// set.
func (c CustomLLMConfig) encode(reveal bool) ([]byte, error) {
	if len(c.ExtraHeaders) > 0 {
		headers := make(map[string]string, len(c.ExtraHeaders))
		for k, s := range c.ExtraHeaders {
			headers[k] = s.String()
			if reveal {
				headers[k] = s.Reveal()
			}
		}
		raw, err := json.Marshal(headers)
		if err != nil {
			return nil, err
		}
		c.ExtraParameters = maps.Clone(c.ExtraParameters)
		if c.ExtraParameters == nil {
			c.ExtraParameters = map[string]json.RawMessage{}
		}
		c.ExtraParameters[extraHeadersKey] = raw
	}
	b, err := jsonobj.Marshal(c)
	if !reveal {
		return b, err
	}
	return revealSecrets(b, err, map[string]Secret{"api_key": c.APIKey})
}

// extraHeadersKey is the member of extra_parameters that holds headers.
const extraHeadersKey = "extra_headers"

// UnmarshalJSON decodes a configuration, keeping unmodelled members in
// Extra. The string members of extra_parameters' extra_headers become
// ExtraHeaders.
func (c *CustomLLMConfig) UnmarshalJSON(data []byte) error {
	if err := jsonobj.Unmarshal(data, c); err != nil {
		return err
	}
	raw, ok := c.ExtraParameters[extraHeadersKey]
	if !ok {
		return nil
	}
	var headers map[string]Secret
	if json.Unmarshal(raw, &headers) != nil || headers == nil {
		return nil // not an object of strings: left as it is
	}
	c.ExtraHeaders = headers
	delete(c.ExtraParameters, extraHeadersKey)
	return nil
}

// secretValues returns the values of the secrets that are set.
func (c CustomLLMConfig) secretValues() []string {
	out := values(c.APIKey)
	for _, s := range c.ExtraHeaders {
		out = append(out, values(s)...)
	}
	return out
}

// CustomLLMRequest creates a custom LLM (CreateCustomLLM) or replaces one
// (UpdateCustomLLM). Printing or logging it, or encoding it with
// json.Marshal, shows its secrets as "[redacted]".
type CustomLLMRequest struct {
	Config CustomLLMConfig `json:"config"`

	// Extra holds body members this type does not model. Never put a
	// secret in it.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request with its secrets redacted, Extra
// included.
func (r CustomLLMRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *CustomLLMRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// revealJSON encodes the body sent to Skyvern, secrets as they are.
func (r CustomLLMRequest) revealJSON() ([]byte, error) {
	config, err := r.Config.encode(true)
	if err != nil {
		return nil, err
	}
	b, err := jsonobj.Marshal(r)
	if err != nil {
		return nil, err
	}
	return jsonobj.SetMembers(b, jsonobj.Member{Name: "config", Value: config})
}

// CustomLLM is a custom LLM configuration as Skyvern keeps it. Its Config
// carries the mask "********" in place of the API key and secret headers.
type CustomLLM struct {
	// ID identifies the configuration.
	ID             string          `json:"id,omitempty"`
	OrganizationID string          `json:"organization_id,omitempty"`
	Config         CustomLLMConfig `json:"config"`
	// CreatedAt and ModifiedAt are datetimes as Skyvern writes them
	// ("2026-01-31T15:20:42.160725", UTC). Skyvern's API types them as
	// plain strings, so they are kept as received, whatever they hold;
	// ParseTime reads one.
	CreatedAt  string `json:"created_at,omitempty"`
	ModifiedAt string `json:"modified_at,omitempty"`
	// Valid is false once the configuration is deleted.
	Valid bool `json:"valid"`

	// Extra holds the members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a custom LLM, keeping unmodelled members in Extra.
func (l *CustomLLM) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, l) }

// MarshalJSON encodes the custom LLM, secrets redacted, Extra included.
func (l CustomLLM) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(l) }

// ListCustomLLMs iterates over the organization's custom LLM
// configurations, their secrets masked. The server does not page this
// list: one request, made when iteration starts, fetches it.
//
// It calls GET /v1/custom-llms. Errors: an *APIError (ErrUnauthorized) or a
// *RequestError.
func (c *Client) ListCustomLLMs(ctx context.Context, opts ...Option) iter.Seq2[*CustomLLM, error] {
	return whole(ctx, func(ctx context.Context) ([]CustomLLM, error) {
		var out struct {
			CustomLLMs []CustomLLM `json:"custom_llms"`
		}
		if err := c.do(ctx, request{Call: endpoint.ListCustomLLMs.With()}, &out, opts); err != nil {
			return nil, err
		}
		return out.CustomLLMs, nil
	})
}

// sendCustomLLM sends req, secrets revealed, and decodes the custom LLM
// the answer holds.
func (c *Client) sendCustomLLM(ctx context.Context, to endpoint.Call, creates bool, req CustomLLMRequest, opts []Option) (*CustomLLM, error) {
	body, err := req.revealJSON()
	if err != nil {
		return nil, &RequestError{Method: to.Op.Method, Path: to.Path, Err: errors.New("encoding request body: " + err.Error())}
	}
	secrets := req.Config.secretValues()
	if err := refuseRedacted(to, secrets); err != nil {
		return nil, err
	}
	var out customLLMAnswer
	e := request{Call: to, body: json.RawMessage(body), creates: creates}
	if creates {
		// Decoded into (a null still sets it nil), so that its id can be
		// declared before the answer arrives.
		out.CustomLLM = new(CustomLLM)
		e.created = createdID{"custom_llm.id", &out.CustomLLM.ID}
	}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, redactSecrets(err, secrets)
	}
	return out.CustomLLM, nil
}

// customLLMAnswer is the answer of CreateCustomLLM and UpdateCustomLLM. It
// refuses an answer without a custom LLM while it is decoded, so that the
// call reports it like any malformed answer: with its attempts and, for a
// create, as ErrOutcomeUnknown (the configuration may have been stored).
type customLLMAnswer struct {
	CustomLLM *CustomLLM `json:"custom_llm"`
}

var errNoCustomLLM = errors.New("the answer has no custom_llm")

func (a *customLLMAnswer) UnmarshalJSON(data []byte) error {
	if err := jsonobj.Unmarshal(data, a); err != nil {
		return err
	}
	if a.CustomLLM == nil {
		return errNoCustomLLM
	}
	return nil
}

// CreateCustomLLM stores a custom LLM configuration and returns it, its
// secrets masked.
//
//	llm, err := client.CreateCustomLLM(ctx, skyvern.CustomLLMRequest{Config: skyvern.CustomLLMConfig{
//		DisplayName: "Our Llama",
//		Provider:    skyvern.CustomLLMProviderOpenAICompatible,
//		ModelName:   "llama3.1:70b",
//		APIBase:     "https://llm.example.com/v1",
//		APIKey:      skyvern.NewSecret(os.Getenv("LLM_API_KEY")),
//	}})
//
// It calls POST /v1/custom-llms with the secrets in the body, and sends them
// nowhere else: a redirect to another origin is not followed, and any trace
// of them in an error answer is replaced by "[redacted]". Errors: an
// *APIError (ErrValidation for a missing or bad field, such as an
// OpenAI-compatible model without APIBase or APIKey; ErrBadRequest for an
// APIBase Skyvern Cloud refuses; ErrUnauthorized) or a *RequestError. It is
// not retried once sent; see ErrOutcomeUnknown. Look for it with
// ListCustomLLMs before creating it again.
func (c *Client) CreateCustomLLM(ctx context.Context, req CustomLLMRequest, opts ...Option) (*CustomLLM, error) {
	return c.sendCustomLLM(ctx, endpoint.CreateCustomLLM.With(), true, req, opts)
}

// UpdateCustomLLM replaces the configuration of the custom LLM customLLMID
// with req's and returns it, its secrets masked. An APIKey or header that
// holds the mask "********", as one read back from Skyvern does, keeps the
// stored value.
//
// It calls PUT /v1/custom-llms/{custom_llm_id}, with the same care for the
// secrets as CreateCustomLLM. Errors: ErrEmptyID; an *APIError (ErrNotFound
// for an unknown id, ErrValidation, ErrBadRequest, ErrUnauthorized) or a
// *RequestError.
func (c *Client) UpdateCustomLLM(ctx context.Context, customLLMID string, req CustomLLMRequest, opts ...Option) (*CustomLLM, error) {
	return c.sendCustomLLM(ctx, endpoint.UpdateCustomLLM.With(customLLMID), false, req, opts)
}

// DeleteCustomLLM deletes the custom LLM customLLMID; runs can no longer
// use it.
//
// It calls DELETE /v1/custom-llms/{custom_llm_id}, which answers
// {"success": true}. Errors: ErrEmptyID; an *APIError (ErrNotFound for an
// unknown id, ErrUnauthorized) or a *RequestError.
func (c *Client) DeleteCustomLLM(ctx context.Context, customLLMID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.DeleteCustomLLM.With(customLLMID)}, nil, opts)
}
