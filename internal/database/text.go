package database

import (
	"strings"
	"unicode/utf8"
)

// StorableText reports whether both databases keep s as given: PostgreSQL
// refuses text with a NUL byte or invalid UTF-8, and a NUL cuts the SQL
// text bun sends. Check what people type before it reaches a query.
func StorableText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
