package skyverntest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/internal/wire"
	"github.com/skyvern-go/skyvern/webhooks"
)

// Skyvern's delivery rules.
const (
	maxAttempts       = wire.MaxAttempts
	replayBodyLimit   = 2048    // characters of the receiver's answer in a replay report
	recordedBodyLimit = 1 << 20 // bytes of the receiver's answer kept in a WebhookDelivery
)

// delivery is one signed webhook: the same bytes and headers are sent on
// every attempt, as Skyvern reuses them.
type delivery struct {
	runID  string
	url    string
	body   []byte
	header http.Header // with the lower-case names Skyvern sends
	ts     string      // x-skyvern-timestamp
	sig    string      // x-skyvern-signature
	replay bool
}

// sign builds a delivery of payload to url, signed with the server's key
// and stamped with the server's clock.
func (s *Server) sign(runID, url string, payload wire.Object, replay bool) (*delivery, error) {
	body, err := webhooks.Marshal(payload)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(s.clock.Now().Unix(), 10)
	sig := webhooks.Sign(body, s.APIKey)
	return &delivery{
		runID: runID,
		url:   url,
		body:  body,
		header: http.Header{
			"x-skyvern-timestamp": {ts},
			"x-skyvern-signature": {sig},
			"Content-Type":        {"application/json"},
		},
		ts:     ts,
		sig:    sig,
		replay: replay,
	}, nil
}

// scheduleWebhook sends the webhook of a run that has just finished, after
// o.WebhookDelay, in o.WebhookCopies copies.
func (s *Server) scheduleWebhook(r *run, o Outcome) {
	url := r.hookURL
	if url == "" {
		return
	}
	s.clock.after(o.WebhookDelay, func() {
		s.st.mu.RLock()
		payload := s.webhookPayload(r, false)
		s.st.mu.RUnlock()
		d, err := s.sign(r.id, url, payload, false)
		if err != nil {
			s.log("cannot encode webhook", "run_id", r.id, "error", err.Error())
			return
		}
		for range max(o.WebhookCopies, 1) {
			s.clock.after(0, func() { s.attempt(d, 1) })
		}
	})
}

// answer is what a receiver did with one attempt.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	err     error
	latency time.Duration
}

// post sends one attempt of d, bounded by timeout.
func (s *Server) post(d *delivery, timeout time.Duration) answer {
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return answer{err: err}
	}
	for k, v := range d.header {
		req.Header[k] = v
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return answer{err: err, latency: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, recordedBodyLimit))
	a := answer{status: resp.StatusCode, header: resp.Header, body: body, latency: time.Since(start)}
	if err != nil {
		a = answer{err: err, latency: time.Since(start)}
	}
	return a
}

// attempt makes attempt n of d and, if it failed in a way Skyvern retries,
// schedules the next one; after the last attempt it stores the outcome on
// the run as webhook_failure_reason.
func (s *Server) attempt(d *delivery, n int) {
	a := s.post(d, s.cfg.webhookTimeout)
	if a.err != nil && s.ctx.Err() != nil {
		return // cut short by Close
	}
	s.recordWebhook(d, n, a)
	if a.err == nil && a.status/100 == 2 {
		s.st.setWebhookFailure(d.runID, "")
		return
	}
	if n < maxAttempts && wire.Retryable(a.status, a.err) {
		s.clock.after(s.backoff(n, a), func() { s.attempt(d, n+1) })
		return
	}
	if a.err != nil {
		s.st.setWebhookFailure(d.runID, "Webhook delivery failed before receiving a response: "+describe(a.err))
		return
	}
	s.st.setWebhookFailure(d.runID, fmt.Sprintf("Webhook failed with status code %d, error message: %s", a.status, a.body))
}

// backoff is the wait after failed attempt n (from 1), on the server's
// clock.
func (s *Server) backoff(n int, a answer) time.Duration {
	return wire.Backoff(n, s.cfg.webhookBackoff, a.header, s.clock.Now())
}

// describe names a delivery error the way Skyvern's Python client reports
// it: the exception's type, then its message.
func describe(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "ReadTimeout"
	case isDialError(err):
		return "ConnectError: " + err.Error()
	}
	return "RemoteProtocolError: " + err.Error()
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// replay delivers r's webhook once to target, as Skyvern's
// webhook_service.replay_run_webhook does: one attempt, bounded by the
// replay timeout (60 s, as _deliver_webhook's), redirects not followed,
// nothing stored on the run; and returns Skyvern's replay report.
func (s *Server) replay(r *run, target string) skyvern.RunWebhookReplayResponse {
	s.st.mu.RLock()
	payload := s.webhookPayload(r, true)
	s.st.mu.RUnlock()
	d, err := s.sign(r.id, target, payload, true)
	if err != nil {
		panic("skyverntest: cannot encode a webhook: " + err.Error())
	}
	a := s.post(d, s.cfg.replayTimeout)
	if a.err == nil || s.ctx.Err() == nil {
		s.recordWebhook(d, 1, a)
	}

	rep := skyvern.RunWebhookReplayResponse{
		RunID:             r.id,
		RunType:           r.typ,
		DefaultWebhookURL: r.hookURL,
		TargetWebhookURL:  target,
		Payload:           string(d.body),
		Headers: map[string]string{
			"x-skyvern-timestamp": d.ts,
			"x-skyvern-signature": d.sig,
			"Content-Type":        "application/json",
		},
		LatencyMS: skyvern.Ptr(a.latency.Milliseconds()),
	}
	switch {
	case a.err == nil:
		rep.StatusCode = a.status
		if len([]rune(string(a.body))) > replayBodyLimit {
			rep.ResponseBody = string([]rune(string(a.body))[:replayBodyLimit]) + "\n... (truncated)"
		} else {
			rep.ResponseBody = string(a.body) // "" is written as null, as Skyvern writes an empty answer
		}
	case describe(a.err) == "ReadTimeout":
		rep.Error = "Request timed out after " + seconds(s.cfg.replayTimeout) + "."
	case isDialError(a.err):
		rep.Error = "Could not reach URL: " + a.err.Error()
	default: // httpx raises no NetworkError for these: Skyvern's catch-all
		rep.Error = "Unexpected error: " + a.err.Error()
	}
	return rep
}

// seconds writes d as Skyvern's replay report does, "60 seconds", or as
// Go writes a duration that is not whole seconds.
func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + " seconds"
	}
	return d.String()
}

// Webhook URLs are checked as Skyvern's skyvern/utils/url_validators.py
// checks them: when a run or a workflow is created, validate_url and
// validate_webhook_url (the scheme, the length, a blocked or internal
// host, an AWS load balancer name); when a run's webhook is replayed,
// validate_fetch_url_with_resolved_ips (the scheme, a blocked or internal
// host; no load balancer check). Two deliberate differences: loopback
// hosts are allowed unless WithLoopbackWebhooks(false) says otherwise, as
// a test's receiver listens there, and host names are never resolved
// (tests reach only 127.0.0.1), so a name is refused only when it is one
// of the internal names Skyvern refuses without resolving it.

// maxURLLength is pydantic's HttpUrl limit, quoted by Skyvern's message.
const maxURLLength = 2083

// invalidURL is the message of Skyvern's InvalidUrl.
func invalidURL(raw string) string {
	return "Invalid URL: " + raw + ". Skyvern supports HTTP and HTTPS urls with max 2083 character length."
}

// urlScheme returns the scheme Python's urlsplit finds in raw, lower case:
// the text before the first ':' when it is a letter followed by letters,
// digits, '+', '-' or '.'; else "".
func urlScheme(raw string) string {
	i := strings.IndexByte(raw, ':')
	if i <= 0 {
		return ""
	}
	for j := range i {
		c := raw[j]
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(raw[:i])
}

// parseWebhookURL reads raw as Skyvern's _prepend_scheme and pydantic's
// HttpUrl read it: http or https ("https://" is prepended when raw has no
// scheme), a host, at most 2083 characters. It returns the URL to use and
// its host as pydantic names it, or the refusal. Skyvern keeps the URL as
// pydantic writes it back (scheme and host in lower case, default port
// dropped, "/" for an empty path); the fake keeps it as sent, scheme
// prepended, so that a test finds its receiver's URL unchanged.
func parseWebhookURL(raw string) (u *url.URL, host, msg string) {
	switch urlScheme(raw) {
	case "http", "https":
	case "":
		raw = "https://" + raw
	default:
		return nil, "", invalidURL(raw)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || len(raw) > maxURLLength || u.Opaque != "" {
		return nil, "", invalidURL(raw)
	}
	host = strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // pydantic keeps an IPv6 host's brackets
	}
	return u, host, ""
}

// blockedHost reports whether Skyvern's is_blocked_host, without
// resolving names, refuses host (lower case, an IPv6 host in brackets),
// apart from the hosts the server's options allow.
func (s *Server) blockedHost(host string) bool {
	h := strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	ip, _ := netip.ParseAddr(h)
	ip = ip.Unmap()
	switch {
	case h == "":
		return true
	case slices.Contains(s.cfg.allowedHosts, h) || slices.Contains(s.cfg.allowedHosts, host):
		return false
	case s.cfg.loopbackHooks && (h == "localhost" || ip.IsValid() && ip.IsLoopback()):
		return false
	case h == "localhost" || h == "metadata.google.internal" || h == "kubernetes.default.svc",
		strings.HasSuffix(h, ".local"), strings.HasSuffix(h, ".localhost"), strings.HasSuffix(h, ".internal"),
		strings.HasSuffix(h, ".svc"):
		return true
	case !ip.IsValid():
		return false // a name Skyvern would resolve; the fake does not
	}
	if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// blockedPrefixes are the networks Skyvern's _is_blocked_ip refuses beyond
// those netip names: its own list (100.64.0.0/10) and what Python's
// ipaddress counts as private or reserved.
var blockedPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/29", "192.0.0.170/31", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32", "100.100.100.200/32",
		"::/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fd00:ec2::254/128",
	} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

// awsLoadBalancer reports a host of an AWS load balancer, which Skyvern's
// _is_aws_load_balancer_host refuses as a webhook host: "elb" next to a
// region label ("us-east-1") among the labels before amazonaws.com(.cn).
func awsLoadBalancer(host string) bool {
	labels := strings.Split(host, ".")
	var svc []string
	switch {
	case strings.HasSuffix(host, ".amazonaws.com.cn"):
		svc = labels[:len(labels)-3]
	case strings.HasSuffix(host, ".amazonaws.com"):
		svc = labels[:len(labels)-2]
	default:
		return false
	}
	if len(svc) < 3 {
		return false
	}
	region := func(l string) bool {
		i := strings.LastIndexByte(l, '-')
		if i < 0 || !strings.Contains(l[:i], "-") || i == len(l)-1 {
			return false
		}
		for _, c := range l[i+1:] {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	n := len(svc)
	return svc[n-2] == "elb" && region(svc[n-1]) || svc[n-1] == "elb" && region(svc[n-2])
}

// checkWebhookURL checks a webhook URL given when a run or a workflow is
// created, as Skyvern's validate_webhook_url does, and returns the URL to
// keep (see parseWebhookURL), or the 400 detail refusing it. "" is
// accepted as it is.
func (s *Server) checkWebhookURL(raw string) (string, string) {
	if raw == "" {
		return "", ""
	}
	u, host, msg := parseWebhookURL(raw)
	switch {
	case msg != "":
		return "", msg
	case s.blockedHost(host):
		return "", "The host in your url is blocked: " + host
	case awsLoadBalancer(strings.TrimSuffix(strings.Trim(host, "[]"), ".")):
		return "", "Webhook URL must use a stable custom hostname instead of an AWS load balancer DNS name."
	}
	return u.String(), ""
}

// checkReplayURL checks the target of Retry Run Webhook as Skyvern's
// webhook_service._validate_target_url does, and returns the URL to send
// to, or the 400 detail refusing it.
func (s *Server) checkReplayURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	u, host, msg := parseWebhookURL(raw)
	switch {
	case msg != "":
		return "", msg
	case s.blockedHost(host):
		return "", "The host in your url is blocked: " + host + " It is either blocked by SSRF protection or could " +
			"not be resolved. Add the host to ALLOWED_HOSTS to test internal endpoints or use an external receiver " +
			"such as webhook.site or requestbin.com."
	}
	return u.String(), ""
}
