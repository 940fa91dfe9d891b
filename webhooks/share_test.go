package webhooks_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern/webhooks"
)

func TestParseSharesTheBodyForRawMembers(t *testing.T) {
	body := []byte(`{"run_id":"wr_1","status":"completed","output":{"n":1},"outputs":{"n":1}}`)
	run, err := webhooks.Parse(body, webhooks.Sign(body, "k"), "k")
	require.NoError(t, err)
	prefix := len(`{"run_id":"wr_1","status":"completed","output":{"n":`)
	body[prefix] = '7'
	body[prefix+len(`1},"outputs":{"n":`)] = '8'
	assert.Equal(t, `{"n":7}`, string(run.Output), "as documented, Output shares body")
	assert.Equal(t, `{"n":8}`, string(run.Extra["outputs"]), "and so do Extra values")
}
