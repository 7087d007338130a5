// Package approve records human sign-offs (`git proof approve`): after
// verifying that a commit's proof holds up to its policy step, it signs an
// approval bound to the same tree transition and appends it to the
// commit's note. Whether an approval lets a REVIEW through is the policy's
// decision, made by each verifier with its own trust.
package approve
