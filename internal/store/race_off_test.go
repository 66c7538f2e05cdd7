//go:build !race

package store_test

// largeImportRows is the size of the large file of the bounded-memory
// import (see race_on_test.go).
const largeImportRows = 200000
