package survey

import (
	"crypto/sha256"
	"encoding/hex"
)

// MaxBodyBytes bounds a submission, form or JSON: room for every answer at its
// length limit, far from what could hurt the server.
const MaxBodyBytes = 256 << 10

// MaxIdempotencyKey bounds the Idempotency-Key stored as sent; a longer one
// is stored as its SHA-256 (see APISubmissionKey).
const MaxIdempotencyKey = 200

// APISubmissionKey is the submission key of an API request with the given
// Idempotency-Key ("" without one). DESIGN.md takes any string as the key,
// and request headers may reach 1 MB, but a stored key is an entry of the
// index of keys, which PostgreSQL refuses beyond 2,704 bytes: a key longer
// than MaxIdempotencyKey is stored as its hash, under a prefix no key kept
// as sent can have. A replay of the same long key finds the same response.
func APISubmissionKey(key string) string {
	switch {
	case key == "":
		return ""
	case len(key) <= MaxIdempotencyKey:
		return "api:" + key
	}
	sum := sha256.Sum256([]byte(key))
	return "api-sha256:" + hex.EncodeToString(sum[:])
}
