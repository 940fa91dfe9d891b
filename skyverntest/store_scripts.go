package skyverntest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
)

// This file keeps the fake's scripts and custom LLMs without HTTP: the
// handlers decode requests into the SDK's types, call these stores, and
// render what they return. The zero value of each store is ready to use;
// a refusal is a *sessionRefusal, the stores' shared error.

// scriptStore keeps scripts, each as its versions, oldest first. It is safe
// for concurrent use.
type scriptStore struct {
	mu    sync.Mutex
	seq   int
	byID  map[string][]*scriptEntry
	order []string // script ids, oldest first
}

// scriptEntry is one version of a script, and the files it holds by path.
type scriptEntry struct {
	script skyvern.Script
	files  map[string]scriptFileInfo
}

type scriptFileInfo struct {
	size     int
	mimeType string
	hash     string
}

// scriptNotFound is the server's detail for an unknown script.
const scriptNotFound = "Script not found"

// scriptPathError is the server's reason for a path it refuses.
const scriptPathError = "Script file path must be a relative POSIX path without empty, '.', '..', absolute, " +
	"drive-qualified, backslash, or null-byte segments"

// checkFiles checks files as the server does before it stores them, and
// returns what it keeps of each, by path.
func checkFiles(files []skyvern.ScriptFile) (map[string]scriptFileInfo, error) {
	out := make(map[string]scriptFileInfo, len(files))
	for _, f := range files {
		parts := strings.Split(f.Path, "/")
		if f.Path == "" || strings.ContainsAny(f.Path, "\x00\\") || slices.ContainsFunc(parts, func(p string) bool {
			return p == "" || p == "." || p == ".."
		}) {
			return nil, sessionRefuse(http.StatusBadRequest, "File path %s is invalid: %s", pyRepr(f.Path), scriptPathError)
		}
		if _, dup := out[f.Path]; dup {
			return nil, sessionRefuse(http.StatusBadRequest, "Duplicate script file path %s", pyRepr(f.Path))
		}
		content := []byte(f.Content)
		if f.Encoding == "" || f.Encoding == skyvern.ScriptFileEncodingBase64 {
			b, err := base64.StdEncoding.Strict().DecodeString(f.Content)
			if err != nil {
				return nil, sessionRefuse(http.StatusBadRequest, "File %s is not valid base64", pyRepr(f.Path))
			}
			content = b
		}
		sum := sha256.Sum256(content)
		out[f.Path] = scriptFileInfo{size: len(content), mimeType: f.MimeType, hash: "sha256:" + hex.EncodeToString(sum[:])}
	}
	return out, nil
}

// pyRepr quotes s as Python's repr does a plain string.
func pyRepr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

// create stores a new script, version 1, holding files.
func (st *scriptStore) create(orgID, runID string, files []skyvern.ScriptFile, now time.Time) (skyvern.ScriptVersion, error) {
	kept, err := checkFiles(files)
	if err != nil {
		return skyvern.ScriptVersion{}, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seq++
	id := fmt.Sprintf("s_%d", 1_000_000+st.seq)
	e := &scriptEntry{files: kept, script: skyvern.Script{
		ScriptRevisionID: fmt.Sprintf("sr_%d", 1_000_000+st.seq),
		ScriptID:         id,
		OrganizationID:   orgID,
		RunID:            runID,
		Version:          1,
		CreatedAt:        sdkTime(now),
		ModifiedAt:       sdkTime(now),
	}}
	if st.byID == nil {
		st.byID = make(map[string][]*scriptEntry)
	}
	st.byID[id] = []*scriptEntry{e}
	st.order = append(st.order, id)
	return skyvern.ScriptVersion{
		ScriptID: id, Version: 1, RunID: runID, FileCount: len(files),
		FileTree: fileTree(files, kept, now), CreatedAt: sdkTime(now),
	}, nil
}

// fileTree builds the tree the server answers for the files created.
func fileTree(files []skyvern.ScriptFile, kept map[string]scriptFileInfo, now time.Time) map[string]skyvern.ScriptFileNode {
	tree := map[string]skyvern.ScriptFileNode{}
	for _, f := range files {
		parts := strings.Split(f.Path, "/")
		insertNode(tree, parts, kept[f.Path], now)
	}
	return tree
}

func insertNode(level map[string]skyvern.ScriptFileNode, parts []string, info scriptFileInfo, now time.Time) {
	if len(parts) == 1 {
		level[parts[0]] = skyvern.ScriptFileNode{Type: "file", Size: skyvern.Ptr(info.size), MimeType: info.mimeType,
			ContentHash: info.hash, CreatedAt: sdkTime(now)}
		return
	}
	dir, ok := level[parts[0]]
	if !ok || dir.Type != "directory" {
		dir = skyvern.ScriptFileNode{Type: "directory", CreatedAt: sdkTime(now), Children: map[string]skyvern.ScriptFileNode{}}
		level[parts[0]] = dir
	}
	insertNode(dir.Children, parts[1:], info, now)
}

// latest returns the latest version of the script id.
func (st *scriptStore) latest(id string) (skyvern.Script, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	versions := st.byID[id]
	if len(versions) == 0 {
		return skyvern.Script{}, sessionRefuse(http.StatusNotFound, scriptNotFound)
	}
	return versions[len(versions)-1].script, nil
}

// list returns a page of the latest version of each script, newest first;
// page counts from 1.
func (st *scriptStore) list(page, size int) []skyvern.Script {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []skyvern.Script{}
	skip := pageSkip(page, size)
	if skip >= len(st.order) {
		return out
	}
	for i := len(st.order) - 1 - skip; i >= 0 && len(out) < size; i-- {
		versions := st.byID[st.order[i]]
		out = append(out, versions[len(versions)-1].script)
	}
	return out
}

// deploy makes a new version of the script id from its latest, with files
// in place of those of the same path.
func (st *scriptStore) deploy(id string, files []skyvern.ScriptFile, now time.Time) (skyvern.ScriptVersion, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	versions := st.byID[id]
	if len(versions) == 0 {
		return skyvern.ScriptVersion{}, sessionRefuse(http.StatusNotFound, scriptNotFound)
	}
	kept, err := checkFiles(files)
	if err != nil {
		return skyvern.ScriptVersion{}, err
	}
	prev := versions[len(versions)-1]
	st.seq++
	next := &scriptEntry{script: prev.script, files: make(map[string]scriptFileInfo, len(prev.files)+len(kept))}
	for p, f := range prev.files {
		next.files[p] = f
	}
	for p, f := range kept {
		next.files[p] = f
	}
	next.script.ScriptRevisionID = fmt.Sprintf("sr_%d", 1_000_000+st.seq)
	next.script.Version++
	next.script.CreatedAt, next.script.ModifiedAt = sdkTime(now), sdkTime(now)
	st.byID[id] = append(versions, next)
	// Skyvern answers a deploy with an empty tree.
	return skyvern.ScriptVersion{ScriptID: id, Version: next.script.Version, RunID: next.script.RunID,
		FileCount: len(files), FileTree: map[string]skyvern.ScriptFileNode{}, CreatedAt: sdkTime(now)}, nil
}
