package skyverntest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// savedBody decodes the definition of a saved workflow.
func savedBody(t *testing.T, wf *skyvern.Workflow) (params map[string]map[string]any, keys []string, blocks map[string]map[string]any) {
	t.Helper()
	var saved struct {
		Parameters []map[string]any `json:"parameters"`
		Blocks     []map[string]any `json:"blocks"`
	}
	require.NoError(t, json.Unmarshal(wf.Definition, &saved))
	params, blocks = map[string]map[string]any{}, map[string]map[string]any{}
	for _, p := range saved.Parameters {
		k := p["key"].(string)
		params[k] = p
		keys = append(keys, k)
	}
	for _, b := range saved.Blocks {
		blocks[b["label"].(string)] = b
	}
	return params, keys, blocks
}

// A send_email block without SMTP keys gets an AWS secret parameter per
// SMTP member for Skyvern's own sender, added to the definition's
// parameters once and shared by the next such block; with
// custom_smtp_host the block gets placeholders that stay out of the list;
// a declared AWS secret named by *_secret_parameter_key is used as is.
func TestSendEmailBlocksGetTheirSMTPParameters(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	mail := func(label string, extra map[string]any) map[string]any {
		b := map[string]any{"block_type": "send_email", "label": label, "sender": "a@example.com",
			"recipients": []any{"b@example.com"}, "subject": "s", "body": "b"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	body := skyvern.WorkflowBody{
		Parameters: []map[string]any{
			{"key": "my_host", "parameter_type": "aws_secret", "aws_key": "MY_HOST"},
			{"key": "op", "parameter_type": "onepassword", "vault_id": "v", "item_id": "i"},
		},
		Blocks: []map[string]any{
			mail("custom", map[string]any{"custom_smtp_host": "smtp.example.com"}),
			mail("first", map[string]any{"smtp_host_secret_parameter_key": "my_host"}),
			mail("second", nil),
		},
	}
	wf, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t", Body: body}})
	require.NoError(t, err)
	params, keys, blocks := savedBody(t, wf)
	assert.Equal(t, []string{"custom_output", "first_output", "second_output", "my_host", "op",
		"smtp_port", "smtp_username", "smtp_password", "smtp_host"}, keys,
		"the provisioned parameters come last, in the order the blocks asked for them")
	assert.Regexp(t, `^opp_`, params["op"]["onepassword_credential_parameter_id"])

	for name, awsKey := range map[string]string{"smtp_host": "SKYVERN_SMTP_HOST_AWS_SES", "smtp_port": "SKYVERN_SMTP_PORT_AWS_SES",
		"smtp_username": "SKYVERN_SMTP_USERNAME_SES", "smtp_password": "SKYVERN_SMTP_PASSWORD_SES"} {
		p := params[name]
		require.NotNil(t, p, name)
		assert.Equal(t, "aws_secret", p["parameter_type"])
		assert.Equal(t, awsKey, p["aws_key"])
		assert.Equal(t, "Skyvern platform SMTP "+name, p["description"])
		assert.Equal(t, wf.WorkflowID, p["workflow_id"])
		assert.Regexp(t, `^asp_`, p["aws_secret_parameter_id"])
		assert.Equal(t, p, blocks["second"][name], "the second block shares the provisioned %s", name)

		placeholder := blocks["custom"][name].(map[string]any)
		assert.Equal(t, "UNUSED_CUSTOM_SMTP_PLACEHOLDER", placeholder["aws_key"])
		assert.Equal(t, "placeholder_"+name, placeholder["aws_secret_parameter_id"])
		assert.Equal(t, "", placeholder["workflow_id"])
	}
	assert.Equal(t, params["my_host"], blocks["first"]["smtp_host"])
	assert.Equal(t, params["smtp_port"], blocks["first"]["smtp_port"])
}

// Definitions that Skyvern refuses: by pydantic's check of the request
// (a 422 listing the errors), or by the converter (its exception's status
// and message).
func TestDefinitionsTheServerRefuses(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	client := srv.Client()
	ctx := ctxT(t)
	bitwarden := func(extra map[string]any) []map[string]any {
		p := map[string]any{"key": "bw", "parameter_type": "bitwarden_login_credential", "bitwarden_client_id_aws_secret_key": "a",
			"bitwarden_client_secret_aws_secret_key": "b", "bitwarden_master_password_aws_secret_key": "c"}
		for k, v := range extra {
			p[k] = v
		}
		return []map[string]any{p}
	}
	wait := func(sec any) []map[string]any {
		b := map[string]any{"block_type": "wait", "label": "w"}
		if sec != nil {
			b["wait_sec"] = sec
		}
		return []map[string]any{b}
	}
	mail := func(extra map[string]any) []map[string]any {
		b := map[string]any{"block_type": "send_email", "label": "m", "sender": "a@example.com",
			"recipients": []any{"b@example.com"}, "subject": "s", "body": "b"}
		for k, v := range extra {
			b[k] = v
		}
		return []map[string]any{b}
	}
	for name, tc := range map[string]struct {
		body   skyvern.WorkflowBody
		status int
		detail string
	}{
		"a bitwarden login with neither id": {skyvern.WorkflowBody{Parameters: bitwarden(nil)}, http.StatusBadRequest,
			"Missing required value for workflow parameter. Workflow parameter type: bitwarden_login_credential. " +
				"workflow_parameter_key: bw. Required value: bitwarden_collection_id or bitwarden_item_id"},
		"a bitwarden login by collection without a URL": {skyvern.WorkflowBody{Parameters: bitwarden(map[string]any{"bitwarden_collection_id": "c"})},
			http.StatusBadRequest, "Missing required value for workflow parameter. Workflow parameter type: bitwarden_login_credential. " +
				"workflow_parameter_key: bw. Required value: url_parameter_key"},
		"a wait without wait_sec": {skyvern.WorkflowBody{Blocks: wait(nil)}, http.StatusUnprocessableEntity,
			"Invalid wait time 0 for wait block 'w'. It must be a whole number of seconds between 1 and 1800."},
		"a negative wait": {skyvern.WorkflowBody{Blocks: wait(-3)}, http.StatusUnprocessableEntity,
			"Invalid wait time -3 for wait block 'w'. It must be a whole number of seconds between 1 and 1800."},
		"a wait too long": {skyvern.WorkflowBody{Blocks: wait(1801)}, http.StatusUnprocessableEntity,
			"Invalid wait time 1801 for wait block 'w'. It must be a whole number of seconds between 1 and 1800."},
		"a wait inside a loop": {skyvern.WorkflowBody{Blocks: []map[string]any{{"block_type": "while_loop", "label": "l",
			"condition": map[string]any{"expression": "{{ true }}"}, "loop_blocks": []any{wait(0)[0]}}}}, http.StatusUnprocessableEntity,
			"Invalid wait time 0 for wait block 'w'. It must be a whole number of seconds between 1 and 1800."},
		"an SMTP key naming nothing": {skyvern.WorkflowBody{Blocks: mail(map[string]any{"smtp_port_secret_parameter_key": "p2",
			"smtp_host_secret_parameter_key": "h2"})}, http.StatusUnprocessableEntity,
			"Send email block 'm' references undefined parameter(s): h2, p2. Declare these parameters in the workflow before using them."},
		"an SMTP parameter of another type": {skyvern.WorkflowBody{
			Parameters: []map[string]any{{"key": "smtp_host", "parameter_type": "workflow", "workflow_parameter_type": "string"}},
			Blocks:     mail(nil)}, http.StatusUnprocessableEntity,
			"Send email block 'm' needs parameter 'smtp_host' to be an AWS secret parameter, but the workflow declares it as workflow. " +
				"Rename that parameter or send via custom_smtp_host."},
	} {
		_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t", Body: tc.body}})
		assert.Equal(t, tc.detail, refusedWith(t, err, tc.status), name)
	}

	// With custom_smtp_host, a key naming nothing is not looked up.
	_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t",
		Body: skyvern.WorkflowBody{Blocks: mail(map[string]any{"custom_smtp_host": "smtp.example.com", "smtp_host_secret_parameter_key": "h2"})}}})
	assert.NoError(t, err)

	// pydantic's errors, located in the request.
	for name, tc := range map[string]struct {
		body skyvern.WorkflowBody
		want []map[string]any
	}{
		"an azure_secret parameter": {skyvern.WorkflowBody{Parameters: []map[string]any{{"key": "a", "parameter_type": "azure_secret"}}},
			[]map[string]any{{"type": "union_tag_invalid", "loc": []any{"body", "json_definition", "workflow_definition", "parameters", 0.0}}}},
		"a parameter without a type": {skyvern.WorkflowBody{Parameters: []map[string]any{{"key": "a"}}},
			[]map[string]any{{"type": "union_tag_not_found", "loc": []any{"body", "json_definition", "workflow_definition", "parameters", 0.0},
				"msg": "Unable to extract tag using discriminator 'parameter_type'"}}},
		"a while loop on python": {skyvern.WorkflowBody{Blocks: []map[string]any{{"block_type": "while_loop", "label": "l",
			"condition": map[string]any{"criteria_type": "python", "expression": "True"}, "loop_blocks": []any{}}}},
			[]map[string]any{{"type": "literal_error", "loc": []any{"body", "json_definition", "workflow_definition", "blocks", 0.0, "while_loop",
				"condition", "criteria_type"}, "msg": "Input should be 'jinja2_template' or 'prompt'", "input": "python"}}},
		"a conditional branch on python": {skyvern.WorkflowBody{Blocks: []map[string]any{{"block_type": "conditional", "label": "c",
			"branch_conditions": []any{map[string]any{"criteria": map[string]any{"criteria_type": "python", "expression": "True"}}}}}},
			[]map[string]any{{"type": "literal_error", "loc": []any{"body", "json_definition", "workflow_definition", "blocks", 0.0, "conditional",
				"branch_conditions", 0.0, "criteria", "criteria_type"}}}},
	} {
		_, err := client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t", Body: tc.body}})
		refusedWith(t, err, http.StatusUnprocessableEntity)
		var got []map[string]any
		require.NoError(t, json.Unmarshal(apiError(t, err).RawDetail, &got), name)
		require.Len(t, got, len(tc.want), name)
		for i, want := range tc.want {
			for k, v := range want {
				assert.Equal(t, v, got[i][k], "%s: %s", name, k)
			}
		}
	}
	var errs []map[string]any
	_, err = client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{JSONDefinition: &skyvern.WorkflowDefinition{Title: "t",
		Body: skyvern.WorkflowBody{Parameters: []map[string]any{{"key": "a", "parameter_type": "azure_secret"}}}}})
	require.NoError(t, json.Unmarshal(apiError(t, err).RawDetail, &errs))
	assert.Equal(t, "Input tag 'azure_secret' found using 'parameter_type' does not match any of the expected tags: "+
		"<ParameterType.AWS_SECRET: 'aws_secret'>, <ParameterType.BITWARDEN_LOGIN_CREDENTIAL: 'bitwarden_login_credential'>, "+
		"<ParameterType.BITWARDEN_SENSITIVE_INFORMATION: 'bitwarden_sensitive_information'>, "+
		"<ParameterType.BITWARDEN_CREDIT_CARD_DATA: 'bitwarden_credit_card_data'>, <ParameterType.ONEPASSWORD: 'onepassword'>, "+
		"<ParameterType.AZURE_VAULT_CREDENTIAL: 'azure_vault_credential'>, <ParameterType.WORKFLOW: 'workflow'>, "+
		"<ParameterType.CONTEXT: 'context'>, <ParameterType.OUTPUT: 'output'>, <ParameterType.CREDENTIAL: 'credential'>", errs[0]["msg"])

	// The YAML path answers pydantic's errors as one line.
	_, err = client.CreateWorkflow(ctx, skyvern.CreateWorkflowRequest{YAMLDefinition: "title: t\nworkflow_definition:\n  parameters: [{key: a, parameter_type: azure_secret}]\n  blocks: []\n"})
	assert.Contains(t, refusedWith(t, err, http.StatusUnprocessableEntity), "workflow_definition -> parameters -> 0: Input tag 'azure_secret'")

	all, err := client.ListWorkflowsPage(ctx, skyvern.ListWorkflowsParams{})
	require.NoError(t, err)
	assert.Len(t, all, 1, "only the custom-SMTP workflow was saved")
}
