// Command specfacts writes the facts file of Skyvern's OpenAPI spec
// (internal/specfacts/skyvern-openapi-facts.json) from the full spec:
//
//	go run ./internal/specfacts/cmd/specfacts ../shared/reference/skyvern-openapi.json
//
// Run it from the repository's root.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/skyvern-go/skyvern/internal/specfacts"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: specfacts PATH/TO/skyvern-openapi.json")
		os.Exit(2)
	}
	spec, err := os.ReadFile(os.Args[1])
	if err == nil {
		var facts []byte
		if facts, err = specfacts.Facts(spec); err == nil {
			err = os.WriteFile(filepath.Join("internal", "specfacts", specfacts.File), facts, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "specfacts:", err)
		os.Exit(1)
	}
}
