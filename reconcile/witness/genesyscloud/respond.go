package genesyscloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBody caps a request body.
const maxBody = 1 << 20

// apiError is an answer other than success: its status and the ErrorBody
// the API sends with it.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return e.message }

// errorf returns an apiError.
func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

// code is the ErrorBody code that goes with status: the status text,
// lower case, words joined by dots ("bad.request", "not.found"). The
// codes of the real API are not all known: these are unconfirmed.
func code(status int) string {
	if t := http.StatusText(status); t != "" {
		return strings.ToLower(strings.ReplaceAll(t, " ", "."))
	}
	return fmt.Sprintf("status.%d", status)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeErr answers err as an ErrorBody; an error that is not an apiError
// is a 500.
func writeErr(w http.ResponseWriter, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = errorf(http.StatusInternalServerError, "%v", err)
	}
	writeJSON(w, e.status, ErrorBody{Status: e.status, Code: code(e.status), Message: e.message})
}

// reply answers v with status, or err when it is not nil.
func reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		writeErr(w, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}

// decode reads the request body, one JSON value, into v. On failure it
// answers 400 and returns false. The message never quotes the body, which
// may hold secrets.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	return decodeWith(w, r, v, false)
}

// decodeStrict is decode refusing a field v does not declare, at any
// depth (a witness refuses a wrong field name), and keeping numbers as
// json.Number in generic JSON.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	return decodeWith(w, r, v, true)
}

func decodeWith(w http.ResponseWriter, r *http.Request, v any, strict bool) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if strict {
		dec.DisallowUnknownFields()
		dec.UseNumber()
	}
	err := dec.Decode(v)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			err = errors.New("more than one JSON value")
		}
	}
	if err == nil {
		return true
	}
	msg := "the body is not valid JSON for this endpoint"
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("%s: syntax error at offset %d", msg, syntax.Offset)
	case errors.As(err, &typ):
		msg = fmt.Sprintf("%s: field %q cannot hold a JSON %s", msg, typ.Field, typ.Value)
	case errors.As(err, &tooBig):
		msg = fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		msg = "the body is empty"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no type for it; the field is quoted.
		msg = fmt.Sprintf("%s: unknown field %s", msg, strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	writeErr(w, errorf(http.StatusBadRequest, "%s", msg))
	return false
}
