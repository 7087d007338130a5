package review

import (
	"encoding/json"
	"net/http"
	"strings"
)

// DefaultAnthropicURL is the Anthropic API's base URL.
const DefaultAnthropicURL = "https://api.anthropic.com"

// AnthropicVersion is the anthropic-version header sent.
const AnthropicVersion = "2023-06-01"

func anthropicRequest(model, system, user string) []byte {
	body := map[string]any{
		"model":      model,
		"max_tokens": maxOutputTokens,
		"system":     system,
		"messages":   []map[string]string{{"role": "user", "content": user}},
		"output_config": map[string]any{
			"format": map[string]any{"type": "json_schema", "schema": json.RawMessage(AnswerSchema)},
		},
	}
	b, _ := json.Marshal(body)
	return b
}

func anthropicCall(base, model, key, system, user string) httpCall {
	h := http.Header{"Content-Type": {"application/json"}, "Anthropic-Version": {AnthropicVersion}}
	if key != "" {
		h.Set("X-Api-Key", key)
	}
	return httpCall{url: joinURL(base, "/v1/messages"), header: h, body: anthropicRequest(model, system, user), classify: classifyAnthropic}
}

// parseAnthropicResponse reads a Messages response: the answer is the text
// of its text blocks; stop_reason max_tokens or refusal is a failure.
func parseAnthropicResponse(body []byte) (*answer, error) {
	var r struct {
		Type    string `json:"type"`
		Model   string `json:"model"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		StopReason string `json:"stop_reason"`
		Usage      *struct {
			InputTokens  int64 `json:"input_tokens"`
			OutputTokens int64 `json:"output_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, failf(ClassMalformedOutput, "the response is not a Messages object: %s", clip(err.Error(), 120))
	}
	if r.Type != "message" {
		return nil, failf(ClassMalformedOutput, "the response's type is %q, not message", clip(r.Type, 40))
	}
	switch r.StopReason {
	case "end_turn", "stop_sequence":
	case "max_tokens", "model_context_window_exceeded":
		return nil, failf(ClassTruncated, "stop_reason %s: the answer hit the token limit", r.StopReason)
	case "refusal":
		return nil, failf(ClassRefused, "stop_reason refusal: the model refused")
	default:
		return nil, failf(ClassMalformedOutput, "stop_reason %q, not end_turn", clip(r.StopReason, 40))
	}
	var text strings.Builder
	for _, c := range r.Content {
		if c.Type == "text" {
			text.WriteString(c.Text)
		}
	}
	if text.Len() == 0 {
		return nil, failf(ClassMalformedOutput, "the answer has no text")
	}
	a := &answer{json: []byte(text.String()), model: r.Model}
	if r.Usage != nil {
		a.usage = &Usage{InputTokens: r.Usage.InputTokens, OutputTokens: r.Usage.OutputTokens}
	}
	return a, nil
}

// classifyAnthropic reads {"type":"error","error":{"type","message","details"}}.
func classifyAnthropic(status int, body []byte) *failError {
	var e struct {
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
			Details struct {
				ErrorCode string `json:"error_code"`
			} `json:"details"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	class := statusClass(status)
	switch e.Error.Type {
	case "authentication_error", "permission_error":
		class = ClassAuth
	case "billing_error":
		class = ClassQuota
	case "rate_limit_error":
		class = ClassRateLimit
	case "overloaded_error":
		class = ClassOverloaded
	case "api_error":
		class = ClassServerError
	case "request_too_large":
		class = ClassContextTooLong
	case "timeout_error":
		class = ClassTimeout
	}
	if e.Error.Details.ErrorCode == "enforced_spend_limit_reached" {
		class = ClassQuota
	}
	return failf(class, "%s", httpMessage(status, firstNonEmpty(e.Error.Details.ErrorCode, e.Error.Type), e.Error.Message))
}
