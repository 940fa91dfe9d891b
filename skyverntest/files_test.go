package skyverntest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern/skyverntest"
)

func postForm(t *testing.T, srv *skyverntest.Server, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+"/v1/upload_file", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Api-Key", srv.APIKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

const boundary = "multipart/form-data; boundary=B"

func TestUploadFileFormErrors(t *testing.T) {
	srv := skyverntest.NewServer(t)
	tests := []struct {
		name, contentType, body string
		status                  int
		answer                  string
	}{
		{"a text value for the file", boundary,
			"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhello\r\n--B--\r\n", 422,
			`{"detail":[{"type":"value_error","loc":["body","file"],"msg":"Value error, Expected UploadFile, received: <class 'str'>","input":"hello"}]}`},
		{"retention_days not a number", boundary,
			"--B\r\nContent-Disposition: form-data; name=\"retention_days\"\r\n\r\nsoon\r\n" +
				"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--B--\r\n", 422,
			`{"detail":[{"type":"int_parsing","loc":["body","retention_days"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"soon"}]}`},
		{"not a form", "application/json", `{"file":"x"}`, 422,
			`{"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]}`},
		{"a form cut off", boundary, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nxyz", 400,
			`{"detail":"There was an error parsing the body"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, answer := postForm(t, srv, tc.contentType, tc.body)
			assert.Equal(t, tc.status, status)
			assert.JSONEq(t, tc.answer, answer)
		})
	}
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	last := reqs[len(reqs)-1]
	assert.Equal(t, skyverntest.RouteUploadFile, last.Route)
	assert.Nil(t, last.Body, "a form is streamed, not recorded")
}

func TestUploadFileRouteTakesFaults(t *testing.T) {
	srv := skyverntest.NewServer(t)
	srv.Fault(skyverntest.RouteUploadFile, skyverntest.Fault{StatusCode: 503})
	status, _ := postForm(t, srv, boundary, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--B--\r\n")
	assert.Equal(t, 503, status)
}
