// Package policy evaluates proof records with OPA (Rego v1). It embeds the
// default policy, prepares a query once and evaluates it per commit, with
// network and environment builtins removed so a policy can only look at its
// input and data.config. Output lives under data.proof: decision, deny and
// review.
//
// The effective policy (Load) is one engine built from every source's
// modules: the embedded default, the repository's .proof/policy (client
// side only) and the admin's proof.policy directory. The default derives
// decision from deny and review, so the other sources can add reasons but
// not remove them; proof.policyDefault=false leaves the default out. The
// engine's digest covers the modules and the data, and is recorded with
// every decision. RunTests runs *_test.rego files the way `opa test` does.
package policy
