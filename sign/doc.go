// Package sign signs and verifies proof records: SSH signatures (SSHSIG, the
// format of `ssh-keygen -Y sign`) over DSSE's pre-authentication encoding, and
// the trust decision from an OpenSSH allowed_signers file.
package sign
