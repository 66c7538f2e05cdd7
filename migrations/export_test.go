package migrations

// ApplyOne lets tests stop at a given migration to check the next one's data
// conversion.
var ApplyOne = applyOne
