package skyvern

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypesDecodeTheSameNested decodes the types whose UnmarshalJSON does
// more than fill fields inside other values, through the client's decoder
// and through encoding/json: each must come out as it does on its own.
func TestTypesDecodeTheSameNested(t *testing.T) {
	body := []byte(`{
		"workflows": [{"agent_id":"wpid_1","x":1}, {"workflow_id":"wpid_2","agent_id":"wpid_3"}],
		"credentials": [{"name":"n","credential_type":"password","credential":{"username":"u","password":"p"},"proxy_location":"RESIDENTIAL"},
			{"name":"m","credential_type":"future","credential":{"k":1}}],
		"stored": {"a": {"credential_id":"cred_1","credential_type":"credit_card","credential":{"last_four":"4242","brand":"visa"}}},
		"actions": [{"url":"https://example.com","action":{"type":"ai_click","selector":"#go","timeout":1500,"z":true}},
			{"url":"https://example.com","action":{"type":"teleport"}}],
		"llm": {"config":{"model_name":"m","extra_parameters":{"extra_headers":{"Authorization":"Bearer t"},"top_p":1}}}
	}`)
	type nested struct {
		Workflows   []WorkflowRunRequest          `json:"workflows"`
		Credentials []CredentialRequest           `json:"credentials"`
		Stored      map[string]CredentialResponse `json:"stored"`
		Actions     []*SDKActionRequest           `json:"actions"`
		LLM         CustomLLMRequest              `json:"llm"`
	}
	check := func(t *testing.T, v nested) {
		require.Len(t, v.Workflows, 2)
		assert.Equal(t, "wpid_1", v.Workflows[0].WorkflowID, "agent_id is workflow_id's other name")
		assert.Equal(t, map[string]json.RawMessage{"x": json.RawMessage(`1`)}, v.Workflows[0].Extra)
		assert.Equal(t, "wpid_2", v.Workflows[1].WorkflowID, "workflow_id wins over agent_id")

		require.Len(t, v.Credentials, 2)
		pw, ok := v.Credentials[0].Credential.(PasswordCredential)
		require.True(t, ok, "%T", v.Credentials[0].Credential)
		assert.Equal(t, "u", pw.Username)
		assert.Equal(t, "p", pw.Password.Reveal())
		assert.Equal(t, ProxyLocation("RESIDENTIAL"), v.Credentials[0].ProxyLocation)
		assert.Nil(t, v.Credentials[0].Extra)
		assert.Nil(t, v.Credentials[1].Credential)
		assert.Equal(t, map[string]json.RawMessage{"credential": json.RawMessage(`{"k":1}`), "credential_type": json.RawMessage(`"future"`)}, v.Credentials[1].Extra)

		assert.Equal(t, CreditCardCredentialResponse{LastFour: "4242", Brand: "visa"}, v.Stored["a"].Credential)
		assert.Nil(t, v.Stored["a"].Extra)

		require.Len(t, v.Actions, 2)
		assert.Equal(t, ClickAction{Selector: "#go", Timeout: 1500 * time.Millisecond, Extra: map[string]json.RawMessage{"z": json.RawMessage(`true`)}}, v.Actions[0].Action)
		assert.Nil(t, v.Actions[0].Extra)
		assert.Nil(t, v.Actions[1].Action)
		assert.Equal(t, map[string]json.RawMessage{"action": json.RawMessage(`{"type":"teleport"}`)}, v.Actions[1].Extra)

		assert.Equal(t, "Bearer t", v.LLM.Config.ExtraHeaders["Authorization"].Reveal())
		assert.Equal(t, map[string]json.RawMessage{"top_p": json.RawMessage(`1`)}, v.LLM.Config.ExtraParameters)
	}
	for i := range 2 { // the first value of a type and a later one
		var viaSDK nested
		require.NoError(t, decodeBody(body, "application/json", &viaSDK), "decode %d", i)
		check(t, viaSDK)
		var viaJSON nested
		require.NoError(t, json.Unmarshal(body, &viaJSON), "decode %d", i)
		check(t, viaJSON)
	}
}
