module github.com/skyvern-go/skyvern/examples/browser

go 1.24

replace (
	github.com/skyvern-go/skyvern => ../..
	github.com/skyvern-go/skyvern/browser => ../../browser
)

require (
	github.com/go-rod/rod v0.116.2
	github.com/skyvern-go/skyvern v0.0.0-00010101000000-000000000000
	github.com/skyvern-go/skyvern/browser v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/ysmood/fetchup v0.2.3 // indirect
	github.com/ysmood/goob v0.4.0 // indirect
	github.com/ysmood/got v0.40.0 // indirect
	github.com/ysmood/gson v0.7.3 // indirect
	github.com/ysmood/leakless v0.9.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
