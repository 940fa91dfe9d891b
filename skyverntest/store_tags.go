package skyverntest

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/skyvern-go/skyvern"
)

// This file keeps the tags of runs and workflows, and the organization's
// registry of tag keys and values, without HTTP. As on Skyvern, tags are an
// append-only log of events per run or workflow: a set event is current
// until a later event supersedes it, and a delete event records a removal.

// tagKind says whose tags an operation is about.
type tagKind int

const (
	runTags tagKind = iota
	workflowTags
)

// tagEvent is one row of a tag log. key is "" for a standalone label;
// value is "" in the delete event of a grouped tag.
type tagEvent struct {
	id         string
	key, value string
	typ        skyvern.TagEventType
	setAt      time.Time
	setBy      string
	superseded time.Time
}

func (e *tagEvent) active() bool { return e.typ == skyvern.TagEventSet && e.superseded.IsZero() }

// tagStore holds every tag log and the registry. The zero value is ready
// to use; it is safe for concurrent use. Its lock is never held while the
// run and workflow store's is taken by the same goroutine, except through
// the live callbacks of the count methods (tagStore, then store).
type tagStore struct {
	mu     sync.Mutex
	logs   [2]map[string][]*tagEvent // by kind, then by run or workflow id; oldest first
	keys   map[string]string         // registered key → description
	colors map[[2]string]string      // registered (key, value) → color
}

// tagProblem is a value error of a request body, as pydantic reports one:
// where, and the validator's message.
type tagProblem struct {
	loc   []any
	msg   string
	input any
}

// Skyvern's rules for tag keys and values.
var (
	tagKeyShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	tagPalette  = []string{"gray", "red", "orange", "amber", "yellow", "green", "teal", "blue", "cyan", "indigo", "purple", "pink"}
	errTagValue = "tag value is required"
)

const (
	maxTagsEach  = 20  // tags a run or workflow carries, entries of each list, terms of a filter
	maxBatchSize = 200 // ids of a batch look-up
)

// checkTagKey returns why key may not be written by a user, or "".
func checkTagKey(key string) string {
	switch {
	case utf8.RuneCountInString(key) > 64:
		return "tag keys must be at most 64 characters"
	case !tagKeyShape.MatchString(key):
		return "tag keys must match '^[A-Za-z0-9][A-Za-z0-9_.-]*$' (alphanumeric, underscore, dot, hyphen; must start with alphanumeric)"
	case strings.HasPrefix(key, "skyvern."):
		return "tag keys must not start with the reserved 'skyvern.' prefix"
	}
	return ""
}

// normalizeTagValue trims v and returns why it is not a tag value, or "".
func normalizeTagValue(v string) (string, string) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return v, errTagValue
	case utf8.RuneCountInString(v) > 256:
		return v, "tag values must be at most 256 characters"
	case strings.Contains(v, ","):
		return v, "tag values must not contain ','"
	}
	return v, ""
}

// normalizedChanges is a TagChanges request as the server reads it.
type normalizedChanges struct {
	sets         map[string]string // grouped: key → value (the last one wins)
	labelSets    []string
	deletes      []string // grouped keys
	labelDeletes []string
	colors       map[string]string
}

// normalizeChanges trims and checks req as TagApplyRequest's validators do.
func normalizeChanges(req skyvern.TagChanges) (normalizedChanges, []tagProblem) {
	var probs []tagProblem
	n := normalizedChanges{sets: map[string]string{}, colors: map[string]string{}}
	if len(req.Tags) > maxTagsEach {
		probs = append(probs, tagProblem{[]any{"body", "tags"}, fmt.Sprintf("tags can include at most %d entries", maxTagsEach), req.Tags})
		req.Tags = nil
	}
	if len(req.TagsToDelete) > maxTagsEach {
		probs = append(probs, tagProblem{[]any{"body", "tags_to_delete"}, fmt.Sprintf("tags_to_delete can include at most %d entries", maxTagsEach), req.TagsToDelete})
		req.TagsToDelete = nil
	}
	for i, t := range req.Tags {
		key := strings.TrimSpace(t.Key)
		if key != "" {
			if why := checkTagKey(key); why != "" {
				probs = append(probs, tagProblem{[]any{"body", "tags", i, "key"}, why, t.Key})
				continue
			}
		}
		value, why := normalizeTagValue(t.Value)
		switch {
		case why != "":
			probs = append(probs, tagProblem{[]any{"body", "tags", i, "value"}, why, t.Value})
		case key == "" && strings.Contains(value, ":"):
			probs = append(probs, tagProblem{[]any{"body", "tags", i}, "standalone label values must not contain ':' (use a group, e.g. key:value)", t})
		case key != "" && value == "*":
			probs = append(probs, tagProblem{[]any{"body", "tags", i}, "grouped tag values must not be exactly '*' (reserved as the group filter wildcard)", t})
		case key != "":
			n.sets[key] = value
		default:
			n.labelSets = append(n.labelSets, value)
		}
	}
	for i, d := range req.TagsToDelete {
		key, value := strings.TrimSpace(d.Key), strings.TrimSpace(d.Value)
		if key != "" {
			if why := checkTagKey(key); why != "" {
				probs = append(probs, tagProblem{[]any{"body", "tags_to_delete", i, "key"}, why, d.Key})
				continue
			}
		}
		if value != "" {
			var why string
			if value, why = normalizeTagValue(value); why != "" {
				probs = append(probs, tagProblem{[]any{"body", "tags_to_delete", i, "value"}, why, d.Value})
				continue
			}
		}
		switch {
		case key == "" && value == "":
			probs = append(probs, tagProblem{[]any{"body", "tags_to_delete", i}, "each delete target must specify a key (group) or a value (label)", d})
		case key != "" && value != "":
			probs = append(probs, tagProblem{[]any{"body", "tags_to_delete", i}, "a delete target must specify either a key (group) or a value (label), not both", d})
		case key != "":
			n.deletes = append(n.deletes, key)
		default:
			n.labelDeletes = append(n.labelDeletes, value)
		}
	}
	if len(req.Colors) > maxTagsEach {
		probs = append(probs, tagProblem{[]any{"body", "colors"}, fmt.Sprintf("colors can include at most %d entries", maxTagsEach), req.Colors})
	} else {
		for _, k := range sortedKeys(req.Colors) {
			key := strings.TrimSpace(k)
			if why := checkTagKey(key); key == "" || why != "" {
				probs = append(probs, tagProblem{[]any{"body", "colors"}, cmp.Or(why, "colors keys must be non-empty tag keys"), req.Colors})
				break
			}
			n.colors[key] = string(req.Colors[k])
		}
	}
	return n, probs
}

// log returns the log of id, for kind; s.mu is held.
func (s *tagStore) log(kind tagKind, id string) []*tagEvent {
	return s.logs[kind][id]
}

func (s *tagStore) append(kind tagKind, id string, e *tagEvent) {
	if s.logs[kind] == nil {
		s.logs[kind] = map[string][]*tagEvent{}
	}
	s.logs[kind][id] = append(s.logs[kind][id], e)
}

// tagWrite is who writes a change, when, and the ids its events get.
type tagWrite struct {
	now   time.Time
	setBy string
	newID func() string
}

func (w tagWrite) event(key, value string, typ skyvern.TagEventType) *tagEvent {
	return &tagEvent{id: w.newID(), key: key, value: value, typ: typ, setAt: w.now, setBy: w.setBy}
}

// apply applies n to the tags of id. It returns the detail of the
// server's 422 when the change would leave more than 20 tags.
func (s *tagStore) apply(kind tagKind, id string, n normalizedChanges, w tagWrite) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	grouped, labels := map[string]*tagEvent{}, map[string]*tagEvent{}
	for _, e := range s.log(kind, id) {
		switch {
		case !e.active():
		case e.key != "":
			grouped[e.key] = e
		default:
			labels[e.value] = e
		}
	}
	deletes := slices.DeleteFunc(slices.Clone(n.deletes), func(k string) bool { _, set := n.sets[k]; return set })
	labelDeletes := slices.DeleteFunc(slices.Clone(n.labelDeletes), func(v string) bool { return slices.Contains(n.labelSets, v) })
	projected := map[string]bool{}
	for k := range grouped {
		projected["k:"+k] = true
	}
	for v := range labels {
		projected["v:"+v] = true
	}
	for k := range n.sets {
		projected["k:"+k] = true
	}
	for _, v := range n.labelSets {
		projected["v:"+v] = true
	}
	for _, k := range deletes {
		delete(projected, "k:"+k)
	}
	for _, v := range labelDeletes {
		delete(projected, "v:"+v)
	}
	if len(projected) > maxTagsEach {
		label := "workflow run"
		if kind == workflowTags {
			label = "workflow"
		}
		return fmt.Sprintf("%s %s would have %d user-writable tags; max is %d", label, id, len(projected), maxTagsEach)
	}
	for _, k := range sortedKeys(n.sets) {
		v := n.sets[k]
		old := grouped[k]
		if old != nil && old.value == v {
			continue
		}
		if old != nil {
			old.superseded = w.now
		}
		s.append(kind, id, w.event(k, v, skyvern.TagEventSet))
		s.register(k)
	}
	for _, v := range slices.Compact(slices.Sorted(slices.Values(n.labelSets))) {
		if labels[v] == nil {
			s.append(kind, id, w.event("", v, skyvern.TagEventSet))
		}
	}
	for _, k := range deletes {
		if old := grouped[k]; old != nil && old.superseded.IsZero() {
			old.superseded = w.now
			s.append(kind, id, w.event(k, "", skyvern.TagEventDelete))
		}
	}
	for _, v := range labelDeletes {
		if old := labels[v]; old != nil && old.superseded.IsZero() {
			old.superseded = w.now
			s.append(kind, id, w.event("", v, skyvern.TagEventDelete))
		}
	}
	// Every grouped label set gets a color: the one asked for, else the
	// one it has, else one of its own.
	for k, v := range n.sets {
		if c, ok := n.colors[k]; ok {
			s.setColor(k, v, c)
		} else if _, ok := s.colors[[2]string{k, v}]; !ok {
			s.setColor(k, v, pickColor(k, v))
		}
	}
	return ""
}

// register adds key to the registry, without a description, unless it is
// there; s.mu is held.
func (s *tagStore) register(key string) {
	if s.keys == nil {
		s.keys = map[string]string{}
	}
	if _, ok := s.keys[key]; !ok {
		s.keys[key] = ""
	}
}

func (s *tagStore) setColor(key, value, color string) {
	if s.colors == nil {
		s.colors = map[[2]string]string{}
	}
	s.colors[[2]string{key, value}] = color
}

// pickColor is the color a label gets when none is asked for. Skyvern
// picks one at random; the fake picks the same one for the same label,
// so tests can rely on it.
func pickColor(key, value string) string {
	h := fnv.New32a()
	h.Write([]byte(key + ":" + value))
	return tagPalette[h.Sum32()%uint32(len(tagPalette))]
}

// current returns the current tags of id: standalone labels first, then by
// key, then value.
func (s *tagStore) current(kind tagKind, id string) []skyvern.Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []skyvern.Tag{}
	for _, e := range s.log(kind, id) {
		if e.active() {
			out = append(out, skyvern.Tag{Key: e.key, Value: e.value, Source: skyvern.TagSourceManual,
				SetAt: skyvern.Time{Time: e.setAt}, SetBy: e.setBy})
		}
	}
	slices.SortFunc(out, func(a, b skyvern.Tag) int { return compareTags(a.Key, a.Value, b.Key, b.Value) })
	return out
}

func compareTags(ak, av, bk, bv string) int {
	// Standalone labels (key "") sort first anyway: "" is the least string.
	return cmp.Or(cmp.Compare(ak, bk), cmp.Compare(av, bv))
}

// history returns the events of id newest first: at most limit, at or
// after since (unless zero), of key (unless "").
func (s *tagStore) history(kind tagKind, id string, limit int, since time.Time, key string) []skyvern.TagHistoryEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []skyvern.TagHistoryEntry{}
	for _, e := range slices.Backward(s.log(kind, id)) {
		if len(out) == limit {
			break
		}
		if (!since.IsZero() && e.setAt.Before(since)) || (key != "" && e.key != key) {
			continue
		}
		out = append(out, skyvern.TagHistoryEntry{TagEventID: e.id, Key: e.key, Value: e.value, EventType: e.typ,
			Source: skyvern.TagSourceManual, SetAt: skyvern.Time{Time: e.setAt}, SetBy: e.setBy,
			SupersededAt: skyvern.Time{Time: e.superseded}})
	}
	return out
}

// batch returns the current tags of each of ids, empty for those that
// live rejects or that have none.
func (s *tagStore) batch(kind tagKind, ids []string, live func(string) bool) map[string][]skyvern.TagLabel {
	out := make(map[string][]skyvern.TagLabel, len(ids))
	for _, id := range ids {
		labels := []skyvern.TagLabel{}
		if live(id) {
			for _, t := range s.current(kind, id) {
				labels = append(labels, t.Label())
			}
		}
		out[id] = labels
	}
	return out
}

// workflowCount counts the workflows that live accepts with a current tag
// of key (and of value, unless ""); s.mu is held.
func (s *tagStore) workflowCount(key, value string, live func(string) bool) int {
	n := 0
	for id, log := range s.logs[workflowTags] {
		if slices.ContainsFunc(log, func(e *tagEvent) bool {
			return e.active() && e.key == key && (value == "" || e.value == value)
		}) && live(id) {
			n++
		}
	}
	return n
}

// tagKeys returns the registered keys, by key. As on Skyvern, a key's count
// includes deleted workflows.
func (s *tagStore) tagKeys() []skyvern.TagKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []skyvern.TagKey{}
	for _, k := range sortedKeys(s.keys) {
		out = append(out, s.tagKey(k))
	}
	return out
}

func (s *tagStore) tagKey(k string) skyvern.TagKey {
	return skyvern.TagKey{Key: k, Description: s.keys[k], WorkflowCount: s.workflowCount(k, "", func(string) bool { return true })}
}

// describe sets the description of a registered key; false when key is
// not registered.
func (s *tagStore) describe(key, description string) (skyvern.TagKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[key]; !ok {
		return skyvern.TagKey{}, false
	}
	s.keys[key] = description
	return s.tagKey(key), true
}

// removeAll removes the current grouped tags of key (and value, unless "")
// from every run and workflow, with delete events that carry value, and
// returns how many runs and workflows had one; s.mu is held.
func (s *tagStore) removeAll(key, value string, w tagWrite) (runs, workflows int) {
	counts := [2]int{}
	for kind, logs := range s.logs {
		for _, id := range sortedKeys(logs) {
			for _, e := range logs[id] {
				if e.active() && e.key == key && (value == "" || e.value == value) {
					e.superseded = w.now
					s.append(tagKind(kind), id, w.event(key, value, skyvern.TagEventDelete))
					counts[kind]++
					break
				}
			}
		}
	}
	return counts[runTags], counts[workflowTags]
}

// deleteKey removes key from the registry, with its colors, and from every
// run and workflow; false when key is not registered.
func (s *tagStore) deleteKey(key string, w tagWrite) (skyvern.TagKeyDeleteResult, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[key]; !ok {
		return skyvern.TagKeyDeleteResult{}, false
	}
	runs, workflows := s.removeAll(key, "", w)
	delete(s.keys, key)
	for kv := range s.colors {
		if kv[0] == key {
			delete(s.colors, kv)
		}
	}
	return skyvern.TagKeyDeleteResult{Key: key, RemovedFromWorkflowCount: workflows, RemovedFromRunCount: runs,
		RemovedCount: workflows + runs}, true
}

// tagValues returns the registered labels (of key, unless ""), by key and
// value, each with the number of live workflows carrying it.
func (s *tagStore) tagValues(key string, live func(string) bool) []skyvern.TagValue {
	s.mu.Lock()
	defer s.mu.Unlock()
	kvs := make([][2]string, 0, len(s.colors))
	for kv := range s.colors {
		if key == "" || kv[0] == key {
			kvs = append(kvs, kv)
		}
	}
	slices.SortFunc(kvs, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	out := []skyvern.TagValue{}
	for _, kv := range kvs {
		out = append(out, s.tagValue(kv[0], kv[1], live))
	}
	return out
}

func (s *tagStore) tagValue(key, value string, live func(string) bool) skyvern.TagValue {
	return skyvern.TagValue{Key: key, Value: value, Color: skyvern.TagColor(s.colors[[2]string{key, value}]),
		WorkflowCount: s.workflowCount(key, value, live)}
}

// createValue registers a label, and its key; false when it is registered
// already.
func (s *tagStore) createValue(key, value, color string) (skyvern.TagValue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.colors[[2]string{key, value}]; ok {
		return skyvern.TagValue{}, false
	}
	s.setColor(key, value, cmp.Or(color, pickColor(key, value)))
	s.register(key)
	return skyvern.TagValue{Key: key, Value: value, Color: skyvern.TagColor(s.colors[[2]string{key, value}])}, true
}

// recolor sets the color of a registered label; false when it is not
// registered.
func (s *tagStore) recolor(key, value, color string, live func(string) bool) (skyvern.TagValue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.colors[[2]string{key, value}]; !ok {
		return skyvern.TagValue{}, false
	}
	s.setColor(key, value, color)
	return s.tagValue(key, value, live), true
}

// inUse reports whether a run or workflow carries (key, value) now; s.mu
// is held.
func (s *tagStore) inUse(key, value string) bool {
	for _, logs := range s.logs {
		for _, log := range logs {
			if slices.ContainsFunc(log, func(e *tagEvent) bool { return e.active() && e.key == key && e.value == value }) {
				return true
			}
		}
	}
	return false
}

// rename renames (key, old) to (key, new) wherever it is; found is false
// when it is neither registered nor in use, taken true when (key, new) is.
func (s *tagStore) rename(key, old, new string, w tagWrite) (out skyvern.TagValueRenameResult, found, taken bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	color, registered := s.colors[[2]string{key, old}]
	if !registered && !s.inUse(key, old) {
		return out, false, false
	}
	if _, ok := s.colors[[2]string{key, new}]; ok || s.inUse(key, new) {
		return out, true, true
	}
	renamed := 0
	for kind, logs := range s.logs {
		for _, id := range sortedKeys(logs) {
			for _, e := range logs[id] {
				if e.active() && e.key == key && e.value == old {
					e.superseded = w.now
					s.append(tagKind(kind), id, w.event(key, new, skyvern.TagEventSet))
					if tagKind(kind) == workflowTags {
						renamed++
					}
					break
				}
			}
		}
	}
	color = cmp.Or(color, pickColor(key, new))
	delete(s.colors, [2]string{key, old})
	s.setColor(key, new, color)
	return skyvern.TagValueRenameResult{Key: key, Value: new, Color: skyvern.TagColor(color), RenamedWorkflowCount: renamed}, true, false
}

// deleteValue removes (key, value) from the registry and from every run
// and workflow; false when it is neither registered nor in use.
func (s *tagStore) deleteValue(key, value string, w tagWrite) (skyvern.TagValueDeleteResult, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, registered := s.colors[[2]string{key, value}]
	if !registered && !s.inUse(key, value) {
		return skyvern.TagValueDeleteResult{}, false
	}
	runs, workflows := s.removeAll(key, value, w)
	delete(s.colors, [2]string{key, value})
	return skyvern.TagValueDeleteResult{Key: key, Value: value, RemovedFromWorkflowCount: workflows,
		RemovedFromRunCount: runs, RemovedCount: workflows + runs}, true
}

// suggestions returns what runs carry now: the keys, up to three values
// of each (in order), and the standalone labels.
func (s *tagStore) suggestions() skyvern.RunTagSuggestions {
	s.mu.Lock()
	defer s.mu.Unlock()
	byKey, labels := map[string][]string{}, []string{}
	for _, log := range s.logs[runTags] {
		for _, e := range log {
			switch {
			case !e.active():
			case e.key == "":
				if !slices.Contains(labels, e.value) {
					labels = append(labels, e.value)
				}
			case !slices.Contains(byKey[e.key], e.value):
				byKey[e.key] = append(byKey[e.key], e.value)
			}
		}
	}
	out := skyvern.RunTagSuggestions{Keys: sortedKeys(byKey), ValuesByKey: map[string][]string{}, Labels: labels}
	slices.Sort(out.Labels)
	for k, vs := range byKey {
		slices.Sort(vs)
		out.ValuesByKey[k] = vs[:min(len(vs), 3)]
	}
	if out.Keys == nil {
		out.Keys = []string{}
	}
	return out
}

// tagTerm is one term of a tags filter: a label (key ""), a group (value
// ""), or both.
type tagTerm struct{ key, value string }

// parseTagFilter reads the tags query parameter of the run and workflow
// lists as Skyvern does: repeated or comma-separated terms "label",
// "key:*" or "key:value". It returns the detail of the server's 400 for a
// malformed filter.
func parseTagFilter(params []string) ([]tagTerm, string) {
	if len(params) == 1 && params[0] == "" {
		return nil, ""
	}
	var terms []tagTerm
	for _, p := range params {
		for raw := range strings.SplitSeq(p, ",") {
			term := strings.TrimSpace(raw)
			if term == "" {
				return nil, "Invalid tag filter; empty term."
			}
			key, value, found := strings.Cut(term, ":")
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			switch {
			case !found:
				terms = append(terms, tagTerm{value: term})
			case key == "" || value == "":
				return nil, "Invalid tag filter '" + term + "'; expected 'label', 'key:*', or 'key:value'."
			case value == "*":
				terms = append(terms, tagTerm{key: key})
			default:
				terms = append(terms, tagTerm{key: key, value: value})
			}
			if !slices.Contains(terms[:len(terms)-1], terms[len(terms)-1]) {
				continue
			}
			terms = terms[:len(terms)-1]
		}
	}
	if len(terms) > maxTagsEach {
		return nil, fmt.Sprintf("Too many tag filter terms; at most %d distinct terms are allowed.", maxTagsEach)
	}
	return terms, ""
}

// matching returns the ids of kind whose current tags pass terms: each
// group's exact labels ORed, and every distinct term ANDed. It returns
// nil when there are no terms (everything passes).
func (s *tagStore) matching(kind tagKind, terms []tagTerm) map[string]bool {
	if len(terms) == 0 {
		return nil
	}
	exact := map[string][]string{}
	var checks []func(*tagEvent) bool
	for _, t := range terms {
		switch {
		case t.key != "" && t.value != "":
			if exact[t.key] == nil {
				key := t.key
				checks = append(checks, func(e *tagEvent) bool { return e.key == key && slices.Contains(exact[key], e.value) })
			}
			exact[t.key] = append(exact[t.key], t.value)
		case t.key != "":
			checks = append(checks, func(e *tagEvent) bool { return e.key == t.key })
		default:
			checks = append(checks, func(e *tagEvent) bool { return e.value == t.value })
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for id, log := range s.logs[kind] {
		if !slices.ContainsFunc(checks, func(check func(*tagEvent) bool) bool {
			return !slices.ContainsFunc(log, func(e *tagEvent) bool { return e.active() && check(e) })
		}) {
			out[id] = true
		}
	}
	return out
}
