package survey

import (
	"crypto/sha256"
	"encoding/hex"
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

// MaxIdempotencyKey bounds the Idempotency-Key stored as sent; a longer one
// is stored as its SHA-256 (see apiSubmissionKey).
const MaxIdempotencyKey = 200

// apiSubmissionKey is the submission key of an API request with the given
// Idempotency-Key ("" without one). DESIGN.md takes any string as the key,
// and request headers may reach 1 MB, but a stored key is an entry of the
// index of keys, which PostgreSQL refuses beyond 2,704 bytes: a key longer
// than MaxIdempotencyKey is stored as its hash, under a prefix no key kept
// as sent can have. A replay of the same long key finds the same response.
func apiSubmissionKey(key string) string {
	switch {
	case key == "":
		return ""
	case len(key) <= MaxIdempotencyKey:
		return "api:" + key
	}
	sum := sha256.Sum256([]byte(key))
	return "api-sha256:" + hex.EncodeToString(sum[:])
}

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
	key := apiSubmissionKey(r.Header.Get("Idempotency-Key"))
	if strings.ContainsFunc(key, unicode.IsControl) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Idempotency-Key must not contain control characters"})
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
		if id, replay := p.store.replayOf(r.Context(), s, key); replay && errors.Is(err, ErrInvitationUsed) {
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
	sub := Submission{Key: key, Source: "api", Invitation: code}
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
