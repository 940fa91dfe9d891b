package skyvern_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const uploadedJSON = `{"s3_uri":"s3://skyvern-uploads/production/o_1/2026-01-31/file_1_a.txt",` +
	`"presigned_url":"https://uploads.example.com/a.txt","file_id":"file_1","expires_at":"2026-02-07T15:20:42.160725"}`

// TestUploadFileOnTheWire checks the multipart form as sent: its fields,
// the file part's name, filename and type, the content byte for byte, and
// a Content-Length exactly when Size is given.
func TestUploadFileOnTheWire(t *testing.T) {
	for _, sized := range []bool{true, false} {
		name := map[bool]string{true: "with Size, a Content-Length", false: "without Size, chunked"}[sized]
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			f.reply("POST /v1/upload_file", 200, uploadedJSON)
			content := "name,amount\nMay,12.50\n"
			req := skyvern.UploadFileRequest{Filename: `in"voice.csv`, Content: strings.NewReader(content), RetentionDays: skyvern.Ptr(7)}
			if sized {
				req.Size = int64(len(content))
			}
			got, err := f.client.UploadFile(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, "file_1", got.FileID)
			assert.Equal(t, "s3://skyvern-uploads/production/o_1/2026-01-31/file_1_a.txt", got.S3URI)
			assert.Equal(t, "https://uploads.example.com/a.txt", got.PresignedURL)
			assert.Equal(t, time.Date(2026, 2, 7, 15, 20, 42, 160725000, time.UTC), got.ExpiresAt.Time)

			r := f.only()
			if sized {
				assert.Equal(t, []string{strings.TrimSpace(r.Header.Get("Content-Length"))}, r.Header.Values("Content-Length"))
				assert.Equal(t, "", r.Header.Get("Transfer-Encoding"))
				assert.EqualValues(t, len(r.Body), atoi(t, r.Header.Get("Content-Length")))
			} else {
				assert.Empty(t, r.Header.Values("Content-Length"))
			}
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			require.NoError(t, err)
			assert.Equal(t, "multipart/form-data", mt)
			mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
			p, err := mr.NextPart()
			require.NoError(t, err)
			assert.Equal(t, "retention_days", p.FormName())
			v, _ := io.ReadAll(p)
			assert.Equal(t, "7", string(v))
			p, err = mr.NextPart()
			require.NoError(t, err)
			assert.Equal(t, "file", p.FormName())
			assert.Equal(t, `in"voice.csv`, p.FileName())
			assert.Equal(t, "application/octet-stream", p.Header.Get("Content-Type"))
			v, _ = io.ReadAll(p)
			assert.Equal(t, content, string(v))
			_, err = mr.NextPart()
			assert.Equal(t, io.EOF, err)
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int(c-'0')
	}
	return n
}

func TestUploadFileRefusesBadRequestsBeforeSending(t *testing.T) {
	f := setup(t)
	f.reply("POST /v1/upload_file", 200, uploadedJSON)
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }
	for name, req := range map[string]skyvern.UploadFileRequest{
		"no filename":              {Content: strings.NewReader("x")},
		"neither Content nor Open": {Filename: "a"},
		"both Content and Open":    {Filename: "a", Content: strings.NewReader("x"), Open: open},
		"a negative Size":          {Filename: "a", Content: strings.NewReader("x"), Size: -1},
		"negative RetentionDays":   {Filename: "a", Content: strings.NewReader("x"), RetentionDays: skyvern.Ptr(-2)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.UploadFile(context.Background(), req)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "UploadFile")
		})
	}
	assert.Empty(t, f.requests())
	assert.ErrorIs(t, f.client.DeleteFile(context.Background(), ""), skyvern.ErrEmptyID)
}

func TestUploadFileContentOfTheWrongSize(t *testing.T) {
	for name, size := range map[string]int64{"shorter than Size": 10, "longer than Size": 2} {
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			f.reply("POST /v1/upload_file", 200, uploadedJSON)
			_, err := f.client.UploadFile(context.Background(), skyvern.UploadFileRequest{
				Filename: "a.txt", Content: strings.NewReader("12345"), Size: size})
			assert.ErrorIs(t, err, skyvern.ErrUploadSize)
			var reqErr *skyvern.RequestError
			require.ErrorAs(t, err, &reqErr)
			assert.Equal(t, 1, reqErr.Attempts, "a content of the wrong size is never sent again")
		})
	}
}

// countingOpen is an UploadFileRequest.Open that counts its calls and the
// closes of what it returned.
type countingOpen struct {
	content       string
	opened, close atomic.Int32
}

func (o *countingOpen) open() (io.ReadCloser, error) {
	o.opened.Add(1)
	return &closeCounter{Reader: strings.NewReader(o.content), n: &o.close}, nil
}

type closeCounter struct {
	io.Reader
	n *atomic.Int32
}

func (c *closeCounter) Close() error { c.n.Add(1); return nil }

// TestUploadFileRetryRules checks the upload's retry rule: the rule of
// creating calls, and only with a body that can be sent again.
func TestUploadFileRetryRules(t *testing.T) {
	ctx := context.Background()
	refused := status(503, `{"detail":"busy"}`, "Retry-After", "0")

	t.Run("Content, once read, is not sent again even after a 503 with Retry-After", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/upload_file", sequence(refused, status(200, uploadedJSON)))
		_, err := f.client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a", Content: strings.NewReader("abc")})
		var apiErr *skyvern.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 503, apiErr.StatusCode)
		assert.Len(t, f.requests(), 1)
	})
	t.Run("Open is called again for a retry after a 503 with Retry-After, and each body closed", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/upload_file", sequence(refused, status(200, uploadedJSON)))
		o := &countingOpen{content: "abc"}
		got, err := f.client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a", Open: o.open, Size: 3})
		require.NoError(t, err)
		assert.Equal(t, "file_1", got.FileID)
		reqs := f.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, reqs[0].Body, reqs[1].Body, "the same form on each attempt")
		assert.EqualValues(t, 2, o.opened.Load())
		assert.EqualValues(t, 2, o.close.Load())
	})
	t.Run("an upload that may have arrived is not retried, even with Open", func(t *testing.T) {
		for name, h := range map[string]http.HandlerFunc{"a 502": status(502, ``), "a dropped connection": hangUp} {
			t.Run(name, func(t *testing.T) {
				f := setup(t)
				f.handle("POST /v1/upload_file", sequence(h, status(200, uploadedJSON)))
				o := &countingOpen{content: "abc"}
				_, err := f.client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a", Open: o.open})
				assert.ErrorIs(t, err, skyvern.ErrOutcomeUnknown)
				assert.Len(t, f.requests(), 1)
				assert.EqualValues(t, 1, o.opened.Load())
			})
		}
	})
	t.Run("Content never read is sent on the retry of a connection that was never made", func(t *testing.T) {
		f := setup(t)
		f.handle("POST /v1/upload_file", status(200, uploadedJSON))
		var attempts atomic.Int32
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if attempts.Add(1) == 1 {
				r.Body.Close()
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		c, err := skyvern.NewClient(skyvern.WithAPIKey(testKey), skyvern.WithBaseURL(f.srv.URL+prefix),
			skyvern.WithRetryWait(time.Millisecond, time.Millisecond), skyvern.WithHTTPClient(&http.Client{Transport: rt}))
		require.NoError(t, err)
		_, err = c.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a.txt", Content: strings.NewReader("hello")})
		require.NoError(t, err)
		assert.EqualValues(t, 2, attempts.Load())
		assert.Contains(t, string(f.only().Body), "\r\n\r\nhello\r\n")
	})
	t.Run("an Open that fails is not retried", func(t *testing.T) {
		f := setup(t)
		f.reply("POST /v1/upload_file", 200, uploadedJSON)
		boom := errors.New("disk on fire")
		var calls atomic.Int32
		_, err := f.client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a", Open: func() (io.ReadCloser, error) {
			calls.Add(1)
			return nil, boom
		}})
		assert.ErrorIs(t, err, boom)
		assert.EqualValues(t, 1, calls.Load())
	})
	t.Run("DeleteFile is retried like a read", func(t *testing.T) {
		f := setup(t)
		f.handle("DELETE /v1/files/{id}", sequence(status(502, ``), status(204, ``)))
		require.NoError(t, f.client.DeleteFile(ctx, "file_1"))
		assert.Len(t, f.requests(), 2)
		assert.Equal(t, "/v1/files/file_1", f.requests()[1].Path)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestUploadAndDeleteFileThroughTheFake uploads, inspects and deletes
// files on skyverntest, with the server's error answers.
func TestUploadAndDeleteFileThroughTheFake(t *testing.T) {
	ctx := context.Background()
	srv := skyverntest.NewServer(t, skyverntest.WithMaxUploadSize(1<<20))
	client := srv.Client(skyvern.WithMaxRetries(0))

	content := bytes.Repeat([]byte("0123456789"), 1000)
	up, err := client.UploadFile(ctx, skyvern.UploadFileRequest{
		Filename: "dir/report.pdf", Content: bytes.NewReader(content), Size: int64(len(content)), RetentionDays: skyvern.Ptr(30)})
	require.NoError(t, err)
	assert.Regexp(t, `^file_\d+$`, up.FileID)
	assert.Regexp(t, `^s3://skyvern-uploads/production/o_\d+/\d{4}-\d\d-\d\d/file_\d+_report.pdf$`, up.S3URI)
	assert.NotEmpty(t, up.PresignedURL)
	assert.WithinDuration(t, srv.Now().Add(30*24*time.Hour), up.ExpiresAt.Time, time.Second)

	stored, ok := srv.UploadedFile(up.FileID)
	require.True(t, ok)
	assert.Equal(t, "report.pdf", stored.Filename)
	assert.Equal(t, content, stored.Content)
	assert.EqualValues(t, len(content), stored.Size)
	assert.Equal(t, sha256.Sum256(content), stored.SHA256)
	assert.Equal(t, 30, *stored.RetentionDays)

	chunked, err := client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "b.txt", Content: strings.NewReader("chunked")})
	require.NoError(t, err)
	assert.True(t, chunked.ExpiresAt.IsZero(), "no retention, no expiry")
	stored, _ = srv.UploadedFile(chunked.FileID)
	assert.Equal(t, "chunked", string(stored.Content))

	require.NoError(t, client.DeleteFile(ctx, up.FileID))
	_, ok = srv.UploadedFile(up.FileID)
	assert.False(t, ok)
	err = client.DeleteFile(ctx, up.FileID)
	assert.ErrorIs(t, err, skyvern.ErrNotFound, "a deleted file is gone")
	var apiErr *skyvern.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "File "+up.FileID+" not found", apiErr.Detail)

	t.Run("a file over the server's limit is refused with 413", func(t *testing.T) {
		_, err := client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "big", Content: bytes.NewReader(make([]byte, 1<<20+1))})
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 413, apiErr.StatusCode)
		assert.Equal(t, "File size exceeds the maximum allowed size (1.0 MB)", apiErr.Detail)
	})
	t.Run("a retention out of range is refused with 422", func(t *testing.T) {
		_, err := client.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a", Content: strings.NewReader("x"), RetentionDays: skyvern.Ptr(0)})
		assert.ErrorIs(t, err, skyvern.ErrValidation)
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "retention_days must be between 1 and 365", apiErr.Detail)
	})
	t.Run("a wrong key is refused with 403", func(t *testing.T) {
		bad := srv.Client(skyvern.WithAPIKey("wrong"), skyvern.WithMaxRetries(0))
		_, err := bad.UploadFile(ctx, skyvern.UploadFileRequest{Filename: "a", Content: strings.NewReader("x")})
		assert.ErrorIs(t, err, skyvern.ErrUnauthorized)
	})
}

// pattern is n made-up bytes, produced as they are read: a source of a
// large upload that allocates nothing.
type pattern struct{ off, n int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		o := p.off + int64(i)
		b[i] = byte(o ^ o>>9)
	}
	p.off += int64(len(b))
	return len(b), nil
}

// TestUploadFile64MiBWithBoundedMemory uploads 64 MiB through the public
// client to skyverntest (which keeps no content here) and checks that the
// process allocated far less than the file: neither side holds it whole.
func TestUploadFile64MiBWithBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 64 MiB")
	}
	const size = 64 << 20
	srv := skyverntest.NewServer(t, skyverntest.WithMaxUploadSize(size), skyverntest.WithKeptUploadBytes(0))
	client := srv.Client(skyvern.WithMaxRetries(0))
	for _, sized := range []bool{true, false} {
		name := map[bool]string{true: "with Size", false: "chunked"}[sized]
		t.Run(name, func(t *testing.T) {
			sum := sha256.New()
			req := skyvern.UploadFileRequest{Filename: "big.bin", Content: io.TeeReader(&pattern{n: size}, sum)}
			if sized {
				req.Size = size
			}
			allocated, peak := measure(t, func() {
				up, err := client.UploadFile(context.Background(), req)
				require.NoError(t, err)
				stored, ok := srv.UploadedFile(up.FileID)
				require.True(t, ok)
				assert.EqualValues(t, size, stored.Size)
				assert.Equal(t, sumOf(sum), stored.SHA256, "every byte arrived")
				assert.Nil(t, stored.Content)
			})
			t.Logf("uploading 64 MiB (%s) allocated %.2f MiB in all; heap in use grew by at most %.2f MiB", name,
				float64(allocated)/(1<<20), float64(peak)/(1<<20))
			assert.Less(t, allocated, uint64(8<<20), "the upload allocated %d bytes", allocated)
		})
	}
}

// measure runs f and returns the bytes allocated meanwhile (by every
// goroutine: the client's and the fake's) and the growth of the heap in use
// seen after it.
func measure(t *testing.T, f func()) (allocated, heapGrowth uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	growth := uint64(0)
	if after.HeapInuse > before.HeapInuse {
		growth = after.HeapInuse - before.HeapInuse
	}
	return after.TotalAlloc - before.TotalAlloc, growth
}

func sumOf(h hash.Hash) (out [32]byte) {
	copy(out[:], h.Sum(nil))
	return out
}

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

// fileConformance is the file upload area: the upload's form and answer
// match the spec both ways.
var fileConformance = conformanceArea{
	name: "files",
	schemas: []schemaCase{
		{schema: "Body_upload_file_v1_upload_file_post", goType: skyvern.UploadFileRequest{}, form: true, exact: true},
		{schema: "UploadFileResponse", goType: skyvern.UploadedFile{}, exact: true},
	},
}

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
