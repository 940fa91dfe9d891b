package skyvern

import (
	"context"
	"encoding/json"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// OTPType says what a one-time code handed to Skyvern is. Values this SDK
// does not know yet are sent and decoded as they are; IsKnown tells them
// apart.
type OTPType string

// The kinds of one-time code Skyvern recognises.
const (
	OTPTypeTOTP      OTPType = "totp"
	OTPTypeMagicLink OTPType = "magic_link"
)

// IsKnown reports whether t is one of the kinds defined above.
func (t OTPType) IsKnown() bool { return t == OTPTypeTOTP || t == OTPTypeMagicLink }

// TOTPCodeRequest hands Skyvern a second-factor code that reached you by
// email or text message, for a run that is logging in. TOTPIdentifier and
// Content are required.
type TOTPCodeRequest struct {
	// TOTPIdentifier is the email address or phone number the code was sent
	// to: the TOTPIdentifier of the run or of its PasswordCredential.
	TOTPIdentifier string `json:"totp_identifier,omitempty"`
	// Content is the code itself, or the whole message that carries it, from
	// which Skyvern extracts the code. Messages longer than 10 characters
	// are parsed by a model, which costs credits.
	Content string `json:"content,omitempty"`
	// TaskID, WorkflowID and WorkflowRunID narrow the code to one run; each
	// must name one that exists (else 400).
	TaskID        string `json:"task_id,omitempty"`
	WorkflowID    string `json:"workflow_id,omitempty"`
	WorkflowRunID string `json:"workflow_run_id,omitempty"`
	// Source says where the code came from, such as "email" or "sms".
	Source string `json:"source,omitempty"`
	// ExpiredAt is when the code stops working.
	ExpiredAt Time `json:"expired_at,omitzero"`
	// Type is ignored by Skyvern, which detects the kind of code itself.
	//
	// Deprecated: leave it empty.
	Type OTPType `json:"type,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a request body, keeping unmodelled members in Extra.
func (r *TOTPCodeRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// MarshalJSON encodes the request body, Extra included.
func (r TOTPCodeRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// TOTPCode is a code Skyvern has stored for its runs to use.
//
// When Skyvern could not extract a code from a long message, it stores the
// message to parse later and answers with an empty Code (and a "status" of
// "raw_pending", kept in Extra).
type TOTPCode struct {
	// TOTPCodeID identifies the stored code.
	TOTPCodeID     string `json:"totp_code_id,omitempty"`
	TOTPIdentifier string `json:"totp_identifier,omitempty"`
	// Code is the code Skyvern extracted from Content.
	Code           string `json:"code,omitempty"`
	Content        string `json:"content,omitempty"`
	TaskID         string `json:"task_id,omitempty"`
	WorkflowID     string `json:"workflow_id,omitempty"`
	WorkflowRunID  string `json:"workflow_run_id,omitempty"`
	Source         string `json:"source,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	// OTPType is the kind of code Skyvern found.
	OTPType    OTPType `json:"otp_type,omitempty"`
	ExpiredAt  Time    `json:"expired_at,omitzero"`
	CreatedAt  Time    `json:"created_at,omitzero"`
	ModifiedAt Time    `json:"modified_at,omitzero"`
	// Type echoes the deprecated request field.
	//
	// Deprecated: use OTPType.
	Type OTPType `json:"type,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a stored code, keeping unmodelled members in Extra.
func (t *TOTPCode) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, t) }

// MarshalJSON encodes the code, Extra included.
func (t TOTPCode) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(t) }

// SendTOTPCode hands Skyvern a second-factor code (or the email or text
// message that carries it), so that a run waiting at a site's 2FA step
// under req.TOTPIdentifier can go on. Use it when the code comes to you;
// when Skyvern should fetch codes itself, give the run a TOTPURL instead
// (see webhooks.TOTPHandler).
//
// It calls POST /v1/credentials/totp. The body is sent to Skyvern's own
// origin only (a redirect to another origin is not followed). A code is
// useful for seconds, so the call is retried although it creates: a
// repeat stores the same code again, which Skyvern's runs treat as one.
// Errors: an *APIError (ErrValidation for a missing field; ErrBadRequest
// for an unknown task, workflow or run id, or a message Skyvern could not
// parse; 402 when the organization has no credits left to parse a long
// message; ErrUnauthorized) or a *RequestError.
func (c *Client) SendTOTPCode(ctx context.Context, req TOTPCodeRequest, opts ...Option) (*TOTPCode, error) {
	var out TOTPCode
	e := request{Call: endpoint.SendTOTPCode.With(), body: req, created: createdID{"totp_code_id", &out.TOTPCodeID}}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}
