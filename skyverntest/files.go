package skyverntest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
)

// The routes of uploaded files and of artifacts' content.
const (
	// RouteUploadFile stores a file from a multipart form. Its requests
	// are recorded without their body, which the server streams; see
	// Server.UploadedFile for what arrived. A Fault on it answers before
	// the body is read.
	RouteUploadFile = "POST /v1/upload_file"
	// RouteDeleteFile deletes an uploaded file.
	RouteDeleteFile = "DELETE /v1/files/{file_id}"
	// RouteGetArtifactContent serves the bytes of a run's artifact, with
	// Range requests.
	RouteGetArtifactContent = "GET /v1/artifacts/{artifact_id}/content"
)

// fileRoutes are the routes of uploaded files and artifacts' content.
var fileRoutes = []route{
	{name: RouteUploadFile, body: form[skyvern.UploadFileRequest](), handle: (*Server).handleUploadFile},
	{name: RouteDeleteFile, handle: (*Server).handleDeleteFile},
	{name: RouteGetArtifactContent, handle: (*Server).handleGetArtifactContent},
}

// Limits of uploads.
const (
	// DefaultMaxUploadSize is the largest file Upload File takes (see
	// WithMaxUploadSize): 10 MiB, as on Skyvern Cloud.
	DefaultMaxUploadSize = 10 << 20
	// DefaultKeptUploadBytes is how many bytes of uploaded files' content
	// the server keeps in all (see WithKeptUploadBytes).
	DefaultKeptUploadBytes = 64 << 20
	// maxRetentionDays is Skyvern's bound on retention_days.
	maxRetentionDays = 365
)

// uploadLimits are a server's limits on uploads; the zero value is the
// defaults.
type uploadLimits struct {
	maxSize int64 // 0: DefaultMaxUploadSize
	kept    int64 // when keptSet; < 0: no bound
	keptSet bool
}

func (l uploadLimits) max() int64 {
	if l.maxSize == 0 {
		return DefaultMaxUploadSize
	}
	return l.maxSize
}

func (l uploadLimits) keep() int64 {
	if !l.keptSet {
		return DefaultKeptUploadBytes
	}
	return l.kept
}

// WithMaxUploadSize returns an Option that sets the largest file Upload
// File accepts, in bytes (DefaultMaxUploadSize, 10 MiB, by default); a
// larger one is answered 413 as Skyvern does. The server reads an upload
// as it arrives and holds no more of it than it keeps (see
// WithKeptUploadBytes), so a test can upload a large file cheaply.
func WithMaxUploadSize(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.fail("WithMaxUploadSize: %d is not positive", n)
		}
		c.uploads.maxSize = n
	}
}

// WithKeptUploadBytes returns an Option that bounds the bytes of uploaded
// files' content the server keeps, in all, for Server.UploadedFile
// (DefaultKeptUploadBytes, 64 MiB, by default). Beyond n, the content of
// the oldest uploads is dropped first, and a file larger than n is not kept
// at all; their size and SHA-256 are always kept. 0 keeps no content; a
// negative n keeps all of it.
func WithKeptUploadBytes(n int64) Option {
	return func(c *config) { c.uploads.kept, c.uploads.keptSet = n, true }
}

// StoredFile is a file the server holds from Upload File.
type StoredFile struct {
	// FileID is the id Upload File answered, such as "file_123".
	FileID string
	// Filename is the name the upload gave, as Skyvern keeps it (its last
	// path element).
	Filename string
	// Size is the file's length in bytes, and SHA256 its digest.
	Size   int64
	SHA256 [32]byte
	// Content is the file's bytes, or nil when the server did not keep
	// them (see WithKeptUploadBytes).
	Content []byte
	// RetentionDays is the retention the upload asked for, or nil; then
	// ExpiresAt is zero.
	RetentionDays *int
	ExpiresAt     time.Time
	// S3URI is the file's s3_uri in the answer.
	S3URI string
}

// UploadedFile returns the file fileID as the server received it, and
// false when there is none (never uploaded, deleted, or forgotten beyond
// the server's bound of 10,000 files).
func (s *Server) UploadedFile(fileID string) (StoredFile, bool) {
	f, ok := s.files.get(fileID)
	if !ok {
		return StoredFile{}, false
	}
	f.Content = bytes.Clone(f.Content)
	return f, true
}

// SetArtifactContent makes Get Artifact Content serve size bytes read from
// content for the artifact artifactID (an ArtifactID of Get Run
// Artifacts's answer), in place of the made-up bytes the server serves by
// default: a WebM header and filler for a recording, a small PNG for a
// screenshot. content is read at each request, concurrently, never
// copied: a large content costs the server nothing until it is served. It
// returns an error when no run the server holds has that artifact.
func (s *Server) SetArtifactContent(artifactID string, content io.ReaderAt, size int64) error {
	if size < 0 {
		return fmt.Errorf("skyverntest: SetArtifactContent: size %d is negative", size)
	}
	if r, _ := s.st.artifactRun(artifactID); r == nil {
		return fmt.Errorf("skyverntest: SetArtifactContent: no run has the artifact %q", artifactID)
	}
	s.files.setArtifact(artifactID, io.NewSectionReader(content, 0, size))
	return nil
}

// handleUploadFile serves Upload File: POST /v1/upload_file, a multipart
// form with the file and an optional retention_days.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py upload_file,
// _validate_file_size (413 before the 422 of
// skyvern/services/uploaded_file_service.py resolve_expires_at).
func (s *Server) handleUploadFile(c *call) {
	req := bodyOf[skyvern.UploadFileRequest](c)
	f := c.files["file"]
	switch {
	case f == nil: // the form could not be parsed
		c.fail(http.StatusBadRequest, "There was an error parsing the body")
		return
	case f.tooLarge:
		c.fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("File size exceeds the maximum allowed size (%s MB)", pyFloat(float64(s.cfg.uploads.max())/1024/1024)))
		return
	case req.RetentionDays != nil && (*req.RetentionDays < 1 || *req.RetentionDays > maxRetentionDays):
		c.fail(http.StatusUnprocessableEntity, fmt.Sprintf("retention_days must be between 1 and %d", maxRetentionDays))
		return
	}
	now := s.now()
	id := s.newID("file_")
	name := path.Base(strings.ReplaceAll(f.filename, `\`, "/"))
	key := s.orgID + "/" + now.Format("2006-01-02") + "/" + id + "_" + name
	stored := &StoredFile{
		FileID: id, Filename: name, Size: f.size, SHA256: f.sum, Content: f.data,
		RetentionDays: req.RetentionDays, S3URI: "s3://skyvern-uploads/production/" + key,
	}
	out := skyvern.UploadedFile{FileID: id, S3URI: stored.S3URI, PresignedURL: "https://uploads.skyverntest.invalid/production/" + key}
	if d := req.RetentionDays; d != nil {
		stored.ExpiresAt = now.Add(time.Duration(*d) * 24 * time.Hour)
		out.ExpiresAt = sdkTime(stored.ExpiresAt)
	}
	s.files.add(stored, s.cfg.uploads.keep())
	c.reply(out)
}

// handleDeleteFile serves Delete File: DELETE /v1/files/{file_id}, 204,
// or 404 for a file it does not hold.
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py delete_file.
func (s *Server) handleDeleteFile(c *call) {
	id := c.param("file_id")
	if !s.files.delete(id) {
		c.fail(http.StatusNotFound, "File "+id+" not found")
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// handleGetArtifactContent serves Get Artifact Content: GET
// /v1/artifacts/{artifact_id}/content, the bytes of an artifact of a
// finished run, with the headers Skyvern sends. A Range header is read as
// Skyvern reads it (one range; a malformed or multiple range is ignored)
// and served by http.ServeContent; an unsatisfiable one is answered 416
// with an empty body and "Content-Range: bytes */size".
//
// Server: skyvern/forge/sdk/routes/agent_protocol.py get_artifact_content.
func (s *Server) handleGetArtifactContent(c *call) {
	id := c.param("artifact_id")
	r, kind := s.st.artifactRun(id)
	if r == nil {
		c.fail(http.StatusNotFound, "Artifact not found "+id)
		return
	}
	content := s.files.artifact(id)
	if content == nil {
		content = defaultArtifactContent(id, kind)
	}
	size := content.Size()
	h := c.w.Header()
	h.Set("Content-Type", artifactMediaType(kind))
	h.Set("Content-Disposition", "inline")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Accept-Ranges", "bytes")
	switch first, last, ok := skyvernRange(c.r.Header.Get("Range"), size); {
	case !ok:
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		h.Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	case first < 0:
		c.r.Header.Del("Range")
	default:
		c.r.Header.Set("Range", "bytes="+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10))
	}
	http.ServeContent(c.w, c.r, "", time.Time{}, io.NewSectionReader(content, 0, size))
}

// skyvernRange reads a Range header as Skyvern does: first and last of
// the one range it asks for; first < 0 when the header is absent or
// ignored (malformed, another unit, several ranges); ok false when the
// range is unsatisfiable.
func skyvernRange(v string, size int64) (first, last int64, ok bool) {
	spec := strings.TrimLeft(v, " \t")
	if len(spec) < 6 || !strings.EqualFold(spec[:6], "bytes=") {
		return -1, 0, true
	}
	spec = strings.TrimSpace(spec[6:])
	from, to, found := strings.Cut(spec, "-")
	if !found || strings.Contains(spec, ",") || !digits(from) || !digits(to) {
		return -1, 0, true
	}
	if from == "" {
		n, err := strconv.ParseInt(to, 10, 64)
		if err != nil || n <= 0 {
			return -1, 0, true
		}
		first, last = max(0, size-n), size-1
	} else {
		var err error
		if first, err = strconv.ParseInt(from, 10, 64); err != nil {
			return -1, 0, true
		}
		last = size - 1
		if to != "" {
			if last, err = strconv.ParseInt(to, 10, 64); err != nil {
				return -1, 0, true
			}
			last = min(last, size-1)
		}
	}
	if first >= size || last < first {
		return 0, 0, false
	}
	return first, last, true
}

// digits reports whether s is ASCII digits only (or empty).
func digits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// artifactMediaType is the Content-Type Skyvern serves an artifact's
// content with.
func artifactMediaType(t skyvern.ArtifactType) string {
	switch t {
	case skyvern.ArtifactTypeHTMLScrape, skyvern.ArtifactTypeHTMLAction:
		return "text/html; charset=utf-8"
	case skyvern.ArtifactTypeLLMPrompt, skyvern.ArtifactTypeVisibleElementsTreeInPrompt,
		skyvern.ArtifactTypeBrowserConsoleLog, skyvern.ArtifactTypeSkyvernLog:
		return "text/plain; charset=utf-8"
	case skyvern.ArtifactTypeScreenshotLLM, skyvern.ArtifactTypeScreenshotAction, skyvern.ArtifactTypeScreenshotFinal:
		return "image/png"
	case skyvern.ArtifactTypeRecording:
		return "video/webm"
	case skyvern.ArtifactTypeAudio:
		return "audio/webm"
	case skyvern.ArtifactTypeSessionReplay:
		return "video/mp4"
	case skyvern.ArtifactTypeDownload:
		return "application/octet-stream"
	}
	return "application/json"
}

// defaultRecordingSize is the length of a recording's made-up content.
const defaultRecordingSize = 256 << 10

// defaultArtifactContent is the made-up content of an artifact: a WebM
// header and filler that depends on the id for a recording, a 16×16 PNG
// of a colour from the id for a screenshot.
func defaultArtifactContent(id string, t skyvern.ArtifactType) *io.SectionReader {
	var seed byte
	for i := 0; i < len(id); i++ {
		seed = seed*31 + id[i]
	}
	if t == skyvern.ArtifactTypeScreenshotFinal {
		img := image.NewRGBA(image.Rect(0, 0, 16, 16))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = seed, 255-seed, 128, 255
		}
		var buf bytes.Buffer
		png.Encode(&buf, img)
		return io.NewSectionReader(bytes.NewReader(buf.Bytes()), 0, int64(buf.Len()))
	}
	return io.NewSectionReader(filler{seed}, 0, defaultRecordingSize)
}

// webmMagic starts every WebM file (an EBML header).
var webmMagic = []byte{0x1A, 0x45, 0xDF, 0xA3}

// filler is endless made-up bytes: webmMagic, then a pattern from seed.
// Byte i is the same on every read, so ranges agree with the whole.
type filler struct{ seed byte }

func (f filler) ReadAt(p []byte, off int64) (int, error) {
	for i := range p {
		o := off + int64(i)
		if o < int64(len(webmMagic)) {
			p[i] = webmMagic[o]
		} else {
			p[i] = byte(o*7+o>>8) ^ f.seed
		}
	}
	return len(p), nil
}

// form declares a multipart/form-data body decoded into T: each field
// with a form tag is a member of the form, by that name, parsed into the
// field's type (an int, a *int, a string or a *string); an io.Reader field
// is a file, which the router streams into the call's files as it reads
// the form (spooled within the server's upload limits), never holding more
// of it than the server keeps. File members are required, others
// optional. The form, like a JSON body, is decoded and validated before
// the handler runs.
func form[T any]() *bodySpec {
	return &bodySpec{typ: reflect.TypeFor[T](), form: true}
}

var readerType = reflect.TypeFor[io.Reader]()

// decodeForm reads the request's multipart form into c.req and c.files,
// and returns FastAPI's validation errors. A body that is not a form
// leaves the file members missing; one that breaks off or is malformed
// leaves c.files nil, for the handler's 400.
func (c *call) decodeForm() []validationError {
	t := c.route.body.typ
	v := reflect.New(t)
	c.req = v.Interface()
	values := map[string]string{}
	files := map[string]*spooled{}
	broken := false
	if mr, err := c.r.MultipartReader(); err == nil {
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				broken = true
				break
			}
			name := part.FormName()
			if part.FileName() != "" {
				f, err := spool(part, c.srv.cfg.uploads.max(), c.srv.cfg.uploads.keep(), c.r.ContentLength)
				if err != nil {
					broken = true
					break
				}
				f.filename = part.FileName()
				files[name] = f
			} else {
				b, err := io.ReadAll(io.LimitReader(part, 1<<20))
				if err != nil {
					broken = true
					break
				}
				values[name] = string(b)
			}
			part.Close()
		}
	}
	if broken {
		return nil // c.files stays nil: the handler answers 400
	}
	c.files = files
	var errs []validationError
	for i := 0; i < t.NumField(); i++ {
		field := t.Field(i)
		name := field.Tag.Get("form")
		if name == "" || name == "-" {
			continue
		}
		loc := []any{"body", name}
		text, isText := values[name]
		if field.Type == readerType {
			switch {
			case files[name] != nil:
			case isText:
				errs = append(errs, invalid("value_error", loc, "Value error, Expected UploadFile, received: <class 'str'>", text, nil))
			default:
				errs = append(errs, invalid("missing", loc, "Field required", nil, nil))
			}
			continue
		}
		if !isText || text == "" { // FastAPI takes an empty form value as absent
			continue
		}
		if e := setFormValue(v.Elem().Field(i), text, loc); e != nil {
			errs = append(errs, e)
		}
	}
	return errs
}

// setFormValue parses text into the field f, or returns pydantic's error.
func setFormValue(f reflect.Value, text string, loc []any) validationError {
	typ := f.Type()
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	val := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		val.SetString(text)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return invalid("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", text, nil)
		}
		val.SetInt(n)
	default:
		panic("skyverntest: form field of unsupported type " + f.Type().String())
	}
	if f.Kind() == reflect.Pointer {
		p := reflect.New(typ)
		p.Elem().Set(val)
		f.Set(p)
	} else {
		f.Set(val)
	}
	return nil
}

// pyFloat formats f as Python's str(float) does for the sizes it is given:
// "10.0", "1.5".
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
