package skyvern

import (
	"context"
	"encoding/json"
	"errors"
	"iter"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// CredentialType says what a stored credential holds. Values this SDK does
// not know yet decode as they are; IsKnown tells them apart.
type CredentialType string

// The credential types Skyvern stores.
const (
	CredentialTypePassword   CredentialType = "password"
	CredentialTypeCreditCard CredentialType = "credit_card"
	CredentialTypeSecret     CredentialType = "secret"
)

// IsKnown reports whether t is one of the credential types defined above.
func (t CredentialType) IsKnown() bool {
	switch t {
	case CredentialTypePassword, CredentialTypeCreditCard, CredentialTypeSecret:
		return true
	}
	return false
}

// CredentialVaultType names the vault a credential is kept in. Values this
// SDK does not know yet are sent and decoded as they are; IsKnown tells
// them apart.
type CredentialVaultType string

// The vaults Skyvern can keep credentials in.
const (
	CredentialVaultTypeSkyvern    CredentialVaultType = "skyvern"
	CredentialVaultTypeBitwarden  CredentialVaultType = "bitwarden"
	CredentialVaultTypeAzureVault CredentialVaultType = "azure_vault"
	CredentialVaultTypeGCP        CredentialVaultType = "gcp"
	CredentialVaultTypeCustom     CredentialVaultType = "custom"
)

// IsKnown reports whether v is one of the vault types defined above.
func (v CredentialVaultType) IsKnown() bool {
	switch v {
	case CredentialVaultTypeSkyvern, CredentialVaultTypeBitwarden, CredentialVaultTypeAzureVault,
		CredentialVaultTypeGCP, CredentialVaultTypeCustom:
		return true
	}
	return false
}

// TOTPType says how a site asks for the second factor of a password
// credential. Values this SDK does not know yet are sent and decoded as they
// are; IsKnown tells them apart.
type TOTPType string

// The second-factor methods Skyvern knows.
const (
	// TOTPTypeAuthenticator: codes from an authenticator app, which Skyvern
	// generates itself from PasswordCredential.TOTP.
	TOTPTypeAuthenticator TOTPType = "authenticator"
	// TOTPTypeEmail and TOTPTypeText: codes sent by email or text message,
	// which you hand to Skyvern with SendTOTPCode.
	TOTPTypeEmail   TOTPType = "email"
	TOTPTypeText    TOTPType = "text"
	TOTPTypePasskey TOTPType = "passkey"
	// TOTPTypeNone, the server's default: no second factor.
	TOTPTypeNone TOTPType = "none"
)

// IsKnown reports whether t is one of the methods defined above.
func (t TOTPType) IsKnown() bool {
	switch t {
	case TOTPTypeAuthenticator, TOTPTypeEmail, TOTPTypeText, TOTPTypePasskey, TOTPTypeNone:
		return true
	}
	return false
}

// CredentialData is the secret part of a credential to store: a
// PasswordCredential, a CreditCardCredential or a SecretCredential. Its
// type sets the request's credential_type. The interface is sealed: only
// this package's types implement it.
type CredentialData interface {
	// CredentialType reports the type Skyvern stores the credential as.
	CredentialType() CredentialType

	// revealJSON encodes the credential with its secrets as they are, for
	// the body sent to Skyvern.
	revealJSON() ([]byte, error)
	// secretValues returns the values of the secrets that are set.
	secretValues() []string
}

// PasswordCredential is a login: a username and a password, and optionally
// what Skyvern needs to pass the site's second factor.
//
// Extra holds members this type does not model; they are sent, printed and
// encoded as they are, so never put a secret in it.
type PasswordCredential struct {
	Username string `json:"username,omitempty"`
	Password Secret `json:"password,omitzero"`
	// TOTP is the authenticator app's shared secret (the base32 seed, or an
	// otpauth:// URI), from which Skyvern generates the codes itself.
	TOTP Secret `json:"totp,omitzero"`
	// TOTPType says how the site asks for the second factor; empty leaves
	// the server's default, TOTPTypeNone.
	TOTPType TOTPType `json:"totp_type,omitempty"`
	// TOTPIdentifier is the email address or phone number the codes are
	// sent to, under which SendTOTPCode hands them over.
	TOTPIdentifier string            `json:"totp_identifier,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// CredentialType returns CredentialTypePassword.
func (PasswordCredential) CredentialType() CredentialType { return CredentialTypePassword }

// UnmarshalJSON decodes a password credential, keeping unmodelled members
// in Extra.
func (p *PasswordCredential) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, p) }

// MarshalJSON encodes the credential with its secrets redacted, Extra
// included.
func (p PasswordCredential) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(p) }

func (p PasswordCredential) revealJSON() ([]byte, error) {
	b, err := jsonobj.Marshal(p)
	return revealSecrets(b, err, map[string]Secret{"password": p.Password, "totp": p.TOTP})
}

func (p PasswordCredential) secretValues() []string { return values(p.Password, p.TOTP) }

// CreditCardCredential is a payment card. Skyvern requires every field but
// the billing ones and Metadata.
//
// Extra holds members this type does not model; they are sent, printed and
// encoded as they are, so never put a secret in it.
type CreditCardCredential struct {
	CardNumber Secret `json:"card_number,omitzero"`
	CardCVV    Secret `json:"card_cvv,omitzero"`
	// CardExpMonth and CardExpYear are sent as written, such as "12" and
	// "2028".
	CardExpMonth   string                    `json:"card_exp_month,omitempty"`
	CardExpYear    string                    `json:"card_exp_year,omitempty"`
	CardBrand      string                    `json:"card_brand,omitempty"`
	CardHolderName string                    `json:"card_holder_name,omitempty"`
	BillingAddress *CreditCardBillingAddress `json:"billing_address,omitempty"`
	BillingEmail   string                    `json:"billing_email,omitempty"`
	BillingPhone   string                    `json:"billing_phone,omitempty"`
	Metadata       map[string]string         `json:"metadata,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// CredentialType returns CredentialTypeCreditCard.
func (CreditCardCredential) CredentialType() CredentialType { return CredentialTypeCreditCard }

// UnmarshalJSON decodes a card, keeping unmodelled members in Extra.
func (c *CreditCardCredential) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, c) }

// MarshalJSON encodes the card with its number and CVV redacted, Extra
// included.
func (c CreditCardCredential) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(c) }

func (c CreditCardCredential) revealJSON() ([]byte, error) {
	b, err := jsonobj.Marshal(c)
	return revealSecrets(b, err, map[string]Secret{"card_number": c.CardNumber, "card_cvv": c.CardCVV})
}

func (c CreditCardCredential) secretValues() []string { return values(c.CardNumber, c.CardCVV) }

// CreditCardBillingAddress is the billing address of a card. Every field is
// optional.
type CreditCardBillingAddress struct {
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	StateCode  string `json:"state_code,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
	// CountryCode is an ISO 3166-1 alpha-2 code, such as "US".
	CountryCode string `json:"country_code,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an address, keeping unmodelled members in Extra.
func (a *CreditCardBillingAddress) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, a)
}

// MarshalJSON encodes the address, Extra included.
func (a CreditCardBillingAddress) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(a) }

// SecretCredential is any other secret, such as an API token, with an
// optional label to recognise it by.
//
// Extra holds members this type does not model; they are sent, printed and
// encoded as they are, so never put a secret in it.
type SecretCredential struct {
	SecretValue Secret `json:"secret_value,omitzero"`
	SecretLabel string `json:"secret_label,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// CredentialType returns CredentialTypeSecret.
func (SecretCredential) CredentialType() CredentialType { return CredentialTypeSecret }

// UnmarshalJSON decodes a secret credential, keeping unmodelled members in
// Extra.
func (s *SecretCredential) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, s) }

// MarshalJSON encodes the credential with its value redacted, Extra
// included.
func (s SecretCredential) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

func (s SecretCredential) revealJSON() ([]byte, error) {
	b, err := jsonobj.Marshal(s)
	return revealSecrets(b, err, map[string]Secret{"secret_value": s.SecretValue})
}

func (s SecretCredential) secretValues() []string { return values(s.SecretValue) }

// revealSecrets returns b, an encoding with redacted secrets (or err),
// with the values of the secrets that are set in place of their
// redaction, the keys of secrets naming their members.
func revealSecrets(b []byte, err error, secrets map[string]Secret) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	var members []jsonobj.Member
	for name, s := range secrets {
		if !s.IsZero() {
			v, err := json.Marshal(s.Reveal())
			if err != nil {
				return nil, err
			}
			members = append(members, jsonobj.Member{Name: name, Value: v})
		}
	}
	return jsonobj.SetMembers(b, members...)
}

// values returns the values of the secrets that are set.
func values(secrets ...Secret) []string {
	var out []string
	for _, s := range secrets {
		if !s.IsZero() {
			out = append(out, s.Reveal())
		}
	}
	return out
}

// CredentialRequest creates a credential (CreateCredential) or replaces one
// (UpdateCredential). Name and Credential are required. Fields left at their
// zero value are not sent, so the server's defaults apply; the pointer
// fields distinguish "not set" from an explicit false (use Ptr).
//
// Printing or logging a CredentialRequest, or encoding it with json.Marshal,
// shows its secrets as "[redacted]"; see Secret.
type CredentialRequest struct {
	// Name is how the credential is shown and found.
	Name string `json:"name,omitempty"`
	// Credential is what to store. Its Go type sets credential_type.
	Credential CredentialData `json:"credential,omitempty"`
	// VaultType chooses the vault; empty leaves the server's default.
	VaultType CredentialVaultType `json:"vault_type,omitempty"`
	// ProxyLocation pins the proxy this credential's logins go through: a
	// ProxyLocation, a GeoTarget or a CustomProxy.
	ProxyLocation  Proxy  `json:"proxy_location,omitempty"`
	ProxySessionID string `json:"proxy_session_id,omitempty"`
	// RotateProxySessionID asks for a new proxy sticky session (updates).
	RotateProxySessionID bool `json:"rotate_proxy_session_id,omitempty"`
	// BrowserProfileID links a plain browser profile as the credential's
	// saved profile.
	BrowserProfileID string `json:"browser_profile_id,omitempty"`
	// AutoProfileDisabled and PinSavedSessionIP change the stored setting
	// only when set; nil leaves it as it is.
	AutoProfileDisabled *bool `json:"auto_profile_disabled,omitempty"`
	PinSavedSessionIP   *bool `json:"pin_saved_session_ip,omitempty"`
	// TestedURL is the login page a credential test uses.
	TestedURL string `json:"tested_url,omitempty"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones; a member named like a field is sent only when that
	// field is unset. Never put a secret in it.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request with its secrets redacted, Extra
// included.
func (r CredentialRequest) MarshalJSON() ([]byte, error) { return r.encode(false) }

// encode encodes the request, revealing its secrets when reveal is set.
// The credential's Go type is sent as credential_type.
func (r CredentialRequest) encode(reveal bool) ([]byte, error) {
	if r.Credential == nil {
		return jsonobj.Marshal(r)
	}
	cred := r.Credential
	r.Credential = nil // written below
	b, err := jsonobj.Marshal(r)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if reveal {
		raw, err = cred.revealJSON()
	} else {
		raw, err = json.Marshal(cred)
	}
	if err != nil {
		return nil, err
	}
	t, err := json.Marshal(cred.CredentialType())
	if err != nil {
		return nil, err
	}
	return jsonobj.SetMembers(b, jsonobj.Member{Name: "credential_type", Value: t}, jsonobj.Member{Name: "credential", Value: raw})
}

// UnmarshalJSON decodes a request body, the credential by its
// credential_type. When the type is absent or unknown, Credential is nil
// and both members are kept in Extra.
func (r *CredentialRequest) UnmarshalJSON(data []byte) error {
	if err := jsonobj.Unmarshal(data, r); err != nil {
		return err
	}
	// The credential's Go type depends on its sibling credential_type, so
	// both wait in Extra until the fields are decoded.
	typ, _ := jsonobj.Take(&r.Extra, "credential_type")
	raw, _ := jsonobj.Take(&r.Extra, "credential")
	var t CredentialType
	if !isNull(typ) {
		if err := json.Unmarshal(typ, &t); err != nil {
			return err
		}
	}
	var (
		cred CredentialData
		err  error
	)
	switch t {
	case CredentialTypePassword:
		cred, err = decodeAs[PasswordCredential](raw)
	case CredentialTypeCreditCard:
		cred, err = decodeAs[CreditCardCredential](raw)
	case CredentialTypeSecret:
		cred, err = decodeAs[SecretCredential](raw)
	}
	if err != nil {
		return err
	}
	r.Credential = cred
	if cred == nil {
		keepRaw(&r.Extra, "credential", raw)
		if t != "" {
			keepRaw(&r.Extra, "credential_type", typ)
		}
	}
	return nil
}

// decodeAs decodes raw as a T, or returns nil for null or absent.
func decodeAs[T CredentialData, PT interface {
	*T
	json.Unmarshaler
}](raw json.RawMessage) (CredentialData, error) {
	if isNull(raw) {
		return nil, nil
	}
	var v T
	if err := PT(&v).UnmarshalJSON(raw); err != nil {
		return nil, err
	}
	return v, nil
}

func keepRaw(extra *map[string]json.RawMessage, key string, raw json.RawMessage) {
	if raw == nil {
		return
	}
	if *extra == nil {
		*extra = map[string]json.RawMessage{}
	}
	(*extra)[key] = raw
}

// CredentialResponse is a stored credential as Skyvern returns it: its
// name, settings and the non-secret part of what it holds (Credential),
// never the password, card number, CVV or secret value themselves.
type CredentialResponse struct {
	// CredentialID identifies the credential: "cred_...".
	CredentialID string `json:"credential_id,omitempty"`
	// Credential is a PasswordCredentialResponse, a
	// CreditCardCredentialResponse or a SecretCredentialResponse, by
	// CredentialType; a RawCredentialResponseData for a type this SDK does
	// not know; nil when absent.
	Credential     CredentialResponseData `json:"credential,omitempty"`
	CredentialType CredentialType         `json:"credential_type,omitempty"`
	Name           string                 `json:"name,omitempty"`
	VaultType      CredentialVaultType    `json:"vault_type,omitempty"`
	// BrowserProfileID is the browser profile linked to the credential.
	BrowserProfileID    string `json:"browser_profile_id,omitempty"`
	AutoProfileDisabled *bool  `json:"auto_profile_disabled,omitempty"`
	PinSavedSessionIP   bool   `json:"pin_saved_session_ip"`
	TestedURL           string `json:"tested_url,omitempty"`
	// UserContext describes the login sequence, as the user wrote it.
	UserContext              string `json:"user_context,omitempty"`
	SaveBrowserSessionIntent *bool  `json:"save_browser_session_intent,omitempty"`
	RunSequentially          bool   `json:"run_sequentially"`
	FolderID                 string `json:"folder_id,omitempty"`
	ProxyLocation            Proxy  `json:"proxy_location,omitempty"`
	ProxySessionID           string `json:"proxy_session_id,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a credential, keeping unmodelled members in Extra.
func (r *CredentialResponse) UnmarshalJSON(data []byte) error {
	if err := jsonobj.Unmarshal(data, r); err != nil {
		return err
	}
	// The credential's Go type depends on CredentialType, so it waits in
	// Extra until the fields are decoded.
	raw, _ := jsonobj.Take(&r.Extra, "credential")
	var err error
	r.Credential, err = decodeCredentialResponseData(r.CredentialType, raw)
	return err
}

// MarshalJSON encodes the credential, Extra included.
func (r CredentialResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

func decodeCredentialResponseData(t CredentialType, raw json.RawMessage) (CredentialResponseData, error) {
	if isNull(raw) {
		return nil, nil
	}
	var (
		d   CredentialResponseData
		err error
	)
	switch t {
	case CredentialTypePassword:
		var v PasswordCredentialResponse
		err = v.UnmarshalJSON(raw)
		d = v
	case CredentialTypeCreditCard:
		var v CreditCardCredentialResponse
		err = v.UnmarshalJSON(raw)
		d = v
	case CredentialTypeSecret:
		var v SecretCredentialResponse
		err = v.UnmarshalJSON(raw)
		d = v
	default:
		d = RawCredentialResponseData(raw)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// CredentialResponseData is the non-secret part of a stored credential: a
// PasswordCredentialResponse, a CreditCardCredentialResponse, a
// SecretCredentialResponse, or a RawCredentialResponseData. Tell them apart
// with a type switch. The interface is sealed: only this package's types
// implement it.
type CredentialResponseData interface {
	isCredentialResponseData()
}

// PasswordCredentialResponse is what Skyvern shows of a stored password
// credential.
type PasswordCredentialResponse struct {
	Username       string   `json:"username,omitempty"`
	TOTPType       TOTPType `json:"totp_type,omitempty"`
	TOTPIdentifier string   `json:"totp_identifier,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// CreditCardCredentialResponse is what Skyvern shows of a stored card.
type CreditCardCredentialResponse struct {
	// LastFour is the card number's last four digits.
	LastFour string `json:"last_four,omitempty"`
	Brand    string `json:"brand,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// SecretCredentialResponse is what Skyvern shows of a stored secret.
type SecretCredentialResponse struct {
	SecretLabel string `json:"secret_label,omitempty"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// RawCredentialResponseData is the credential member of a credential whose
// type this SDK does not know, as raw JSON.
type RawCredentialResponseData json.RawMessage

// MarshalJSON writes the JSON as it came.
func (d RawCredentialResponseData) MarshalJSON() ([]byte, error) {
	if len(d) == 0 {
		return []byte("null"), nil
	}
	return d, nil
}

func (PasswordCredentialResponse) isCredentialResponseData()   {}
func (CreditCardCredentialResponse) isCredentialResponseData() {}
func (SecretCredentialResponse) isCredentialResponseData()     {}
func (RawCredentialResponseData) isCredentialResponseData()    {}

// UnmarshalJSON decodes the credential's summary, keeping unmodelled
// members in Extra.
func (p *PasswordCredentialResponse) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, p)
}

// MarshalJSON encodes the summary, Extra included.
func (p PasswordCredentialResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(p) }

// UnmarshalJSON decodes the card's summary, keeping unmodelled members in
// Extra.
func (c *CreditCardCredentialResponse) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, c)
}

// MarshalJSON encodes the summary, Extra included.
func (c CreditCardCredentialResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(c) }

// UnmarshalJSON decodes the secret's summary, keeping unmodelled members
// in Extra.
func (s *SecretCredentialResponse) UnmarshalJSON(data []byte) error {
	return jsonobj.Unmarshal(data, s)
}

// MarshalJSON encodes the summary, Extra included.
func (s SecretCredentialResponse) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(s) }

// sendCredential sends req, secrets revealed, to one of the credential
// endpoints and decodes the answer.
func (c *Client) sendCredential(ctx context.Context, to endpoint.Call, creates bool, req CredentialRequest, opts []Option) (*CredentialResponse, error) {
	body, err := req.encode(true)
	if err != nil {
		return nil, &RequestError{Method: to.Op.Method, Path: to.Path, Err: errors.New("encoding request body: " + err.Error())}
	}
	var secrets []string
	if req.Credential != nil {
		secrets = req.Credential.secretValues()
	}
	if err := refuseRedacted(to, secrets); err != nil {
		return nil, err
	}
	var out CredentialResponse
	e := request{Call: to, body: json.RawMessage(body), creates: creates}
	if creates {
		e.created = createdID{"credential_id", &out.CredentialID}
	}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, redactSecrets(err, secrets)
	}
	return &out, nil
}

// CreateCredential stores a new credential (a password, a card or another
// secret) in Skyvern's vault, or the one VaultType names, and returns it
// without its secrets. Runs and login runs then use it by its id.
//
//	cred, err := client.CreateCredential(ctx, skyvern.CredentialRequest{
//		Name: "Billing portal",
//		Credential: skyvern.PasswordCredential{
//			Username: "ops@example.com",
//			Password: skyvern.NewSecret(os.Getenv("PORTAL_PASSWORD")),
//		},
//	})
//
// It calls POST /v1/credentials with the secrets in the body, and sends them
// nowhere else: a redirect to another origin is not followed (the call
// returns it as an *APIError), and any trace of them in an error answer
// (FastAPI's 422 repeats the input it refused) is replaced by "[redacted]"
// before the error is returned. Errors: an *APIError (ErrValidation for a
// missing or bad field, ErrBadRequest for a browser profile that cannot be
// linked, ErrUnauthorized) or a *RequestError.
//
// It is not retried once sent; see ErrOutcomeUnknown. The credential may
// have been created, so look for it (ListCredentials with Search set to its
// name) before creating it again.
func (c *Client) CreateCredential(ctx context.Context, req CredentialRequest, opts ...Option) (*CredentialResponse, error) {
	return c.sendCredential(ctx, endpoint.CreateCredential.With(), true, req, opts)
}

// UpdateCredential replaces what the credential credentialID holds (and its
// name and settings) with req, keeping its id, and returns it without its
// secrets. req must be complete, as for CreateCredential: Skyvern
// overwrites the stored credential with it.
//
// It calls POST /v1/credentials/{credential_id}/update, with the same care
// for the secrets as CreateCredential. With RotateProxySessionID set, a
// retried attempt rotates the sticky session again. Errors: ErrEmptyID;
// an *APIError (ErrNotFound for an unknown id, ErrValidation, ErrConflict
// when another write to the credential got there first, ErrUnauthorized) or
// a *RequestError.
func (c *Client) UpdateCredential(ctx context.Context, credentialID string, req CredentialRequest, opts ...Option) (*CredentialResponse, error) {
	return c.sendCredential(ctx, endpoint.UpdateCredential.With(credentialID), false, req, opts)
}

// GetCredential returns the credential credentialID without its secrets: a
// password credential's username, a card's brand and last four digits, a
// secret's label.
//
// It calls GET /v1/credentials/{credential_id}. Errors: ErrEmptyID; an
// *APIError (ErrNotFound for an unknown id, ErrUnauthorized) or a
// *RequestError.
func (c *Client) GetCredential(ctx context.Context, credentialID string, opts ...Option) (*CredentialResponse, error) {
	var out CredentialResponse
	if err := c.do(ctx, request{Call: endpoint.GetCredential.With(credentialID)}, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteCredential deletes the credential credentialID from its vault.
//
// It calls POST /v1/credentials/{credential_id}/delete, which answers 204.
// Errors: ErrEmptyID; an *APIError (ErrNotFound for an unknown id,
// ErrConflict, ErrUnauthorized) or a *RequestError.
func (c *Client) DeleteCredential(ctx context.Context, credentialID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.DeleteCredential.With(credentialID)}, nil, opts)
}

// ListCredentialsParams filters ListCredentials and ListCredentialsPage.
// The zero value lists every credential, newest first.
type ListCredentialsParams struct {
	// Page is the page ListCredentialsPage returns, or the one
	// ListCredentials starts from; 1 when 0.
	Page int `url:"page,omitempty"`
	// PageSize is the number of credentials per page; when 0,
	// ListCredentialsPage leaves the server's default (10) and
	// ListCredentials asks for 100.
	PageSize       int                 `url:"page_size,omitempty"`
	VaultType      CredentialVaultType `url:"vault_type,omitempty"`
	CredentialType CredentialType      `url:"credential_type,omitempty"`
	// Search matches, ignoring case, part of a credential's name, username,
	// secret label, card brand or last four digits (at most 200
	// characters).
	Search string `url:"search,omitempty"`
}

// ListCredentialsPage returns one page of credentials, newest first,
// without their secrets.
//
// It calls GET /v1/credentials with p as query parameters. Errors: an
// *APIError (ErrValidation for a bad filter, ErrUnauthorized) or a
// *RequestError.
func (c *Client) ListCredentialsPage(ctx context.Context, p ListCredentialsParams, opts ...Option) ([]CredentialResponse, error) {
	var out []CredentialResponse
	if err := c.do(ctx, request{Call: endpoint.ListCredentials.With(), query: p}, &out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ListCredentials returns an iterator over all credentials matching p,
// newest first, fetching page after page as the loop consumes them; an
// error ends the sequence as its last element (see ListRuns).
func (c *Client) ListCredentials(ctx context.Context, p ListCredentialsParams, opts ...Option) iter.Seq2[*CredentialResponse, error] {
	return pages(ctx, p.Page, p.PageSize, 0, func(ctx context.Context, page, size int) ([]CredentialResponse, error) {
		q := p
		q.Page, q.PageSize = page, size
		return c.ListCredentialsPage(ctx, q, opts...)
	})
}
