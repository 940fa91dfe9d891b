package skyvern_test

import (
	"context"
	"fmt"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func ExampleClient_CreateCredential() {
	srv, _ := skyverntest.Start()
	defer srv.Close()
	client := srv.Client() // with the real API: skyvern.NewClient()
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
	// Skyvern answers with what it shows of a credential, never its secrets.
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
	// cred_1000000001 ops@example.com
	// 123456
}
