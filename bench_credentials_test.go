package skyvern_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/skyvern-go/skyvern"
)

// plainCredential is the same shape as CredentialResponse, for a baseline
// decode with encoding/json alone.
type plainCredential struct {
	CredentialID string `json:"credential_id"`
	Credential   struct {
		Username       string `json:"username"`
		TOTPType       string `json:"totp_type"`
		TOTPIdentifier string `json:"totp_identifier"`
	} `json:"credential"`
	CredentialType           string          `json:"credential_type"`
	Name                     string          `json:"name"`
	VaultType                string          `json:"vault_type"`
	BrowserProfileID         *string         `json:"browser_profile_id"`
	AutoProfileDisabled      *bool           `json:"auto_profile_disabled"`
	PinSavedSessionIP        bool            `json:"pin_saved_session_ip"`
	TestedURL                *string         `json:"tested_url"`
	UserContext              *string         `json:"user_context"`
	SaveBrowserSessionIntent *bool           `json:"save_browser_session_intent"`
	RunSequentially          bool            `json:"run_sequentially"`
	FolderID                 *string         `json:"folder_id"`
	ProxyLocation            json.RawMessage `json:"proxy_location"`
	ProxySessionID           *string         `json:"proxy_session_id"`
}

func BenchmarkDecodeCredentialList(b *testing.B) {
	list := []byte("[" + strings.TrimSuffix(strings.Repeat(passwordCredentialJSON+",", 100), ",") + "]")
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(list)))
		for b.Loop() {
			var out []skyvern.CredentialResponse
			if err := json.Unmarshal(list, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(list)))
		for b.Loop() {
			var out []plainCredential
			if err := json.Unmarshal(list, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
