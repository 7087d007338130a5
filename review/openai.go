package review

import (
	"encoding/json"
	"net/http"
)

// DefaultOpenAIURL is the OpenAI API's base URL.
const DefaultOpenAIURL = "https://api.openai.com"

// maxOutputTokens bounds every HTTP reviewer's answer.
const maxOutputTokens = 8192

func openaiRequest(model, system, user string) []byte {
	body := map[string]any{
		"model": model,
		"messages": []map[string]string{
			{"role": "system", "content": system},
			{"role": "user", "content": user},
		},
		"response_format": map[string]any{
			"type": "json_schema",
			"json_schema": map[string]any{
				"name":   "review",
				"strict": true,
				"schema": json.RawMessage(AnswerSchema),
			},
		},
		"max_completion_tokens": maxOutputTokens,
		"store":                 false, // keep the diff out of OpenAI's stored completions
	}
	b, _ := json.Marshal(body) // only maps, strings and valid raw JSON
	return b
}

func openaiCall(base, model, key, system, user string) httpCall {
	h := http.Header{"Content-Type": {"application/json"}}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	return httpCall{url: joinURL(base, "/v1/chat/completions"), header: h, body: openaiRequest(model, system, user), classify: classifyOpenAI}
}

// openaiChat is the part of a Chat Completions response that is read.
type openaiChat struct {
	Model             string `json:"model"`
	SystemFingerprint string `json:"system_fingerprint"`
	Choices           []struct {
		Message struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int64 `json:"prompt_tokens"`
		CompletionTokens int64 `json:"completion_tokens"`
	} `json:"usage"`
}

// parseOpenAIResponse reads a Chat Completions response: the answer is
// choices[0].message.content; a refusal, finish_reason length or
// content_filter, or no content is a failure.
func parseOpenAIResponse(body []byte) (*answer, error) {
	var r openaiChat
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, failf(ClassMalformedOutput, "the response is not a Chat Completions object: %s", clip(err.Error(), 120))
	}
	if len(r.Choices) == 0 {
		return nil, failf(ClassMalformedOutput, "the response has no choices")
	}
	c := r.Choices[0]
	if c.Message.Refusal != nil && *c.Message.Refusal != "" {
		return nil, failf(ClassRefused, "the model refused: %s", clip(*c.Message.Refusal, 200))
	}
	switch c.FinishReason {
	case "stop":
	case "length":
		return nil, failf(ClassTruncated, "finish_reason length: the answer hit the output token limit")
	case "content_filter":
		return nil, failf(ClassRefused, "finish_reason content_filter: the answer was filtered")
	default:
		return nil, failf(ClassMalformedOutput, "finish_reason %q, not stop", clip(c.FinishReason, 40))
	}
	if c.Message.Content == nil || *c.Message.Content == "" {
		return nil, failf(ClassMalformedOutput, "the answer has no content")
	}
	a := &answer{json: []byte(*c.Message.Content), model: r.Model, fingerprint: r.SystemFingerprint}
	if r.Usage != nil {
		a.usage = &Usage{InputTokens: r.Usage.PromptTokens, OutputTokens: r.Usage.CompletionTokens}
	}
	return a, nil
}

// classifyOpenAI reads {"error":{"message","type","param","code"}}.
func classifyOpenAI(status int, body []byte) *failError {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"` // a string, sometimes a number or null
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e) // a body that is not JSON leaves the status to decide
	code, _ := e.Error.Code.(string)
	class := statusClass(status)
	switch {
	case e.Error.Type == "insufficient_quota" || code == "insufficient_quota" || code == "billing_hard_limit_reached" ||
		code == "credit_balance_exhausted" || code == "organization_spend_limit_exceeded" || code == "project_spend_limit_exceeded":
		class = ClassQuota
	case code == "context_length_exceeded" || code == "string_above_max_length":
		class = ClassContextTooLong
	case code == "invalid_api_key" || e.Error.Type == "authentication_error":
		class = ClassAuth
	case code == "server_is_overloaded" || code == "engine_overloaded":
		class = ClassOverloaded
	}
	return failf(class, "%s", httpMessage(status, firstNonEmpty(code, e.Error.Type), e.Error.Message))
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// answer is what an adapter got from a reviewer.
type answer struct {
	json        []byte // the verdict, as JSON
	raw         []byte // the response as received (body or stdout)
	model       string // the model that answered, as the response says
	fingerprint string // OpenAI system_fingerprint
	usage       *Usage
	attempts    int
	retryWait   int64 // milliseconds
}

// Usage is what a reviewer reported it used.
type Usage struct {
	InputTokens  int64   `json:"inputTokens"`
	OutputTokens int64   `json:"outputTokens"`
	CostUSD      float64 `json:"costUsd,omitempty"`
}
