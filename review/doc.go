// Package review runs a blinded, independent, multi-model review of a
// change and records what each reviewer said. It never decides: each
// reviewer's verdict and findings are inputs to the OPA policy, which may
// count at most one vote per vendor and must never let an "approve"
// outweigh failing checks or holdouts.
//
// # Blinding
//
// Every reviewer of a run gets byte-identical prompts (Prompt): a fixed
// system prompt holding the review rules and the answer schema, and a user
// prompt holding the REDACTED contract and the diff, each wrapped in
// <untrusted-NONCE> tags whose NONCE is 128 random bits chosen so that the
// data does not contain it (NewNonce). The system prompt says that tagged
// content is data, never instructions. Holdouts never reach a reviewer: the
// caller passes the redacted contract only. No reviewer sees another's
// output; they run in parallel. Report.PromptSHA256 and each
// Result.PromptSHA256 record what was sent.
//
// # Reviewers
//
// config.Reviewer says how to reach one. Kind command runs a CLI: a preset
// (claude -p …, codex exec …, gemini -p …, with the non-interactive,
// tool-less flags the presets carry) or an explicit argv. The prompt goes
// to its stdin, never argv (a single argv string is limited to 128 KiB on
// Linux). It runs in an EMPTY temporary directory that is also its HOME (so
// no CLAUDE.md, AGENTS.md or GEMINI.md, and no user config, is loaded),
// removed afterwards; with only PATH, HOME and its API key variable in its
// environment; in its own process group, which is killed whole at the
// reviewer's deadline and after it exits. Kinds openai, anthropic and
// gemini call the vendor's HTTP API with net/http (Chat Completions with a
// strict json_schema response format, Messages with output_config.format,
// generateContent with responseJsonSchema), retrying as the vendors' SDKs
// do: at most MaxRetries times on connection errors, 408, 409, 429 and
// ≥ 500 (x-should-retry overrides), after Retry-After-Ms / Retry-After
// (capped at MaxServerDelay) or an exponential backoff with jitter, never
// past the deadline and never on quota or billing errors.
//
// # Outcomes
//
// Each reviewer ends ok (a valid verdict), unavailable (a Failure with a
// class, whether it is transient, the attempts and what to do) or skipped
// (nothing was sent: a secret in the prompt, nothing left after
// review.exclude, a diff over review.maxDiffBytes). Failures are classified
// from structured signals only: HTTP status and the error body's
// type/code, claude's subtype and api_error_status, codex's turn.failed
// and error events, gemini's exit codes and error object; never by
// searching free text for words like "auth".
//
// # Answers
//
// ParseVerdict reads an answer strictly against AnswerSchema. A finding
// whose evidence (whitespace-normalised) does not occur in the diff's
// added or context lines is dropped and counted. Kept findings are written
// as SARIF 2.1.0, one run per reviewer (Report.SARIF, stored by the caller
// by its digest); each Result carries counts by severity and digests of
// its prompt, schema, response and SARIF run.
//
// # Secrets
//
// Before anything is sent, the whole outgoing prompt is scanned with
// gitleaks-style rules (cloud and vendor key formats, PEM private keys, and
// credential-named assignments of high-entropy values). A hit sends
// nothing: every reviewer is skipped with class secret, and the message
// names the diff file and line.
//
// # Cache
//
// Ok results are cached under Options.CacheDir, keyed by the diff, the
// contract, the reviewer's configuration and PromptVersion, so a second run
// over the same inputs asks no one. Failures are never cached.
package review
