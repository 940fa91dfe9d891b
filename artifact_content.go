package skyvern

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/skyvern-go/skyvern/internal/endpoint"
)

// ByteRange is a part of a content to download, made by BytesFrom,
// BytesBetween or LastBytes. The zero ByteRange is the whole content.
type ByteRange struct {
	first, last int64 // last < 0: to the end; first < 0: the last -first bytes
	set         bool
	bad         string // why the range is invalid, or ""
}

// BytesFrom is the content from offset (from 0) to its end: the way to
// resume a download that broke off after offset bytes.
func BytesFrom(offset int64) ByteRange {
	r := ByteRange{first: offset, last: -1, set: true}
	if offset < 0 {
		r.bad = fmt.Sprintf("BytesFrom(%d): the offset is negative", offset)
	}
	return r
}

// BytesBetween is the bytes from offset first to offset last, both
// included: BytesBetween(0, 99) is the first 100 bytes.
func BytesBetween(first, last int64) ByteRange {
	r := ByteRange{first: first, last: last, set: true}
	switch {
	case first < 0:
		r.bad = fmt.Sprintf("BytesBetween(%d, %d): first is negative", first, last)
	case last < first:
		r.bad = fmt.Sprintf("BytesBetween(%d, %d): last is before first", first, last)
	}
	return r
}

// LastBytes is the last n bytes of the content (all of it when it is
// shorter).
func LastBytes(n int64) ByteRange {
	r := ByteRange{first: -n, last: -1, set: true}
	if n <= 0 {
		r.bad = fmt.Sprintf("LastBytes(%d): n is not positive", n)
	}
	return r
}

// String returns the Range header the range is sent as, such as
// "bytes=0-99", or "" for the whole content.
func (r ByteRange) String() string {
	switch {
	case !r.set:
		return ""
	case r.first < 0:
		return "bytes=" + strconv.FormatInt(r.first, 10) // "bytes=-n"
	case r.last < 0:
		return "bytes=" + strconv.FormatInt(r.first, 10) + "-"
	}
	return "bytes=" + strconv.FormatInt(r.first, 10) + "-" + strconv.FormatInt(r.last, 10)
}

// GetArtifactContentParams are the options of GetArtifactContent. The zero
// value downloads the whole content.
type GetArtifactContentParams struct {
	// Range, when set, asks for a part of the content only.
	Range ByteRange
}

// ContentRange is the part of a content an answer holds: the bytes from
// offset First to offset Last, both included, of a content of Size bytes
// (-1 when the server does not say).
type ContentRange struct {
	First, Last, Size int64
}

// ArtifactContent is an artifact's content being downloaded: read it as an
// io.Reader, and Close it when done (also when not reading it to its end),
// which releases the connection.
type ArtifactContent struct {
	// ContentType is the media type of the content, such as "video/webm"
	// for a recording or "image/png" for a screenshot.
	ContentType string
	// Length is the number of bytes the body holds (of the range, for a
	// partial answer), or -1 when the server does not say.
	Length int64
	// Range is the part of the content the body holds when the server
	// answered a range request with part of it (206); nil when the body is
	// the whole content, as when the server ignores the range asked for.
	Range *ContentRange

	body io.ReadCloser
}

// Read reads the content.
func (a *ArtifactContent) Read(p []byte) (int, error) { return a.body.Read(p) }

// Close ends the download and releases its connection.
func (a *ArtifactContent) Close() error { return a.body.Close() }

// ErrRangeNotSatisfiable matches the *RangeError of a range that starts
// beyond the content's end.
var ErrRangeNotSatisfiable = errors.New("skyvern: range not satisfiable")

// RangeError is the error for a range that Skyvern cannot satisfy (its
// 416 answer). It matches ErrRangeNotSatisfiable, and unwraps to the
// answer's *APIError.
type RangeError struct {
	// Range is the range asked for.
	Range ByteRange
	// Size is the content's size in bytes, or -1 when the server does not
	// say.
	Size int64
	// Err is the server's answer.
	Err *APIError
}

// Error describes the range asked for and the content's size.
func (e *RangeError) Error() string {
	size := "of unknown size"
	if e.Size >= 0 {
		size = "of " + strconv.FormatInt(e.Size, 10) + " bytes"
	}
	return e.Err.Error() + ": " + e.Range.String() + " is beyond the content, " + size
}

// Unwrap returns the server's answer.
func (e *RangeError) Unwrap() error { return e.Err }

// Is reports whether target is ErrRangeNotSatisfiable.
func (e *RangeError) Is(target error) bool { return target == ErrRangeNotSatisfiable }

// GetArtifactContent downloads the content of an artifact of a run (the
// ArtifactID of one of ListRunArtifacts's answers), such as its recording
// or a screenshot, streamed: nothing is buffered and there is no size cap.
// The caller must Close the answer.
//
// It calls GET /v1/artifacts/{artifact_id}/content, with a Range header
// when p.Range is set. It is retried like a read until the answer's
// headers arrive; then the body is the caller's, and a download that
// breaks off is not retried: resume it with BytesFrom(bytes read). Each
// attempt's timeout (WithTimeout) bounds it only until the headers arrive;
// reading the body is bounded by ctx alone, so that a long download is not
// cut short.
//
// Errors: ErrEmptyID; an invalid p.Range, before sending; a *RangeError
// (ErrRangeNotSatisfiable) for a range beyond the content; an *APIError
// (ErrNotFound for an unknown artifact or one whose content is not
// available, ...); a *RequestError, which matches ErrMalformedResponse for
// a partial answer without a valid Content-Range. Reading the answer
// fails with the transport's error, or ctx's, when the download breaks
// off.
func (c *Client) GetArtifactContent(ctx context.Context, artifactID string, p GetArtifactContentParams, opts ...Option) (*ArtifactContent, error) {
	if p.Range.bad != "" {
		return nil, errors.New("skyvern: GetArtifactContent: " + p.Range.bad)
	}
	e := request{Call: endpoint.GetArtifactContent.With(artifactID), header: http.Header{"Accept": {"*/*"}}}
	if p.Range.set {
		e.header["Range"] = []string{p.Range.String()}
	}
	var raw rawResponse
	if err := c.do(ctx, e, &raw, opts); err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusRequestedRangeNotSatisfiable {
			size := int64(-1)
			if raw.resp != nil {
				size = unsatisfiedSize(raw.resp.Header.Get("Content-Range"))
			}
			return nil, &RangeError{Range: p.Range, Size: size, Err: apiErr}
		}
		return nil, err
	}
	resp := raw.resp
	out := &ArtifactContent{ContentType: resp.Header.Get("Content-Type"), Length: resp.ContentLength, body: resp.Body}
	if resp.StatusCode == http.StatusPartialContent {
		cr, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok {
			resp.Body.Close()
			return nil, &RequestError{Method: e.Op.Method, Path: e.Path, Attempts: raw.attempts,
				Err: &malformedError{msg: fmt.Sprintf("206 answer with Content-Range %q", resp.Header.Get("Content-Range"))}}
		}
		out.Range = &cr
	}
	return out, nil
}

// parseContentRange parses "bytes first-last/size" (size may be "*").
func parseContentRange(v string) (ContentRange, bool) {
	spec, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return ContentRange{}, false
	}
	span, size, ok := strings.Cut(spec, "/")
	first, last, ok2 := strings.Cut(span, "-")
	if !ok || !ok2 {
		return ContentRange{}, false
	}
	cr := ContentRange{Size: -1}
	var err1, err2 error
	cr.First, err1 = strconv.ParseInt(first, 10, 64)
	cr.Last, err2 = strconv.ParseInt(last, 10, 64)
	if err1 != nil || err2 != nil || cr.First < 0 || cr.Last < cr.First {
		return ContentRange{}, false
	}
	if size != "*" {
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil || n <= cr.Last {
			return ContentRange{}, false
		}
		cr.Size = n
	}
	return cr, true
}

// unsatisfiedSize returns the size of a 416 answer's "bytes */size", or -1.
func unsatisfiedSize(v string) int64 {
	if s, ok := strings.CutPrefix(v, "bytes */"); ok {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}
