package skyverntest

import (
	"net/http"
	"strings"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file serves custom LLM configurations, kept in the customLLMStore
// (store_custom_llms.go) with their secrets and answered with them masked.

// The routes of custom LLMs.
const (
	RouteListCustomLLMs  = "GET /v1/custom-llms"
	RouteCreateCustomLLM = "POST /v1/custom-llms"
	RouteUpdateCustomLLM = "PUT /v1/custom-llms/{custom_llm_id}"
	RouteDeleteCustomLLM = "DELETE /v1/custom-llms/{custom_llm_id}"
)

// customLLMRoutes are the routes of custom LLMs.
var customLLMRoutes = []route{
	{name: RouteListCustomLLMs, handle: (*Server).handleListCustomLLMs},
	{name: RouteCreateCustomLLM, body: body[skyvern.CustomLLMRequest](), redact: redactCustomLLM, handle: (*Server).handleCreateCustomLLM},
	{name: RouteUpdateCustomLLM, body: body[skyvern.CustomLLMRequest](), redact: redactCustomLLM, handle: (*Server).handleUpdateCustomLLM},
	{name: RouteDeleteCustomLLM, handle: (*Server).handleDeleteCustomLLM},
}

// redactCustomLLM returns a custom LLM request's body with its secrets
// redacted: the configuration's api_key, and the extra_headers member of
// its extra_parameters (headers such as Authorization), whole.
func redactCustomLLM(body []byte) []byte {
	return redactMembers(body, func(path []string) (secret, descend bool) {
		switch {
		case len(path) == 1:
			return false, strings.EqualFold(path[0], "config")
		case len(path) == 2 && strings.EqualFold(path[1], "api_key"):
			return true, false
		case len(path) == 2:
			return false, strings.EqualFold(path[1], "extra_parameters")
		case len(path) == 3:
			return strings.EqualFold(path[2], "extra_headers"), false
		}
		return false, false
	})
}

// renderCustomLLM renders l, already masked, with every member of its
// configuration, as the server writes its model.
func renderCustomLLM(l skyvern.CustomLLM) wire.Object {
	o := render(l)
	cfg := render(l.Config)
	set(&cfg, "api_key", stringValue(l.Config.APIKey.Reveal())) // the mask, or null
	params := wire.Object{}
	for _, k := range sortedKeys(l.Config.ExtraParameters) {
		params = append(params, wire.Member{Key: k, Value: l.Config.ExtraParameters[k]})
	}
	if len(l.Config.ExtraHeaders) > 0 {
		headers := wire.Object{}
		for _, k := range sortedKeys(l.Config.ExtraHeaders) {
			headers = append(headers, wire.Member{Key: k, Value: l.Config.ExtraHeaders[k].Reveal()})
		}
		set(&params, "extra_headers", headers)
	}
	set(&cfg, "extra_parameters", params)
	set(&o, "config", cfg)
	return o
}

// readCustomLLM returns the request's configuration completed as the
// server's model completes it, or answers the server's refusal and returns
// false.
func readCustomLLM(c *call, cfg skyvern.CustomLLMConfig) (skyvern.CustomLLMConfig, bool) {
	reason, status := checkCustomLLM(&cfg)
	switch status {
	case 0:
		return cfg, true
	case http.StatusUnprocessableEntity:
		// The model's own check: pydantic's value_error on the config.
		c.fail(status, []validationError{invalid("value_error", []any{"body", "config"}, "Value error, "+reason,
			rawValue(c.members["config"]), wire.Object{{Key: "error", Value: wire.Object{}}})})
	default:
		c.fail(status, reason)
	}
	return cfg, false
}

// handleListCustomLLMs serves List Custom LLMs: {"custom_llms": [...]},
// the live ones, oldest first.
//
// Server: skyvern/forge/sdk/routes/custom_llms.py list_custom_llms.
func (s *Server) handleListCustomLLMs(c *call) {
	list := s.customLLMs.list()
	out := make([]wire.Object, len(list))
	for i, l := range list {
		out[i] = renderCustomLLM(l)
	}
	c.replyRaw(mustMarshal(wire.Object{{Key: "custom_llms", Value: out}}))
}

// handleCreateCustomLLM serves Create Custom LLM: {"custom_llm": {...}}.
//
// Server: skyvern/forge/sdk/routes/custom_llms.py create_custom_llm.
func (s *Server) handleCreateCustomLLM(c *call) {
	cfg, ok := readCustomLLM(c, bodyOf[skyvern.CustomLLMRequest](c).Config)
	if !ok {
		return
	}
	c.replyRaw(mustMarshal(wire.Object{{Key: "custom_llm", Value: renderCustomLLM(s.customLLMs.create(s.orgID, cfg, s.now()))}}))
}

// handleUpdateCustomLLM serves Update Custom LLM: the configuration is
// replaced, a masked secret sent back keeping the stored one; an unknown
// id is a 404 "Custom LLM not found".
//
// Server: skyvern/forge/sdk/routes/custom_llms.py update_custom_llm,
// schemas/custom_llms.py config_with_preserved_secrets.
func (s *Server) handleUpdateCustomLLM(c *call) {
	id := c.param("custom_llm_id")
	// The request's configuration is the model's first (a 422 before the
	// 404), then the stored secrets fill in the masked ones.
	cfg, ok := readCustomLLM(c, bodyOf[skyvern.CustomLLMRequest](c).Config)
	if !ok {
		return
	}
	cfg, err := s.customLLMs.withStored(id, cfg)
	if err != nil {
		c.failWith(err)
		return
	}
	if cfg, ok := readCustomLLM(c, cfg); ok {
		l, err := s.customLLMs.update(id, cfg, s.now())
		if err != nil {
			c.failWith(err)
			return
		}
		c.replyRaw(mustMarshal(wire.Object{{Key: "custom_llm", Value: renderCustomLLM(l)}}))
	}
}

// handleDeleteCustomLLM serves Delete Custom LLM: {"success": true}; an
// unknown or deleted id is a 404 "Custom LLM not found".
//
// Server: skyvern/forge/sdk/routes/custom_llms.py delete_custom_llm.
func (s *Server) handleDeleteCustomLLM(c *call) {
	if err := s.customLLMs.delete(c.param("custom_llm_id"), s.now()); err != nil {
		c.failWith(err)
		return
	}
	c.replyRaw(mustMarshal(wire.Object{{Key: "success", Value: true}}))
}
