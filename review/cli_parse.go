package review

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/git-proof/git-proof/internal/lazyre"
	"sort"
	"strconv"
	"strings"
)

// parsePlainRun reads an explicit command's output: the verdict JSON on
// stdout, bare or in a ```json fence. A non-zero exit is a crash.
func parsePlainRun(r *cliRun) (*answer, error) {
	if r.exitCode != 0 {
		return nil, failf(ClassCrash, "exit status %d: %s", r.exitCode, tail(r.stderr))
	}
	j, err := extractJSON(r.stdout)
	if err != nil {
		return nil, &failError{class: ClassMalformedOutput, msg: "the output holds no verdict", err: err}
	}
	return &answer{json: j}, nil
}

// claudeEnvelope is claude -p --output-format json's result object.
type claudeEnvelope struct {
	Type             string          `json:"type"`
	Subtype          string          `json:"subtype"`
	IsError          bool            `json:"is_error"`
	Result           string          `json:"result"`
	StructuredOutput json.RawMessage `json:"structured_output"`
	TotalCostUSD     float64         `json:"total_cost_usd"`
	APIErrorStatus   int             `json:"api_error_status"`
	Usage            *struct {
		InputTokens  int64 `json:"input_tokens"`
		OutputTokens int64 `json:"output_tokens"`
	} `json:"usage"`
	ModelUsage map[string]struct {
		InputTokens  int64 `json:"inputTokens"`
		OutputTokens int64 `json:"outputTokens"`
	} `json:"modelUsage"`
}

// apiErrorRE reads the status of claude's "API Error: 529 {…}" result text,
// a fixed prefix the CLI writes, not free text.
var apiErrorRE = lazyre.New(`^API Error: ([1-5][0-9][0-9])\b\s*(\{.*)?`)

// parseClaudeEnvelope reads claude's JSON result: the answer is
// structured_output; is_error or a subtype other than success is a failure,
// classified by subtype, api_error_status, or the "API Error: NNN {json}"
// result.
func parseClaudeEnvelope(stdout []byte) (*answer, error) {
	var e claudeEnvelope
	if err := decodeEnvelope(stdout, &e); err != nil {
		return nil, fmt.Errorf("not claude's JSON result: %w", err)
	}
	if e.Type != "result" {
		return nil, fmt.Errorf("not claude's JSON result: type %q", clip(e.Type, 40))
	}
	if e.IsError || e.Subtype != "success" {
		switch e.Subtype {
		case "error_max_turns":
			return nil, failf(ClassTurnLimit, "claude: error_max_turns: it ran out of turns")
		case "error_max_budget_usd":
			return nil, failf(ClassQuota, "claude: error_max_budget_usd: over its budget")
		case "error_max_structured_output_retries":
			return nil, failf(ClassMalformedOutput, "claude: error_max_structured_output_retries: no schema-valid answer")
		}
		status := e.APIErrorStatus
		var body []byte
		if m := apiErrorRE.FindStringSubmatch(e.Result); m != nil {
			if status == 0 {
				status, _ = strconv.Atoi(m[1])
			}
			body = []byte(m[2])
		}
		if status >= 400 {
			fe := classifyAnthropic(status, body)
			fe.msg = "claude: " + fe.msg
			if len(body) == 0 && e.Result != "" {
				fe.msg += ": " + clip(e.Result, 200)
			}
			return nil, fe
		}
		return nil, failf(ClassCrash, "claude: is_error, subtype %s: %s", clip(e.Subtype, 40), clip(e.Result, 200))
	}
	so := bytes.TrimSpace(e.StructuredOutput)
	if len(so) == 0 || bytes.Equal(so, []byte("null")) {
		return nil, failf(ClassMalformedOutput, "claude: no structured_output in its result")
	}
	outs := map[string]int64{}
	for m, u := range e.ModelUsage {
		outs[m] = u.OutputTokens
	}
	a := &answer{json: so, model: mainModel(outs)}
	if e.Usage != nil || e.TotalCostUSD > 0 {
		a.usage = &Usage{CostUSD: e.TotalCostUSD}
		if e.Usage != nil {
			a.usage.InputTokens, a.usage.OutputTokens = e.Usage.InputTokens, e.Usage.OutputTokens
		}
	}
	return a, nil
}

// mainModel is the model with the most output tokens (the first by name on
// a tie); "" for none.
func mainModel(outputs map[string]int64) string {
	names := make([]string, 0, len(outputs))
	for k := range outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestOut := "", int64(-1)
	for _, n := range names {
		if outputs[n] > bestOut {
			best, bestOut = n, outputs[n]
		}
	}
	return best
}

func parseClaudeRun(r *cliRun) (*answer, error) {
	a, err := parseClaudeEnvelope(r.stdout)
	if fe := (*failError)(nil); errors.As(err, &fe) {
		return nil, err
	}
	if err != nil {
		if r.exitCode != 0 {
			return nil, failf(ClassCrash, "claude: exit status %d: %s", r.exitCode, tail(r.stderr))
		}
		return nil, &failError{class: ClassMalformedOutput, msg: "claude", err: err}
	}
	if r.exitCode != 0 {
		return nil, failf(ClassCrash, "claude: exit status %d after a successful result", r.exitCode)
	}
	return a, nil
}

// codexEvent is one line of codex exec --json.
type codexEvent struct {
	Type string `json:"type"`
	Item *struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"item"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
	Message string `json:"message"` // of an "error" event
	Usage   *struct {
		InputTokens  int64 `json:"input_tokens"`
		OutputTokens int64 `json:"output_tokens"`
	} `json:"usage"`
}

// parseCodexEvents reads codex's JSONL events. The answer is the text of
// the last item.completed agent_message; the last terminal event decides:
// turn.completed is success, turn.failed or an error event after the last
// turn.completed a failure (an error event followed by turn.completed was
// a reconnect). Lines that are not JSON objects are skipped.
func parseCodexEvents(stdout []byte) (a *answer, failure *failError, terminal bool) {
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64<<10), MaxStdoutBytes)
	var text string
	var gotText bool
	var usage *Usage
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var ev codexEvent
		if json.Unmarshal(line, &ev) != nil {
			continue
		}
		switch ev.Type {
		case "item.completed":
			if ev.Item != nil && ev.Item.Type == "agent_message" && strings.TrimSpace(ev.Item.Text) != "" {
				text, gotText = ev.Item.Text, true
			}
		case "turn.completed":
			failure, terminal = nil, true
			if ev.Usage != nil {
				usage = &Usage{InputTokens: ev.Usage.InputTokens, OutputTokens: ev.Usage.OutputTokens}
			}
		case "turn.failed":
			msg := ""
			if ev.Error != nil {
				msg = ev.Error.Message
			}
			failure, terminal = classifyCodexMessage("turn.failed", msg), true
		case "error":
			failure, terminal = classifyCodexMessage("error", ev.Message), true
		}
	}
	if failure != nil {
		return nil, failure, true
	}
	if !gotText {
		return nil, nil, terminal
	}
	return &answer{json: []byte(text), usage: usage}, nil, terminal
}

// codexStatusRE reads an HTTP status that codex writes into its error
// messages ("unexpected status 401 Unauthorized", "last status: 429").
var codexStatusRE = lazyre.New(`\bstatus:? ([1-5][0-9][0-9])\b`)

// classifyCodexMessage classifies a codex error event by the HTTP status
// and the OpenAI error object it carries, when it carries them.
func classifyCodexMessage(event, msg string) *failError {
	status := 0
	if m := codexStatusRE.FindStringSubmatch(msg); m != nil {
		status, _ = strconv.Atoi(m[1])
	}
	if i := strings.Index(msg, "{"); i >= 0 && status >= 400 {
		fe := classifyOpenAI(status, []byte(msg[i:]))
		if fe.class != statusClass(status) || strings.Contains(msg[i:], `"error"`) {
			fe.msg = "codex " + event + ": " + fe.msg
			return fe
		}
	}
	if status >= 400 {
		return failf(statusClass(status), "codex %s: %s", event, clip(msg, 300))
	}
	return failf(ClassCrash, "codex %s: %s", event, clip(msg, 300))
}

func parseCodexRun(r *cliRun) (*answer, error) {
	a, failure, terminal := parseCodexEvents(r.stdout)
	switch {
	case failure != nil:
		return nil, failure
	case r.exitCode != 0:
		return nil, failf(ClassCrash, "codex: exit status %d: %s", r.exitCode, tail(r.stderr))
	case a == nil && !terminal:
		return nil, failf(ClassMalformedOutput, "codex: no turn.completed event in its output")
	case a == nil:
		return nil, failf(ClassMalformedOutput, "codex: no agent_message in its output")
	}
	return a, nil
}

// geminiEnvelope is gemini -o json's object.
type geminiEnvelope struct {
	Response *string `json:"response"`
	Stats    *struct {
		Models map[string]geminiModelStats `json:"models"`
	} `json:"stats"`
	Error *struct {
		Type    string          `json:"type"`
		Message string          `json:"message"`
		Code    json.RawMessage `json:"code"`
	} `json:"error"`
}

type geminiModelStats struct {
	Tokens struct {
		Prompt     int64 `json:"prompt"`
		Candidates int64 `json:"candidates"`
	} `json:"tokens"`
}

// Gemini CLI exit codes (packages/core/src/utils/errors.ts).
const (
	geminiExitAuth      = 41
	geminiExitInput     = 42
	geminiExitSandbox   = 44
	geminiExitConfig    = 52
	geminiExitTurnLimit = 53
	geminiExitTool      = 54
	geminiExitCancelled = 130
)

// geminiClass maps a gemini CLI code (its exit code, or error.code, which
// is an exit code or an HTTP status) to a class; "" if unknown.
func geminiClass(code int) string {
	switch code {
	case geminiExitAuth:
		return ClassAuth
	case geminiExitInput:
		return ClassBadRequest
	case geminiExitTurnLimit:
		return ClassTurnLimit
	case geminiExitSandbox, geminiExitConfig, geminiExitTool:
		return ClassCrash
	case geminiExitCancelled:
		return ClassTimeout
	}
	if code >= 400 && code <= 599 {
		return statusClass(code)
	}
	return ""
}

// parseGeminiEnvelope reads gemini's JSON object: the answer is the JSON in
// response (bare or fenced); error{type,message,code} is a failure.
func parseGeminiEnvelope(stdout []byte, exitCode int) (*answer, error) {
	var e geminiEnvelope
	if err := decodeEnvelope(stdout, &e); err != nil {
		return nil, fmt.Errorf("not gemini's JSON output: %w", err)
	}
	if e.Error != nil || exitCode != 0 {
		code := 0
		msg := ""
		if e.Error != nil {
			var n json.Number
			var s string
			if json.Unmarshal(e.Error.Code, &n) == nil {
				c, _ := n.Int64()
				code = int(max(min(c, 1000), 0))
			} else if json.Unmarshal(e.Error.Code, &s) == nil {
				code, _ = strconv.Atoi(s)
			}
			msg = clip(e.Error.Type, 60) + ": " + clip(e.Error.Message, 300)
		}
		class := geminiClass(code)
		if class == "" {
			class = geminiClass(exitCode)
		}
		if class == "" {
			class = ClassCrash
		}
		return nil, failf(class, "gemini: exit status %d, error code %d: %s", exitCode, code, msg)
	}
	if e.Response == nil {
		return nil, failf(ClassMalformedOutput, "gemini: no response in its output")
	}
	j, err := extractJSON([]byte(*e.Response))
	if err != nil {
		return nil, &failError{class: ClassMalformedOutput, msg: "gemini", err: err}
	}
	a := &answer{json: j}
	if e.Stats != nil && len(e.Stats.Models) > 0 {
		a.usage = &Usage{}
		outs := map[string]int64{}
		for name, m := range e.Stats.Models {
			outs[name] = m.Tokens.Candidates
			a.usage.InputTokens += m.Tokens.Prompt
			a.usage.OutputTokens += m.Tokens.Candidates
		}
		a.model = mainModel(outs)
	}
	return a, nil
}

func parseGeminiRun(r *cliRun) (*answer, error) {
	a, err := parseGeminiEnvelope(r.stdout, r.exitCode)
	if fe := (*failError)(nil); errors.As(err, &fe) {
		return nil, err
	}
	if err != nil {
		if c := geminiClass(r.exitCode); c != "" {
			return nil, failf(c, "gemini: exit status %d: %s", r.exitCode, tail(r.stderr))
		}
		if r.exitCode != 0 {
			return nil, failf(ClassCrash, "gemini: exit status %d: %s", r.exitCode, tail(r.stderr))
		}
		return nil, &failError{class: ClassMalformedOutput, msg: "gemini", err: err}
	}
	return a, nil
}

// decodeEnvelope decodes a CLI's JSON object, skipping lines of text a CLI
// may print before it ("Loaded cached credentials."): the object starts at
// the first line that starts with '{'.
func decodeEnvelope(data []byte, v any) error {
	start := 0
	for start < len(data) {
		line := bytes.TrimLeft(data[start:], " \t\r")
		if len(line) > 0 && line[0] == '{' {
			break
		}
		nl := bytes.IndexByte(data[start:], '\n')
		if nl < 0 {
			start = len(data)
			break
		}
		start += nl + 1
	}
	if start >= len(data) {
		return fmt.Errorf("no JSON object in the output")
	}
	return decodeOne(data[start:], v)
}

// decodeOne decodes exactly one JSON value from data.
func decodeOne(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s", clip(err.Error(), 120))
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON object")
	}
	return nil
}
