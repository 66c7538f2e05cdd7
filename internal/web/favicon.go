package web

import "net/http"

// favicon answers the /favicon.ico browsers ask for on their own by sending
// them to koe's SVG icon (pages name it in their <head> too); without it
// every first page view logged a 404.
func (srv *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, srv.pages.Static().URL("favicon.svg"), http.StatusMovedPermanently)
}
