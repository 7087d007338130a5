// Package sign signs and verifies proof records: SSH signatures (SSHSIG, the
// format of `ssh-keygen -Y sign`) over DSSE's pre-authentication encoding, and
// the trust decision from an OpenSSH allowed_signers file.
//
// Signing shells out to ssh-keygen exactly as git does for gpg.format=ssh, so
// every key git can sign with (key files, ssh-agent, "key::" literals, FIDO
// keys) works here. A private key file without a passphrase, with no other
// gpg.ssh.program configured, is signed in process instead (the same bytes
// ssh-keygen makes, one process fewer per run). Verification
// runs in Go (github.com/hiddeco/sshsig): a verify is ~50 µs in process
// against ~5 ms per ssh-keygen process, and a log may hold thousands of
// records. The allowed_signers parser and Lookup follow ssh-keygen 9.2's
// semantics, checked by a differential test against the real tool.
//
// All signatures use the namespace Namespace ("git-proof"), so they cannot be
// confused with git commit signatures ("git") or file signatures ("file").
package sign
