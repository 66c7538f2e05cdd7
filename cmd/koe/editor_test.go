package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

const editorPassword = "エディタのテスト用の長いパスワードです二十四文字"

// editorClient adds a staff account and signs it in.
func (ts *testServer) editorClient(email string) *http.Client {
	ts.t.Helper()
	if _, err := ts.app.users.AddUser(context.Background(), email, editorPassword, "staff"); err != nil {
		ts.t.Fatal(err)
	}
	c := formClient()
	c.Jar, _ = cookiejar.New(nil)
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"email": {email}, "password": {editorPassword}})
	if err != nil {
		ts.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		ts.t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return c
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func postFile(t *testing.T, c *http.Client, u, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func meetingAs(t *testing.T, slug string) *survey.Definition {
	t.Helper()
	d, err := survey.ParseDefinition("meeting-feedback.yaml", examples.File("meeting-feedback.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d.Slug = slug
	return d
}

// Staff build the meeting questionnaire of the examples from an empty survey
// through the editor's form, publish it, a respondent answers it, its YAML
// applies with `koe survey apply` to a fresh database, and a change that would
// orphan the answer is refused with its reason and nothing typed is lost.
func TestEditorBuildsPublishesAndRefusesOrphans(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts := newTestServer(t, dbtest.Open(t, kind))
			c := ts.editorClient("editor@example.jp")
			base := ts.URL + "/surveys/meeting-x"

			// A new survey starts as a draft with a starter question.
			resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"slug": {"Bad Slug"}, "title": {"第4回 ふりかえり"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "slug-error") || !strings.Contains(body, "第4回 ふりかえり") {
				t.Fatalf("bad slug: %d", resp.StatusCode)
			}
			resp, _ = postForm(t, c, ts.URL+"/surveys/new", url.Values{"slug": {"meeting-x"}, "title": {"第4回 ふりかえり"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/surveys/meeting-x/edit" {
				t.Fatalf("create: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			// Its link tells a respondent it is being prepared, never that it has ended.
			if resp, body := get(t, formClient(), ts.URL+"/s/meeting-x"); resp.StatusCode != http.StatusConflict ||
				!strings.Contains(body, "準備中") || strings.Contains(body, "終了") {
				t.Errorf("a draft's link: %d\n%s", resp.StatusCode, body)
			}
			resp, body = get(t, c, base+"/edit")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "下書き") || !strings.Contains(body, `name="q0.key" value="comments"`) {
				t.Fatalf("editor page: %d", resp.StatusCode)
			}

			// Add a question with the add button: nothing is saved, everything typed stays.
			v := url.Values{"title": {"タイトルを入力中"}, "n": {"1"}, "q0.key": {"comments"}, "q0.type": {"textarea"},
				"q0.label": {"ご感想"}, "op": {"add"}, "new_type": {"scale"}}
			resp, body = postForm(t, c, base+"/edit", v)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="タイトルを入力中"`) ||
				!strings.Contains(body, `name="q1.key" value="q2"`) || !strings.Contains(body, `<option value="scale" selected>`) {
				t.Fatalf("add question: %d\n%s", resp.StatusCode, body)
			}

			// Build the whole meeting questionnaire.
			want := meetingAs(t, "meeting-x")
			v = survey.EditorValues(want)
			v.Set("op", "save")
			resp, body = postForm(t, c, base+"/edit", v)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", resp.StatusCode, body)
			}
			// The code books are chosen on their own page; the editor keeps them.
			books := url.Values{"op": {"save"}, "book": want.CodeBooks, "codes": {want.Codes}}
			if resp, body = postForm(t, c, base+"/codes", books); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("code books: %d\n%s", resp.StatusCode, body)
			}
			if resp, body = postForm(t, c, base+"/edit", v); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save again: %d\n%s", resp.StatusCode, body)
			}
			resp, src := get(t, c, base+"/survey.yaml")
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "meeting-x.yaml") {
				t.Fatalf("yaml download: %d", resp.StatusCode)
			}
			got, err := survey.ParseDefinition("download.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("downloaded definition differs:\n%s", src)
			}

			// Reorder without saving: the page shows the new order.
			v.Set("op", "down:0")
			resp, body = postForm(t, c, base+"/edit", v)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="q0.key" value="satisfaction"`) || !strings.Contains(body, `name="q1.key" value="role"`) {
				t.Errorf("move down: %d", resp.StatusCode)
			}

			// Per-field errors; everything typed stays.
			bad := survey.EditorValues(want)
			bad.Set("op", "save")
			bad.Set("q1.label", "")
			bad.Set("q1.max", "たくさん")
			bad.Set("title", "直したタイトル")
			resp, body = postForm(t, c, base+"/edit", bad)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="q1-max-error"`) ||
				!strings.Contains(body, `value="たくさん"`) || !strings.Contains(body, `value="直したタイトル"`) {
				t.Errorf("bad number: %d\n%s", resp.StatusCode, body)
			}
			bad.Set("q1.max", "5")
			resp, body = postForm(t, c, base+"/edit", bad)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="q1-label-error"`) {
				t.Errorf("missing label: %d\n%s", resp.StatusCode, body)
			}

			// Preview: the respondent form, posting back to the preview, storing nothing.
			resp, body = get(t, c, base+"/preview")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/surveys/meeting-x/preview"`) ||
				!strings.Contains(body, `name="q.program.0"`) || !strings.Contains(body, "プレビュー") {
				t.Errorf("preview: %d", resp.StatusCode)
			}
			resp, body = postForm(t, c, base+"/preview", url.Values{"q.comments": {"試しに書いた"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "試しに書いた") {
				t.Errorf("preview check: %d", resp.StatusCode)
			}

			// Publish, answer through the public link, close, reopen.
			if resp, _ := postForm(t, c, base+"/state", url.Values{"op": {"publish"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", resp.StatusCode)
			}
			if resp, _ := get(t, formClient(), ts.URL+"/s/meeting-x"); resp.StatusCode != http.StatusOK {
				t.Fatalf("published form: %d", resp.StatusCode)
			}
			if code, out := ts.postJSON("/api/v1/surveys/meeting-x/responses", "", validAnswer); code != http.StatusCreated {
				t.Fatalf("answer: %d %v", code, out)
			}
			if n := ts.count("meeting-x"); n != 1 {
				t.Fatalf("%d responses after preview and one answer, want 1", n)
			}
			postForm(t, c, base+"/state", url.Values{"op": {"close"}})
			if resp, body := get(t, formClient(), ts.URL+"/s/meeting-x"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "受付は") || strings.Contains(body, "準備中") {
				t.Errorf("closed form: %d\n%s", resp.StatusCode, body)
			}
			postForm(t, c, base+"/state", url.Values{"op": {"reopen"}})
			if resp, _ := get(t, formClient(), ts.URL+"/s/meeting-x"); resp.StatusCode != http.StatusOK {
				t.Errorf("reopened form: %d", resp.StatusCode)
			}

			// The downloaded YAML applies with the CLI to a fresh database.
			_, src = get(t, c, base+"/survey.yaml")
			file := writeFile(t, "meeting-x.yaml", []byte(src))
			if out, err := koe(t, "", "survey", "apply", "--db", dbtest.URL(t, kind), "-f", file); err != nil || !strings.Contains(out, "created survey meeting-x") {
				t.Errorf("CLI apply of the editor's YAML: %q %v", out, err)
			}

			// Removing an answered option is refused with the reason; the typed form stays.
			orphan := survey.EditorValues(want)
			orphan.Set("op", "save")
			orphan.Set("title", "変えたいタイトル")
			orphan.Set("q0.options", "県\n社会福祉協議会\nNPO・市民活動団体\nその他")
			resp, body = postForm(t, c, base+"/edit", orphan)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "市町村") || !strings.Contains(body, "role") ||
				!strings.Contains(body, `value="変えたいタイトル"`) {
				t.Errorf("orphaning change: %d\n%s", resp.StatusCode, body)
			}
			if s, _ := ts.app.surveys.SurveyBySlug(context.Background(), "meeting-x"); s.Title != want.Title {
				t.Errorf("a refused change was stored: title %q", s.Title)
			}
			// The same through a YAML upload.
			changed := strings.Replace(src, "- 市町村\n", "", 1)
			resp, body = postFile(t, c, base+"/edit/yaml", "changed.yaml", []byte(changed))
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "市町村") {
				t.Errorf("orphaning upload: %d", resp.StatusCode)
			}
			resp, _ = postFile(t, c, base+"/edit/yaml", "other.yaml", []byte(strings.Replace(src, "slug: meeting-x", "slug: other", 1)))
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("upload with another slug: %d", resp.StatusCode)
			}
			resp, _ = postFile(t, c, base+"/edit/yaml", "ok.yaml", []byte(strings.Replace(src, "title: "+want.Title, "title: アップロードしたタイトル", 1)))
			if s, _ := ts.app.surveys.SurveyBySlug(context.Background(), "meeting-x"); resp.StatusCode != http.StatusSeeOther || s.Title != "アップロードしたタイトル" {
				t.Errorf("upload: %d, title %q", resp.StatusCode, s.Title)
			}

			// The next meeting of the series starts as a copy.
			resp, _ = postForm(t, c, base+"/duplicate", url.Values{"new_slug": {"meeting-y"}, "new_title": {"第5回 ふりかえり"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("duplicate: %d", resp.StatusCode)
			}
			y, err := ts.app.surveys.SurveyBySlug(context.Background(), "meeting-y")
			if err != nil {
				t.Fatal(err)
			}
			yd := y.Definition()
			if yd.Title != "第5回 ふりかえり" || yd.Event == nil || yd.Event.Series != "network-meetings" || yd.Event.Date != "" ||
				!reflect.DeepEqual(yd.Questions, want.Questions) || yd.ClosesAt == nil {
				t.Errorf("copy: %+v %+v", yd, yd.Event)
			}
			if resp, _ := postForm(t, c, base+"/duplicate", url.Values{"new_slug": {"meeting-y"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("duplicate onto a used slug: %d", resp.StatusCode)
			}
			// Signed-out visitors reach none of it.
			for _, p := range []string{"/surveys/new", "/surveys/meeting-x/edit", "/surveys/meeting-x/survey.yaml", "/surveys/meeting-x/preview", "/surveys/meeting-x/link", "/surveys/meeting-x/qr.png"} {
				if resp, _ := get(t, formClient(), ts.URL+p); resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("anonymous GET %s: %d", p, resp.StatusCode)
				}
			}
		})
	}
}

func decodeQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}

// The QR code on the link page decodes to the survey's public URL: the
// configured base URL, or the address the request came in on.
func TestQRCodeDecodesToSurveyURL(t *testing.T) {
	if _, err := koe(t, "", "serve", "--base-url", "koe.example.jp"); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("serve with a base URL without scheme: %v", err)
	}
	db := dbtest.Open(t, dbtest.Kinds[0])
	texts, err := openAnalysis(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, baseURL := range []string{"", "https://koe.example.jp/"} {
		a := newApp(db, slog.New(slog.NewTextHandler(testLogWriter{t}, nil)), texts)
		a.baseURL = baseURL
		srv := httptest.NewServer(mustHandler(t, a))
		ts := &testServer{Server: srv, app: a, t: t}
		if baseURL == "" {
			ts.apply(string(examples.File("meeting-feedback.yaml")))
		}
		c := ts.editorClient(fmt.Sprintf("qr%d@example.jp", len(baseURL)))
		want := srv.URL + "/s/network-2020-3"
		if baseURL != "" {
			want = "https://koe.example.jp/s/network-2020-3"
		}
		resp, body := get(t, c, srv.URL+"/surveys/network-2020-3/link")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+want+`"`) {
			t.Errorf("link page: %d, want %s in\n%s", resp.StatusCode, want, body)
		}
		// The test server's own address is 127.0.0.1, which no phone reaches:
		// the page warns, unless a public base URL is set.
		if warned := strings.Contains(body, "このコンピューターの中でしか開けません"); warned != (baseURL == "") {
			t.Errorf("base URL %q: loopback warning shown %v", baseURL, warned)
		}
		resp, b := get(t, c, srv.URL+"/surveys/network-2020-3/qr.png?download=1")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Content-Disposition"), "qr.png") {
			t.Fatalf("qr.png: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if got := decodeQR(t, []byte(b)); got != want {
			t.Errorf("QR code reads %q, want %q", got, want)
		}
		resp, svg := get(t, c, srv.URL+"/surveys/network-2020-3/qr.svg")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "<path") {
			t.Errorf("qr.svg: %d %.80s", resp.StatusCode, svg)
		}
		srv.Close()
	}
}
