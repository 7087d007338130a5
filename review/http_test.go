package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-proof/git-proof/config"
)

const testKey = "test-key-0123"

// vendorServer is one httptest.Server speaking the three vendors' real
// request and response shapes. The scenario is the requested model's name
// (the body's model, or Gemini's path); the server checks each request's
// shape and counts requests per vendor and scenario.
type vendorServer struct {
	*httptest.Server
	mu       sync.Mutex
	count    map[string]int
	problems []string
	last     map[string][]byte // vendor → last request body
}

func newVendorServer(t *testing.T) *vendorServer {
	s := &vendorServer{count: map[string]int{}, last: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, p := range s.problems {
			t.Error("request: " + p)
		}
	})
	return s
}

func (s *vendorServer) requests(vendor, scenario string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[vendor+"/"+scenario]
}

func (s *vendorServer) problem(format string, a ...any) {
	s.mu.Lock()
	s.problems = append(s.problems, fmt.Sprintf(format, a...))
	s.mu.Unlock()
}

func (s *vendorServer) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var vendor, model, system, user string
	var schema json.RawMessage
	switch {
	case r.URL.Path == "/v1/chat/completions":
		vendor = "openai"
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			s.problem("openai: Authorization %q", r.Header.Get("Authorization"))
		}
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role, Content string
			} `json:"messages"`
			ResponseFormat struct {
				Type       string `json:"type"`
				JSONSchema struct {
					Name   string          `json:"name"`
					Strict bool            `json:"strict"`
					Schema json.RawMessage `json:"schema"`
				} `json:"json_schema"`
			} `json:"response_format"`
			Store *bool `json:"store"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
			s.problem("openai: body %.200s", body)
			break
		}
		if req.ResponseFormat.Type != "json_schema" || !req.ResponseFormat.JSONSchema.Strict || req.ResponseFormat.JSONSchema.Name != "review" || req.Store == nil || *req.Store {
			s.problem("openai: response_format %+v store %v", req.ResponseFormat, req.Store)
		}
		model, system, user, schema = req.Model, req.Messages[0].Content, req.Messages[1].Content, req.ResponseFormat.JSONSchema.Schema
	case r.URL.Path == "/v1/messages":
		vendor = "anthropic"
		if r.Header.Get("x-api-key") != testKey || r.Header.Get("anthropic-version") != "2023-06-01" {
			s.problem("anthropic: headers %v", r.Header)
		}
		var req struct {
			Model     string `json:"model"`
			MaxTokens int    `json:"max_tokens"`
			System    string `json:"system"`
			Messages  []struct {
				Role, Content string
			} `json:"messages"`
			OutputConfig struct {
				Format struct {
					Type   string          `json:"type"`
					Schema json.RawMessage `json:"schema"`
				} `json:"format"`
			} `json:"output_config"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) != 1 || req.Messages[0].Role != "user" || req.MaxTokens <= 0 || req.OutputConfig.Format.Type != "json_schema" {
			s.problem("anthropic: body %.200s", body)
			break
		}
		model, system, user, schema = req.Model, req.System, req.Messages[0].Content, req.OutputConfig.Format.Schema
	case strings.HasPrefix(r.URL.Path, "/v1beta/models/") && strings.HasSuffix(r.URL.Path, ":generateContent"):
		vendor = "gemini"
		model = strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v1beta/models/"), ":generateContent")
		if r.Header.Get("x-goog-api-key") != testKey {
			s.problem("gemini: x-goog-api-key %q", r.Header.Get("x-goog-api-key"))
		}
		var req struct {
			SystemInstruction struct {
				Parts []struct{ Text string } `json:"parts"`
			} `json:"systemInstruction"`
			Contents []struct {
				Role  string                  `json:"role"`
				Parts []struct{ Text string } `json:"parts"`
			} `json:"contents"`
			GenerationConfig struct {
				ResponseMimeType   string          `json:"responseMimeType"`
				ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
				ResponseSchema     json.RawMessage `json:"responseSchema"`
			} `json:"generationConfig"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Contents) != 1 || len(req.Contents[0].Parts) != 1 || len(req.SystemInstruction.Parts) != 1 {
			s.problem("gemini: body %.200s", body)
			break
		}
		if req.GenerationConfig.ResponseMimeType != "application/json" || req.GenerationConfig.ResponseSchema != nil {
			s.problem("gemini: generationConfig %+v", req.GenerationConfig)
		}
		system, user, schema = req.SystemInstruction.Parts[0].Text, req.Contents[0].Parts[0].Text, req.GenerationConfig.ResponseJSONSchema
	default:
		s.problem("unknown path %s", r.URL.Path)
		w.WriteHeader(404)
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		s.problem("%s: %s with Content-Type %q", vendor, r.Method, r.Header.Get("Content-Type"))
	}
	if compact(schema) != AnswerSchema {
		s.problem("%s: schema %.100s", vendor, schema)
	}
	if !strings.Contains(system, "data, never instructions") || !strings.Contains(user, "+func Add(a, b int) int {") {
		s.problem("%s: prompt lacks the rules or the diff", vendor)
	}
	s.mu.Lock()
	s.count[vendor+"/"+model]++
	n := s.count[vendor+"/"+model]
	s.last[vendor] = body
	s.mu.Unlock()
	scenario(w, r, vendor, model, n)
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return ""
	}
	return b.String()
}

// okBody is a successful response of the vendor carrying answer.
func okBody(vendor, answer, model string) string {
	switch vendor {
	case "openai":
		return mustJSONString(map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "model": model, "system_fingerprint": "fp_1",
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": answer, "refusal": nil}, "finish_reason": "stop"}},
			"usage":   map[string]any{"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}})
	case "anthropic":
		return mustJSONString(map[string]any{"id": "msg_1", "type": "message", "role": "assistant", "model": model,
			"content": []any{map[string]any{"type": "text", "text": answer}}, "stop_reason": "end_turn", "stop_sequence": nil,
			"usage": map[string]any{"input_tokens": 120, "output_tokens": 30}})
	default:
		return mustJSONString(map[string]any{"candidates": []any{map[string]any{"content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": answer}}}, "finishReason": "STOP", "index": 0}},
			"usageMetadata": map[string]any{"promptTokenCount": 120, "candidatesTokenCount": 30, "totalTokenCount": 150}, "modelVersion": model, "responseId": "r1"})
	}
}

func mustJSONString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // test data only
	}
	return string(b)
}

// errorBody is the vendor's error object.
func errorBody(vendor string, status int, typ, code string) string {
	switch vendor {
	case "openai":
		return mustJSONString(map[string]any{"error": map[string]any{"message": "error " + typ, "type": typ, "param": nil, "code": code}})
	case "anthropic":
		e := map[string]any{"type": typ, "message": "error " + typ}
		if code != "" {
			e["details"] = map[string]any{"error_code": code}
		}
		return mustJSONString(map[string]any{"type": "error", "error": e, "request_id": "req_1"})
	default:
		return mustJSONString(map[string]any{"error": map[string]any{"code": status, "message": "error " + typ, "status": typ}})
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// scenario answers request n (1-based) of a scenario.
func scenario(w http.ResponseWriter, r *http.Request, vendor, model string, n int) {
	ok := func() { writeJSON(w, 200, okBody(vendor, testAnswer, model+"-2025-01-01")) }
	rateLimit := map[string][3]string{"openai": {"requests", "rate_limit_exceeded"}, "anthropic": {"rate_limit_error", ""}, "gemini": {"RESOURCE_EXHAUSTED", ""}}[vendor]
	switch model {
	case "ok":
		ok()
	case "retry-after-1":
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, errorBody(vendor, 429, rateLimit[0], rateLimit[1]))
			return
		}
		ok()
	case "retry-after-ms":
		if n == 1 {
			w.Header().Set("retry-after-ms", "250")
			w.Header().Set("Retry-After", "7") // -ms wins
			writeJSON(w, 429, errorBody(vendor, 429, rateLimit[0], rateLimit[1]))
			return
		}
		ok()
	case "retry-after-date":
		if n == 1 {
			w.Header().Set("Retry-After", testNow.Add(3*time.Second).Format(http.TimeFormat))
			writeJSON(w, 429, errorBody(vendor, 429, rateLimit[0], rateLimit[1]))
			return
		}
		ok()
	case "retry-after-long":
		if n == 1 {
			w.Header().Set("Retry-After", "3600")
			writeJSON(w, 429, errorBody(vendor, 429, rateLimit[0], rateLimit[1]))
			return
		}
		ok()
	case "rate-limited":
		writeJSON(w, 429, errorBody(vendor, 429, rateLimit[0], rateLimit[1]))
	case "overloaded":
		switch vendor {
		case "anthropic":
			writeJSON(w, 529, errorBody(vendor, 529, "overloaded_error", ""))
		case "openai":
			writeJSON(w, 503, errorBody(vendor, 503, "server_error", "server_is_overloaded"))
		default:
			writeJSON(w, 503, errorBody(vendor, 503, "UNAVAILABLE", ""))
		}
	case "500":
		writeJSON(w, 500, errorBody(vendor, 500, map[string]string{"openai": "server_error", "anthropic": "api_error", "gemini": "INTERNAL"}[vendor], ""))
	case "503-once":
		if n == 1 {
			writeJSON(w, 503, errorBody(vendor, 503, map[string]string{"openai": "server_error", "anthropic": "api_error", "gemini": "UNAVAILABLE"}[vendor], ""))
			return
		}
		ok()
	case "no-retry":
		w.Header().Set("x-should-retry", "false")
		writeJSON(w, 500, errorBody(vendor, 500, map[string]string{"openai": "server_error", "anthropic": "api_error", "gemini": "INTERNAL"}[vendor], ""))
	case "should-retry":
		if n == 1 {
			w.Header().Set("x-should-retry", "true")
			writeJSON(w, 400, errorBody(vendor, 400, map[string]string{"openai": "invalid_request_error", "anthropic": "invalid_request_error", "gemini": "INVALID_ARGUMENT"}[vendor], ""))
			return
		}
		ok()
	case "quota":
		w.Header().Set("x-should-retry", "true") // quota is never retried, whatever the server says
		w.Header().Set("Retry-After", "1")
		switch vendor {
		case "openai":
			writeJSON(w, 429, errorBody(vendor, 429, "insufficient_quota", "insufficient_quota"))
		case "anthropic":
			writeJSON(w, 429, errorBody(vendor, 429, "rate_limit_error", "enforced_spend_limit_reached"))
		default:
			writeJSON(w, 429, `{"error":{"code":429,"message":"You exceeded your current quota","status":"RESOURCE_EXHAUSTED","details":[`+
				`{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},`+
				`{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"40s"}]}}`)
		}
	case "per-minute":
		if n == 1 {
			writeJSON(w, 429, `{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED","details":[`+
				`{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerMinutePerProjectPerModel"}]},`+
				`{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}}`)
			return
		}
		ok()
	case "auth":
		switch vendor {
		case "gemini":
			writeJSON(w, 400, `{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}`)
		default:
			writeJSON(w, 401, errorBody(vendor, 401, map[string]string{"openai": "invalid_request_error", "anthropic": "authentication_error"}[vendor], map[string]string{"openai": "invalid_api_key"}[vendor]))
		}
	case "malformed-body":
		writeJSON(w, 200, `{"choices": [ {"mess`)
	case "refusal":
		switch vendor {
		case "openai":
			writeJSON(w, 200, mustJSONString(map[string]any{"model": model, "choices": []any{map[string]any{"message": map[string]any{"content": nil, "refusal": "I can't help with that."}, "finish_reason": "stop"}}}))
		case "anthropic":
			writeJSON(w, 200, mustJSONString(map[string]any{"type": "message", "model": model, "content": []any{}, "stop_reason": "refusal"}))
		default:
			writeJSON(w, 200, mustJSONString(map[string]any{"candidates": []any{map[string]any{"content": map[string]any{"parts": []any{}}, "finishReason": "SAFETY"}}, "modelVersion": model}))
		}
	case "truncated":
		half := testAnswer[:len(testAnswer)/2]
		switch vendor {
		case "openai":
			writeJSON(w, 200, strings.Replace(okBody(vendor, half, model), `"finish_reason":"stop"`, `"finish_reason":"length"`, 1))
		case "anthropic":
			writeJSON(w, 200, strings.Replace(okBody(vendor, half, model), `"stop_reason":"end_turn"`, `"stop_reason":"max_tokens"`, 1))
		default:
			writeJSON(w, 200, strings.Replace(okBody(vendor, half, model), `"finishReason":"STOP"`, `"finishReason":"MAX_TOKENS"`, 1))
		}
	case "schema-break":
		writeJSON(w, 200, okBody(vendor, `{"verdict":"LGTM","findings":[],"summary":"ship it"}`, model))
	case "hang":
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	default:
		writeJSON(w, 404, errorBody(vendor, 404, "not_found_error", "model_not_found"))
	}
}

var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func httpReviewer(kind, model, url string) config.Reviewer {
	return config.Reviewer{Name: kind + "-r", Vendor: kind, Kind: kind, Model: model, URL: url,
		APIKeyEnv: strings.ToUpper(kind) + "_API_KEY", Timeout: 5 * time.Second}
}

func httpOptions(s *sleepRecorder) Options {
	return Options{Sleep: s.sleep, Jitter: noJitter, Now: func() time.Time { return testNow },
		Getenv: env(map[string]string{"OPENAI_API_KEY": testKey, "ANTHROPIC_API_KEY": testKey, "GEMINI_API_KEY": testKey})}
}

func TestHTTPReviewers(t *testing.T) {
	t.Parallel()
	const s, ms = time.Second, time.Millisecond
	tests := []struct {
		scenario string
		vendors  []string // nil: all three
		status   string
		class    string
		attempts int
		sleeps   []time.Duration
		timeout  time.Duration
	}{
		{"ok", nil, StatusOK, "", 1, nil, 0},
		{"retry-after-1", nil, StatusOK, "", 2, []time.Duration{s}, 0},
		{"retry-after-ms", nil, StatusOK, "", 2, []time.Duration{250 * ms}, 0},
		{"retry-after-date", nil, StatusOK, "", 2, []time.Duration{3 * s}, 0},
		{"retry-after-long", nil, StatusOK, "", 2, []time.Duration{MaxServerDelay}, 2 * time.Minute},
		{"retry-after-long", []string{"openai"}, StatusUnavailable, ClassRateLimit, 1, nil, 10 * time.Second}, // the capped wait is past the deadline
		{"rate-limited", nil, StatusUnavailable, ClassRateLimit, 3, []time.Duration{500 * ms, s}, 0},
		{"overloaded", nil, StatusUnavailable, ClassOverloaded, 3, []time.Duration{500 * ms, s}, 0},
		{"500", nil, StatusUnavailable, ClassServerError, 3, []time.Duration{500 * ms, s}, 0},
		{"503-once", nil, StatusOK, "", 2, []time.Duration{500 * ms}, 0},
		{"no-retry", nil, StatusUnavailable, ClassServerError, 1, nil, 0},
		{"should-retry", nil, StatusOK, "", 2, []time.Duration{500 * ms}, 0},
		{"quota", nil, StatusUnavailable, ClassQuota, 1, nil, 0},
		{"per-minute", []string{"gemini"}, StatusOK, "", 2, []time.Duration{2 * s}, 0},
		{"auth", nil, StatusUnavailable, ClassAuth, 1, nil, 0},
		{"malformed-body", nil, StatusUnavailable, ClassMalformedOutput, 1, nil, 0},
		{"refusal", nil, StatusUnavailable, ClassRefused, 1, nil, 0},
		{"truncated", nil, StatusUnavailable, ClassTruncated, 1, nil, 0},
		{"schema-break", nil, StatusUnavailable, ClassMalformedOutput, 1, nil, 0},
		{"no-such-model", nil, StatusUnavailable, ClassBadRequest, 1, nil, 0},
		{"hang", nil, StatusUnavailable, ClassTimeout, 1, nil, 300 * time.Millisecond},
	}
	for _, tc := range tests {
		vendors := tc.vendors
		if vendors == nil {
			vendors = []string{"openai", "anthropic", "gemini"}
		}
		for _, vendor := range vendors {
			name := vendor + "/" + tc.scenario
			if tc.timeout > 0 {
				name += "/" + tc.timeout.String()
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				model := tc.scenario
				// Each subtest has its own server, so that counts start at 1.
				own := newVendorServer(t)
				r := httpReviewer(vendor, model, own.URL)
				if tc.timeout > 0 {
					r.Timeout = tc.timeout
				}
				sl := &sleepRecorder{}
				rep, err := Run(context.Background(), []config.Reviewer{r}, testInput(), httpOptions(sl))
				if err != nil {
					t.Fatal(err)
				}
				res := rep.Reviewers[0]
				class := ""
				if res.Failure != nil {
					class = res.Failure.Class
				}
				if res.Status != tc.status || class != tc.class || res.Attempts != tc.attempts {
					t.Fatalf("status %s class %q attempts %d; want %s %q %d (%+v)", res.Status, class, res.Attempts, tc.status, tc.class, tc.attempts, res.Failure)
				}
				if got := own.requests(vendor, model); got != tc.attempts && tc.class != ClassTimeout {
					t.Errorf("the server saw %d requests; want %d", got, tc.attempts)
				}
				if got := sl.got(); fmt.Sprint(got) != fmt.Sprint(tc.sleeps) {
					t.Errorf("slept %v; want %v", got, tc.sleeps)
				}
				var wait time.Duration
				for _, d := range tc.sleeps {
					wait += d
				}
				if res.RetryWaitMs != wait.Milliseconds() {
					t.Errorf("retryWaitMs %d; want %d", res.RetryWaitMs, wait.Milliseconds())
				}
				if res.Failure != nil {
					t.Logf("%s: %s", res.Failure.Class, res.Failure.Message)
					if res.Failure.Transient != Transient(class) || res.Failure.Attempts != res.Attempts || res.Failure.Message == "" {
						t.Errorf("failure %+v", res.Failure)
					}
					if res.Verdict != "" || res.FindingsSHA256 != "" {
						t.Errorf("an unavailable reviewer has a verdict: %+v", res)
					}
					return
				}
				if res.Verdict != "concerns" || res.Counts != (Counts{Major: 1}) || res.Dropped != 1 {
					t.Errorf("verdict %s counts %+v dropped %d", res.Verdict, res.Counts, res.Dropped)
				}
				if res.Model != model+"-2025-01-01" || res.ModelRequested != model {
					t.Errorf("model %q requested %q; want the model the response names", res.Model, res.ModelRequested)
				}
				if res.Usage == nil || res.Usage.InputTokens != 120 || res.Usage.OutputTokens != 30 {
					t.Errorf("usage %+v", res.Usage)
				}
				if res.PromptSHA256 != rep.PromptSHA256 || res.ResponseSHA256 == "" || res.SchemaSHA256 != SchemaSHA256 {
					t.Errorf("digests %+v", res)
				}
			})
		}
	}
}

func TestHTTPTransportError(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	sl := &sleepRecorder{}
	rep, err := Run(context.Background(), []config.Reviewer{httpReviewer("openai", "ok", url)}, testInput(), httpOptions(sl))
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Reviewers[0]
	if res.Status != StatusUnavailable || res.Failure.Class != ClassTransport || res.Attempts != 3 || !res.Failure.Transient {
		t.Fatalf("dead server: %+v %+v", res, res.Failure)
	}
	if got := sl.got(); len(got) != 2 {
		t.Errorf("slept %v; want two backoffs", got)
	}
}

func TestHTTPMissingKey(t *testing.T) {
	t.Parallel()
	r := httpReviewer("anthropic", "ok", "") // the real API: a key is needed
	rep, err := Run(context.Background(), []config.Reviewer{r}, testInput(), Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Reviewers[0]
	if res.Status != StatusUnavailable || res.Failure.Class != ClassAuth || res.Attempts != 0 || res.PromptSHA256 != "" ||
		!strings.Contains(res.Failure.Message, "$ANTHROPIC_API_KEY") {
		t.Fatalf("missing key: %+v %+v", res, res.Failure)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n      int
		jitter float64
		want   time.Duration
	}{
		{0, 0, 500 * time.Millisecond}, {1, 0, time.Second}, {2, 0, 2 * time.Second}, {4, 0, 8 * time.Second}, {10, 0, 8 * time.Second},
		{0, 0.5, 437500 * time.Microsecond}, {4, 0.99, 8*time.Second - time.Duration(float64(8*time.Second)*0.25*0.99)},
		{1, 7, time.Second}, // an out-of-range jitter is ignored
	} {
		o := Options{Jitter: func() float64 { return tc.jitter }}.resolve()
		if got := o.backoff(tc.n); got != tc.want {
			t.Errorf("backoff(%d, jitter %v) = %v; want %v", tc.n, tc.jitter, got, tc.want)
		}
	}
}

func TestServerDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		h    map[string]string
		want time.Duration
		ok   bool
	}{
		{map[string]string{"Retry-After-Ms": "1500.5"}, 1500500 * time.Microsecond, true},
		{map[string]string{"Retry-After": "2.5"}, 2500 * time.Millisecond, true},
		{map[string]string{"Retry-After": testNow.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{map[string]string{"Retry-After": "soon"}, 0, false},
		{map[string]string{"Retry-After-Ms": "-1", "Retry-After": "1"}, time.Second, true},
		{map[string]string{"Retry-After": "1e308"}, 1e6 * time.Second, true},
		{nil, 0, false},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		got, ok := serverDelay(h, testNow)
		if got != tc.want || ok != tc.ok {
			t.Errorf("serverDelay(%v) = %v, %v; want %v, %v", tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzParseOpenAIResponse(f *testing.F) {
	f.Add([]byte(okBody("openai", testAnswer, "m")))
	f.Add([]byte(`{"choices":[{"message":{"content":null,"refusal":"no"},"finish_reason":"stop"}]}`))
	f.Add([]byte(errorBody("openai", 429, "insufficient_quota", "insufficient_quota")))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParsed(t, body, parseOpenAIResponse)
		classifyOpenAI(429, body)
	})
}

func FuzzParseAnthropicResponse(f *testing.F) {
	f.Add([]byte(okBody("anthropic", testAnswer, "m")))
	f.Add([]byte(`{"type":"message","content":[],"stop_reason":"refusal"}`))
	f.Add([]byte(errorBody("anthropic", 429, "rate_limit_error", "enforced_spend_limit_reached")))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParsed(t, body, parseAnthropicResponse)
		classifyAnthropic(529, body)
	})
}

func FuzzParseGeminiResponse(f *testing.F) {
	f.Add([]byte(okBody("gemini", testAnswer, "m")))
	f.Add([]byte(`{"promptFeedback":{"blockReason":"SAFETY"}}`))
	f.Add([]byte(`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1s"},{"@type":"x.google.rpc.QuotaFailure","violations":[{"quotaId":"PerDay"}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParsed(t, body, parseGeminiResponse)
		if fe := classifyGemini(429, body); fe.retryAfter < 0 {
			t.Fatalf("negative retry delay %v", fe.retryAfter)
		}
	})
}

// checkParsed: a parser of untrusted output returns an answer with JSON, or
// a classified failure; it never panics.
func checkParsed(t *testing.T, body []byte, parse func([]byte) (*answer, error)) {
	a, err := parse(body)
	if err != nil {
		if fe := asFailure(err); fe.class == "" {
			t.Fatalf("unclassified error %v", err)
		}
		return
	}
	if len(a.json) == 0 {
		t.Fatal("an answer with no JSON")
	}
}
