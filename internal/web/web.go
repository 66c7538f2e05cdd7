// Package web is koe's web app: the one route table (routes.go), every route
// with the access level it needs; the handlers, one file per page or action,
// which return their errors to one place that renders them (Handle); the page
// templates and base layout; the middleware; and static assets served under
// content-hashed names.
package web

import (
	"errors"
	"log/slog"
	"net/http"
)

// HandlerFunc is an http handler that returns its failure instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Error is a failure meant for the person who made the request.
type Error struct {
	Status  int
	Message string // shown as is; never an internal error's text
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a status and a message for the user.
func Errorf(status int, message string) error { return &Error{Status: status, Message: message} }

// ErrorRenderer writes an error page or body. koe's is the HTML one of Pages.
type ErrorRenderer interface {
	RenderError(w http.ResponseWriter, r *http.Request, status int, message string)
}

// Handle adapts a HandlerFunc: a returned *Error is shown to the user with its
// status; any other error is logged and answered with a generic 500, so an
// internal failure's text never reaches a browser.
func Handle(er ErrorRenderer, log *slog.Logger, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var e *Error
		if errors.As(err, &e) {
			er.RenderError(w, r, e.Status, e.Message)
			return
		}
		log.ErrorContext(r.Context(), "request failed", "id", RequestID(r.Context()), "method", r.Method, "path", LoggedPath(r), "err", err)
		er.RenderError(w, r, http.StatusInternalServerError, "サーバーで問題が発生しました。時間をおいてもう一度お試しください。")
	})
}
