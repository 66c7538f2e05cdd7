package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCompressGzipsTextForClientsThatAcceptIt(t *testing.T) {
	page := strings.Repeat("<p>駐車場が少ない</p>\n", 500)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("GET /small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 2000))
	})
	h, err := Compress(mux)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// The transport must not add or undo gzip itself.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}

	res, body := get("/page", "gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("page: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != page {
		t.Fatalf("page does not unzip to itself: %v", err)
	}
	if len(body)*5 > len(page) {
		t.Errorf("page of %d bytes sent as %d", len(page), len(body))
	}

	if res, body := get("/page", ""); res.Header.Get("Content-Encoding") != "" || string(body) != page {
		t.Errorf("a client without gzip got Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	if res, _ := get("/small", "gzip"); res.Header.Get("Content-Encoding") != "" {
		t.Error("a 2-byte body was gzipped")
	}
	if res, _ := get("/image", "gzip"); res.Header.Get("Content-Encoding") != "" {
		t.Error("an image was gzipped again")
	}
}
