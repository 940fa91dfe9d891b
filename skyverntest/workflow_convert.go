package skyverntest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file checks a workflow definition sent to Create or Update Workflow
// against skyvern.WorkflowDefinition, and completes it as Skyvern's
// workflow_definition_converter completes a definition it saves. It knows
// nothing of HTTP beyond the status of a refusal.

var definitionType = reflect.TypeFor[skyvern.WorkflowDefinition]()

// checkDefinition checks a definition's members against
// skyvern.WorkflowDefinition, enums included (a proxy_location outside
// Skyvern's ProxyLocation enum, neither a GeoTarget nor an object, gets
// 422 as WorkflowCreateYAMLRequest refuses it), with errors located under
// loc.
func checkDefinition(loc []any, m map[string]json.RawMessage, raw []byte) []validationError {
	if errs := checkObject(loc, m, raw, definitionType, nil); errs != nil {
		return errs
	}
	var def skyvern.WorkflowDefinition
	if err := unmarshal(raw, &def); err != nil {
		return []validationError{invalid("value_error", loc, err.Error(), json.RawMessage(raw), nil)}
	}
	if errs := checkEnums(loc, reflect.ValueOf(def), nil); errs != nil {
		return errs
	}
	return checkBody(append(slices.Clip(loc), "workflow_definition"), m["workflow_definition"])
}

// parameterTags are the tags of schemas/workflows.py PARAMETER_YAML_TYPES,
// a union discriminated by parameter_type, in its order and as pydantic
// writes them (the repr of each ParameterType member): azure_secret, a
// ParameterType, is not among them.
var parameterTags = func() string {
	var tags []string
	for _, t := range []string{"aws_secret", "bitwarden_login_credential", "bitwarden_sensitive_information",
		"bitwarden_credit_card_data", "onepassword", "azure_vault_credential", "workflow", "context", "output", "credential"} {
		tags = append(tags, "<ParameterType."+strings.ToUpper(t)+": '"+t+"'>")
	}
	return strings.Join(tags, ", ")
}()

// checkBody checks what pydantic checks of a WorkflowDefinitionYAML
// (schemas/workflows.py) beyond skyvern.WorkflowBody: each parameter's
// parameter_type as the tag of PARAMETER_YAML_TYPES, and the criteria_type
// of a top-level while_loop's condition and of a top-level conditional's
// branch criteria (BranchCriteriaYAML: "jinja2_template" or "prompt").
// Nested loop blocks are a plain union on the server, whose errors list
// every member: they are not checked here.
func checkBody(loc []any, raw json.RawMessage) []validationError {
	var body struct {
		Parameters []json.RawMessage `json:"parameters"`
		Blocks     []json.RawMessage `json:"blocks"`
	}
	if json.Unmarshal(raw, &body) != nil {
		return nil // checked against WorkflowBody
	}
	var errs []validationError
	disc := wire.Member{Key: "discriminator", Value: "'parameter_type'"}
	for i, p := range body.Parameters {
		at := append(slices.Clip(loc), "parameters", i)
		var m map[string]json.RawMessage
		if json.Unmarshal(p, &m) != nil {
			continue
		}
		var tag string
		if json.Unmarshal(m["parameter_type"], &tag) != nil {
			errs = append(errs, invalid("union_tag_not_found", at, "Unable to extract tag using discriminator 'parameter_type'",
				rawValue(p), wire.Object{disc}))
			continue
		}
		if !strings.Contains(parameterTags, ": '"+tag+"'>") {
			errs = append(errs, invalid("union_tag_invalid", at,
				"Input tag '"+tag+"' found using 'parameter_type' does not match any of the expected tags: "+parameterTags,
				rawValue(p), wire.Object{disc, {Key: "tag", Value: tag}, {Key: "expected_tags", Value: parameterTags}}))
		}
	}
	criteria := func(at []any, raw json.RawMessage) {
		var c map[string]json.RawMessage
		if json.Unmarshal(raw, &c) != nil {
			return
		}
		t, ok := c["criteria_type"]
		var s string
		if !ok || (json.Unmarshal(t, &s) == nil && (s == "jinja2_template" || s == "prompt")) {
			return
		}
		errs = append(errs, invalid("literal_error", append(at, "criteria_type"), "Input should be 'jinja2_template' or 'prompt'",
			rawValue(t), wire.Object{{Key: "expected", Value: "'jinja2_template' or 'prompt'"}}))
	}
	for i, b := range body.Blocks {
		var blk struct {
			Type      string          `json:"block_type"`
			Condition json.RawMessage `json:"condition"`
			Branches  []struct {
				Criteria json.RawMessage `json:"criteria"`
			} `json:"branch_conditions"`
		}
		if json.Unmarshal(b, &blk) != nil {
			continue
		}
		at := append(slices.Clip(loc), "blocks", i, blk.Type)
		switch blk.Type {
		case "while_loop":
			criteria(append(at, "condition"), blk.Condition)
		case "conditional":
			for j, br := range blk.Branches {
				criteria(append(slices.Clip(at), "branch_conditions", j, "criteria"), br.Criteria)
			}
		}
	}
	return errs
}

// newVersion makes the Workflow that Skyvern saves for def: its settings as
// sent, the server's defaults for the others, and the definition
// converted (completeDefinition), or the 422 detail refusing it. now is
// the time of saving.
func (s *Server) newVersion(def map[string]json.RawMessage, wpid string, version int, now time.Time) (skyvern.Workflow, *definitionError) {
	var wf skyvern.Workflow
	whole, _ := json.Marshal(def)
	_ = json.Unmarshal(whole, &wf) // checked against WorkflowDefinition: the settings decode
	set := func(name string) bool { raw, ok := def[name]; return ok && string(raw) != "null" }
	wf.Extra = nil
	wf.WorkflowID = s.newID("w_")
	wf.WorkflowPermanentID, wf.AgentID = wpid, wpid
	wf.OrganizationID = s.orgID
	wf.Version = version
	wf.IsTemplate = false
	if wf.Status == "" {
		wf.Status = skyvern.WorkflowStatusPublished
	}
	if wf.RunWith == "" {
		wf.RunWith = "agent"
	}
	if !set("ai_fallback") {
		wf.AIFallback = true
	}
	if wf.CacheKey == "" {
		wf.CacheKey = "default"
	}
	wf.CreatedAt, wf.ModifiedAt = sdkTime(now), sdkTime(now)
	var err *definitionError
	wf.Definition, err = s.completeDefinition(def["workflow_definition"], wf.WorkflowID, now)
	return wf, err
}

// completeDefinition converts a definition as Skyvern's
// workflow_definition_converter.convert_workflow_definition does: it
// refuses, with the converter's 422 detail, an output parameter sent by
// hand, duplicate block labels or parameter keys, a reserved key, a
// context parameter whose source is not defined, a block naming an
// undefined parameter and a for loop with nothing to loop over; it makes
// each block's output parameter ("<label>_output", nested blocks
// included), lists them first, then the other parameters with their ids,
// workflow_id and times, then the context parameters with their source
// resolved; and it gives each block its parameters (parameter_keys
// resolved) and each for loop its loop_over (loop_over_parameter_key or
// loop_variable_reference resolved). Block members it does not model are
// kept as sent.
func (s *Server) completeDefinition(raw json.RawMessage, workflowID string, now time.Time) (json.RawMessage, *definitionError) {
	var body skyvern.WorkflowBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&body) // checked against WorkflowBody
	if body.Version == nil {
		body.Version = skyvern.Ptr(1) // pydantic's default, which the server writes out
	}
	at := timeValue(now)
	stamp := func(p map[string]any) map[string]any {
		p["workflow_id"] = workflowID
		p["created_at"], p["modified_at"], p["deleted_at"] = at, at, nil
		if _, ok := p["description"]; !ok {
			p["description"] = nil
		}
		return p
	}
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }

	var userKeys []string
	for _, p := range body.Parameters {
		if str(p, "parameter_type") == "output" {
			return nil, refuse("Cannot manually create output parameters")
		}
		userKeys = append(userKeys, str(p, "key"))
	}
	var labels []string // every block's, nested ones after their loop's
	var walk func(list []any)
	walk = func(list []any) {
		for _, b := range list {
			if m, ok := b.(map[string]any); ok {
				labels = append(labels, str(m, "label"))
				if nested, ok := m["loop_blocks"].([]any); ok {
					walk(nested)
				}
			}
		}
	}
	for _, b := range body.Blocks {
		walk([]any{b})
	}
	if dup := duplicates(labels); dup != "" {
		return nil, refuse("WorkflowDefinition has blocks with duplicate labels. Each block needs to have a unique label. Duplicate label(s): " + dup)
	}
	outputKeys := make([]string, len(labels))
	for i, l := range labels {
		outputKeys[i] = l + "_output"
	}
	for _, reserved := range [][]string{outputKeys, reservedParameterKeys} {
		for _, k := range userKeys {
			if slices.Contains(reserved, k) {
				return nil, refuse("WorkflowDefinition has parameters with reserved keys. User created parameters cannot have the following reserved keys: " +
					strings.Join(reserved, ",") + ". Parameter keys: " + strings.Join(userKeys, ","))
			}
		}
	}

	params := map[string]map[string]any{}
	var order []map[string]any
	add := func(p map[string]any) { params[str(p, "key")] = p; order = append(order, p) }
	for _, l := range labels {
		add(stamp(map[string]any{
			"parameter_type":      "output",
			"key":                 l + "_output",
			"description":         "Output parameter for block " + l,
			"output_parameter_id": s.newID("op_"),
		}))
	}
	var contexts, dups []string
	for _, p := range body.Parameters {
		key, typ := str(p, "key"), str(p, "parameter_type")
		switch {
		case params[key] != nil:
			dups = append(dups, key)
			continue
		case typ == "context":
			contexts = append(contexts, key)
			continue
		case typ == "workflow":
			p["workflow_parameter_id"] = s.newID("wp_")
			if _, ok := p["default_value"]; !ok {
				p["default_value"] = nil
			}
		case typ == "bitwarden_login_credential":
			// The converter's BITWARDEN_LOGIN_CREDENTIAL branch
			// (WorkflowParameterMissingRequiredValue: 400).
			required := ""
			switch {
			case str(p, "bitwarden_collection_id") == "" && str(p, "bitwarden_item_id") == "":
				required = "bitwarden_collection_id or bitwarden_item_id"
			case str(p, "bitwarden_item_id") == "" && str(p, "url_parameter_key") == "":
				required = "url_parameter_key"
			}
			if required != "" {
				return nil, &definitionError{http.StatusBadRequest, "Missing required value for workflow parameter. Workflow parameter type: " +
					typ + ". workflow_parameter_key: " + key + ". Required value: " + required}
			}
			fallthrough
		default:
			if id, ok := parameterIDs[typ]; ok {
				p[id[0]] = s.newID(id[1])
			}
		}
		add(stamp(p))
	}
	for _, p := range body.Parameters {
		key := str(p, "key")
		if str(p, "parameter_type") != "context" || !slices.Contains(contexts, key) {
			continue
		}
		contexts = slices.DeleteFunc(contexts, func(k string) bool { return k == key })
		src := str(p, "source_parameter_key")
		if params[src] == nil {
			return nil, refuse("Source parameter key " + src + " for context parameter " + key + " does not exist.")
		}
		if params[key] != nil {
			dups = append(dups, key)
			continue
		}
		add(map[string]any{"parameter_type": "context", "key": key, "description": p["description"],
			"source": params[src], "value": nil})
	}
	if len(dups) > 0 {
		return nil, refuse("WorkflowDefinition has parameters with duplicate keys. Each parameter needs to have a unique key. Duplicate key(s): " +
			strings.Join(dups, ","))
	}

	// _collect_undefined_parameters, before any block is built.
	var undefined []string // "  - Block 'l' references undefined parameter(s): 'a', 'b'"
	var collect func(list []map[string]any)
	collect = func(list []map[string]any) {
		for _, b := range list {
			keys, _ := b["parameter_keys"].([]any)
			var missing []string
			for _, k := range keys {
				if ks, _ := k.(string); params[ks] == nil {
					missing = append(missing, "'"+ks+"'")
				}
			}
			if len(missing) > 0 {
				undefined = append(undefined, "  - Block '"+str(b, "label")+"' references undefined parameter(s): "+strings.Join(missing, ", "))
			}
			if t := str(b, "block_type"); t == "for_loop" || t == "while_loop" {
				collect(blockList(b["loop_blocks"]))
			}
		}
	}
	collect(body.Blocks)
	if len(undefined) > 0 {
		return nil, refuse("Workflow definition has blocks that reference undefined parameters:\n" + strings.Join(undefined, "\n") +
			"\n\nMake sure to define all parameters in the workflow parameters list before using them in blocks.")
	}

	// block_yaml_to_block, block by block; a loop's blocks before the
	// loop's own checks. A send_email block may add parameters.
	var convert func(b map[string]any) *definitionError
	convertAll := func(list []map[string]any) *definitionError {
		for _, b := range list {
			if err := convert(b); err != nil {
				return err
			}
		}
		return nil
	}
	convert = func(b map[string]any) *definitionError {
		label, typ := str(b, "label"), str(b, "block_type")
		if err := convertAll(blockList(b["loop_blocks"])); err != nil {
			return err
		}
		b["output_parameter"] = params[label+"_output"]
		if keys, ok := b["parameter_keys"].([]any); ok || slices.Contains(blocksWithParameters, typ) {
			resolved := []any{}
			for _, k := range keys {
				ks, _ := k.(string)
				resolved = append(resolved, params[ks])
			}
			delete(b, "parameter_keys")
			b["parameters"] = resolved
		}
		switch typ {
		case "for_loop":
			var over any
			if p := params[str(b, "loop_over_parameter_key")]; p != nil {
				over = p
			}
			ref := str(b, "loop_variable_reference")
			if p := params[strings.Trim(ref, " {}")]; ref != "" && p != nil {
				over = p
			}
			if over == nil && ref == "" {
				return refuse("For loop block '" + label + "' requires either loop_over_parameter_key or loop_variable_reference")
			}
			delete(b, "loop_over_parameter_key")
			b["loop_over"] = over
		case "wait":
			// The converter's WAIT branch: InvalidWaitBlockTime (422);
			// WaitBlockYAML.wait_sec defaults to 0.
			sec := int64(0)
			if n, ok := b["wait_sec"].(json.Number); ok {
				if f, err := n.Float64(); err == nil && f == float64(int64(f)) {
					sec = int64(f) // pydantic takes 2.0 as 2
				}
			}
			if sec <= 0 || sec > maxWaitSec {
				return refuse("Invalid wait time " + strconv.FormatInt(sec, 10) + " for wait block '" + label +
					"'. It must be a whole number of seconds between 1 and " + strconv.Itoa(maxWaitSec) + ".")
			}
		case "send_email":
			return s.smtpParameters(b, params, now, func(p map[string]any) { add(stamp(p)) })
		}
		return nil
	}
	if err := convertAll(body.Blocks); err != nil {
		return nil, err
	}
	body.Parameters = order
	if body.Parameters == nil {
		body.Parameters = []map[string]any{}
	}
	if body.Blocks == nil {
		body.Blocks = []map[string]any{}
	}
	return mustMarshal(render(&body)), nil
}

// blockList returns the blocks of a loop's loop_blocks member.
func blockList(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, b := range list {
		if m, ok := b.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// smtpParameters gives a send_email block its smtp_host, smtp_port,
// smtp_username and smtp_password, as the converter's SEND_EMAIL branch
// (block_yaml_to_block, _smtp_parameter) does: each is the AWS secret
// parameter its *_secret_parameter_key names, or the one of the same name
// as the member, when declared; else, with custom_smtp_host set, a
// placeholder (its times now) kept out of the definition's parameters; else a parameter
// for Skyvern's own sender (aws_key from PLATFORM_SMTP_AWS_KEYS), which
// add puts in the definition's parameters, where a later send_email block
// finds it. A key naming nothing, or a parameter of that name of another
// type, is refused with the converter's 422.
func (s *Server) smtpParameters(b map[string]any, params map[string]map[string]any, now time.Time, add func(map[string]any)) *definitionError {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	label := str(b, "label")
	custom := strings.TrimSpace(str(b, "custom_smtp_host")) != ""
	var missing []string
	for _, sk := range platformSMTPKeys {
		if key := str(b, sk[0]+"_secret_parameter_key"); key != "" && params[key] == nil && !custom && !slices.Contains(missing, key) {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return refuse("Send email block '" + label + "' references undefined parameter(s): " + strings.Join(missing, ", ") +
			". Declare these parameters in the workflow before using them.")
	}
	for _, sk := range platformSMTPKeys {
		name := sk[0]
		key := str(b, name+"_secret_parameter_key")
		if key == "" {
			key = name
		}
		declared := params[key]
		switch {
		case declared != nil && str(declared, "parameter_type") == "aws_secret":
			b[name] = declared
		case custom:
			at := timeValue(now)
			b[name] = map[string]any{"parameter_type": "aws_secret", "key": name,
				"description": "Unused placeholder; this block sends via custom SMTP.",
				"aws_key":     "UNUSED_CUSTOM_SMTP_PLACEHOLDER", "aws_secret_parameter_id": "placeholder_" + name,
				"workflow_id": "", "created_at": at, "modified_at": at, "deleted_at": nil}
		case declared != nil:
			return refuse("Send email block '" + label + "' needs parameter '" + key + "' to be an AWS secret parameter, but the workflow declares it as " +
				str(declared, "parameter_type") + ". Rename that parameter or send via custom_smtp_host.")
		default:
			p := map[string]any{"parameter_type": "aws_secret", "key": name, "description": "Skyvern platform SMTP " + name,
				"aws_key": sk[1], "aws_secret_parameter_id": s.newID("asp_")}
			add(p)
			b[name] = p
		}
	}
	return nil
}

// parameterIDs gives, for each parameter type the converter saves, the
// member holding the parameter's id and the id's prefix
// (workflow/models/parameter.py, forge/sdk/db/id.py).
var parameterIDs = map[string][2]string{
	"aws_secret":                      {"aws_secret_parameter_id", "asp_"},
	"credential":                      {"credential_parameter_id", "cp_"},
	"onepassword":                     {"onepassword_credential_parameter_id", "opp_"},
	"azure_vault_credential":          {"azure_vault_credential_parameter_id", "azcp_"},
	"bitwarden_login_credential":      {"bitwarden_login_credential_parameter_id", "blc_"},
	"bitwarden_sensitive_information": {"bitwarden_sensitive_information_parameter_id", "bsi_"},
	"bitwarden_credit_card_data":      {"bitwarden_credit_card_data_parameter_id", "bccd_"},
}

// platformSMTPKeys are the AWS secret keys of Skyvern's own SMTP sender
// (workflow/models/parameter.py PLATFORM_SMTP_AWS_KEYS), in the order the
// converter provisions them.
var platformSMTPKeys = [][2]string{
	{"smtp_host", "SKYVERN_SMTP_HOST_AWS_SES"},
	{"smtp_port", "SKYVERN_SMTP_PORT_AWS_SES"},
	{"smtp_username", "SKYVERN_SMTP_USERNAME_SES"},
	{"smtp_password", "SKYVERN_SMTP_PASSWORD_SES"},
}

// maxWaitSec is the server's settings.WORKFLOW_WAIT_BLOCK_MAX_SEC.
const maxWaitSec = 30 * 60

// definitionError is the converter's refusal of a definition: the status
// of its exception (422 for most, 400 for
// WorkflowParameterMissingRequiredValue) and the detail.
type definitionError struct {
	status int
	detail string
}

// refuse is the converter's 422 refusal with detail.
func refuse(detail string) *definitionError {
	return &definitionError{http.StatusUnprocessableEntity, detail}
}

// reservedParameterKeys are the keys Skyvern keeps for itself
// (workflow/models/parameter.py RESERVED_PARAMETER_KEYS).
var reservedParameterKeys = []string{"current_item", "current_value", "current_index", "current_date", "workflow_title",
	"workflow_id", "workflow_permanent_id", "workflow_run_id", "workflow_run_outputs", "workflow_run_summary"}

// blocksWithParameters are the block types whose model has a parameters
// list, written [] when the definition names none (the spec's blocks with
// both output_parameter and parameters).
var blocksWithParameters = []string{"action", "code", "email_inbox", "extraction", "file_download", "google_sheets_read",
	"google_sheets_write", "http_request", "human_interaction", "login", "navigation", "pdf_fill", "print_page",
	"split_pdf", "task", "text_prompt", "goto_url", "validation", "wait", "workflow_trigger"}

// duplicates returns the values that occur more than once in list, sorted
// and joined with ",", or "".
func duplicates(list []string) string {
	seen := map[string]int{}
	var dup []string
	for _, v := range list {
		if seen[v]++; seen[v] == 2 {
			dup = append(dup, v)
		}
	}
	slices.Sort(dup)
	return strings.Join(dup, ",")
}

// firstBlock returns the label and block_type of the first block of a
// definition, or those of a made-up task block.
func firstBlock(def json.RawMessage) (label, typ string) {
	var wd struct {
		Blocks []struct {
			Label     string `json:"label"`
			BlockType string `json:"block_type"`
		} `json:"blocks"`
	}
	label, typ = "block_1", "task"
	if json.Unmarshal(def, &wd) == nil && len(wd.Blocks) > 0 {
		if b := wd.Blocks[0]; b.Label != "" && b.BlockType != "" {
			label, typ = b.Label, b.BlockType
		}
	}
	return label, typ
}
