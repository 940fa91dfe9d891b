package skyverntest

import (
	"math"
)

// This file pages the lists of every area.

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// pageSkip returns how many items come before page pg (from 1) of size
// items: (pg-1)×size, or math.MaxInt where that overflows, as it does for
// a large page number in a query, so that such a page is empty rather
// than the first or out of range. pg and size below 1 count as 1.
func pageSkip(pg, size int) int {
	pg, size = max(pg, 1), max(size, 1)
	if pg-1 > math.MaxInt/size {
		return math.MaxInt
	}
	return (pg - 1) * size
}

// page returns the items of page (from 1) of size items; page and size are
// at least 1.
func page[T any](items []T, page, size int) []T {
	if page-1 > len(items)/size { // also keeps (page-1)*size from overflowing
		return nil
	}
	from := (page - 1) * size
	return items[from : from+min(size, len(items)-from)]
}
