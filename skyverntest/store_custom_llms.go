package skyverntest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
)

// customLLMMask is what Skyvern answers in place of a custom LLM's API key
// and secret headers, and what, sent back, keeps the stored value.
const customLLMMask = "********"

// Provider defaults Skyvern fills in when api_base is left out.
const (
	ollamaDefaultAPIBase     = "http://localhost:11434"
	openRouterDefaultAPIBase = "https://openrouter.ai/api/v1"
)

// customLLMStore keeps the custom LLM configurations created through the
// fake, secrets included (in skyvern.Secret, which never prints), and
// answers them masked, as Skyvern does. It is safe for concurrent use.
type customLLMStore struct {
	mu    sync.Mutex
	seq   int
	byID  map[string]*skyvern.CustomLLM
	order []string // ids, oldest first
}

const customLLMNotFound = "Custom LLM not found"

// checkCustomLLM completes cfg as the server's model does and returns the
// reason it refuses it with, or "".
//
// Server: skyvern/forge/sdk/schemas/custom_llms.py
// CustomLLMConfig.validate_provider_config, each refusal a 422 value_error,
// with the default setting ALLOW_CUSTOM_LLM_LOCAL_API_BASES=True
// (skyvern/config.py): any http or https api_base with a host is taken, and
// routes/custom_llms.py _validate_custom_llm_api_base returns before its
// 400s ("Cloud api_base must use HTTPS on port 443", "OpenRouter api_base
// must use openrouter.ai"), which only a deployment with the setting off
// answers.
func checkCustomLLM(cfg *skyvern.CustomLLMConfig) (reason string, status int) {
	cfg.APIBase = strings.TrimSpace(cfg.APIBase) // strip_strings: blank is None
	switch cfg.Provider {
	case skyvern.CustomLLMProviderOpenAICompatible:
		if cfg.APIBase == "" {
			return "api_base is required for OpenAI-compatible models", http.StatusUnprocessableEntity
		}
		if cfg.APIKey.IsZero() {
			return "api_key is required for OpenAI-compatible models", http.StatusUnprocessableEntity
		}
	case skyvern.CustomLLMProviderOpenRouter:
		if cfg.APIKey.IsZero() {
			return "api_key is required for OpenRouter models", http.StatusUnprocessableEntity
		}
		if cfg.APIBase == "" {
			cfg.APIBase = openRouterDefaultAPIBase
		}
	case skyvern.CustomLLMProviderGemini:
		if cfg.APIKey.IsZero() {
			return "api_key is required for Gemini models", http.StatusUnprocessableEntity
		}
	case skyvern.CustomLLMProviderOllama:
		if cfg.APIBase == "" {
			cfg.APIBase = ollamaDefaultAPIBase
		}
	}
	if cfg.APIBase != "" {
		u, err := url.Parse(cfg.APIBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "api_base must be an HTTP(S) URL", http.StatusUnprocessableEntity
		}
	}
	if cfg.SupportsVision == nil {
		cfg.SupportsVision = skyvern.Ptr(true)
	}
	if cfg.ExtraParameters == nil {
		cfg.ExtraParameters = map[string]json.RawMessage{}
	}
	return "", 0
}

// masked returns l with its secrets replaced by the mask.
func masked(l *skyvern.CustomLLM) skyvern.CustomLLM {
	out := *l
	if !out.Config.APIKey.IsZero() {
		out.Config.APIKey = skyvern.NewSecret(customLLMMask)
	}
	if len(out.Config.ExtraHeaders) > 0 {
		out.Config.ExtraHeaders = make(map[string]skyvern.Secret, len(l.Config.ExtraHeaders))
		for k := range l.Config.ExtraHeaders {
			out.Config.ExtraHeaders[k] = skyvern.NewSecret(customLLMMask)
		}
	}
	out.Config.ExtraParameters = maps.Clone(l.Config.ExtraParameters)
	return out
}

// create stores cfg under a new id and returns it masked.
func (st *customLLMStore) create(orgID string, cfg skyvern.CustomLLMConfig, now time.Time) skyvern.CustomLLM {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	l := &skyvern.CustomLLM{
		ID:             fmt.Sprintf("oat_%d", 1_000_000+st.seq),
		OrganizationID: orgID,
		Config:         cfg,
		CreatedAt:      sdkTime(now).String(),
		ModifiedAt:     sdkTime(now).String(),
		Valid:          true,
	}
	if st.byID == nil {
		st.byID = make(map[string]*skyvern.CustomLLM)
	}
	st.byID[l.ID] = l
	st.order = append(st.order, l.ID)
	return masked(l)
}

// list returns the live configurations, oldest first, masked.
func (st *customLLMStore) list() []skyvern.CustomLLM {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []skyvern.CustomLLM{}
	for _, id := range st.order {
		if l := st.byID[id]; l.Valid {
			out = append(out, masked(l))
		}
	}
	return out
}

// withStored returns cfg with each secret that holds the mask replaced by
// the stored value of id, as the server restores them on update.
func (st *customLLMStore) withStored(id string, cfg skyvern.CustomLLMConfig) (skyvern.CustomLLMConfig, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l := st.byID[id]
	if l == nil || !l.Valid {
		return cfg, sessionRefuse(http.StatusNotFound, customLLMNotFound)
	}
	if cfg.APIKey.Reveal() == customLLMMask {
		cfg.APIKey = l.Config.APIKey
	}
	if len(cfg.ExtraHeaders) > 0 {
		headers := maps.Clone(cfg.ExtraHeaders)
		for k, v := range headers {
			if old, ok := l.Config.ExtraHeaders[k]; ok && v.Reveal() == customLLMMask {
				headers[k] = old
			}
		}
		cfg.ExtraHeaders = headers
	}
	return cfg, nil
}

// update replaces the configuration of id and returns it masked.
func (st *customLLMStore) update(id string, cfg skyvern.CustomLLMConfig, now time.Time) (skyvern.CustomLLM, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l := st.byID[id]
	if l == nil || !l.Valid {
		return skyvern.CustomLLM{}, sessionRefuse(http.StatusNotFound, customLLMNotFound)
	}
	l.Config = cfg
	l.ModifiedAt = sdkTime(now).String()
	return masked(l), nil
}

// delete invalidates id.
func (st *customLLMStore) delete(id string, now time.Time) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	l := st.byID[id]
	if l == nil || !l.Valid {
		return sessionRefuse(http.StatusNotFound, customLLMNotFound)
	}
	l.Valid = false
	l.ModifiedAt = sdkTime(now).String()
	return nil
}
