package skyvern

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"sync"

	"github.com/skyvern-go/skyvern/internal/endpoint"
	"github.com/skyvern-go/skyvern/internal/jsonobj"
)

// UploadFileRequest is a file to upload with UploadFile. Give its bytes in
// exactly one of Content and Open.
//
// The form tags name the members of Skyvern's multipart form.
type UploadFileRequest struct {
	// Filename is the file's name, as Skyvern records it; required. Only
	// its last path element is kept by the server.
	Filename string `form:"-"`
	// Content is read once, to its end, as the upload is sent; the client
	// never closes it. An upload from Content is not sent again once any of
	// it has been read.
	Content io.Reader `form:"file"`
	// Open, in place of Content, opens the file's bytes for each attempt of
	// the upload (os.Open on a path, say), so that the client can retry it
	// (see UploadFile). The client closes what Open returns.
	Open func() (io.ReadCloser, error) `form:"-"`
	// Size, when positive, is the exact length of the content in bytes:
	// the request then carries a Content-Length, and content that ends
	// before or runs past Size fails the upload with an error matching
	// ErrUploadSize. Zero means unknown: the request is sent chunked.
	Size int64 `form:"-"`
	// RetentionDays, when set, asks Skyvern to delete the file after this
	// many days (from 1 to 365 on Skyvern Cloud). Unset, the file follows
	// the organization's data retention policy.
	RetentionDays *int `form:"retention_days"`
}

// ErrUploadSize matches the error of an UploadFile whose content is
// shorter or longer than the UploadFileRequest's Size.
var ErrUploadSize = errors.New("skyvern: upload content does not have the size given")

// UploadedFile is Skyvern's answer to an upload.
type UploadedFile struct {
	// FileID names the upload for DeleteFile. Servers older than the
	// DELETE /v1/files route leave it empty.
	FileID string `json:"file_id,omitempty"`
	// S3URI is where Skyvern stored the file; PresignedURL is a temporary
	// URL to download it. Either can be given to a run that takes a file
	// URL.
	S3URI        string `json:"s3_uri"`
	PresignedURL string `json:"presigned_url"`
	// ExpiresAt is when Skyvern deletes the file, when the upload set
	// RetentionDays; zero otherwise.
	ExpiresAt Time `json:"expires_at,omitzero"`

	// Extra holds members this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the answer, keeping unmodelled members in Extra.
func (f *UploadedFile) UnmarshalJSON(data []byte) error { return jsonobj.Unmarshal(data, f) }

// MarshalJSON encodes the answer, Extra included.
func (f UploadedFile) MarshalJSON() ([]byte, error) { return jsonobj.Marshal(f) }

// UploadFile uploads a file to Skyvern's storage, for runs that take a file
// URL (the answer's S3URI or PresignedURL), and returns where it is.
//
// It calls POST /v1/upload_file with a multipart/form-data body streamed
// from req.Content or req.Open: the file is never held whole in memory, and
// the request carries a Content-Length when req.Size is given. Skyvern
// Cloud refuses files over 10 MB with a 413 *APIError.
//
// Retries. Each upload stores a new file, so UploadFile follows the rule
// of calls that create something: it is repeated only when the request
// provably never reached Skyvern (the connection could not be made) or
// Skyvern said it did not take it (429, or 503 with Retry-After). It must
// also be able to send the content again: with req.Open it opens the
// content anew for each attempt; with req.Content, only while none of it
// has been read. A failure after the request may have arrived matches
// ErrOutcomeUnknown: the file may have been stored, under an id the caller
// never learns, until its retention ends.
//
// Errors, returned before anything is sent: a missing Filename, neither or
// both of Content and Open, a negative Size or RetentionDays. Otherwise an
// *APIError (ErrValidation, ...) or a *RequestError, which matches
// ErrUploadSize when the content does not have req.Size bytes and wraps
// the error of a Content or Open that fails.
func (c *Client) UploadFile(ctx context.Context, req UploadFileRequest, opts ...Option) (*UploadedFile, error) {
	body, err := newUploadBody(req)
	if err != nil {
		return nil, err
	}
	var out UploadedFile
	// s3_uri, not file_id: Skyvern's answer model requires the first and
	// only lately carries the second (UploadFileResponse, skyvern/schemas/runs.py).
	e := request{Call: endpoint.UploadFile.With(), upload: body, creates: true, created: createdID{"s3_uri", &out.S3URI}}
	if err := c.do(ctx, e, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
}

// newUploadBody frames req's content as Skyvern's multipart form: its
// fields and the file part's header before the content, the closing
// boundary after it, both built once and sent again on each attempt.
func newUploadBody(req UploadFileRequest) (*streamBody, error) {
	switch {
	case req.Filename == "":
		return nil, errors.New("skyvern: UploadFile: Filename is empty")
	case (req.Content == nil) == (req.Open == nil):
		return nil, errors.New("skyvern: UploadFile: give the file's bytes in exactly one of Content and Open")
	case req.Size < 0:
		return nil, fmt.Errorf("skyvern: UploadFile: Size %d is negative", req.Size)
	case req.RetentionDays != nil && *req.RetentionDays < 0:
		return nil, fmt.Errorf("skyvern: UploadFile: RetentionDays %d is negative", *req.RetentionDays)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if req.RetentionDays != nil {
		mw.WriteField("retention_days", strconv.Itoa(*req.RetentionDays))
	}
	h := make(textproto.MIMEHeader, 2)
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+escapeQuotes(req.Filename)+`"`)
	h.Set("Content-Type", "application/octet-stream")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	mw.Close() // writes the closing boundary
	tail := buf.Bytes()

	length := int64(-1)
	if req.Size > 0 {
		length = int64(len(head)) + req.Size + int64(len(tail))
	}
	return &streamBody{
		contentType: mw.FormDataContentType(),
		length:      length,
		reopens:     req.Open != nil,
		open: func(int) (io.ReadCloser, error) {
			var content io.Reader = req.Content
			var closer io.Closer
			if req.Open != nil {
				rc, err := req.Open()
				if err != nil {
					return nil, fmt.Errorf("opening the upload's content: %w", err)
				}
				content, closer = rc, rc
			}
			if req.Size > 0 {
				content = &sizedReader{r: content, left: req.Size, size: req.Size}
			}
			return &framedBody{Reader: io.MultiReader(bytes.NewReader(head), content, bytes.NewReader(tail)), closer: closer}, nil
		},
	}, nil
}

// escapeQuotes escapes a multipart filename the way mime/multipart does.
var escapeQuotes = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "%0D", "\n", "%0A").Replace

// framedBody is one attempt's multipart body; closing it closes what Open
// returned, if anything.
type framedBody struct {
	io.Reader
	closer io.Closer
}

func (b *framedBody) Close() error {
	if b.closer == nil {
		return nil
	}
	return b.closer.Close()
}

// sizedReader yields exactly size bytes of r, failing with ErrUploadSize
// when r ends before them or holds more.
type sizedReader struct {
	r          io.Reader
	left, size int64
}

func (s *sizedReader) Read(p []byte) (int, error) {
	if s.left == 0 {
		var probe [1]byte
		switch n, err := io.ReadFull(s.r, probe[:]); {
		case n > 0:
			return 0, fmt.Errorf("%w: the content holds more than %d bytes", ErrUploadSize, s.size)
		case err == io.EOF:
			return 0, io.EOF
		default:
			return 0, err
		}
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	if err == io.EOF {
		if s.left > 0 {
			return n, fmt.Errorf("%w: the content ended after %d of %d bytes", ErrUploadSize, s.size-s.left, s.size)
		}
		err = nil // the probe above reports the end
	}
	return n, err
}

// DeleteFile deletes a file uploaded with UploadFile, by the FileID of its
// answer.
//
// It calls DELETE /v1/files/{file_id} and is retried like a read: deleting
// twice deletes once, and a repeat that finds the file gone answers 404.
// Skyvern answers 404 alike for an id never issued, already deleted or
// another organization's. Errors: ErrEmptyID; an *APIError (ErrNotFound,
// ...); a *RequestError.
func (c *Client) DeleteFile(ctx context.Context, fileID string, opts ...Option) error {
	return c.do(ctx, request{Call: endpoint.DeleteFile.With(fileID)}, nil, opts)
}

// streamBody is a request body streamed from its source on each attempt,
// never held whole in memory. The engine asks for a body per attempt (and
// net/http for a redirect); each is a lazyBody that opens the source only
// when the transport first reads from it, which is after a connection was
// made. An attempt may be repeated only when the source has not been read
// yet (nothing of it can have been sent) or open can produce it again;
// shouldRetry checks that beside its usual rules.
type streamBody struct {
	contentType string
	length      int64 // bytes in all, or -1 when unknown (sent chunked)
	// open returns the body for the n-th opening (from 1). Opening n > 1
	// happens only when reopens is true.
	open    func(n int) (io.ReadCloser, error)
	reopens bool

	mu     sync.Mutex
	opened int   // openings so far
	srcErr error // the first error reading the source (never io.EOF)
}

// resendable reports whether another attempt can send the body: the
// source is untouched or can be opened again, and reading it never
// failed (a failing source fails every attempt the same way).
func (b *streamBody) resendable() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.srcErr == nil && (b.opened == 0 || b.reopens)
}

func (b *streamBody) next() (io.ReadCloser, error) {
	b.mu.Lock()
	if b.opened > 0 && !b.reopens {
		b.mu.Unlock()
		return nil, errors.New("the request body was read once already and cannot be sent again")
	}
	b.opened++
	n := b.opened
	b.mu.Unlock()
	return b.open(n)
}

func (b *streamBody) failed(err error) {
	b.mu.Lock()
	if b.srcErr == nil {
		b.srcErr = err
	}
	b.mu.Unlock()
}

// reader is the engine's ReaderFunc for the body: a fresh lazyBody per
// attempt.
func (b *streamBody) reader() (io.Reader, error) { return &lazyBody{src: b}, nil }

// lazyBody is one attempt's body: it opens its source on the first Read,
// so that an attempt that never sent a byte leaves the source untouched.
type lazyBody struct {
	src    *streamBody
	mu     sync.Mutex
	rc     io.ReadCloser
	err    error
	closed bool
}

var errBodyClosed = errors.New("request body read after it was closed")

func (l *lazyBody) Read(p []byte) (int, error) {
	l.mu.Lock()
	if l.rc == nil && l.err == nil {
		if l.closed {
			l.err = errBodyClosed
		} else if l.rc, l.err = l.src.next(); l.err != nil {
			l.src.failed(l.err)
		}
	}
	rc, err := l.rc, l.err
	l.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n, err := rc.Read(p)
	if err != nil && err != io.EOF {
		l.src.failed(err)
	}
	return n, err
}

// Close closes what Read opened; the transport may call it from another
// goroutine, and more than once.
func (l *lazyBody) Close() error {
	l.mu.Lock()
	rc := l.rc
	first := !l.closed
	l.closed = true
	l.mu.Unlock()
	if rc != nil && first {
		return rc.Close()
	}
	return nil
}
