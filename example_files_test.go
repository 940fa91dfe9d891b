package skyvern_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
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
	defer inTempDir()() // the recording is saved in the working directory

	run, err := client.RunTask(ctx, skyvern.TaskRunRequest{Prompt: "Download the May invoice"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.WaitForRun(ctx, run.RunID); err != nil {
		log.Fatal(err)
	}
	artifacts, err := skyvern.Collect(client.ListRunArtifacts(ctx, run.RunID, []skyvern.ArtifactType{skyvern.ArtifactTypeRecording}))
	if err != nil {
		log.Fatal(err)
	}

	content, err := client.GetArtifactContent(ctx, artifacts[0].ArtifactID, skyvern.GetArtifactContentParams{})
	if err != nil {
		log.Fatal(err)
	}
	defer content.Close()
	f, err := os.Create(run.RunID + ".webm")
	if err != nil {
		log.Fatal(err)
	}
	n, err := io.Copy(f, content) // streamed: never held in memory
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

// This example uploads a file from disk with Open, which the client calls
// again for each attempt, so that the upload can be retried.
func ExampleClient_UploadFile_open() {
	srv, err := skyverntest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	defer inTempDir()()
	if err := os.WriteFile("invoices.csv", []byte("name,amount\nMay,12.50\n"), 0o600); err != nil {
		log.Fatal(err)
	}

	up, err := client.UploadFile(ctx, skyvern.UploadFileRequest{
		Filename: "invoices.csv",
		Open:     func() (io.ReadCloser, error) { return os.Open("invoices.csv") }, // opened again for each attempt
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.DeleteFile(ctx, up.FileID) // once the runs given up.S3URI are done

	stored, _ := srv.UploadedFile(up.FileID)
	fmt.Printf("uploaded %s, %d bytes\n", stored.Filename, stored.Size)
	// Output: uploaded invoices.csv, 22 bytes
}

// inTempDir makes a new temporary directory the working directory, for an
// example that reads and writes files by relative names, and returns the
// function that goes back and removes it. Examples run one at a time, so
// changing the process's working directory is safe there.
func inTempDir() func() {
	back, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "skyvern-example")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		log.Fatal(err)
	}
	return func() {
		os.Chdir(back)
		os.RemoveAll(dir)
	}
}
