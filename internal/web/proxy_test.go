package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProxyHeadersTrustedOnlyWhenConfigured(t *testing.T) {
	var addr string
	var https bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { addr, https = ClientAddr(r), IsHTTPS(r) })
	req := func() *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.10:5555"
		r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.7")
		r.Header.Set("X-Forwarded-Proto", "https")
		return r
	}
	TrustProxy(false, h).ServeHTTP(httptest.NewRecorder(), req())
	if addr != "192.0.2.10" || https {
		t.Errorf("untrusted headers used: addr %s https %v", addr, https)
	}
	TrustProxy(true, h).ServeHTTP(httptest.NewRecorder(), req())
	if addr != "203.0.113.7" || !https {
		t.Errorf("trusted proxy: addr %s https %v, want the last forwarded address and https", addr, https)
	}
	r := req()
	r.Header.Set("X-Forwarded-For", "not an address")
	r.Header.Del("X-Forwarded-Proto")
	TrustProxy(true, h).ServeHTTP(httptest.NewRecorder(), r)
	if addr != "192.0.2.10" || https {
		t.Errorf("garbage header: addr %s https %v", addr, https)
	}
}
