package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/koe-project/koe/survey"
)

// apiSubmit is POST /api/v1/surveys/{slug}/responses (DESIGN.md, "Answers as JSON").
func (srv *Server) apiSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	var body struct {
		Answers map[string]any `json:"answers"`
	}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "request body is over the limit of 256 KiB"})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed JSON: " + jsonProblem(err)})
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed JSON: data after the object"})
		return
	}
	if body.Answers == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `malformed request: expected {"answers": {...}}`})
		return
	}
	key := survey.APISubmissionKey(r.Header.Get("Idempotency-Key"))
	if strings.ContainsFunc(key, unicode.IsControl) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Idempotency-Key must not contain control characters"})
		return
	}
	s, err := srv.surveys.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, survey.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no survey " + r.PathValue("slug")})
		return
	}
	if err != nil {
		srv.internalError(w, r, err)
		return
	}
	n := 0
	if s.MaxResponses > 0 {
		if n, err = srv.surveys.ResponseCount(r.Context(), s); err != nil {
			srv.internalError(w, r, err)
			return
		}
	}
	state := s.StateAt(srv.now(), n)
	if state != survey.Open && state != survey.Full { // a full survey still answers a replay below
		writeJSON(w, http.StatusConflict, map[string]string{"error": stateText(state)})
		return
	}
	code := r.URL.Query().Get("code")
	if err := srv.surveys.CheckInvitation(r.Context(), s, code); err != nil {
		if id, replay := srv.surveys.ReplayOf(r.Context(), s, key); replay && errors.Is(err, survey.ErrInvitationUsed) {
			writeJSON(w, http.StatusOK, map[string]string{"id": id})
			return
		}
		status, msg := invitationStatus(err)
		if status == 0 {
			srv.internalError(w, r, err)
			return
		}
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	answers, errs := survey.Validate(s.Definition(), body.Answers)
	if errs != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": errs})
		return
	}
	sub := survey.Submission{Key: key, Source: "api", Invitation: code}
	id, replay, err := srv.surveys.Submit(r.Context(), s, answers, sub)
	switch {
	case errors.Is(err, survey.ErrInvitationUsed):
		_, msg := invitationStatus(err)
		writeJSON(w, http.StatusConflict, map[string]string{"error": msg})
	case errors.Is(err, survey.ErrFull):
		writeJSON(w, http.StatusConflict, map[string]string{"error": stateText(survey.Full)})
	case err != nil:
		srv.internalError(w, r, err)
	case replay:
		writeJSON(w, http.StatusOK, map[string]string{"id": id})
	default:
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	}
}

func stateText(s survey.State) string {
	switch s {
	case survey.NotYetOpen, survey.Preparing:
		return "survey is not open yet"
	case survey.Closed:
		return "survey is closed"
	case survey.Full:
		return "survey has reached its maximum number of responses"
	}
	return ""
}

// jsonProblem describes a decoding error without echoing the body.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return syn.Error()
	case errors.As(err, &typ):
		return "field " + typ.Field + " has the wrong type"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func (srv *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	srv.log.ErrorContext(r.Context(), "api request failed", "path", r.URL.Path, "err", err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
