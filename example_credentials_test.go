package skyvern_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

func ExampleClient_CreateCredential() {
	srv, _ := skyverntest.Start()
	defer srv.Close()
	client := srv.Client() // with the real API: skyvern.NewClient()
	ctx := context.Background()
	os.Setenv("PORTAL_PASSWORD", "correct horse battery staple") // for this example only
	defer os.Unsetenv("PORTAL_PASSWORD")

	cred, err := client.CreateCredential(ctx, skyvern.CredentialRequest{
		Name: "Billing portal",
		Credential: skyvern.PasswordCredential{
			Username:       "ops@example.com",
			Password:       skyvern.NewSecret(os.Getenv("PORTAL_PASSWORD")), // prints as [redacted]
			TOTPType:       skyvern.TOTPTypeEmail,
			TOTPIdentifier: "ops@example.com",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cred.CredentialID, cred.Credential) // Skyvern answers without the password

	// When the site emails a code during a login run, hand it over.
	code, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: "ops@example.com", Content: "Your code is 123456"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(code.Code)

	// Secrets never print, in any verb, nor in a struct that holds them.
	fmt.Printf("%v %+v\n", skyvern.NewSecret(os.Getenv("PORTAL_PASSWORD")), skyvern.SecretCredential{SecretValue: skyvern.NewSecret("tok")})

	if err := client.DeleteCredential(ctx, cred.CredentialID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// cred_1000000001 {ops@example.com email ops@example.com map[]}
	// 123456
	// [redacted] {SecretValue:[redacted] SecretLabel: Extra:map[]}
}
