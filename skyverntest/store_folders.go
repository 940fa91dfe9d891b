package skyverntest

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern"
)

// This file holds the fake's folders as plain state, without HTTP. A
// workflow's folder is its latest version's folder_id, kept in the
// workflow store; a folder's workflow_count counts the live workflows
// whose latest version is in it. Lock order: the folder store, then the
// workflow store.

// folderStore holds the folders of one organization. Its zero value is
// empty and ready; its methods are safe for concurrent use and return
// copies.
type folderStore struct {
	mu    sync.Mutex
	byID  map[string]*skyvern.Folder
	order []*skyvern.Folder // oldest first
}

// withCount returns a copy of f with its workflow count from st. fs.mu is
// held.
func folderWithCount(f *skyvern.Folder, st *store) skyvern.Folder {
	out := *f
	out.Extra = nil
	out.WorkflowCount = 0
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, sw := range st.saved {
		if sw.deleted.IsZero() && sw.latest().wf.FolderID == f.FolderID {
			out.WorkflowCount++
		}
	}
	return out
}

// add stores a new folder.
func (fs *folderStore) add(f skyvern.Folder) skyvern.Folder {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.byID == nil {
		fs.byID = make(map[string]*skyvern.Folder)
	}
	fs.byID[f.FolderID] = &f
	fs.order = append(fs.order, &f)
	f.Extra = nil
	return f
}

// get returns the live folder id with its workflow count.
func (fs *folderStore) get(id string, st *store) (skyvern.Folder, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := fs.byID[id]
	if f == nil {
		return skyvern.Folder{}, false
	}
	return folderWithCount(f, st), true
}

// update sets the title and the description the request sets (nil leaves
// them), stamped modified at now.
func (fs *folderStore) update(id string, title, description *string, now time.Time, st *store) (skyvern.Folder, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := fs.byID[id]
	if f == nil {
		return skyvern.Folder{}, false
	}
	if title != nil {
		f.Title = *title
	}
	if description != nil {
		f.Description = *description
	}
	f.ModifiedAt = skyvern.Time{Time: now}
	return folderWithCount(f, st), true
}

// list returns the live folders whose title or description contains
// search (ignoring case), most recently modified first.
func (fs *folderStore) list(search string, st *store) []skyvern.Folder {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	search = strings.ToLower(search)
	var out []skyvern.Folder
	for _, f := range fs.order {
		if strings.Contains(strings.ToLower(f.Title), search) || strings.Contains(strings.ToLower(f.Description), search) {
			out = append(out, folderWithCount(f, st))
		}
	}
	slices.SortStableFunc(out, func(a, b skyvern.Folder) int { return b.ModifiedAt.Compare(a.ModifiedAt.Time) })
	return out
}

// remove deletes folder id. The workflows in it are deleted with it when
// deleteWorkflows is set, else taken out of it.
func (fs *folderStore) remove(id string, deleteWorkflows bool, now time.Time, st *store) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := fs.byID[id]
	if f == nil {
		return false
	}
	delete(fs.byID, id)
	fs.order = slices.DeleteFunc(fs.order, func(o *skyvern.Folder) bool { return o == f })
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, sw := range st.saved {
		if !sw.deleted.IsZero() {
			continue
		}
		inFolder := sw.latest().wf.FolderID == id
		switch {
		case deleteWorkflows && inFolder:
			sw.deleted = now
			for _, v := range sw.versions {
				v.wf.DeletedAt = skyvern.Time{Time: now}
			}
		case !deleteWorkflows:
			for _, v := range sw.versions {
				if v.wf.FolderID == id {
					v.wf.FolderID, v.wf.ModifiedAt = "", skyvern.Time{Time: now}
				}
			}
		}
	}
	return true
}

// moveWorkflow puts the latest version of workflow wpid in folder folderID
// ("" for none) and returns it; found is false for an unknown or deleted
// workflow, folderOK false for an unknown folder.
func (fs *folderStore) moveWorkflow(wpid, folderID string, now time.Time, st *store) (wf skyvern.Workflow, found, folderOK bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	st.mu.Lock()
	defer st.mu.Unlock()
	sw := st.saved[wpid]
	if sw == nil || !sw.deleted.IsZero() {
		return skyvern.Workflow{}, false, true
	}
	f := fs.byID[folderID]
	if folderID != "" && f == nil {
		return skyvern.Workflow{}, true, false
	}
	latest := &sw.latest().wf
	latest.FolderID, latest.ModifiedAt = folderID, skyvern.Time{Time: now}
	if f != nil {
		f.ModifiedAt = skyvern.Time{Time: now}
	}
	return *latest, true, true
}
