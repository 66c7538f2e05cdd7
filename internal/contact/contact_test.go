package contact

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
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
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
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
		if got := Mask(s); got != s {
			t.Errorf("Mask(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestMaskLongInput(t *testing.T) {
	// A long run of digits and separators must not blow up.
	s := strings.Repeat("1-", 200000)
	if got := Mask(s); got != s {
		t.Fatal("long digit run changed")
	}
	s = strings.Repeat("090-1234-5678、", 1000)
	got := Mask(s)
	if strings.Contains(got, "5678") || strings.Count(got, MaskedPhone) != 1000 {
		t.Fatalf("expected 1000 masked numbers, got %q...", got[:100])
	}
}

// Blank keeps every byte offset and blanks exactly what Mask replaces.
func TestBlankKeepsOffsets(t *testing.T) {
	s := "連絡はｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍか０９０－１２３４－５６７８、2025-03-01に"
	b := Blank(s)
	if len(b) != len(s) {
		t.Fatalf("Blank changed the length: %d, want %d", len(b), len(s))
	}
	spans := Find(s)
	if len(spans) != 2 || spans[0].Mask != MaskedEmail || spans[1].Mask != MaskedPhone {
		t.Fatalf("Find(%q) = %+v", s, spans)
	}
	for _, sp := range spans {
		if strings.TrimSpace(b[sp.Start:sp.End]) != "" {
			t.Errorf("%q not blanked: %q", s[sp.Start:sp.End], b[sp.Start:sp.End])
		}
	}
	if want := "連絡は" + MaskedEmail + "か" + MaskedPhone + "、2025-03-01に"; Mask(s) != want {
		t.Errorf("Mask(%q) = %q, want %q", s, Mask(s), want)
	}
	if got := strings.Join(strings.Fields(b), "|"); got != "連絡は|か|、2025-03-01に" {
		t.Errorf("Blank(%q) keeps %q", s, got)
	}
}

func FuzzMask(f *testing.F) {
	f.Add("電話090-1234-5678 mail a@b.jp")
	f.Add("０３（１２３４）５６７８")
	f.Fuzz(func(t *testing.T, s string) {
		got := Mask(s)
		if Mask(got) != got {
			t.Fatalf("masking is not idempotent for %q", s)
		}
		if b := Blank(s); len(b) != len(s) {
			t.Fatalf("Blank(%q) changed the length", s)
		}
		end := 0
		for _, sp := range Find(s) {
			if sp.Start < end || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("Find(%q): span %+v after %d", s, sp, end)
			}
			end = sp.End
		}
	})
}
