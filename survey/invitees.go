package survey

import (
	"errors"
	"net/mail"
	"strconv"
	"strings"
)

// ParseInvitees reads a CSV of invitees: a name (or organisation) and an
// optional e-mail address per row, with or without a header row.
func ParseInvitees(data []byte) ([]Invitee, error) {
	t, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	nameCol, mailCol := 0, 1
	rows := t.rows
	headerIsData := true
	for i, h := range t.header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "name", "名前", "氏名", "団体名", "組織", "所属", "organisation", "organization", "自治体", "市町村", "宛先":
			nameCol, headerIsData = i, false
		case "email", "e-mail", "mail", "メール", "メールアドレス":
			mailCol, headerIsData = i, false
		}
	}
	if headerIsData {
		rows = append([]tableRow{{num: 1, cells: t.header}}, rows...)
	}
	var out []Invitee
	for _, row := range rows {
		// A list downloaded from koe comes back as it was written: its defused cells are taken back.
		name, email := undefuse(strings.TrimSpace(row.cell(nameCol))), undefuse(strings.TrimSpace(row.cell(mailCol)))
		if name == "" && email == "" {
			continue
		}
		if name == "" {
			return nil, errors.New(strconv.Itoa(row.num) + "行目: 名前（団体名）がありません。")
		}
		if !storableText(name) || !storableText(email) {
			return nil, errors.New(strconv.Itoa(row.num) + "行目: " + UnstorableText + "。")
		}
		if email != "" {
			if _, err := mail.ParseAddress(email); err != nil {
				return nil, errors.New(strconv.Itoa(row.num) + "行目: メールアドレス「" + email + "」を読み取れません。")
			}
		}
		out = append(out, Invitee{Name: name, Email: email})
	}
	if len(out) == 0 {
		return nil, errors.New("招待する方が1件もありません。1列目に名前（団体名）、2列目にメールアドレス（任意）を書いてください。")
	}
	return out, nil
}
