package schemacheck

import (
	"strings"

	"github.com/skyvern-go/skyvern/skyverntest"
)

// uploadForm is a multipart form of Upload File with the fields given as
// name, value pairs; a name starting with "@" is a file of that name.
func uploadForm(fields ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(fields); i += 2 {
		b.WriteString("--walk\r\nContent-Disposition: form-data; name=\"")
		if name, ok := strings.CutPrefix(fields[i], "@"); ok {
			b.WriteString("file\"; filename=\"" + name + "\"\r\nContent-Type: application/octet-stream")
		} else {
			b.WriteString(fields[i] + "\"")
		}
		b.WriteString("\r\n\r\n" + fields[i+1] + "\r\n")
	}
	b.WriteString("--walk--\r\n")
	return b.String()
}

var formHeader = map[string]string{"Content-Type": "multipart/form-data; boundary=walk"}

// filesWalk walks the routes of uploaded files and artifacts' content. It
// uses the task run ${task} of coreWalk, finished by then.
var filesWalk = []step{
	{route: skyverntest.RouteUploadFile, path: "/v1/upload_file", want: 200, header: formHeader,
		body: uploadForm("@notes.txt", "hello"), save: map[string]string{"file": "file_id"}},
	{route: skyverntest.RouteUploadFile, path: "/v1/upload_file", want: 200, header: formHeader,
		body: uploadForm("retention_days", "7", "@kept.txt", "a week")},
	{route: skyverntest.RouteUploadFile, path: "/v1/upload_file", want: 422, header: formHeader,
		body: uploadForm("retention_days", "7"), why: "the file is required"},
	{route: skyverntest.RouteUploadFile, path: "/v1/upload_file", want: 422, header: formHeader,
		body: uploadForm("retention_days", "soon", "@a.txt", "x"), why: "retention_days is an integer"},
	// A retention_days out of 1..365 is left out: Skyvern answers it 422
	// with a string detail, which its spec's HTTPValidationError does not
	// allow, and the fake answers as Skyvern does.
	{route: skyverntest.RouteUploadFile, path: "/v1/upload_file", want: 422, body: `{"file":"x"}`,
		why: "a JSON body is not a form"},
	{route: skyverntest.RouteUploadFile, path: "/v1/upload_file", want: 403, key: "-", header: formHeader,
		body: uploadForm("@a.txt", "x"), why: "no x-api-key"},
	{route: skyverntest.RouteDeleteFile, path: "/v1/files/${file}", want: 204},
	{route: skyverntest.RouteDeleteFile, path: "/v1/files/${file}", want: 404, why: "a file deleted already"},

	{route: skyverntest.RouteGetRunArtifacts, path: "/v1/runs/${task}/artifacts", want: 200,
		save: map[string]string{"recording": "0.artifact_id", "screenshot": "1.artifact_id"}},
	{route: skyverntest.RouteGetArtifactContent, path: "/v1/artifacts/${recording}/content", want: 200},
	{route: skyverntest.RouteGetArtifactContent, path: "/v1/artifacts/${screenshot}/content", want: 200},
	{route: skyverntest.RouteGetArtifactContent, path: "/v1/artifacts/${recording}/content", want: 206,
		header: map[string]string{"Range": "bytes=0-99"}},
	{route: skyverntest.RouteGetArtifactContent, path: "/v1/artifacts/${recording}/content", want: 200,
		header: map[string]string{"Range": "bytes=0-1,5-6"}, why: "several ranges are ignored"},
	{route: skyverntest.RouteGetArtifactContent, path: "/v1/artifacts/${recording}/content", want: 416,
		header: map[string]string{"Range": "bytes=999999999-"}, why: "a range beyond the end"},
	{route: skyverntest.RouteGetArtifactContent, path: "/v1/artifacts/a_404404404/content", want: 404},
}
