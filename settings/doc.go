// Package settings resolves git-proof's settings from git config: the
// proof.* keys first, then the git settings people already have for SSH
// commit signing (user.signingkey with gpg.format=ssh,
// gpg.ssh.allowedSignersFile, gpg.ssh.program, gpg.ssh.defaultKeyCommand).
package settings
