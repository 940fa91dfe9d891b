package skyvern

import (
	"context"
	"encoding/json"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// ServerVersion is what a Skyvern server reports about its build.
type ServerVersion struct {
	// Version is the server's version: the git commit of an official
	// build.
	Version string `json:"version,omitempty"`

	// Extra holds members this type does not model (the spec allows any
	// string member).
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the server's answer, keeping unmodelled members in
// Extra.
func (v *ServerVersion) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, v) }

// MarshalJSON encodes the version, Extra included.
func (v ServerVersion) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(v) }

// GetServerVersion returns the version of the Skyvern server the client
// talks to, for diagnostics and for checking which build a self-hosted
// server runs.
//
// It calls GET /v1/version. Errors: an *APIError or a *RequestError.
func (c *Client) GetServerVersion(ctx context.Context, opts ...Option) (*ServerVersion, error) {
	var out ServerVersion
	if err := c.do(ctx, request{Call: endpoint.GetServerVersion.With()}, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}
