package skyverntest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
)

// This file serves stored credentials, the 2FA codes handed to Skyvern
// (SendTOTPCode) and the server's version. The state is kept in
// store_credentials.go.

// The routes of credentials, 2FA codes and the server version. A request to
// a credential route or to RouteSendTOTPCode is recorded (Server.Requests)
// with its secrets replaced by "[redacted]": a credential's password, TOTP
// seed, card number, CVV and secret value, and a code's content.
const (
	RouteCreateCredential = "POST /v1/credentials"
	RouteListCredentials  = "GET /v1/credentials"
	RouteGetCredential    = "GET /v1/credentials/{credential_id}"
	RouteUpdateCredential = "POST /v1/credentials/{credential_id}/update"
	RouteDeleteCredential = "POST /v1/credentials/{credential_id}/delete"
	RouteSendTOTPCode     = "POST /v1/credentials/totp"
	RouteGetServerVersion = "GET /v1/version"
)

// totpRawContentMaxLength is the longest message without a code that the
// server keeps raw (skyvern/config.py TOTP_RAW_CONTENT_MAX_LENGTH).
const totpRawContentMaxLength = 65536

// ServerVersion is the version the fake reports on RouteGetServerVersion.
const ServerVersion = "skyverntest"

// credentialRoutes are the routes of credentials, 2FA codes and the
// server's version.
var credentialRoutes = []route{
	{name: RouteCreateCredential, body: body[skyvern.CredentialRequest](), redact: redactCredential, handle: (*Server).handleCreateCredential},
	{name: RouteListCredentials, query: query[skyvern.ListCredentialsParams](map[string]limit{
		"page": between(1, 0), "page_size": between(1, 0), "search": length(0, 200)}), handle: (*Server).handleListCredentials},
	{name: RouteGetCredential, handle: (*Server).handleGetCredential},
	{name: RouteUpdateCredential, body: body[skyvern.CredentialRequest](), redact: redactCredential, handle: (*Server).handleUpdateCredential},
	{name: RouteDeleteCredential, handle: (*Server).handleDeleteCredential},
	{name: RouteSendTOTPCode, body: body[skyvern.TOTPCodeRequest]("totp_identifier", "content"), redact: redactTOTP, handle: (*Server).handleSendTOTPCode},
	{name: RouteGetServerVersion, handle: (*Server).handleGetServerVersion},
}

// handleCreateCredential serves Create Credential: 201 with the
// credential without its secrets. A browser_profile_id must name a live
// profile that no other credential links (400 otherwise).
//
// Server: skyvern/forge/sdk/routes/credentials.py create_credential,
// _validate_credential_browser_profile_id, _convert_to_response.
func (s *Server) handleCreateCredential(c *call) {
	req := *bodyOf[skyvern.CredentialRequest](c)
	if problems := credentialValidate(req); problems != nil {
		c.fail(http.StatusUnprocessableEntity, problems)
		return
	}
	if !s.checkCredentialProfile(c, req.BrowserProfileID, "") {
		return
	}
	v, problems := s.creds.create(req)
	if problems != nil {
		c.fail(http.StatusUnprocessableEntity, problems)
		return
	}
	writeJSON(c.w, http.StatusCreated, render(v))
}

// checkCredentialProfile answers the server's 400, and reports false, when
// profileID cannot be linked to the credential self ("" for a new one):
// it is not a live profile, or another credential links it.
//
// Server: skyvern/forge/sdk/routes/credentials.py
// _validate_credential_browser_profile_id.
func (s *Server) checkCredentialProfile(c *call, profileID, self string) bool {
	if profileID == "" {
		return true
	}
	if _, ok := s.profiles.live(profileID); !ok {
		c.fail(http.StatusBadRequest, "Browser profile not found, browser_profile_id="+profileID)
		return false
	}
	if s.creds.profileLinkedElsewhere(profileID, self) {
		c.fail(http.StatusBadRequest, "This browser profile is already linked to another credential.")
		return false
	}
	return true
}

// handleListCredentials serves Get Credentials: newest first, paged,
// filtered by vault type, credential type and search.
//
// Server: skyvern/forge/sdk/routes/credentials.py get_credentials.
func (s *Server) handleListCredentials(c *call) {
	c.reply(s.creds.list(*queryOf[skyvern.ListCredentialsParams](c)))
}

// handleGetCredential serves Get Credential; an unknown id is a 404
// "Credential not found".
//
// Server: skyvern/forge/sdk/routes/credentials.py get_credential.
func (s *Server) handleGetCredential(c *call) {
	id := c.param("credential_id")
	v, ok := s.creds.get(id)
	if !ok {
		c.fail(http.StatusNotFound, credentialNotFound(id, false))
		return
	}
	c.reply(v)
}

// handleUpdateCredential serves Update Credential: the credential is
// replaced; its browser profile link, pin and auto-profile settings change
// only when the request sets them. The body is checked (422), then the id
// (404), then the profile link (400).
//
// Server: skyvern/forge/sdk/routes/credentials.py update_credential.
func (s *Server) handleUpdateCredential(c *call) {
	id := c.param("credential_id")
	req := *bodyOf[skyvern.CredentialRequest](c)
	if problems := credentialValidate(req); problems != nil { // the body's model, before the route runs
		c.fail(http.StatusUnprocessableEntity, problems)
		return
	}
	if _, ok := s.creds.get(id); !ok {
		c.fail(http.StatusNotFound, credentialNotFound(id, true))
		return
	}
	if !s.checkCredentialProfile(c, req.BrowserProfileID, id) {
		return
	}
	v, found, problems := s.creds.update(id, req)
	switch {
	case !found:
		c.fail(http.StatusNotFound, credentialNotFound(id, true))
	case problems != nil:
		c.fail(http.StatusUnprocessableEntity, problems)
	default:
		c.reply(v)
	}
}

// handleDeleteCredential serves Delete Credential: 204 without a body.
//
// Server: skyvern/forge/sdk/routes/credentials.py delete_credential.
func (s *Server) handleDeleteCredential(c *call) {
	id := c.param("credential_id")
	if !s.creds.delete(id) {
		c.fail(http.StatusNotFound, credentialNotFound(id, true))
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// handleSendTOTPCode stores the code, after checking as the server does
// that the run or workflow it names exists (a workflow by its permanent id
// or the id of its latest version).
//
// Server: skyvern/forge/sdk/routes/credentials.py send_totp_code.
func (s *Server) handleSendTOTPCode(c *call) {
	req := bodyOf[skyvern.TOTPCodeRequest](c)
	switch {
	case req.TaskID != "" && s.st.run(req.TaskID) == nil:
		c.fail(http.StatusBadRequest, "Invalid task id: "+req.TaskID)
		return
	case req.WorkflowID != "" && !s.workflowExists(req.WorkflowID):
		c.fail(http.StatusBadRequest, "Invalid workflow id: "+req.WorkflowID)
		return
	case req.WorkflowRunID != "" && s.st.run(req.WorkflowRunID) == nil:
		c.fail(http.StatusBadRequest, "Invalid workflow run id: "+req.WorkflowRunID)
		return
	}
	// A message with no code is kept raw, up to the server's
	// TOTP_RAW_CONTENT_MAX_LENGTH characters (skyvern/config.py).
	if content := strings.TrimSpace(req.Content); utf8.RuneCountInString(content) > 10 && !totpDigits.MatchString(content) &&
		utf8.RuneCountInString(req.Content) > totpRawContentMaxLength {
		c.fail(http.StatusBadRequest, "Failed to parse otp login")
		return
	}
	code, problems := s.totp.add(*req, s.orgID, s.clock.Now())
	if problems != nil {
		c.fail(http.StatusUnprocessableEntity, problems)
		return
	}
	writeJSON(c.w, http.StatusOK, totpAnswer(code))
}

// totpAnswer renders a stored code as the server answers it: a code held
// raw to parse later is answered with an empty code and its status.
func totpAnswer(code skyvern.TOTPCode) wire.Object {
	obj := render(code)
	status, pending := code.Extra["status"]
	if !pending {
		return obj
	}
	for i := range obj {
		if obj[i].Key == "code" {
			obj[i].Value = ""
		}
	}
	return append(obj, wire.Member{Key: "status", Value: status})
}

func (s *Server) workflowExists(id string) bool {
	if saved, deleted, _ := s.st.workflowState(id); saved && !deleted {
		return true
	}
	return len(s.st.workflows(func(wf *skyvern.Workflow) bool { return wf.WorkflowID == id })) > 0
}

// handleGetServerVersion serves Get Version.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py get_version (the fake
// reports ServerVersion).
func (s *Server) handleGetServerVersion(c *call) {
	c.reply(map[string]string{"version": ServerVersion})
}

// TOTPCodes returns the 2FA codes handed to the server with
// Client.SendTOTPCode, oldest first, as it stored them: Code is the code it
// took from the content (the content itself when it is at most 10
// characters, else its first group of 4 to 8 digits), empty when it found
// none. A test of code that forwards codes to Skyvern reads them here.
func (s *Server) TOTPCodes() []skyvern.TOTPCode { return s.totp.all() }

// AddCredential stores req under id, as though it had been created
// through the API, replacing any credential with that id: a test of code
// that names a credential it did not create (a "cred_..." id from its
// configuration, for a login run) adds it here, since the server, and so
// the fake, refuses a login with an unknown credential_id. It returns an
// error, naming the members at fault but never their values, when req is
// incomplete as Create Credential would refuse it, or id is empty.
func (s *Server) AddCredential(id string, req skyvern.CredentialRequest) error {
	if id == "" {
		return errors.New("skyverntest: AddCredential: the id is empty")
	}
	if problems := s.creds.put(id, req); problems != nil {
		var where []string
		for _, p := range problems {
			where = append(where, p.String()) // the member's path and message, no input
		}
		return fmt.Errorf("skyverntest: AddCredential: the request is incomplete: %s", strings.Join(where, "; "))
	}
	return nil
}

// Where the secrets sit in the bodies of credential and TOTP requests.
var (
	credentialSecretMembers = []string{"password", "totp", "card_number", "card_cvv", "secret_value"}
	totpSecretMembers       = []string{"content"}
)

// redactCredential returns a credential request's body with the secrets
// of its credential member redacted.
func redactCredential(body []byte) []byte {
	return redactMembers(body, func(path []string) (secret, descend bool) {
		switch {
		case len(path) == 1:
			return false, strings.EqualFold(path[0], "credential")
		case len(path) == 2:
			return containsFold(credentialSecretMembers, path[1]), false
		}
		return false, false
	})
}

// redactTOTP returns a TOTP code request's body with its content redacted.
func redactTOTP(body []byte) []byte {
	return redactMembers(body, func(path []string) (secret, descend bool) {
		return len(path) == 1 && containsFold(totpSecretMembers, path[0]), false
	})
}

// containsFold reports whether name is in list, ignoring case as
// encoding/json does when it matches a member to a field.
func containsFold(list []string, name string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, name) })
}

// redactedBody is what is kept of a body that holds secrets but cannot be
// read as a JSON object, so that where they sit is unknown.
var redactedBody = []byte(`"[redacted]"`)

// redactMembers returns body, a JSON object, with the value of every
// member that secret reports as one (by its path of member names) replaced
// by "[redacted]", every occurrence of a repeated member included, and all
// else byte for byte; descend says to look into a member's object. A body
// that is not a JSON object is replaced whole.
func redactMembers(body []byte, secret func(path []string) (secret, descend bool)) []byte {
	var spans [][2]int
	if !secretSpans(body, 0, nil, secret, &spans) {
		return slices.Clone(redactedBody)
	}
	if len(spans) == 0 {
		return body
	}
	var out bytes.Buffer
	last := 0
	for _, sp := range spans {
		out.Write(body[last:sp[0]])
		out.WriteString(`"[redacted]"`)
		last = sp[1]
	}
	out.Write(body[last:])
	return out.Bytes()
}

// secretSpans appends to spans the byte ranges (offset by base) of the
// secret values in doc, the object at path. It reports false when doc is
// not a JSON object.
func secretSpans(doc []byte, base int, path []string, secret func([]string) (bool, bool), spans *[][2]int) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return false
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		p := append(slices.Clip(path), key)
		hit, descend := secret(p)
		switch {
		case hit && string(raw) != "null":
			*spans = append(*spans, [2]int{base + start, base + end})
		case descend && len(raw) > 0 && raw[0] == '{':
			if !secretSpans(doc[start:end], base+start, p, secret, spans) {
				return false
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return false
	}
	return len(bytes.TrimSpace(doc[dec.InputOffset():])) == 0
}
