module github.com/skyvern-go/skyvern/internal/schemacheck

go 1.24

replace github.com/skyvern-go/skyvern => ../..

require (
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	github.com/skyvern-go/skyvern v0.0.0-00010101000000-000000000000
	golang.org/x/text v0.14.0
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
