package skyvern

import (
	"context"
	"iter"
)

// defaultPageSize is the page size iterators ask for when the caller sets
// none: the largest Skyvern's list endpoints accept.
const defaultPageSize = 100

// pages returns an iterator over the items of consecutive pages, starting
// at page first (1 when 0). It fetches a page only when the caller has
// consumed the previous one, stops when the caller stops, after a short
// page, or when maxPage (if not 0) has been read, and yields a fetch error
// once, as the last element.
func pages[T any](ctx context.Context, first, pageSize, maxPage int, fetch func(ctx context.Context, page, pageSize int) ([]T, error)) iter.Seq2[*T, error] {
	if first < 1 {
		first = 1
	}
	if pageSize < 1 {
		pageSize = defaultPageSize
	}
	return func(yield func(*T, error) bool) {
		for page := first; maxPage == 0 || page <= maxPage; page++ {
			items, err := fetch(ctx, page, pageSize)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			if len(items) < pageSize {
				return
			}
		}
	}
}

// whole returns an iterator over the items of a list the server answers in
// one response, fetched when the caller starts iterating. A fetch error is
// yielded once, as the only element.
func whole[T any](ctx context.Context, fetch func(ctx context.Context) ([]T, error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		items, err := fetch(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		for i := range items {
			if !yield(&items[i], nil) {
				return
			}
		}
	}
}

// Collect runs seq to its end and returns its items, or the first error it
// yields with the items read before it. It turns any List method's iterator
// into a slice:
//
//	sessions, err := skyvern.Collect(client.ListBrowserSessions(ctx))
//
// For a list that pages, Collect reads every page: when the list may be
// long, use the method's Page variant instead, or stop ranging early.
func Collect[T any](seq iter.Seq2[*T, error]) ([]T, error) {
	var out []T
	for item, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, *item)
	}
	return out, nil
}
