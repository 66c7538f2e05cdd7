package store

// OtherLabel is exported to the tests, which check it is survey.OtherLabel.
const OtherLabel = otherLabel

// SetTokenized sets the hook Reanalyze calls between tokenizing a batch and
// storing its terms.
func (s *Store) SetTokenized(f func()) { s.tokenized = f }
