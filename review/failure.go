package review

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Statuses a reviewer ends a run with.
const (
	// StatusOK: the reviewer answered with a valid verdict.
	StatusOK = "ok"
	// StatusUnavailable: the reviewer was asked and gave no valid verdict;
	// Result.Failure says why.
	StatusUnavailable = "unavailable"
	// StatusSkipped: the reviewer was never asked (a secret in the prompt,
	// nothing left to review, a diff over the size limit).
	StatusSkipped = "skipped"
)

// Failure classes. Each is transient (a later run with the same input may
// succeed) or permanent; see Transient.
const (
	ClassTimeout         = "timeout"          // the reviewer's deadline passed (transient)
	ClassRateLimit       = "rate_limit"       // HTTP 429 and the like (transient)
	ClassOverloaded      = "overloaded"       // 503, Anthropic 529 (transient)
	ClassServerError     = "server_error"     // other 5xx, 409 (transient)
	ClassTransport       = "transport"        // no HTTP response at all (transient)
	ClassAuth            = "auth"             // 401/403, a missing or rejected key
	ClassQuota           = "quota"            // billing or spend limit: never retried
	ClassBadRequest      = "bad_request"      // 400/404/422: the request or model name is wrong
	ClassContextTooLong  = "context_too_long" // the prompt is over the model's context
	ClassRefused         = "refused"          // the model refused or a safety filter blocked it
	ClassTruncated       = "truncated"        // the answer hit the output token limit
	ClassTurnLimit       = "turn_limit"       // a CLI ran out of turns
	ClassMalformedOutput = "malformed_output" // an answer that is not a valid verdict
	ClassCrash           = "crash"            // a CLI failed with no structured reason
	ClassNotInstalled    = "not_installed"    // the CLI is not on PATH
	ClassSecret          = "secret"           // skipped: the prompt holds a secret
	ClassExcluded        = "excluded"         // skipped: every file is excluded by review.exclude
	ClassEmpty           = "empty"            // skipped: the diff is empty
	ClassTooLarge        = "too_large"        // skipped: the diff is over review.maxDiffBytes
)

// Transient reports whether a failure of the class may go away when the
// same review is run again later.
func Transient(class string) bool {
	switch class {
	case ClassTimeout, ClassRateLimit, ClassOverloaded, ClassServerError, ClassTransport:
		return true
	}
	return false
}

// Failure says why a reviewer gave no verdict.
type Failure struct {
	Class     string `json:"class"`
	Transient bool   `json:"transient"`
	// Attempts is the number of requests (HTTP) or runs (CLI) made.
	Attempts int `json:"attempts"`
	// Message says what happened and what to do about it.
	Message string `json:"message"`
}

// failError is how an adapter reports a classified failure.
type failError struct {
	class string
	msg   string
	err   error
	// retryAfter is a server-given delay, from headers or the body.
	retryAfter float64 // seconds; 0 = none
}

func (e *failError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *failError) Unwrap() error { return e.err }

func failf(class, format string, a ...any) *failError {
	return &failError{class: class, msg: fmt.Sprintf(format, a...)}
}

// hint is what to do about a failure of the class.
func hint(class string, r reviewerInfo) string {
	switch class {
	case ClassTimeout:
		return fmt.Sprintf("raise the timeout of reviewer %s in .proof/config.yaml, or retry later", r.name)
	case ClassRateLimit, ClassOverloaded, ClassServerError:
		return "the provider is busy; retry later"
	case ClassTransport:
		return "check the network and the reviewer's url"
	case ClassAuth:
		if r.keyEnv != "" {
			return fmt.Sprintf("check that $%s holds a valid API key", r.keyEnv)
		}
		return "check the CLI's credentials"
	case ClassQuota:
		return "the account is out of quota or over its spend limit; check billing"
	case ClassBadRequest:
		if r.command {
			return fmt.Sprintf("check model %q of reviewer %s, and run the CLI by hand", r.model, r.name)
		}
		return fmt.Sprintf("check model %q and url of reviewer %s", r.model, r.name)
	case ClassContextTooLong:
		return "the diff is too large for this model; lower review.maxDiffBytes, exclude files or use a model with a larger context"
	case ClassRefused:
		return "the model declined to review this change; another model may not"
	case ClassTruncated:
		return "the answer was cut off; a smaller diff (review.exclude) or a model with a larger output limit helps"
	case ClassTurnLimit:
		return "the CLI used up its turns without answering; retry, or use another model"
	case ClassMalformedOutput:
		return "the answer did not match the verdict schema; retry, or use a model that supports structured output"
	case ClassNotInstalled:
		return fmt.Sprintf("install it or remove reviewer %s from .proof/config.yaml", r.name)
	case ClassCrash:
		return "run the CLI by hand to see why"
	}
	return ""
}

// reviewerInfo is what failure messages need to know about a reviewer.
type reviewerInfo struct {
	name, model, keyEnv string
	command             bool
}

// httpMessage describes an error response: status, the error's code or
// type, its message.
func httpMessage(status int, code, msg string) string {
	s := fmt.Sprintf("HTTP %d", status)
	if code = clip(code, 60); code != "" {
		s += " " + code
	}
	if msg = clip(msg, 300); msg != "" {
		s += ": " + msg
	}
	return s
}

// MaxMessageBytes bounds a failure message and untrusted text quoted in it.
const MaxMessageBytes = 500

// clip makes untrusted text safe to quote in a message: valid UTF-8,
// control characters and bidi marks replaced, at most n bytes.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		if b.Len()+utf8.RuneLen(r) > n {
			b.WriteString("…")
			break
		}
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || (r >= 0x200B && r <= 0x200F) || r == 0xFEFF:
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
