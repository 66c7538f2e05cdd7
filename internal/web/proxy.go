package web

import (
	"context"
	"net"
	"net/http"
	"strings"
)

type httpsKey struct{}

// TrustProxy makes koe believe the X-Forwarded-For and X-Forwarded-Proto
// headers of one reverse proxy in front of it (nginx, a load balancer). Only
// use it when every request comes through that proxy: otherwise anyone can
// claim any address. With trust false the headers are ignored and the client
// address is the connection's. Of X-Forwarded-For the last address is taken:
// the one the proxy itself saw; earlier ones are whatever the client sent.
func TrustProxy(trust bool, next http.Handler) http.Handler {
	if !trust {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			list := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(list[len(list)-1])); ip != nil {
				r2 := *r
				r2.RemoteAddr = net.JoinHostPort(ip.String(), "0")
				r = &r2
			}
		}
		if strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
			r = r.WithContext(context.WithValue(r.Context(), httpsKey{}, true))
		}
		next.ServeHTTP(w, r)
	})
}

// IsHTTPS reports whether the browser reached koe over HTTPS: directly, or
// through a trusted proxy that says so.
func IsHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	v, _ := r.Context().Value(httpsKey{}).(bool)
	return v
}

// ClientAddr is the client's IP address: the connection's, or the one a trusted
// proxy reported (see TrustProxy). It is used for rate limits only, never stored
// with a response.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
