package reports

import (
	"strings"
	"testing"
)

func TestMaskContact(t *testing.T) {
	masked := []struct{ in, want string }{
		{"連絡先 taro.yamada+koe@example.co.jp まで", "連絡先 " + MaskedEmail + " まで"},
		{"メールはa_b@mail.example.comです。", "メールは" + MaskedEmail + "です。"},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍに", MaskedEmail + "に"},
		{"電話090-1234-5678です", "電話" + MaskedPhone + "です"},
		{"03-1234-5678", MaskedPhone},
		{"0312345678", MaskedPhone},
		{"09012345678まで", MaskedPhone + "まで"},
		{"０９０－１２３４－５６７８", MaskedPhone},
		{"０９０ー１２３４ー５６７８", MaskedPhone},
		{"(03)1234-5678", MaskedPhone},
		{"０３（１２３４）５６７８", MaskedPhone},
		{"090 1234 5678", MaskedPhone},
		{"+81 90-1234-5678", MaskedPhone},
		{"+81-3-1234-5678", MaskedPhone},
		{"0120-123-456", MaskedPhone},
		{"2025-03-01 090-1234-5678", "2025-03-01 " + MaskedPhone},
		{"090-1234-5678 2025年", MaskedPhone + " 2025年"},
		{"a@b.jp か 080-1111-2222", MaskedEmail + " か " + MaskedPhone},
	}
	for _, c := range masked {
		if got := MaskContact(c.in); got != c.want {
			t.Errorf("MaskContact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	kept := []string{
		"",
		"とても良かったです",
		"2025-03-01",
		"2025/03/01 10:00-12:00",
		"〒123-4567",
		"参加者は120名、会費1,000円",
		"1234567890123456",
		"3.14159265358979",
		"第2回 10時-12時",
		"@mention だけ",
		"ver 1.2.3",
	}
	for _, s := range kept {
		if got := MaskContact(s); got != s {
			t.Errorf("MaskContact(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestMaskContactLongInput(t *testing.T) {
	// A long run of digits and separators must not blow up.
	s := strings.Repeat("1-", 200000)
	if got := MaskContact(s); got != s {
		t.Fatal("long digit run changed")
	}
	s = strings.Repeat("090-1234-5678、", 1000)
	got := MaskContact(s)
	if strings.Contains(got, "5678") || strings.Count(got, MaskedPhone) != 1000 {
		t.Fatalf("expected 1000 masked numbers, got %q...", got[:100])
	}
}

func FuzzMaskContact(f *testing.F) {
	f.Add("電話090-1234-5678 mail a@b.jp")
	f.Add("０３（１２３４）５６７８")
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskContact(s)
		if MaskContact(got) != got {
			t.Fatalf("masking is not idempotent for %q", s)
		}
	})
}
