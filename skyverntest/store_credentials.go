package skyverntest

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/skyvern-go/skyvern"
)

// This file keeps the fake's credentials and the 2FA codes handed to it,
// without HTTP: the handlers that serve /v1/credentials... decode requests
// into the SDK's types, call these stores, and render what they return.

// credentialStore keeps the credentials created through the fake. It holds
// each one as the client sent it, secrets included (in skyvern.Secret,
// which never prints), and answers as Skyvern does: with the non-secret
// part only, a password credential's username, a card's brand and last
// four digits, a secret's label. It is safe for concurrent use.
type credentialStore struct {
	mu    sync.Mutex
	seq   int
	psids int // proxy sessions handed out
	byID  map[string]*credentialEntry
	order []string // ids, oldest first
}

type credentialEntry struct {
	id  string
	req skyvern.CredentialRequest
	// Settings the server keeps across updates unless a request sets them.
	browserProfileID    string
	pinSavedSessionIP   bool
	autoProfileDisabled *bool
	proxySessionID      string
}

func newCredentialStore() *credentialStore {
	return &credentialStore{byID: map[string]*credentialEntry{}}
}

// credentialNotFound is the detail of the server's 404 for id, as get
// answers it (update and delete add the id).
func credentialNotFound(id string, withID bool) string {
	if withID {
		return "Credential not found, credential_id=" + id
	}
	return "Credential not found"
}

// create validates req as the server does and stores it under a new
// "cred_..." id. It returns the validation errors of a 422 instead when
// req is incomplete.
func (s *credentialStore) create(req skyvern.CredentialRequest) (skyvern.CredentialResponse, []skyvern.ValidationError) {
	if problems := credentialValidate(req); problems != nil {
		return skyvern.CredentialResponse{}, problems
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	e := &credentialEntry{id: "cred_" + strconv.Itoa(1_000_000_000+s.seq)}
	s.apply(e, req)
	s.byID[e.id] = e
	s.order = append(s.order, e.id)
	return credentialView(e), nil
}

// put stores req under id, as create does, replacing any credential with
// that id, for a credential the test names rather than creates.
func (s *credentialStore) put(id string, req skyvern.CredentialRequest) []skyvern.ValidationError {
	if problems := credentialValidate(req); problems != nil {
		return problems
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &credentialEntry{id: id}
	s.apply(e, req)
	if _, ok := s.byID[id]; ok {
		s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
	}
	s.byID[id] = e
	s.order = append(s.order, id)
	return nil
}

// apply stores req in e as an update does: the credential and its name are
// replaced, the pin and auto-profile settings only when req sets them.
func (s *credentialStore) apply(e *credentialEntry, req skyvern.CredentialRequest) {
	e.req = req
	if req.BrowserProfileID != "" {
		e.browserProfileID = req.BrowserProfileID
	}
	if req.PinSavedSessionIP != nil {
		e.pinSavedSessionIP = *req.PinSavedSessionIP
	}
	if req.AutoProfileDisabled != nil {
		e.autoProfileDisabled = skyvern.Ptr(*req.AutoProfileDisabled)
	}
	switch {
	case req.ProxySessionID != "":
		e.proxySessionID = req.ProxySessionID
	case req.RotateProxySessionID || e.proxySessionID == "" && req.ProxyLocation != nil:
		s.psids++
		e.proxySessionID = "psid_" + strconv.Itoa(s.psids)
	}
}

// get returns the credential id without its secrets.
func (s *credentialStore) get(id string) (skyvern.CredentialResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return skyvern.CredentialResponse{}, false
	}
	return credentialView(e), true
}

// secrets returns the credential id as it was sent, secrets included, for
// the fake's own use (a login run that checks the password it was given).
func (s *credentialStore) secrets(id string) (skyvern.CredentialData, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	return e.req.Credential, true
}

// list returns one page of the credentials matching p, newest first,
// without their secrets. Page and PageSize default to 1 and 10.
func (s *credentialStore) list(p skyvern.ListCredentialsParams) []skyvern.CredentialResponse {
	page, size := max(p.Page, 1), p.PageSize
	if size < 1 {
		size = 10
	}
	search := strings.ToLower(p.Search)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []skyvern.CredentialResponse{}
	skip := pageSkip(page, size)
	for _, id := range slices.Backward(s.order) {
		v := credentialView(s.byID[id])
		if p.VaultType != "" && v.VaultType != p.VaultType ||
			p.CredentialType != "" && v.CredentialType != p.CredentialType ||
			search != "" && !credentialMatches(v, search) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, v)
		if len(out) == size {
			break
		}
	}
	return out
}

// credentialMatches reports whether search (in lower case) is part of the
// credential's name, username, secret label, card brand or last four
// digits, as the server's search does.
func credentialMatches(v skyvern.CredentialResponse, search string) bool {
	fields := []string{v.Name}
	switch d := v.Credential.(type) {
	case skyvern.PasswordCredentialResponse:
		fields = append(fields, d.Username)
	case skyvern.CreditCardCredentialResponse:
		fields = append(fields, d.Brand, d.LastFour)
	case skyvern.SecretCredentialResponse:
		fields = append(fields, d.SecretLabel)
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), search) {
			return true
		}
	}
	return false
}

// update replaces the credential id with req. found is false for an
// unknown id (a 404); problems are a 422's validation errors.
func (s *credentialStore) update(id string, req skyvern.CredentialRequest) (v skyvern.CredentialResponse, found bool, problems []skyvern.ValidationError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return skyvern.CredentialResponse{}, false, nil
	}
	if problems := credentialValidate(req); problems != nil {
		return skyvern.CredentialResponse{}, true, problems
	}
	s.apply(e, req)
	return credentialView(e), true, nil
}

// profileLinkedElsewhere reports whether a credential other than self
// links the browser profile profileID.
func (s *credentialStore) profileLinkedElsewhere(profileID, self string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, e := range s.byID {
		if id != self && e.browserProfileID == profileID {
			return true
		}
	}
	return false
}

// delete removes the credential id, reporting whether it existed.
func (s *credentialStore) delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[id]; !ok {
		return false
	}
	delete(s.byID, id)
	s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
	return true
}

// credentialView renders a stored credential as the server answers it.
func credentialView(e *credentialEntry) skyvern.CredentialResponse {
	r := e.req
	v := skyvern.CredentialResponse{
		CredentialID:        e.id,
		Name:                r.Name,
		VaultType:           r.VaultType,
		BrowserProfileID:    e.browserProfileID,
		AutoProfileDisabled: e.autoProfileDisabled,
		PinSavedSessionIP:   e.pinSavedSessionIP,
		TestedURL:           r.TestedURL,
		ProxyLocation:       r.ProxyLocation,
		ProxySessionID:      e.proxySessionID,
	}
	if v.VaultType == "" {
		v.VaultType = skyvern.CredentialVaultTypeSkyvern
	}
	switch c := r.Credential.(type) {
	case skyvern.PasswordCredential:
		v.CredentialType = skyvern.CredentialTypePassword
		d := skyvern.PasswordCredentialResponse{Username: c.Username, TOTPType: c.TOTPType, TOTPIdentifier: c.TOTPIdentifier}
		if d.Username == "" {
			d.Username = e.id
		}
		if d.TOTPType == "" {
			d.TOTPType = skyvern.TOTPTypeNone
		}
		v.Credential = d
	case skyvern.CreditCardCredential:
		v.CredentialType = skyvern.CredentialTypeCreditCard
		d := skyvern.CreditCardCredentialResponse{LastFour: "****", Brand: c.CardBrand}
		if n := c.CardNumber.Reveal(); len(n) >= 4 {
			d.LastFour = n[len(n)-4:]
		}
		if d.Brand == "" {
			d.Brand = "Card Brand"
		}
		v.Credential = d
	case skyvern.SecretCredential:
		v.CredentialType = skyvern.CredentialTypeSecret
		v.Credential = skyvern.SecretCredentialResponse{SecretLabel: c.SecretLabel}
	}
	return v
}

// credentialValidate returns the validation errors the server answers for
// req, or nil. Required strings may not be empty.
func credentialValidate(req skyvern.CredentialRequest) []skyvern.ValidationError {
	var problems []skyvern.ValidationError
	missing := func(loc ...any) {
		problems = append(problems, skyvern.ValidationError{
			Loc: append([]any{"body"}, loc...), Msg: "Field required", Type: "missing",
		})
	}
	if req.Name == "" {
		missing("name")
	}
	switch c := req.Credential.(type) {
	case nil:
		if _, ok := req.Extra["credential_type"]; ok {
			problems = append(problems, skyvern.ValidationError{
				Loc: []any{"body", "credential_type"}, Type: "enum",
				Msg: "Input should be 'password', 'credit_card' or 'secret'",
			})
		} else {
			missing("credential_type")
		}
		if _, ok := req.Extra["credential"]; !ok {
			missing("credential")
		}
	case skyvern.PasswordCredential:
		for name, empty := range map[string]bool{"password": c.Password.IsZero(), "username": c.Username == ""} {
			if empty {
				missing("credential", "NonEmptyPasswordCredential", name)
			}
		}
	case skyvern.CreditCardCredential:
		for _, f := range []struct {
			name  string
			empty bool
		}{
			{"card_number", c.CardNumber.IsZero()}, {"card_cvv", c.CardCVV.IsZero()},
			{"card_exp_month", c.CardExpMonth == ""}, {"card_exp_year", c.CardExpYear == ""},
			{"card_brand", c.CardBrand == ""}, {"card_holder_name", c.CardHolderName == ""},
		} {
			if f.empty {
				missing("credential", "NonEmptyCreditCardCredential", f.name)
			}
		}
	case skyvern.SecretCredential:
		if c.SecretValue.IsZero() {
			missing("credential", "SecretCredential", "secret_value")
		}
	}
	slices.SortFunc(problems, func(a, b skyvern.ValidationError) int {
		return strings.Compare(a.String(), b.String())
	})
	return problems
}

// totpStore keeps the 2FA codes handed to the fake with SendTOTPCode, for
// the fake's runs to take when they reach a login's second factor. It is
// safe for concurrent use.
type totpStore struct {
	mu    sync.Mutex
	seq   int
	codes []skyvern.TOTPCode // oldest first
}

var totpDigits = regexp.MustCompile(`\b\d{4,8}\b`)

// add stores the code req carries, as the server does: content of at most
// 10 characters is the code itself; from a longer message the code is the
// first group of 4 to 8 digits, and a message with none is stored raw, with
// an empty Code and "status": "raw_pending". Email identifiers are stored
// in lower case. It returns the validation errors of a 422 instead when a
// required field is missing.
func (s *totpStore) add(req skyvern.TOTPCodeRequest, organizationID string, now time.Time) (skyvern.TOTPCode, []skyvern.ValidationError) {
	var problems []skyvern.ValidationError
	for name, empty := range map[string]bool{"content": req.Content == "", "totp_identifier": req.TOTPIdentifier == ""} {
		if empty {
			problems = append(problems, skyvern.ValidationError{Loc: []any{"body", name}, Msg: "Field required", Type: "missing"})
		}
	}
	if problems != nil {
		slices.SortFunc(problems, func(a, b skyvern.ValidationError) int { return strings.Compare(a.String(), b.String()) })
		return skyvern.TOTPCode{}, problems
	}
	id := req.TOTPIdentifier
	if strings.Contains(id, "@") {
		id = strings.ToLower(strings.TrimSpace(id))
	}
	content := strings.TrimSpace(req.Content)
	now = now.UTC().Truncate(time.Microsecond) // Skyvern's precision, as answers show it
	code := skyvern.TOTPCode{
		TOTPIdentifier: id, Content: req.Content,
		TaskID: req.TaskID, WorkflowID: req.WorkflowID, WorkflowRunID: req.WorkflowRunID,
		Source: req.Source, OrganizationID: organizationID, ExpiredAt: req.ExpiredAt,
		CreatedAt: skyvern.Time{Time: now}, ModifiedAt: skyvern.Time{Time: now},
	}
	switch {
	case utf8.RuneCountInString(content) <= 10:
		code.Code, code.OTPType = content, skyvern.OTPTypeTOTP
	case totpDigits.MatchString(content):
		code.Code, code.OTPType = totpDigits.FindString(content), skyvern.OTPTypeTOTP
	default:
		code.Extra = map[string]json.RawMessage{"status": json.RawMessage(`"raw_pending"`)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	code.TOTPCodeID = "totp_" + strconv.Itoa(1_000_000_000+s.seq)
	s.codes = append(s.codes, code)
	return code, nil
}

// latest returns the newest code stored for identifier (an email in any
// case) that has a code, is not expired at now, and, when runID is not
// empty, is for that run or for no run in particular.
func (s *totpStore) latest(identifier, runID string, now time.Time) (skyvern.TOTPCode, bool) {
	if strings.Contains(identifier, "@") {
		identifier = strings.ToLower(strings.TrimSpace(identifier))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range slices.Backward(s.codes) {
		switch {
		case c.TOTPIdentifier != identifier || c.Code == "":
		case !c.ExpiredAt.IsZero() && !now.Before(c.ExpiredAt.Time):
		case runID != "" && c.TaskID != "" && c.TaskID != runID:
		case runID != "" && c.WorkflowRunID != "" && c.WorkflowRunID != runID:
		default:
			return c, true
		}
	}
	return skyvern.TOTPCode{}, false
}

// all returns every code stored, oldest first.
func (s *totpStore) all() []skyvern.TOTPCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.codes)
}
