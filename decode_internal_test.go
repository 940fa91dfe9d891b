package skyvern

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern/internal/jsonobj"
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

// FuzzRunResponseAgreesWithEncodingJSON checks that a run decodes (through
// the client's path and through json.Unmarshal) exactly when encoding/json
// decodes the same fields into a method-less struct, to the same values.
func FuzzRunResponseAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{decodeBenchRun, `{}`, `{"run_id":1}`, `{"ſtatus":"failed","status":"completed"}`,
		`{"step_count":1.5,"x":}`, `{"created_at":"2026-13-01T00:00:00"}`, `{"downloaded_files":[{"file_size":"1"}]}`,
		`{"errors":[{"n":123456789012345678901234567890}]}`, `{"script_run":null,"output":null}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want baselineRun
		wantErr := json.Unmarshal([]byte(s), &want)
		var owned, copied RunResponse
		ownedErr := jsonobj.UnmarshalOwned([]byte(s), &owned)
		copiedErr := json.Unmarshal([]byte(s), &copied)
		if wantErr != nil {
			require.Error(t, ownedErr, "encoding/json refuses: %v", wantErr)
			require.Error(t, copiedErr)
			return
		}
		require.NoError(t, ownedErr)
		require.NoError(t, copiedErr)
		wb, err := json.Marshal(want)
		require.NoError(t, err)
		for _, got := range []RunResponse{owned, copied} {
			got.Extra = nil
			for i := range got.DownloadedFiles {
				got.DownloadedFiles[i].Extra = nil
			}
			if got.ScriptRun != nil {
				got.ScriptRun.Extra = nil
			}
			gb, err := json.Marshal(got)
			require.NoError(t, err)
			require.Equal(t, string(wb), string(gb))
		}
	})
}
