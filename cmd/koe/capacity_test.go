package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// Staff see a registration form fill against its 定員 (max_responses) on the
// survey list and the dashboard, until it is full.
func TestRegistrationsAgainstCapacity(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts := newTestServer(t, dbtest.Open(t, kind))
			src := strings.Replace(string(examples.File("registration.yaml")), "max_responses: 300", "max_responses: 3", 1)
			s := ts.apply(src)
			staff := ts.editorClient("editor@example.jp")
			register := func(i int) int {
				body := fmt.Sprintf(`{"answers":{"name":"申込者%d","org":"社協","email":"p%d@example.jp","contact_ok":"はい","privacy":true}}`, i, i)
				resp, err := http.Post(ts.URL+"/api/v1/surveys/"+s.Slug+"/responses", "application/json", bytes.NewBufferString(body))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			dashboard := "/surveys/" + s.Slug
			for i := range 2 {
				if code := register(i); code != http.StatusCreated {
					t.Fatalf("registration %d: %d", i, code)
				}
			}
			if _, body := get(t, staff, ts.URL+dashboard); !strings.Contains(body, "2 / 3件（残り <strong>1</strong>件）") {
				t.Errorf("the dashboard does not show 2 of 3 places taken")
			}
			if _, body := get(t, staff, ts.URL+"/surveys"); !strings.Contains(body, "定員 3") {
				t.Errorf("the survey list does not show the 定員")
			}
			if code := register(2); code != http.StatusCreated {
				t.Fatalf("the last place: %d", code)
			}
			if code := register(3); code == http.StatusCreated {
				t.Errorf("a registration beyond the 定員 was taken")
			}
			if _, body := get(t, staff, ts.URL+dashboard); !strings.Contains(body, "3 / 3件（<strong>定員に達しました</strong>") {
				t.Errorf("the dashboard does not say the form is full")
			}
		})
	}
}
