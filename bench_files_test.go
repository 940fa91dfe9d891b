package skyvern_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
)

const benchFileSize = 1 << 20

// filesBenchServer reads uploads to their end and serves benchFileSize
// bytes as an artifact's content.
func filesBenchServer(b *testing.B) *httptest.Server {
	content := bytes.Repeat([]byte{0xA5}, benchFileSize)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/upload_file", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, uploadedJSON)
	})
	mux.HandleFunc("GET /v1/artifacts/{id}/content", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/webm")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkUploadFile compares UploadFile of 1 MiB with the same multipart
// upload streamed with plain net/http (mime/multipart over io.Pipe) and
// its answer decoded with encoding/json.
func BenchmarkUploadFile(b *testing.B) {
	srv := filesBenchServer(b)
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		client, err := skyvern.NewClient(skyvern.WithAPIKey("k"), skyvern.WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(benchFileSize)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.UploadFile(ctx, skyvern.UploadFileRequest{
				Filename: "a.bin", Content: &pattern{n: benchFileSize}, Size: benchFileSize}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		hc := &http.Client{}
		b.SetBytes(benchFileSize)
		b.ReportAllocs()
		for b.Loop() {
			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				part, err := mw.CreateFormFile("file", "a.bin")
				if err == nil {
					_, err = io.Copy(part, &pattern{n: benchFileSize})
				}
				if err == nil {
					err = mw.Close()
				}
				pw.CloseWithError(err)
			}()
			req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/upload_file", pr)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("X-Api-Key", "k")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				FileID string `json:"file_id"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetArtifactContent compares downloading 1 MiB with
// GetArtifactContent and with a plain net/http GET.
func BenchmarkGetArtifactContent(b *testing.B) {
	srv := filesBenchServer(b)
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		client, err := skyvern.NewClient(skyvern.WithAPIKey("k"), skyvern.WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(benchFileSize)
		b.ReportAllocs()
		for b.Loop() {
			c, err := client.GetArtifactContent(ctx, "a_1", skyvern.GetArtifactContentParams{})
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, c)
			c.Close()
		}
	})
	b.Run("plain", func(b *testing.B) {
		hc := &http.Client{}
		b.SetBytes(benchFileSize)
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/artifacts/a_1/content", nil)
			req.Header.Set("X-Api-Key", "k")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
