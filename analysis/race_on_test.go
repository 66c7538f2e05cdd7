//go:build race

package analysis

// corpusStride: under the race detector (about ten times slower) the tests
// read every tenth row of the large corpora; figures scale with it.
const corpusStride = 10
