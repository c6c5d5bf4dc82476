package genesyscloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The test execution of an action: a small, honest interpreter of the
// cases the tests use, in the steps Genesys reports. What it does not
// support fails the step with "the emulator does not support ..." rather
// than being guessed. The statuses of the steps' ErrorBody are the
// emulator's own (unconfirmed): 400 for a problem of the action or its
// input, 501 for what the emulator does not support, the service's
// status when it answers 300 or more, 502 when it cannot be reached and
// 504 when it does not answer in time.

// The steps, in order, by the names TestExecutionOperationResult gives
// them.
const (
	stepURL         = "Resolve request URL template"
	stepBody        = "Resolve request body template"
	stepExecute     = "Execute request"
	stepTranslation = "Resolve translation map"
	stepSuccess     = "Resolve success template"
	stepValidate    = "Validate output against schema"
)

// Timeouts of the call to the service (config.timeoutSeconds).
const (
	defaultTimeout = 30 * time.Second
	maxTimeout     = 60 * time.Second
)

// webServicesType is the integration type whose basicAuth credential is
// sent as HTTP Basic authentication.
const webServicesType = "custom-rest-actions"

// masked stands for a credential's value in what an answer shows.
const masked = "********"

// execution is what running an action needs, copied out of the org under
// its lock.
type execution struct {
	config        ActionConfig
	input, output map[string]any // the contract's schemas
	// cred is the fields of the integration's credential (the first slot,
	// by name, that holds one); hasCred says there is one, credKnown that
	// its fields are in memory (they are not after a restart).
	cred               map[string]string
	hasCred, credKnown bool
	// basic says to send cred's userName and password as HTTP Basic
	// authentication.
	basic bool
}

// execution copies what running a reads of the org.
func (o *org) execution(a action) execution {
	ex := execution{input: a.input, output: a.output}
	if a.config != nil {
		ex.config = *cloneConfig(a.config)
	}
	i, err := o.integration(a.integrationID)
	if err != nil {
		return ex
	}
	for _, slot := range slices.Sorted(maps.Keys(i.config.credentials)) {
		cr, err := o.credential(i.config.credentials[slot])
		if err != nil {
			continue
		}
		ex.hasCred, ex.credKnown, ex.cred = true, cr.fields != nil, maps.Clone(cr.fields)
		ex.basic = i.typeID == webServicesType && cr.typ == "basicAuth"
		break
	}
	return ex
}

// stepError is a step's failure.
type stepError struct {
	status  int
	message string
}

func (e *stepError) Error() string { return e.message }

func failf(status int, format string, args ...any) *stepError {
	return &stepError{status: status, message: fmt.Sprintf(format, args...)}
}

// unsupported is a failure for what the emulator does not interpret.
func unsupported(format string, args ...any) *stepError {
	return failf(http.StatusNotImplemented, "the emulator does not support "+format, args...)
}

// run executes the action with input, stopping at the first step that
// fails. The SDK types a step's result as an object: the URL step's is
// {requestUrl}, the body step's {requestBody} (both with credentials
// masked), the call's {status}, the translation's the translated values,
// the success template's the output when it is an object; the
// validation's none.
func (ex execution) run(ctx context.Context, input map[string]any) TestExecutionResult {
	res := TestExecutionResult{Operations: []TestExecutionOperationResult{}}
	step := func(name string, fn func() (any, error)) bool {
		op := TestExecutionOperationResult{Step: len(res.Operations) + 1, Name: name}
		v, err := fn()
		if err != nil {
			status := http.StatusBadRequest
			var se *stepError
			if errors.As(err, &se) {
				status = se.status
			}
			op.Error = &ErrorBody{Message: err.Error(), Code: code(status), Status: status}
			res.Error = op.Error
		} else {
			op.Success, op.Result = true, v
		}
		res.Operations = append(res.Operations, op)
		return err == nil
	}
	req := ex.config.Request
	if req == nil {
		req = &RequestConfig{}
	}
	resp := ex.config.Response
	if resp == nil {
		resp = &ResponseConfig{}
	}

	var target *url.URL
	if !step(stepURL, func() (any, error) {
		u, shown, err := ex.renderRequest(req.RequestURLTemplate, input)
		if err != nil {
			return nil, err
		}
		if target, err = loopbackURL(u); err != nil {
			return nil, err
		}
		return map[string]any{"requestUrl": shown}, nil
	}) {
		return res
	}
	var body string
	if !step(stepBody, func() (any, error) {
		t := req.RequestTemplate
		if t == "" {
			t = "${input.rawRequest}"
		}
		b, shown, err := ex.renderRequest(t, input)
		body = b
		return map[string]any{"requestBody": shown}, err
	}) {
		return res
	}
	var answer []byte
	if !step(stepExecute, func() (any, error) {
		status, b, err := ex.call(ctx, req, target, body, input)
		answer = b
		if err != nil {
			return nil, err
		}
		return map[string]any{"status": status}, nil
	}) {
		return res
	}
	var translated map[string]any
	if !step(stepTranslation, func() (any, error) {
		var err error
		translated, err = translate(answer, resp)
		return translated, err
	}) {
		return res
	}
	var final any
	if !step(stepSuccess, func() (any, error) {
		var err error
		final, err = ex.renderSuccess(resp.SuccessTemplate, translated, answer, input)
		if _, ok := final.(map[string]any); !ok {
			return nil, err // the SDK types result as an object: only one is shown
		}
		return final, err
	}) {
		return res
	}
	if !step(stepValidate, func() (any, error) {
		return nil, validate(ex.output, final, "finalResult")
	}) {
		return res
	}
	res.Success, res.FinalResult = true, final
	return res
}

// renderRequest renders a request template: once to send, once with the
// credentials masked, to show.
func (ex execution) renderRequest(t string, input map[string]any) (text, shown string, err error) {
	if text, err = (&renderer{resolve: ex.requestScope(input, false)}).render(t); err != nil {
		return "", "", err
	}
	shown, err = (&renderer{resolve: ex.requestScope(input, true)}).render(t)
	return text, shown, err
}

// requestScope resolves the references of a request template:
// input.NAME (a declared input), input.rawRequest (the whole input as
// JSON) and credentials.NAME (a field of the integration's credential).
func (ex execution) requestScope(input map[string]any, mask bool) resolver {
	return func(path []string) (string, error) {
		switch path[0] {
		case "input":
			return ex.inputRef(path, input)
		case "credentials":
			if len(path) != 2 {
				return "", unsupported("the reference %s: only credentials.NAME", strings.Join(path, "."))
			}
			if !ex.hasCred {
				return "", absentf("the integration has no credential")
			}
			if !ex.credKnown {
				return "", failf(http.StatusBadRequest, "the emulator no longer knows the values of the integration's credential (its state file keeps no secret): set the credential again")
			}
			v, ok := ex.cred[path[1]]
			if !ok {
				return "", absentf("the integration's credential has no field %s", path[1])
			}
			if mask {
				return masked, nil
			}
			return v, nil
		}
		return "", absentf("%s is not a reference the emulator knows", strings.Join(path, "."))
	}
}

// inputRef resolves input.NAME: a value the contract's input schema
// declares, rendered as its text (a string as it is, anything else as
// JSON); input.rawRequest is the whole input as JSON.
func (ex execution) inputRef(path []string, input map[string]any) (string, error) {
	if len(path) == 1 {
		return "", unsupported("the reference input on its own: only input.NAME")
	}
	if len(path) > 2 {
		return "", unsupported("nested references such as %s: only input.NAME", strings.Join(path, "."))
	}
	name := path[1]
	if name == "rawRequest" {
		return encodeJSON(input)
	}
	props, _ := ex.input["properties"].(map[string]any)
	if _, ok := props[name]; !ok {
		return "", absentf("the input %s is not declared in the contract's input schema", name)
	}
	v, ok := input[name]
	if !ok || v == nil {
		return "", absentf("the input %s has no value", name)
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return encodeJSON(v)
}

// encodeJSON is v as JSON, without HTML escaping.
func encodeJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// loopbackURL parses an absolute http(s) URL to a loopback host: no test
// ever reaches the network.
func loopbackURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, failf(http.StatusBadRequest, "the request URL %q is not an absolute http or https URL", s)
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
		return u, nil
	}
	return nil, failf(http.StatusBadRequest, "the request URL %q is not on a loopback host: the emulator only calls loopback services (127.0.0.1, ::1, localhost)", s)
}

// call sends the request to the service and returns its status and body;
// a transport error or a status of 300 or more is an error.
func (ex execution) call(ctx context.Context, req *RequestConfig, target *url.URL, body string, input map[string]any) (int, []byte, error) {
	method := req.RequestType
	if method == "" {
		method = http.MethodGet
	}
	timeout := defaultTimeout
	if t := ex.config.TimeoutSeconds; t > 0 {
		timeout = min(time.Duration(t)*time.Second, maxTimeout)
	}
	var rd io.Reader
	sendBody := method != http.MethodGet && method != http.MethodDelete
	if sendBody {
		rd = strings.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, target.String(), rd)
	if err != nil {
		return 0, nil, failf(http.StatusBadRequest, "the request cannot be made: %v", err)
	}
	for _, k := range slices.Sorted(maps.Keys(req.Headers)) {
		v, err := (&renderer{resolve: ex.requestScope(input, false)}).render(req.Headers[k])
		if err != nil {
			return 0, nil, fmt.Errorf("header %s: %w", k, err)
		}
		hr.Header.Set(k, v)
	}
	if sendBody && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if ex.basic && hr.Header.Get("Authorization") == "" {
		if !ex.credKnown {
			return 0, nil, failf(http.StatusBadRequest, "the emulator no longer knows the values of the integration's basicAuth credential (its state file keeps no secret): set the credential again")
		}
		hr.SetBasicAuth(ex.cred["userName"], ex.cred["password"])
	}
	tr := &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Control: loopbackOnly}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(hr)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, nil, failf(http.StatusGatewayTimeout, "the service did not answer %s %s within %v", method, target.Redacted(), timeout)
		}
		return 0, nil, failf(http.StatusBadGateway, "the service could not be reached: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp.StatusCode, nil, failf(http.StatusBadGateway, "the service's answer could not be read: %v", err)
	}
	if len(b) > maxBody {
		return resp.StatusCode, nil, failf(http.StatusBadGateway, "the service's answer is larger than %d bytes", maxBody)
	}
	if resp.StatusCode >= 300 {
		shown := b
		if len(shown) > 200 {
			shown = shown[:200]
		}
		return resp.StatusCode, b, failf(resp.StatusCode, "the service answered %s: %s", resp.Status, strings.ToValidUTF8(string(shown), "?"))
	}
	return resp.StatusCode, b, nil
}

// loopbackOnly refuses a connection to an address that is not loopback,
// whatever the name resolved to.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: the emulator only calls loopback services", host)
	}
	return nil
}

// translate evaluates each translationMap entry, in name order, on the
// service's answer; a path that finds nothing takes its
// translationMapDefaults entry, a JSON literal.
func translate(answer []byte, resp *ResponseConfig) (map[string]any, error) {
	doc, err := parseJSON(answer)
	if err != nil {
		return nil, failf(http.StatusBadRequest, "the service's answer is not JSON: %v", err)
	}
	out := map[string]any{}
	for _, key := range slices.Sorted(maps.Keys(resp.TranslationMap)) {
		path := resp.TranslationMap[key]
		v, found, err := evalPath(doc, path)
		if err != nil {
			return nil, fmt.Errorf("translationMap %s: %w", key, err)
		}
		if found {
			out[key] = v
			continue
		}
		def, ok := resp.TranslationMapDefaults[key]
		if !ok {
			return nil, failf(http.StatusBadRequest, "translationMap %s: the path %s finds nothing in the service's answer, and translationMapDefaults has no %s", key, path, key)
		}
		if v, err = parseJSON([]byte(def)); err != nil {
			return nil, failf(http.StatusBadRequest, "translationMapDefaults %s: %q is not a JSON literal: %v", key, def, err)
		}
		out[key] = v
	}
	return out, nil
}

// parseJSON decodes one JSON value, numbers as json.Number.
func parseJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// renderSuccess renders the success template (default ${rawResult}) and
// parses it: translationMap names render as the JSON of their values,
// rawResult as the service's answer as it came.
func (ex execution) renderSuccess(t string, translated map[string]any, answer []byte, input map[string]any) (any, error) {
	if t == "" {
		t = "${rawResult}"
	}
	r := &renderer{utils: true, resolve: func(path []string) (string, error) {
		if len(path) == 1 {
			if v, ok := translated[path[0]]; ok {
				return encodeJSON(v)
			}
			if path[0] == "rawResult" {
				return string(answer), nil
			}
		}
		if path[0] == "input" {
			return ex.inputRef(path, input)
		}
		return "", absentf("%s is neither a translationMap name nor rawResult", strings.Join(path, "."))
	}}
	text, err := r.render(t)
	if err != nil {
		return nil, err
	}
	v, err := parseJSON([]byte(text))
	if err != nil {
		shown := text
		if len(shown) > 200 {
			shown = shown[:200]
		}
		return nil, failf(http.StatusBadRequest, "the success template did not render valid JSON (%v): %s", err, strings.ToValidUTF8(shown, "?"))
	}
	return v, nil
}
