package skyverntest

import (
	"crypto/sha256"
	"io"
	"slices"
	"sync"

	"github.com/skyvern-go/skyvern"
)

// This file holds the fake's uploaded files and the content it serves for
// artifacts, as plain state without HTTP, and spool, which reads an
// uploaded file as it arrives.

// maxStoredFiles bounds the uploaded files a server remembers; beyond it,
// the oldest are forgotten.
const maxStoredFiles = 10000

// fileStore holds uploaded files and the artifacts' content set with
// Server.SetArtifactContent. Its zero value is ready to use; its fields
// are guarded by mu.
type fileStore struct {
	mu        sync.Mutex
	files     map[string]*StoredFile
	order     []*StoredFile // oldest first
	kept      int64         // bytes of Content held, in all
	artifacts map[string]*io.SectionReader
}

// add stores f, keeping its content when it fits in keep bytes by
// dropping the content of the oldest files, so that at most keep bytes of
// content are held (keep < 0: no bound), and
// forgetting the oldest files beyond maxStoredFiles.
func (fs *fileStore) add(f *StoredFile, keep int64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.files == nil {
		fs.files = make(map[string]*StoredFile)
	}
	if n := int64(len(f.Content)); keep >= 0 && n > keep {
		f.Content = nil
	} else if keep >= 0 {
		for _, old := range fs.order {
			if fs.kept+n <= keep {
				break
			}
			fs.kept -= int64(len(old.Content))
			old.Content = nil
		}
	}
	fs.kept += int64(len(f.Content))
	fs.files[f.FileID] = f
	fs.order = append(fs.order, f)
	if len(fs.order) > maxStoredFiles {
		fs.forget(0)
	}
}

// forget removes the file at order[i]. The lock is held.
func (fs *fileStore) forget(i int) {
	f := fs.order[i]
	fs.kept -= int64(len(f.Content))
	delete(fs.files, f.FileID)
	fs.order = slices.Delete(fs.order, i, i+1)
}

// get returns a copy of the file id (its Content shared, read-only).
func (fs *fileStore) get(id string) (StoredFile, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[id]
	if !ok {
		return StoredFile{}, false
	}
	return *f, true
}

// delete removes the file id, and reports whether there was one.
func (fs *fileStore) delete(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[id]
	if ok {
		fs.forget(slices.Index(fs.order, f))
	}
	return ok
}

// setArtifact sets the content served for the artifact id.
func (fs *fileStore) setArtifact(id string, content *io.SectionReader) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.artifacts == nil {
		fs.artifacts = make(map[string]*io.SectionReader)
	}
	fs.artifacts[id] = content
}

// artifact returns the content set for the artifact id, or nil.
func (fs *fileStore) artifact(id string) *io.SectionReader {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.artifacts[id]
}

// artifactRun returns the finished run that has the artifact id, and the
// artifact's type; nil when there is none (the run has not finished, or
// is unknown, as Get Run Artifacts shows it).
func (st *store) artifactRun(id string) (*run, skyvern.ArtifactType) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, r := range st.order {
		if !r.status.IsTerminal() {
			continue
		}
		switch id {
		case r.artifactIDs[0]:
			return r, skyvern.ArtifactTypeRecording
		case r.artifactIDs[1]:
			return r, skyvern.ArtifactTypeScreenshotFinal
		}
	}
	return nil, ""
}

// spooled is an uploaded file as the server read it.
type spooled struct {
	filename string
	size     int64
	sum      [32]byte
	data     []byte // the content, or nil when not kept
	tooLarge bool   // longer than the largest upload taken; size and sum are then not set
}

// spool reads an uploaded file from r to its end, as it arrives: its size
// and SHA-256 always, its bytes only while they fit in keep (keep < 0: no
// bound) and maxSize. With hint, the length of the whole request (or
// <= 0), the bytes kept are read straight into one buffer of their size,
// so a kept file is copied once; a file whose length is not known grows
// its buffer. A file over maxSize is read to its end and dropped, and
// marked tooLarge.
func spool(r io.Reader, maxSize, keep, hint int64) (*spooled, error) {
	limit := maxSize
	if keep >= 0 {
		limit = min(limit, keep)
	}
	f := &spooled{}
	h := sha256.New()
	keeping := limit > 0
	if keeping {
		n := int64(32 << 10)
		if hint > 0 {
			n = hint
		}
		f.data = make([]byte, 0, min(n, limit+1))
	}
	var scratch []byte
	for {
		var buf []byte
		if keeping {
			if len(f.data) == cap(f.data) {
				f.data = slices.Grow(f.data, int(min(int64(len(f.data)), limit+1-int64(len(f.data)))))
			}
			buf = f.data[len(f.data):cap(f.data)]
		} else {
			if scratch == nil {
				scratch = make([]byte, 32<<10)
			}
			buf = scratch
		}
		n, err := r.Read(buf)
		if n > 0 {
			f.size += int64(n)
			if !f.tooLarge {
				h.Write(buf[:n])
			}
			if keeping {
				f.data = f.data[:len(f.data)+n]
				if int64(len(f.data)) > limit {
					keeping, f.data = false, nil
				}
			}
			if f.size > maxSize {
				f.tooLarge, keeping, f.data = true, false, nil
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if !f.tooLarge {
		h.Sum(f.sum[:0])
	} else {
		f.size = 0
	}
	return f, nil
}
