//go:build race

package store_test

// largeImportRows: under the race detector (about ten times slower) the
// bounded-memory import compares 2,000 rows with 20,000 instead of 20,000
// with 200,000: the file is still ten times larger, and the race detector
// has nothing more to find in the rows beyond the first batches.
const largeImportRows = 20000
