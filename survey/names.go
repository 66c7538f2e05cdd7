package survey

// ValidSlug reports whether s may name a survey or a series: URL-safe
// lower-case letters, digits, - and _, at most 100.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidType reports whether t is a question type (see Types).
func ValidType(t string) bool { return validType(t) }
