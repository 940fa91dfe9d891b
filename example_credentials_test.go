package skyvern_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/skyvern-go/skyvern"
)

// credentialServer stands in for Skyvern until skyverntest serves
// credentials: it answers as the server does, without the secrets.
func credentialServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/credentials", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"credential_id":"cred_1","credential_type":"password","name":"Billing portal",`+
			`"credential":{"username":"ops@example.com","totp_type":"email","totp_identifier":"ops@example.com"}}`)
	})
	mux.HandleFunc("POST /v1/credentials/totp", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"totp_code_id":"totp_1","totp_identifier":"ops@example.com","code":"123456","content":"Your code is 123456"}`)
	})
	mux.HandleFunc("POST /v1/credentials/{id}/delete", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return httptest.NewServer(mux)
}

func ExampleClient_CreateCredential() {
	srv := credentialServer()
	defer srv.Close()
	client, _ := skyvern.NewClient(skyvern.WithAPIKey("sk-your-key"), skyvern.WithBaseURL(srv.URL))
	ctx := context.Background()

	req := skyvern.CredentialRequest{
		Name: "Billing portal",
		Credential: skyvern.PasswordCredential{
			Username: "ops@example.com",
			// Usually from the environment or a secret manager.
			Password:       skyvern.NewSecret("correct horse battery staple"),
			TOTPType:       skyvern.TOTPTypeEmail,
			TOTPIdentifier: "ops@example.com",
		},
	}
	fmt.Printf("%+v\n", req.Credential) // secrets never print
	cred, err := client.CreateCredential(ctx, req)
	if err != nil {
		panic(err)
	}
	switch c := cred.Credential.(type) {
	case skyvern.PasswordCredentialResponse:
		fmt.Println(cred.CredentialID, c.Username)
	case skyvern.CreditCardCredentialResponse:
		fmt.Println(cred.CredentialID, c.Brand, c.LastFour)
	}

	// When the site emails a code during a login run, hand it over.
	code, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com", Content: "Your code is 123456"})
	if err != nil {
		panic(err)
	}
	fmt.Println(code.Code)

	if err := client.DeleteCredential(ctx, cred.CredentialID); err != nil {
		panic(err)
	}
	// Output:
	// {Username:ops@example.com Password:[redacted] TOTP:[empty] TOTPType:email TOTPIdentifier:ops@example.com Metadata:map[] Extra:map[]}
	// cred_1 ops@example.com
	// 123456
}
