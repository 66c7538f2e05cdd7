//go:build !race

package analysis

// corpusStride: the tests read every row of the large corpora (see
// race_on_test.go).
const corpusStride = 1
