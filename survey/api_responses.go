package survey

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"
)

// MaxBodyBytes bounds a submission, form or JSON: room for every answer at its
// length limit, far from what could hurt the server.
const MaxBodyBytes = 256 << 10

// MaxIdempotencyKey bounds the Idempotency-Key header.
const MaxIdempotencyKey = 200

// apiSubmit is POST /api/v1/surveys/{slug}/responses (DESIGN.md, "Answers as JSON").
func (p *Pages) apiSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
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
	key := r.Header.Get("Idempotency-Key")
	if len(key) > MaxIdempotencyKey || strings.ContainsFunc(key, unicode.IsControl) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Idempotency-Key must be at most 200 characters, without control characters"})
		return
	}
	s, err := p.store.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no survey " + r.PathValue("slug")})
		return
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	n := 0
	if s.MaxResponses > 0 {
		if n, err = p.store.ResponseCount(r.Context(), s); err != nil {
			p.internalError(w, r, err)
			return
		}
	}
	state := s.StateAt(p.now(), n)
	if state != Open && state != Full { // a full survey still answers a replay below
		writeJSON(w, http.StatusConflict, map[string]string{"error": stateText(state)})
		return
	}
	code := r.URL.Query().Get("code")
	if err := p.store.CheckInvitation(r.Context(), s, code); err != nil {
		if id, replay := p.store.replayOf(r.Context(), s, "api:"+key); replay && key != "" && errors.Is(err, ErrInvitationUsed) {
			writeJSON(w, http.StatusOK, map[string]string{"id": id})
			return
		}
		status, msg := invitationStatus(err)
		if status == 0 {
			p.internalError(w, r, err)
			return
		}
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	answers, errs := Validate(s.Definition(), body.Answers)
	if errs != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": errs})
		return
	}
	sub := Submission{Source: "api", Invitation: code}
	if key != "" {
		sub.Key = "api:" + key
	}
	id, replay, err := p.store.Submit(r.Context(), s, answers, sub)
	switch {
	case errors.Is(err, ErrInvitationUsed):
		_, msg := invitationStatus(err)
		writeJSON(w, http.StatusConflict, map[string]string{"error": msg})
	case errors.Is(err, ErrFull):
		writeJSON(w, http.StatusConflict, map[string]string{"error": stateText(Full)})
	case err != nil:
		p.internalError(w, r, err)
	case replay:
		writeJSON(w, http.StatusOK, map[string]string{"id": id})
	default:
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	}
}

func stateText(s State) string {
	switch s {
	case NotYetOpen:
		return "survey is not open yet"
	case Closed:
		return "survey is closed"
	case Full:
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

func (p *Pages) internalError(w http.ResponseWriter, r *http.Request, err error) {
	p.log.ErrorContext(r.Context(), "api request failed", "path", r.URL.Path, "err", err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
