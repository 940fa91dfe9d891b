package skyvern

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// RunEngine selects the agent that runs a task. Values this SDK does not
// know yet are sent and decoded as they are; IsKnown tells them apart.
type RunEngine string

// The engines Skyvern offers.
const (
	RunEngineSkyvernV1       RunEngine = "skyvern-1.0"
	RunEngineSkyvernV2       RunEngine = "skyvern-2.0"
	RunEngineSkyvernV3       RunEngine = "skyvern-3.0"
	RunEngineOpenAICUA       RunEngine = "openai-cua"
	RunEngineAnthropicCUA    RunEngine = "anthropic-cua"
	RunEngineUITARS          RunEngine = "ui-tars"
	RunEngineYutoriNavigator RunEngine = "yutori-navigator"
)

// IsKnown reports whether e is one of the engines defined above.
func (e RunEngine) IsKnown() bool {
	switch e {
	case RunEngineSkyvernV1, RunEngineSkyvernV2, RunEngineSkyvernV3, RunEngineOpenAICUA,
		RunEngineAnthropicCUA, RunEngineUITARS, RunEngineYutoriNavigator:
		return true
	}
	return false
}

// TaskRunRequest starts a task: a prompt for Skyvern's browser agent, and
// where to start. Only Prompt is required by the server. Fields left at
// their zero value are not sent, so the server's defaults apply; the pointer
// fields distinguish "not set" from an explicit false or 0 (use Ptr). To send
// an explicit null, or a field this SDK does not have yet, put it in Extra.
type TaskRunRequest struct {
	// Prompt tells the agent what to do and, if anything, what to return.
	Prompt string `json:"prompt,omitempty"`
	// URL is the page to start from.
	URL string `json:"url,omitempty"`
	// Engine selects the agent; the server's default is RunEngineSkyvernV1.
	Engine RunEngine `json:"engine,omitempty"`
	Title  string    `json:"title,omitempty"`
	// ProxyLocation routes the browser's traffic: a ProxyLocation constant, a
	// GeoTarget, or a CustomProxy. Nil leaves the server's default
	// (ProxyLocationResidential on Skyvern Cloud).
	ProxyLocation Proxy `json:"proxy_location,omitempty"`
	// DataExtractionSchema describes the output you want, usually as a JSON
	// Schema: a map, a struct, a json.RawMessage or a string.
	DataExtractionSchema any `json:"data_extraction_schema,omitempty"`
	// ErrorCodeMapping maps your error codes to descriptions of when the agent
	// should report them.
	ErrorCodeMapping map[string]string `json:"error_code_mapping,omitempty"`
	MaxSteps         *int              `json:"max_steps,omitempty"`
	// WebhookURL receives a signed POST when the run finishes (see package
	// webhooks). Skyvern refuses localhost and private addresses.
	WebhookURL string `json:"webhook_url,omitempty"`
	// TOTPIdentifier and TOTPURL tell Skyvern where to get 2FA codes: by an
	// identifier of codes you push to it, or from a URL it polls (see
	// webhooks.TOTPHandler).
	TOTPIdentifier    string            `json:"totp_identifier,omitempty"`
	TOTPURL           string            `json:"totp_url,omitempty"`
	BrowserSessionID  string            `json:"browser_session_id,omitempty"`
	BrowserProfileID  string            `json:"browser_profile_id,omitempty"`
	StartFreshBrowser bool              `json:"start_fresh_browser,omitempty"`
	Model             map[string]any    `json:"model,omitempty"`
	ExtraHTTPHeaders  map[string]string `json:"extra_http_headers,omitempty"`
	CDPConnectHeaders map[string]string `json:"cdp_connect_headers,omitempty"`
	PublishWorkflow   bool              `json:"publish_workflow,omitempty"`
	// IncludeActionHistoryInVerification: the server's default is false.
	IncludeActionHistoryInVerification bool   `json:"include_action_history_in_verification,omitempty"`
	MaxScreenshotScrolls               *int   `json:"max_screenshot_scrolls,omitempty"`
	BrowserAddress                     string `json:"browser_address,omitempty"`
	// RunWith is "agent" or "code"; empty leaves the server's default.
	RunWith string `json:"run_with,omitempty"`

	// XUserAgent is sent as the x-user-agent header, not in the body.
	XUserAgent string `json:"-"`

	// Extra holds body members this type does not model, sent after the
	// modelled ones. A member named like a field is sent only when that field
	// is left unset, so Extra{"proxy_location": json.RawMessage("null")}
	// sends an explicit null.
	Extra map[string]json.RawMessage `json:"-"`
}

// MarshalJSON encodes the request body, Extra included.
func (r TaskRunRequest) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(r) }

// UnmarshalJSON decodes a request body, as found in RunResponse.RunRequest.
func (r *TaskRunRequest) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, r) }

// Every Proxy field (proxy_location) decodes with decodeProxy.
func init() { jsonobj.Register(decodeProxy) }

// RunTask starts a task run and returns it as created (status "created" or
// "queued"). The run takes minutes: pass a WebhookURL to be called when it
// finishes, or poll with GetRun.
//
// It calls POST /v1/run/tasks. What req sets is sent as it is; the server
// validates it and answers 422 (an *APIError matching ErrValidation) when a
// field is wrong. It is not retried once sent; see ErrOutcomeUnknown.
func (c *Client) RunTask(ctx context.Context, req TaskRunRequest, opts ...Option) (*RunResponse, error) {
	var h http.Header
	if req.XUserAgent != "" {
		h = http.Header{"X-User-Agent": {req.XUserAgent}}
	}
	var run RunResponse
	e := request{Call: endpoint.RunTask.With(), body: req, header: h, creates: true, created: createdID{"run_id", &run.RunID}}
	if err := c.do(ctx, e, &run, opts); err != nil {
		return nil, err
	}
	return &run, nil
}

// Proxy chooses how a run's browser traffic is routed. It is one of:
//
//   - a ProxyLocation, a named pool such as ProxyLocationResidentialGB;
//   - a GeoTarget, a country with an optional subdivision and city;
//   - a CustomProxy, any other object, such as {"url": "http://..."} for a
//     self-hosted server's own proxy.
type Proxy interface {
	isProxy()
}

// ProxyLocation is a named proxy pool. Values this SDK does not know yet are
// sent and decoded as they are; IsKnown tells them apart.
type ProxyLocation string

// The proxy locations Skyvern offers. ProxyLocationUSCA, USNY, USTX, USFL
// and USWA are deprecated by Skyvern and route like ProxyLocationResidentialISP.
const (
	ProxyLocationResidential    ProxyLocation = "RESIDENTIAL"
	ProxyLocationUSCA           ProxyLocation = "US-CA"
	ProxyLocationUSNY           ProxyLocation = "US-NY"
	ProxyLocationUSTX           ProxyLocation = "US-TX"
	ProxyLocationUSFL           ProxyLocation = "US-FL"
	ProxyLocationUSWA           ProxyLocation = "US-WA"
	ProxyLocationResidentialES  ProxyLocation = "RESIDENTIAL_ES"
	ProxyLocationResidentialIE  ProxyLocation = "RESIDENTIAL_IE"
	ProxyLocationResidentialGB  ProxyLocation = "RESIDENTIAL_GB"
	ProxyLocationResidentialIN  ProxyLocation = "RESIDENTIAL_IN"
	ProxyLocationResidentialJP  ProxyLocation = "RESIDENTIAL_JP"
	ProxyLocationResidentialFR  ProxyLocation = "RESIDENTIAL_FR"
	ProxyLocationResidentialDE  ProxyLocation = "RESIDENTIAL_DE"
	ProxyLocationResidentialNZ  ProxyLocation = "RESIDENTIAL_NZ"
	ProxyLocationResidentialZA  ProxyLocation = "RESIDENTIAL_ZA"
	ProxyLocationResidentialAR  ProxyLocation = "RESIDENTIAL_AR"
	ProxyLocationResidentialAU  ProxyLocation = "RESIDENTIAL_AU"
	ProxyLocationResidentialBR  ProxyLocation = "RESIDENTIAL_BR"
	ProxyLocationResidentialTR  ProxyLocation = "RESIDENTIAL_TR"
	ProxyLocationResidentialCA  ProxyLocation = "RESIDENTIAL_CA"
	ProxyLocationResidentialMX  ProxyLocation = "RESIDENTIAL_MX"
	ProxyLocationResidentialIT  ProxyLocation = "RESIDENTIAL_IT"
	ProxyLocationResidentialNL  ProxyLocation = "RESIDENTIAL_NL"
	ProxyLocationResidentialPH  ProxyLocation = "RESIDENTIAL_PH"
	ProxyLocationResidentialKR  ProxyLocation = "RESIDENTIAL_KR"
	ProxyLocationResidentialSA  ProxyLocation = "RESIDENTIAL_SA"
	ProxyLocationResidentialISP ProxyLocation = "RESIDENTIAL_ISP"
	ProxyLocationNone           ProxyLocation = "NONE"
)

var knownProxyLocations = map[ProxyLocation]bool{
	ProxyLocationResidential: true, ProxyLocationUSCA: true, ProxyLocationUSNY: true,
	ProxyLocationUSTX: true, ProxyLocationUSFL: true, ProxyLocationUSWA: true,
	ProxyLocationResidentialES: true, ProxyLocationResidentialIE: true, ProxyLocationResidentialGB: true,
	ProxyLocationResidentialIN: true, ProxyLocationResidentialJP: true, ProxyLocationResidentialFR: true,
	ProxyLocationResidentialDE: true, ProxyLocationResidentialNZ: true, ProxyLocationResidentialZA: true,
	ProxyLocationResidentialAR: true, ProxyLocationResidentialAU: true, ProxyLocationResidentialBR: true,
	ProxyLocationResidentialTR: true, ProxyLocationResidentialCA: true, ProxyLocationResidentialMX: true,
	ProxyLocationResidentialIT: true, ProxyLocationResidentialNL: true, ProxyLocationResidentialPH: true,
	ProxyLocationResidentialKR: true, ProxyLocationResidentialSA: true, ProxyLocationResidentialISP: true,
	ProxyLocationNone: true,
}

// IsKnown reports whether l is one of the locations defined above.
func (l ProxyLocation) IsKnown() bool { return knownProxyLocations[l] }

func (ProxyLocation) isProxy() {}

// GeoTarget routes a run through a proxy in a country (ISO 3166-1 alpha-2,
// such as "US"), optionally narrowed to a subdivision ("CA") and a city
// ("San Francisco").
type GeoTarget struct {
	Country     string `json:"country"`
	Subdivision string `json:"subdivision,omitempty"`
	City        string `json:"city,omitempty"`
}

func (GeoTarget) isProxy() {}

// CustomProxy is any other proxy setting, sent as the JSON object it holds,
// such as CustomProxy{"url": "http://user:pass@proxy.example.com:8080"} for
// a self-hosted server's own proxy.
type CustomProxy map[string]any

func (CustomProxy) isProxy() {}

// decodeProxy decodes a proxy_location value: a string is a ProxyLocation,
// an object with only country, subdivision and city is a GeoTarget, any
// other object is a CustomProxy, and null or absent is nil.
func decodeProxy(raw []byte) (Proxy, error) {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return nil, nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return ProxyLocation(s), nil
	case '{':
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if country, ok := m["country"].(string); ok && isGeoTarget(m) {
			g := GeoTarget{Country: country}
			g.Subdivision, _ = m["subdivision"].(string)
			g.City, _ = m["city"].(string)
			return g, nil
		}
		return CustomProxy(m), nil
	}
	return nil, fmt.Errorf("skyvern: proxy_location must be a string or an object, got %.40s", raw)
}

func isGeoTarget(m map[string]any) bool {
	for k, v := range m {
		switch k {
		case "country", "subdivision", "city":
			if _, ok := v.(string); !ok && v != nil {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Ptr returns a pointer to v, for the optional fields of requests:
//
//	req.MaxSteps = skyvern.Ptr(10)
func Ptr[T any](v T) *T { return &v }
