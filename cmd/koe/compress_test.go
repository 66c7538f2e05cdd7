package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
)

// Pages and their assets go out compressed to browsers that accept it, and
// decode to the very bytes sent to those that do not.
func TestResponsesAreCompressed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		pw := ts.loadDemo()
		staff := ts.staffClient(pw)
		// Raw transport: what the server sends, undecoded.
		staff.Transport = &http.Transport{DisableCompression: true}
		fetch := func(path, accept string) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			if accept != "" {
				req.Header.Set("Accept-Encoding", accept)
			}
			resp, err := staff.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return resp, b
		}

		resp, page := fetch("/surveys/network-2020-3", "gzip")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("dashboard: %d, Content-Encoding %q, Vary %q", resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
		}
		html := gunzip(t, page)
		total, sent := len(html), len(page)
		for _, asset := range regexp.MustCompile(`(?:src|href)="(/[^"]+\.(?:js|css))"`).FindAllStringSubmatch(string(html), -1) {
			zresp, zipped := fetch(asset[1], "gzip")
			_, plain := fetch(asset[1], "")
			if zresp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s sent uncompressed (%d bytes)", asset[1], len(plain))
				continue
			}
			if !bytes.Equal(gunzip(t, zipped), plain) {
				t.Errorf("%s does not decode to the bytes sent uncompressed", asset[1])
			}
			total += len(plain)
			sent += len(zipped)
		}
		t.Logf("demo dashboard with its scripts and styles: %d KB, %d KB compressed", total/1024, sent/1024)
		if sent*2 > total {
			t.Errorf("compressed %d of %d bytes: less than half saved", sent, total)
		}

		resp, _ = fetch("/favicon.ico", "")
		if resp.StatusCode != http.StatusMovedPermanently {
			t.Fatalf("/favicon.ico: %d", resp.StatusCode)
		}
		icon, body := fetch(resp.Header.Get("Location"), "")
		if icon.StatusCode != http.StatusOK || !strings.HasPrefix(icon.Header.Get("Content-Type"), "image/svg+xml") || !bytes.Contains(body, []byte("<svg")) {
			t.Errorf("favicon: %d %q", icon.StatusCode, icon.Header.Get("Content-Type"))
		}
	})
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
