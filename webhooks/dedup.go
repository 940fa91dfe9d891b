package webhooks

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"
)

// Defaults of the deduplicator Handler uses when WithDeduplicator is not
// given. Skyvern's own retries of one delivery end within a few minutes.
const (
	DefaultDedupSize = 10000
	DefaultDedupTTL  = 10 * time.Minute
)

// DeliveryState is a Deduplicator's verdict on a delivery.
type DeliveryState int

const (
	// DeliveryNew means the delivery was not processed before: the callback
	// runs, and the deduplicator now holds it as in progress.
	DeliveryNew DeliveryState = iota
	// DeliveryInProgress means another copy of the delivery is being
	// processed now. Handler waits and asks again, until the other copy has
	// ended (the delivery is then DeliveryDone, or DeliveryNew when it
	// failed) or this copy's request has ended; a copy still in progress
	// then is answered 425 Too Early, which Skyvern retries.
	DeliveryInProgress
	// DeliveryDone means the delivery was processed successfully before;
	// Handler answers 200 without calling the callback.
	DeliveryDone
)

// A Deduplicator remembers which deliveries Handler has processed, so that
// the copies Skyvern sends when it retries run the callback once.
// Implementations must be safe for concurrent use.
//
// Skyvern sends no delivery id, so a key is made of run_id and status: the
// run_id, a colon, and the status, such as "wr_123:completed". A '%' or ':'
// in the status is percent-encoded ("%25", "%3A"), so that the last colon
// always separates the two and no two deliveries share a key.
//
// Note that a webhook replayed on purpose (Client.RetryRunWebhook) has the
// same key as the original, so it is answered as a duplicate while the
// deduplicator still remembers the original; see WithDeduplicator.
type Deduplicator interface {
	// Begin is called before the callback. When it returns DeliveryNew it
	// must remember key as in progress until End is called with it. While
	// it returns DeliveryInProgress, Handler calls it again for the same
	// key, so it must not count calls.
	Begin(ctx context.Context, key string) (DeliveryState, error)
	// End is called after the callback for every key Begin answered
	// DeliveryNew. When processed is true the key is done; when false the
	// callback failed and the key must be forgotten, so that a copy waiting
	// for it, or Skyvern's redelivery, runs the callback again. ctx is not
	// cancelled when the request is.
	End(ctx context.Context, key string, processed bool) error
}

// NewMemoryDeduplicator returns a Deduplicator that keeps, in memory, the
// keys processed in the last ttl, at most size of them (the oldest go first
// when it is full), plus the keys in progress. Expired keys are dropped as
// it is used; it starts no goroutine. size < 1 and ttl <= 0 take the
// defaults.
func NewMemoryDeduplicator(size int, ttl time.Duration) Deduplicator {
	if size < 1 {
		size = DefaultDedupSize
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &memoryDeduplicator{
		size:       size,
		ttl:        ttl,
		now:        time.Now,
		inProgress: make(map[string]struct{}),
		done:       make(map[string]*list.Element),
		order:      list.New(),
	}
}

type memoryDeduplicator struct {
	size int
	ttl  time.Duration
	now  func() time.Time

	mu         sync.Mutex
	inProgress map[string]struct{}
	done       map[string]*list.Element // element values are doneKey
	order      *list.List               // of done keys, oldest first
}

type doneKey struct {
	key     string
	expires time.Time
}

func (m *memoryDeduplicator) Begin(_ context.Context, key string) (DeliveryState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for e := m.order.Front(); e != nil && !now.Before(e.Value.(doneKey).expires); e = m.order.Front() {
		m.remove(e)
	}
	if _, ok := m.done[key]; ok {
		return DeliveryDone, nil
	}
	if _, ok := m.inProgress[key]; ok {
		return DeliveryInProgress, nil
	}
	m.inProgress[key] = struct{}{}
	return DeliveryNew, nil
}

func (m *memoryDeduplicator) End(_ context.Context, key string, processed bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.inProgress, key)
	if !processed {
		return nil
	}
	if e, ok := m.done[key]; ok {
		m.remove(e)
	}
	m.done[key] = m.order.PushBack(doneKey{key: key, expires: m.now().Add(m.ttl)})
	if m.order.Len() > m.size {
		m.remove(m.order.Front())
	}
	return nil
}

func (m *memoryDeduplicator) remove(e *list.Element) {
	delete(m.done, e.Value.(doneKey).key)
	m.order.Remove(e)
}

// statusEscaper makes a status free of colons, so that the key's last colon
// is the one between run_id and status.
var statusEscaper = strings.NewReplacer("%", "%25", ":", "%3A")

// dedupKey is the Deduplicator key of a delivery: run_id, a colon, and the
// status with '%' and ':' percent-encoded. No two (run_id, status) pairs
// share a key, and the keys of Skyvern's statuses read as "wr_123:completed".
func dedupKey(runID, status string) string {
	if strings.ContainsAny(status, "%:") {
		status = statusEscaper.Replace(status)
	}
	return runID + ":" + status
}
