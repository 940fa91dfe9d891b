package skyvern_test

import "github.com/skyvern-go/skyvern"

// fileConformance is the file upload area: the upload's form and answer
// match the spec both ways.
var fileConformance = conformanceArea{
	name: "files",
	schemas: []schemaCase{
		{schema: "Body_upload_file_v1_upload_file_post", goType: skyvern.UploadFileRequest{}, form: true, exact: true},
		{schema: "UploadFileResponse", goType: skyvern.UploadedFile{}, exact: true},
	},
}
