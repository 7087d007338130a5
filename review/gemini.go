package review

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultGeminiURL is the Gemini API's base URL.
const DefaultGeminiURL = "https://generativelanguage.googleapis.com"

func geminiRequest(system, user string) []byte {
	body := map[string]any{
		"systemInstruction": map[string]any{"parts": []map[string]string{{"text": system}}},
		"contents":          []map[string]any{{"role": "user", "parts": []map[string]string{{"text": user}}}},
		"generationConfig": map[string]any{
			"responseMimeType":   "application/json",
			"responseJsonSchema": json.RawMessage(AnswerSchema),
			"maxOutputTokens":    maxOutputTokens,
		},
	}
	b, _ := json.Marshal(body)
	return b
}

func geminiCall(base, model, key, system, user string) httpCall {
	h := http.Header{"Content-Type": {"application/json"}}
	if key != "" {
		h.Set("X-Goog-Api-Key", key)
	}
	m := url.PathEscape(strings.TrimPrefix(model, "models/"))
	return httpCall{url: joinURL(base, "/v1beta/models/"+m+":generateContent"), header: h, body: geminiRequest(system, user), classify: classifyGemini}
}

// parseGeminiResponse reads a generateContent response: the answer is the
// text of the first candidate's parts (thoughts left out); finishReason
// MAX_TOKENS, a safety reason, or a blocked prompt is a failure.
func parseGeminiResponse(body []byte) (*answer, error) {
	var r struct {
		Candidates []struct {
			Content struct {
				Parts []struct {
					Text    string `json:"text"`
					Thought bool   `json:"thought"`
				} `json:"parts"`
			} `json:"content"`
			FinishReason string `json:"finishReason"`
		} `json:"candidates"`
		PromptFeedback *struct {
			BlockReason string `json:"blockReason"`
		} `json:"promptFeedback"`
		UsageMetadata *struct {
			PromptTokenCount     int64 `json:"promptTokenCount"`
			CandidatesTokenCount int64 `json:"candidatesTokenCount"`
		} `json:"usageMetadata"`
		ModelVersion string `json:"modelVersion"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, failf(ClassMalformedOutput, "the response is not a generateContent object: %s", clip(err.Error(), 120))
	}
	if len(r.Candidates) == 0 {
		if r.PromptFeedback != nil && r.PromptFeedback.BlockReason != "" {
			return nil, failf(ClassRefused, "the prompt was blocked: %s", clip(r.PromptFeedback.BlockReason, 60))
		}
		return nil, failf(ClassMalformedOutput, "the response has no candidates")
	}
	c := r.Candidates[0]
	switch c.FinishReason {
	case "STOP":
	case "MAX_TOKENS":
		return nil, failf(ClassTruncated, "finishReason MAX_TOKENS: the answer hit the output token limit")
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE", "IMAGE_SAFETY":
		return nil, failf(ClassRefused, "finishReason %s: the answer was blocked", c.FinishReason)
	default:
		return nil, failf(ClassMalformedOutput, "finishReason %q, not STOP", clip(c.FinishReason, 40))
	}
	var text strings.Builder
	for _, p := range c.Content.Parts {
		if !p.Thought {
			text.WriteString(p.Text)
		}
	}
	if text.Len() == 0 {
		return nil, failf(ClassMalformedOutput, "the answer has no text")
	}
	a := &answer{json: []byte(text.String()), model: r.ModelVersion}
	if u := r.UsageMetadata; u != nil {
		a.usage = &Usage{InputTokens: u.PromptTokenCount, OutputTokens: u.CandidatesTokenCount}
	}
	return a, nil
}

// classifyGemini reads {"error":{"code","message","status","details"}}.
// A 429 with a google.rpc.QuotaFailure detail is a quota failure (not
// retried) unless every violation is a per-minute quota, which is a rate
// limit; an ErrorInfo with reason API_KEY_INVALID is an auth failure; a
// RetryInfo's retryDelay becomes the retry delay.
func classifyGemini(status int, body []byte) *failError {
	var e struct {
		Error struct {
			Message string            `json:"message"`
			Status  string            `json:"status"`
			Details []json.RawMessage `json:"details"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	class := statusClass(status)
	switch e.Error.Status {
	case "UNAUTHENTICATED", "PERMISSION_DENIED":
		class = ClassAuth
	case "RESOURCE_EXHAUSTED":
		class = ClassRateLimit
	case "UNAVAILABLE":
		class = ClassOverloaded
	case "DEADLINE_EXCEEDED":
		class = ClassTimeout
	}
	var retryAfter float64
	for _, raw := range e.Error.Details {
		var d struct {
			Type       string `json:"@type"`
			Reason     string `json:"reason"`
			RetryDelay string `json:"retryDelay"`
			Violations []struct {
				QuotaID string `json:"quotaId"`
			} `json:"violations"`
		}
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		switch {
		case strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") && (d.Reason == "API_KEY_INVALID" || d.Reason == "API_KEY_SERVICE_BLOCKED"):
			class = ClassAuth
		case strings.HasSuffix(d.Type, "google.rpc.QuotaFailure") && status == http.StatusTooManyRequests:
			perMinute := len(d.Violations) > 0
			for _, v := range d.Violations {
				perMinute = perMinute && strings.Contains(v.QuotaID, "PerMinute")
			}
			if !perMinute {
				class = ClassQuota
			}
		case strings.HasSuffix(d.Type, "google.rpc.RetryInfo"):
			if t, err := time.ParseDuration(d.RetryDelay); err == nil && t > 0 {
				retryAfter = t.Seconds()
			}
		}
	}
	fe := failf(class, "%s", httpMessage(status, e.Error.Status, e.Error.Message))
	fe.retryAfter = retryAfter
	return fe
}
