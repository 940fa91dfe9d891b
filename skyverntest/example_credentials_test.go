package skyverntest_test

import (
	"context"
	"fmt"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// forwardCode stands for code under test that hands the codes a site
// emails to Skyvern.
func forwardCode(ctx context.Context, client *skyvern.Client, email, message string) error {
	_, err := client.SendTOTPCode(ctx, skyvern.TOTPCodeRequest{TOTPIdentifier: email, Content: message, Source: "email"})
	return err
}

func ExampleServer_TOTPCodes() {
	srv, _ := skyverntest.Start()
	defer srv.Close()

	if err := forwardCode(context.Background(), srv.Client(), "ops@example.com", "Your sign-in code is 402917."); err != nil {
		panic(err)
	}
	for _, c := range srv.TOTPCodes() {
		fmt.Println(c.TOTPIdentifier, c.Code, c.Source)
	}
	// Output:
	// ops@example.com 402917 email
}
