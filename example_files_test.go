package skyvern_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// This example saves the recording of a finished run to a file: the
// content is streamed from Skyvern to the file, never held in memory.
func ExampleClient_GetArtifactContent() {
	srv, err := skyverntest.Start(skyverntest.WithRunDuration(0))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Download the May invoice"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.WaitForRun(ctx, run.RunID); err != nil {
		log.Fatal(err)
	}
	artifacts, err := client.GetRunArtifacts(ctx, run.RunID, []skyvern.ArtifactType{skyvern.ArtifactTypeRecording})
	if err != nil {
		log.Fatal(err)
	}

	content, err := client.GetArtifactContent(ctx, artifacts[0].ArtifactID, skyvern.GetArtifactContentParams{})
	if err != nil {
		log.Fatal(err)
	}
	defer content.Close()
	dir, err := os.MkdirTemp("", "recordings")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	f, err := os.Create(filepath.Join(dir, run.RunID+".webm"))
	if err != nil {
		log.Fatal(err)
	}
	n, err := io.Copy(f, content)
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	if err != nil {
		log.Fatal(err) // the download broke off: resume with skyvern.BytesFrom(n)
	}
	fmt.Printf("saved %s, %d bytes\n", content.ContentType, n)
	// Output: saved video/webm, 262144 bytes
}

// This example uploads a file for a run to use, then deletes it.
func ExampleClient_UploadFile() {
	srv, err := skyverntest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	csv := "name,amount\nMay,12.50\n"
	up, err := client.UploadFile(ctx, skyvern.UploadFileRequest{
		Filename:      "invoices.csv",
		Content:       strings.NewReader(csv), // or Open: func() (io.ReadCloser, error) { return os.Open(path) }
		Size:          int64(len(csv)),
		RetentionDays: skyvern.Ptr(7),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uploaded:", strings.HasSuffix(up.S3URI, "_invoices.csv"), "expires:", !up.ExpiresAt.IsZero())

	if err := client.DeleteFile(ctx, up.FileID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted")
	// Output:
	// uploaded: true expires: true
	// deleted
}
