package database

import "testing"

func TestRedact(t *testing.T) {
	for raw, want := range map[string]string{
		"postgres://koe:pw@db.example.jp:5432/koe?sslmode=require":     "postgres://koe:xxxxx@db.example.jp:5432/koe?sslmode=require",
		"postgres://koe@db.example.jp/koe?sslmode=require&password=pw": "postgres://koe@db.example.jp/koe?sslmode=require&password=xxxxx",
		"postgres://koe:p%zzw@db.example.jp/koe":                       "postgres://koe:xxxxx@db.example.jp/koe",
		"postgres://koe:p/w@d@db.example.jp/koe":                       "postgres://koe:xxxxx@db.example.jp/koe",
		"--db=postgres://koe:pw@db.example.jp/koe":                     "--db=postgres://koe:xxxxx@db.example.jp/koe",
		"host=db.example.jp password=pw user=koe":                      "host=db.example.jp password=xxxxx user=koe",
		"postgres://koe@db.example.jp/koe":                             "postgres://koe@db.example.jp/koe",
		"sqlite:/var/lib/koe/koe 2024.db?_txlock=immediate":            "sqlite:/var/lib/koe/koe 2024.db?_txlock=immediate",
		"https://user@koe.example.jp:8443/s/x":                         "https://user@koe.example.jp:8443/s/x",
	} {
		if got := Redact(raw); got != want {
			t.Errorf("Redact(%q) = %q, want %q", raw, got, want)
		}
	}
}
