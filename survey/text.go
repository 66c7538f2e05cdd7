package survey

// UnstorableText tells staff that what they typed holds a character neither
// database stores (a NUL byte, or bytes that are not UTF-8); see
// database.StorableText. It is completed with the field: "タイトルに" + UnstorableText.
const UnstorableText = "使えない文字（NUL などの制御文字）が含まれています"

// MaxEmailLen is the longest e-mail address accepted for sharing, in
// characters, as for staff accounts (auth.MaxEmailLen): it keeps the
// survey_shares key within PostgreSQL's index row limit.
const MaxEmailLen = 254
