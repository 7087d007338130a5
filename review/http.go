package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Doer sends one HTTP request; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Retry limits (review.md §3.4, after openai-go's requestconfig).
const (
	// MaxRetries is how many times a failed request is sent again.
	MaxRetries = 2
	// MaxServerDelay caps a delay the server asks for (Retry-After).
	MaxServerDelay = 60 * time.Second
	// maxBackoff caps the exponential backoff.
	maxBackoff = 8 * time.Second
	// MaxResponseBytes bounds a response body that is read.
	MaxResponseBytes = 8 << 20
)

// httpCall is one API request, sent with retries.
type httpCall struct {
	url    string
	header http.Header
	body   []byte
	// classify turns an error response into a failure; it sets quota-like
	// classes that must not be retried, and may set retryAfter from the body.
	classify func(status int, body []byte) *failError
}

// httpResult is what a successful call returns.
type httpResult struct {
	body      []byte
	attempts  int
	retryWait time.Duration
}

// callError is a failed call with its attempts.
type callError struct {
	*failError
	attempts  int
	retryWait time.Duration
	body      []byte // the last error response's body, if any
}

// send posts the call, retrying as review.md §3.4 says: on connection
// errors and on 408, 409, 429 and ≥ 500, unless x-should-retry says
// otherwise; never on quota errors; at most MaxRetries times; waiting what
// Retry-After-Ms or Retry-After asks (capped at MaxServerDelay) or
// min(0.5 s·2^n, 8 s) less up to 25 % jitter; and never past ctx's deadline.
func (o *runOptions) send(ctx context.Context, c httpCall) (*httpResult, *callError) {
	var wait time.Duration
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(c.body))
		if err != nil {
			return nil, &callError{failError: &failError{class: ClassBadRequest, msg: "cannot build the request", err: err}, attempts: attempt, retryWait: wait}
		}
		for k, v := range c.header {
			req.Header[k] = v
		}
		resp, err := o.http.Do(req)
		var fe *failError
		var body []byte
		retry := false
		if err != nil {
			if ctx.Err() != nil {
				return nil, &callError{failError: ctxFailure(ctx), attempts: attempt + 1, retryWait: wait}
			}
			fe = &failError{class: ClassTransport, msg: "no response", err: errors.Unwrap(err)}
			if fe.err == nil {
				fe.err = err
			}
			retry = true
		} else {
			body, err = io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
			resp.Body.Close()
			switch {
			case err != nil && ctx.Err() != nil:
				return nil, &callError{failError: ctxFailure(ctx), attempts: attempt + 1, retryWait: wait}
			case err != nil:
				fe, retry = &failError{class: ClassTransport, msg: "reading the response", err: err}, true
			case len(body) > MaxResponseBytes:
				fe = failf(ClassMalformedOutput, "the response is over %d bytes", MaxResponseBytes)
			case resp.StatusCode >= 200 && resp.StatusCode < 300:
				return &httpResult{body: body, attempts: attempt + 1, retryWait: wait}, nil
			default:
				fe = c.classify(resp.StatusCode, body)
				retry = shouldRetry(resp.StatusCode, resp.Header, fe.class)
				if d, ok := serverDelay(resp.Header, o.now()); ok {
					fe.retryAfter = d.Seconds()
				}
			}
		}
		if !retry || attempt >= MaxRetries {
			return nil, &callError{failError: fe, attempts: attempt + 1, retryWait: wait, body: body}
		}
		delay := o.backoff(attempt)
		if fe.retryAfter > 0 {
			delay = min(time.Duration(fe.retryAfter*float64(time.Second)), MaxServerDelay)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			fe.msg += fmt.Sprintf("; not retried: the wait of %s would pass the reviewer's deadline", delay.Round(time.Millisecond))
			return nil, &callError{failError: fe, attempts: attempt + 1, retryWait: wait, body: body}
		}
		if err := o.sleep(ctx, delay); err != nil {
			return nil, &callError{failError: ctxFailure(ctx), attempts: attempt + 1, retryWait: wait}
		}
		wait += delay
	}
}

// shouldRetry applies x-should-retry, else the status rule; quota failures
// are never retried.
func shouldRetry(status int, h http.Header, class string) bool {
	if class == ClassQuota {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("x-should-retry"))) {
	case "true":
		return true
	case "false":
		return false
	}
	return status == http.StatusRequestTimeout || status == http.StatusConflict || status == http.StatusTooManyRequests || status >= 500
}

// serverDelay reads Retry-After-Ms (float milliseconds), then Retry-After
// (float seconds or an HTTP date).
func serverDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return time.Duration(math.Min(ms, 1e9) * float64(time.Millisecond)), true
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && !math.IsInf(s, 0) {
			return time.Duration(math.Min(s, 1e6) * float64(time.Second)), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}

// backoff is min(0.5 s·2^n, 8 s) less a jitter of up to 25 %.
func (o *runOptions) backoff(n int) time.Duration {
	d := maxBackoff
	if n < 5 {
		d = min(time.Duration(float64(500*time.Millisecond)*math.Pow(2, float64(n))), maxBackoff)
	}
	j := o.jitter()
	if j < 0 || j >= 1 || math.IsNaN(j) {
		j = 0
	}
	return d - time.Duration(float64(d)*0.25*j)
}

// ctxFailure is the failure for a context that ended: the reviewer's
// deadline, or the run's cancellation.
func ctxFailure(ctx context.Context) *failError {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &failError{class: ClassTimeout, msg: "no answer before the reviewer's deadline"}
	}
	return &failError{class: ClassTimeout, msg: "cancelled", err: ctx.Err()}
}

// statusClass is the class of an HTTP error status when the body says
// nothing more specific.
func statusClass(status int) string {
	switch {
	case status == 401 || status == 403:
		return ClassAuth
	case status == 402:
		return ClassQuota
	case status == 408 || status == 504:
		return ClassTimeout
	case status == 413:
		return ClassContextTooLong
	case status == 429:
		return ClassRateLimit
	case status == 503 || status == 529:
		return ClassOverloaded
	case status == 409 || status >= 500:
		return ClassServerError
	}
	return ClassBadRequest
}

// joinURL appends an API path to a base URL.
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + path
}
