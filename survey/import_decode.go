package survey

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// errEncoding is what an import says when a file is neither UTF-8 nor Shift_JIS:
// storing it anyway would store mojibake.
var errEncoding = errors.New("ファイルの文字コードを読み取れません（UTF-8 でも Shift_JIS でもありません）。Excel で「CSV UTF-8」として保存し直してください。")

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeText returns a CSV file's text as UTF-8. Files saved again by Excel on
// Japanese Windows arrive as Shift_JIS (CP932), sometimes behind a UTF-8 BOM
// another tool added; anything that is valid UTF-8 is taken as UTF-8, since a
// Japanese Shift_JIS text of any length is almost never valid UTF-8 by chance.
func decodeText(data []byte) (text string, encoding string, err error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if utf8.Valid(data) {
		return string(data), "UTF-8", nil
	}
	// japanese.ShiftJIS is Microsoft's CP932 (NEC and IBM extensions included).
	// It turns bytes it cannot read into U+FFFD instead of failing, so a
	// replacement character in the output is the sign of a file in some other
	// encoding (EUC-JP, UTF-16, a binary file).
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) || bytes.ContainsRune(out, 0) {
		return "", "", errEncoding
	}
	return string(out), "Shift_JIS", nil
}
