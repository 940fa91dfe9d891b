package skyvern

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeBodySharesTheBodyForRawMembers(t *testing.T) {
	body := []byte(`{"run_id":"wr_1","output":{"n":1},"outputs":{"n":1}}`)
	var run RunResponse
	require.NoError(t, decodeBody(body, "application/json", &run))
	copy(body[len(`{"run_id":"wr_1","output":{"n":`):], "7")
	copy(body[len(`{"run_id":"wr_1","output":{"n":1},"outputs":{"n":`):], "8")
	assert.Equal(t, `{"n":7}`, string(run.Output), "Output is a slice of the body, not a copy")
	assert.Equal(t, `{"n":8}`, string(run.Extra["outputs"]), "so are Extra values")
}
