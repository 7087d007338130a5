// Package policy evaluates proof records with OPA (Rego v1). It embeds the
// default policy, prepares a query once and evaluates it per commit, with
// network and environment builtins removed so a policy can only look at its
// input. Output lives under data.proof: decision, deny and review.
package policy
