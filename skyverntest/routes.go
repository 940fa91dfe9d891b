package skyverntest

// The route table. Every route the fake serves is one entry of routeTable:
// its Route constant ("METHOD /path/{param}"), the SDK type its JSON body
// decodes into, the SDK params type its query decodes into, and its
// handler. Around every handler, once for all routes, the router:
//
//   - serves the admin API (WithAdminAPI) under /_skyverntest/;
//   - matches the path with an http.ServeMux whose patterns are the Route
//     constants (router), with or without a trailing slash as Skyvern's
//     aliases allow, answering 404 {"detail":"Not Found"} for an unknown
//     path and 405 with Allow for a known path with another method;
//   - records the request (Server.Requests), with the status answered,
//     and applies the faults set for the route (Server.Fault);
//   - checks x-api-key (403, logged with the reason, never the key);
//   - decodes the query into the params type and the body into the request
//     type, checking each member against the Go type of its field (enums by
//     their IsKnown method or enums.go), and answers FastAPI's 422
//     validation list, logged, when one is wrong;
//   - and then calls the handler with a *call holding the decoded values.
//
// To add a route:
//
//  1. Add its exported Route constant, documented, in the area's file
//     (runs.go, workflows.go, credentials.go...).
//  2. Add an entry to the area's route list (a []route variable in the
//     area's file, listed once in routeTable below): body[skyvern.FooRequest]("required_member") when
//     it takes a JSON body (optionalBody when the body may be left out),
//     query[skyvern.FooParams](map[string]limit{"page": between(1, 0)})
//     when it takes query parameters.
//  3. Write the handler, func (s *Server) handleFoo(c *call): read the
//     request with bodyOf[skyvern.FooRequest](c) and queryOf[...](c), path
//     parameters with c.param("id"); keep state in the area's store (store_X.go),
//     not in the handler; answer with c.reply(v) for an SDK value (rendered
//     with every member, null where unset, as the server writes its model),
//     c.replyRaw for bytes rendered once and cached, c.fail(status, detail)
//     for the server's {"detail": ...} errors, in the server's wording.
//  4. Test it through the public client against the fake.

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

// routeTable is every route of the fake API: the routes of each API area,
// each list kept in its area's file. Order does not matter: a literal path
// segment takes precedence over a parameter, as http.ServeMux ranks
// patterns; two routes neither of which ranks above the other make the
// mux panic at the first request (TestEveryRouteIsServedByItsPattern catches that).
var routeTable = slices.Concat(runRoutes, workflowRoutes, sessionRoutes, credentialRoutes, scriptRoutes, customLLMRoutes, sdkActionRoutes,
	tagRoutes, fileRoutes, scheduleRoutes, folderRoutes, workflowRunRoutes)

// route is one entry of the route table.
type route struct {
	name   string // the Route constant: "METHOD /path"
	body   *bodySpec
	query  *querySpec
	handle func(*Server, *call)
	// redact, for a route whose body holds secrets, returns the body with
	// them replaced, as Server.Requests keeps it; such a body is never
	// logged, nor are the inputs its 422 answers quote.
	redact func(body []byte) []byte

	method string // the method of name
}

// bodySpec says what a route's JSON body decodes into.
type bodySpec struct {
	typ      reflect.Type
	required []string // members required beyond the type's non-omitempty fields
	optional bool     // the body may be absent or null
	form     bool     // a multipart form, streamed to decodeForm, not JSON
}

// body declares a JSON body decoded into T (an SDK request type). required
// names members that must be present although T's fields are omitempty;
// "a|b" requires a or b, and reports a when both are missing.
func body[T any](required ...string) *bodySpec {
	return &bodySpec{typ: reflect.TypeFor[T](), required: required}
}

// optionalBody declares a JSON body decoded into T that may be left out.
func optionalBody[T any]() *bodySpec {
	return &bodySpec{typ: reflect.TypeFor[T](), optional: true}
}

// querySpec says what a route's query parameters decode into.
type querySpec struct {
	typ    reflect.Type
	limits map[string]limit
}

// query declares query parameters decoded into T, a struct whose fields
// carry url tags (the SDK's params types), with limits by parameter name.
func query[T any](limits map[string]limit) *querySpec {
	return &querySpec{typ: reflect.TypeFor[T](), limits: limits}
}

// call is one request to a route, as its handler sees it.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	route   *route
	raw     []byte // the request body as received
	members map[string]json.RawMessage
	req     any // *T of the route's body, or nil
	q       any // *T of the route's query, or nil
	srv     *Server
	files   map[string]*spooled // a form's files, by field name
}

// bodyOf returns the request decoded into the route's body type T; nil
// when an optional body was left out.
func bodyOf[T any](c *call) *T {
	v, _ := c.req.(*T)
	return v
}

// queryOf returns the query decoded into the route's query type T.
func queryOf[T any](c *call) *T {
	v, _ := c.q.(*T)
	if v == nil {
		v = new(T)
	}
	return v
}

// param returns the path parameter name, such as "run_id".
func (c *call) param(name string) string { return c.r.PathValue(name) }

// has reports whether the body has the member name, null or not.
func (c *call) has(name string) bool {
	_, ok := c.members[name]
	return ok
}

// reply answers 200 with v, an SDK value (or a list of them, or a
// wire.Object), rendered with every member.
func (c *call) reply(v any) {
	writeJSON(c.w, http.StatusOK, renderAny(v))
}

// replyRaw answers 200 with JSON already rendered.
func (c *call) replyRaw(b []byte) { writeBody(c.w, http.StatusOK, b) }

// fail answers FastAPI's error body, {"detail": detail}.
func (c *call) fail(status int, detail any) { writeDetail(c.w, status, detail) }

// writeJSON writes v with the server's JSON encoding.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, mustMarshal(v))
}

// mustMarshal encodes v with the server's JSON encoding.
func mustMarshal(v any) []byte {
	b, err := webhooks.Marshal(v)
	if err != nil {
		panic("skyverntest: cannot encode a response: " + err.Error())
	}
	return b
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	w.Write(b)
}

// writeDetail writes FastAPI's error body, {"detail": detail}.
func writeDetail(w http.ResponseWriter, status int, detail any) {
	writeJSON(w, status, wire.Object{{Key: "detail", Value: detail}})
}

// renderAny renders an SDK struct with render, a slice of them as a list,
// and anything else (an ordered wire.Object included) as it is.
func renderAny(v any) any {
	if _, ok := v.(wire.Object); ok {
		return v
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Struct && rv.Type() != reflect.TypeFor[[]byte]():
		list := make([]any, rv.Len())
		for i := range list {
			list[i] = renderAny(rv.Index(i).Interface())
		}
		return list
	case rv.Kind() == reflect.Struct && rv.Type() != reflect.TypeFor[time.Time](),
		rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct:
		return render(v)
	}
	return v
}

// router is the fake's http.ServeMux, built once from the route table:
// each Route constant is registered as the ServeMux pattern it is, and
// again with "{$}" after a trailing slash for Skyvern's aliases. The mux
// does the matching only (a literal segment beating a parameter, as on
// Skyvern); every route's handler is routeHandler, so the pipeline around
// the handlers (recording, faults, authentication, decoding) is
// Server.serveRoute, the same for all. The mux holds no Server: each
// request carries its own in its exchange.
var router = sync.OnceValue(func() *http.ServeMux {
	mux := http.NewServeMux()
	for i := range routeTable {
		r := &routeTable[i]
		method, path, _ := strings.Cut(r.name, " ")
		r.method = method
		mux.Handle(r.name, routeHandler{r})
		mux.Handle(method+" "+path+"/{$}", routeHandler{r})
	}
	return mux
})

// routeMethods are the methods of the route table, sorted, as Allow lists
// them.
var routeMethods = sync.OnceValue(func() []string {
	var ms []string
	for _, r := range routeTable {
		m, _, _ := strings.Cut(r.name, " ")
		if !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	slices.Sort(ms)
	return ms
})

// routeHandler is the mux's handler of one route.
type routeHandler struct{ rt *route }

func (h routeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := w.(*exchange)
	if r.Method != h.rt.method {
		return // HEAD, which the mux lets GET patterns match: Skyvern answers 405
	}
	x.srv.serveRoute(x, r, h.rt)
}

// allowed returns the methods the route table serves r's path with,
// sorted; none for a path it does not serve.
func allowed(r *http.Request) []string {
	var allow []string
	for _, m := range routeMethods() {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := router().Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

// serveHTTP is the server's handler: the admin API, or the route the mux
// finds, or FastAPI's 404 or 405 when it finds none.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.admin && strings.HasPrefix(r.URL.Path, AdminPrefix) {
		s.adminOnce.Do(func() { s.admin = s.adminHandler() })
		s.admin.ServeHTTP(w, r)
		return
	}
	x := &exchange{ResponseWriter: w, srv: s}
	start := time.Now()
	router().ServeHTTP(x, r)
	if !x.routed {
		s.serveUnrouted(x, r)
	}
	if l := s.cfg.logger; l != nil {
		l.Info("skyverntest request", "method", r.Method, "path", r.URL.Path, "status", x.status,
			"fault", x.faulted, "duration", time.Since(start))
	}
}

// serveRoute is the pipeline of every route: it reads and records the
// request, applies the route's fault, if any, or else serves it.
func (s *Server) serveRoute(x *exchange, r *http.Request, rt *route) {
	x.routed = true
	var raw []byte // a form is streamed: neither read here nor recorded
	if rt.body == nil || !rt.body.form {
		var err error
		if raw, err = io.ReadAll(r.Body); err != nil {
			return // the connection is gone
		}
	}
	kept := raw
	if rt.redact != nil {
		kept = rt.redact(raw)
	}
	f := s.takeFault(rt.name)
	x.faulted = f != nil
	x.rec = s.recordRequest(r, rt.name, kept, x.faulted)
	c := &call{w: x, r: r, route: rt, raw: raw, srv: s}
	if f != nil {
		s.serveFault(c, f)
	} else {
		s.serve(c)
	}
}

// serveUnrouted answers a request the mux found no route for, in place of
// the mux's own plain-text answer (which the exchange discarded): 405 with
// Allow for a path served with other methods, 404 otherwise (a path the
// mux would redirect to its clean form included).
func (s *Server) serveUnrouted(x *exchange, r *http.Request) {
	x.routed = true // from here on, write
	var allow []string
	switch x.muxStatus {
	case http.StatusMethodNotAllowed: // the mux's Allow, without the HEAD it lets GET serve
		for m := range strings.SplitSeq(x.Header().Get("Allow"), ", ") {
			if m != http.MethodHead && m != "" {
				allow = append(allow, m)
			}
		}
	case 0: // HEAD on a GET route, see routeHandler
		allow = allowed(r)
	}
	clear(x.Header())
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return // the connection is gone
	}
	x.rec = s.recordRequest(r, "/", raw, false)
	if len(allow) > 0 {
		x.Header().Set("Allow", strings.Join(allow, ", "))
		writeDetail(x, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	writeDetail(x, http.StatusNotFound, "Not Found")
}

// serve authenticates, decodes and validates the call, then runs its
// handler.
func (s *Server) serve(c *call) {
	if reason := s.authenticate(c.r); reason != "" {
		s.log("refused with 403", "path", c.r.URL.Path, "reason", reason)
		c.fail(http.StatusForbidden, "Invalid credentials")
		return
	}
	if errs := c.decode(); errs != nil {
		s.log("refused with 422", "path", c.r.URL.Path, "detail", string(mustMarshal(logged(c.route, errs))))
		c.fail(http.StatusUnprocessableEntity, errs)
		return
	}
	c.route.handle(s, c)
}

// authenticate returns why the request is refused, or "". The reason never
// holds the key.
func (s *Server) authenticate(r *http.Request) string {
	keys := r.Header.Values("X-Api-Key")
	switch {
	case len(keys) == 0:
		return "no x-api-key header"
	case subtle.ConstantTimeCompare([]byte(keys[0]), []byte(s.APIKey)) != 1:
		return "wrong x-api-key"
	}
	return ""
}

// decode fills c.q and c.req, or returns the validation errors.
func (c *call) decode() []validationError {
	var errs []validationError
	if qs := c.route.query; qs != nil {
		v := reflect.New(qs.typ)
		errs = decodeQuery(c.r.URL.Query(), v.Elem(), qs.limits)
		c.q = v.Interface()
	}
	bs := c.route.body
	if bs == nil {
		return errs
	} else if bs.form {
		return append(errs, c.decodeForm()...)
	}
	m, berrs := members(c.raw, bs.optional)
	if berrs == nil && m != nil {
		c.members = m
		berrs = checkObject([]any{"body"}, m, c.raw, bs.typ, bs.required)
		if berrs == nil {
			v := reflect.New(bs.typ)
			if err := unmarshal(bytes.TrimSpace(c.raw), v.Interface()); err != nil {
				berrs = []validationError{invalid("value_error", []any{"body"}, err.Error(), json.RawMessage(bytes.TrimSpace(c.raw)), nil)}
			} else if berrs = checkEnums([]any{"body"}, v.Elem(), nil); berrs == nil {
				c.req = v.Interface()
			}
		}
	}
	return append(errs, berrs...)
}

// unmarshal decodes data, valid JSON, into v: by v's own UnmarshalJSON
// when it has one (as json.Unmarshal would, without validating data once
// more), else by json.Unmarshal.
func unmarshal(data []byte, v any) error {
	if u, ok := v.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, v)
}

// logged returns errs as the log may show them: for a route whose body
// holds secrets, only the type and location of each (a message may quote
// part of a malformed body, an input or context may quote all of it).
func logged(rt *route, errs []validationError) []validationError {
	if rt.redact == nil {
		return errs
	}
	out := make([]validationError, len(errs))
	for i, e := range errs {
		for _, m := range e {
			if m.Key == "type" || m.Key == "loc" {
				out[i] = append(out[i], m)
			}
		}
	}
	return out
}

// exchange is the response writer of one request. It remembers the
// status written, for the log and the request's record, and discards what
// the mux writes itself (its plain-text 404 and 405) until a route or
// serveUnrouted takes the request.
type exchange struct {
	http.ResponseWriter
	srv     *Server
	routed  bool
	faulted bool
	status  int
	// muxStatus is the status the mux wrote itself, discarded: 404, 405,
	// or a redirect to the path's clean form.
	muxStatus int
	rec       *RecordedRequest // nil when records are off
}

func (w *exchange) WriteHeader(code int) {
	if !w.routed {
		w.muxStatus = code
		return
	}
	w.noteStatus(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *exchange) Write(b []byte) (int, error) {
	if !w.routed {
		return len(b), nil
	}
	w.noteStatus(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

// noteStatus keeps the first status answered, in the request's record
// too (before the client can read the answer, so a test that has its
// answer finds its record complete).
func (w *exchange) noteStatus(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if w.rec != nil {
		w.srv.recMu.Lock()
		w.rec.StatusCode = code
		w.srv.recMu.Unlock()
	}
}

func (w *exchange) Unwrap() http.ResponseWriter { return w.ResponseWriter }
