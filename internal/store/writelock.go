package store

import "github.com/koe-project/koe/internal/database"

// lockWrites queues this process's submissions for SQLite's single writer.
// Without it, concurrent write transactions all ask SQLite for its write lock
// and the losers sleep in SQLite's busy handler, waking at growing intervals
// (up to 100 ms) to try again: under 50 concurrent clients the p99 went over
// two seconds. Queued on a Go mutex, each one starts the moment the previous
// commits. Other processes on the same file still wait through busy_timeout.
// PostgreSQL needs no queue: it has row locks.
func (st *Store) lockWrites() func() {
	if database.KindOf(st.db) != database.SQLite {
		return func() {}
	}
	st.writeMu.Lock()
	return st.writeMu.Unlock
}
