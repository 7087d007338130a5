// Command genhistory builds the fixture of the verify benchmark: a git
// repository with N linear commits, each SSH-signed the way git signs
// (`git commit -S` with gpg.format=ssh), and each carrying a git-proof record
// on refs/notes/proof that `git proof verify` accepts under the default
// policy (AUTO_OK).
//
//	genhistory -dir bench/out/fixture -n 10000
//
// Every commit changes one to three files (a test file always, its source
// file mostly, now and then a file added or deleted), so each one has a real
// tree transition and a non-empty diff. The fixture is deterministic: the
// same -n, -seed and layout give the same commit ids.
//
// How objects are written, and why:
//
//   - git fast-import (2.39) cannot write a commit's gpgsig header (it
//     refuses a `gpgsig` command; support came in a later git), and each
//     commit's id depends on its signature, which depends on its tree and
//     parent ids. So the generator computes every object id itself (SHA-1 of
//     "<type> <size>\0<content>", as git does) and signs in-process:
//     ssh-keygen per signature would cost ~4 ms × 20,000 signatures.
//   - All objects (blobs, trees, signed commits, note blobs, the notes
//     fanout trees and the notes commit) go into one pack that is streamed to
//     `git index-pack --stdin --strict`. That is one git process instead of
//     ~60,000 loose-object files or 10,000 hash-object calls, and git itself
//     re-hashes and fsck-checks every object on the way in, so a wrong id or
//     a malformed commit header fails the generator instead of the benchmark.
//   - The refs are set with `git update-ref`; afterwards `git repack -adq`
//     and `git commit-graph write --reachable` leave the repository the way
//     a maintained one looks, the same for both sides of the benchmark.
//
// The proof records are made with the product's own code (proofpack
// predicate types, NewStatementPayload, SignPayload, EncodeRecord), so their
// format is exactly what `git proof run` writes. Finally every recorded diff
// digest is compared with the one git's own diff-tree yields.
package main

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"crypto/ed25519"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/git-proof/git-proof/gitx"
	"github.com/git-proof/git-proof/policy"
	"github.com/git-proof/git-proof/proofpack"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

const (
	zeroID    = "0000000000000000000000000000000000000000"
	emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	principal = "bench@git-proof.invalid"
	userName  = "Bench Author"
	epoch     = 1767225600 // 2026-01-01T00:00:00Z; commit i is at epoch + 60·i
)

func main() {
	var (
		dir   = flag.String("dir", "", "directory of the repository to create (must not exist, or be empty)")
		n     = flag.Int("n", 10000, "number of commits")
		seed  = flag.String("seed", "git-proof bench", "seed of the signing key and of the edits")
		pkgs  = flag.Int("pkgs", 16, "packages (directories) under src/")
		files = flag.Int("files", 8, "source files per package (each with a _test.go file)")
	)
	flag.Parse()
	if *dir == "" || *n < 1 || *pkgs < 1 || *files < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *dir, *n, *seed, *pkgs, *files); err != nil {
		fmt.Fprintln(os.Stderr, "genhistory:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "genhistory: "+format+"\n", args...)
}

func run(ctx context.Context, dir string, n int, seed string, npkgs, nfiles int) error {
	start := time.Now()
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s exists and is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	repoDir := filepath.Join(dir, "repo")
	if err := git(ctx, "", nil, "init", "-q", "-b", "main", repoDir); err != nil {
		return err
	}

	// The signing key: ed25519 from the seed, written in OpenSSH format so
	// git (user.signingkey) and ssh-keygen can use it too.
	keySeed := sha256.Sum256([]byte("key:" + seed))
	priv := ed25519.NewKeyFromSeed(keySeed[:])
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return err
	}
	keyFile := filepath.Join(dir, "key")
	block, err := ssh.MarshalPrivateKey(priv, principal)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	pubLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	if err := os.WriteFile(keyFile+".pub", []byte(pubLine+" "+principal+"\n"), 0o644); err != nil {
		return err
	}
	allowed := filepath.Join(dir, "allowed_signers")
	if err := os.WriteFile(allowed, []byte(principal+` namespaces="git,git-proof" `+pubLine+"\n"), 0o644); err != nil {
		return err
	}

	eng, err := policy.New(ctx, policy.Default())
	if err != nil {
		return err
	}

	// 1. The history: trees, blobs and signed commits, in order.
	t0 := time.Now()
	objs := newObjectSet()
	h := newHistory(objs, npkgs, nfiles, seed)
	commits := make([]*commitInfo, 0, n)
	parent, parentTree := "", emptyTree
	for i := 0; i < n; i++ {
		ci := h.next(i)
		ci.parent, ci.baseTree = parent, parentTree
		ci.time = int64(epoch + 60*i)
		body := commitBody(ci)
		sig, err := sshsig.Sign(bytes.NewReader(body), signer, sshsig.HashSHA512, "git")
		if err != nil {
			return fmt.Errorf("sign commit %d: %w", i, err)
		}
		ci.id = objs.add(objCommit, withSignature(body, armor(sig.Marshal())))
		commits = append(commits, ci)
		parent, parentTree = ci.id, ci.tree
	}
	logf("%d signed commits, %d objects in %s", n, len(objs.list), time.Since(t0).Round(time.Millisecond))

	// 2. One proof record per commit, built in parallel: encoding the
	// statement dominates, signing is ~20 µs.
	t0 = time.Now()
	ds := &dsseSigner{signer: signer, keyID: ssh.FingerprintSHA256(signer.PublicKey())}
	recs := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				recs[i], errs[i] = record(ctx, commits[i], ds, eng.Digest())
			}
		}(w)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// The records must pass the policy: check the first and a sample, so a
	// change of the default policy fails here with its reasons.
	for i := 0; i < n; i += max(1, n/10) {
		if err := checkPolicy(ctx, eng, commits[i]); err != nil {
			return err
		}
	}
	noteBlobs := make(map[string]string, n) // commit → note blob
	for i, c := range commits {
		noteBlobs[c.id] = objs.add(objBlob, recs[i])
	}
	notesTree := writeNotesTree(objs, noteBlobs)
	notesCommit := objs.add(objCommit, []byte(fmt.Sprintf("tree %s\nauthor %s\ncommitter %s\n\nNotes added by 'git proof run' (bench/cmd/genhistory)\n",
		notesTree, ident(epoch+60*int64(n)), ident(epoch+60*int64(n)))))
	logf("%d proof records in %s", n, time.Since(t0).Round(time.Millisecond))

	// 3. Into git: one pack, the refs, the settings.
	t0 = time.Now()
	if err := objs.indexPack(ctx, repoDir); err != nil {
		return err
	}
	tip := commits[n-1].id
	if err := git(ctx, repoDir, nil, "update-ref", "-m", "genhistory", "refs/heads/main", tip, ""); err != nil {
		return err
	}
	if err := git(ctx, repoDir, nil, "update-ref", "-m", "genhistory", "refs/notes/proof", notesCommit, ""); err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{"user.name", userName},
		{"user.email", principal},
		{"gpg.format", "ssh"},
		{"user.signingkey", keyFile},
		{"gpg.ssh.allowedSignersFile", allowed},
		{"proof.allowedSignersFile", allowed},
		{"notes.proof.mergeStrategy", "cat_sort_uniq"},
	} {
		if err := git(ctx, repoDir, nil, "config", kv[0], kv[1]); err != nil {
			return err
		}
	}
	logf("index-pack, refs and config in %s", time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	if err := git(ctx, repoDir, nil, "repack", "-adq"); err != nil {
		return err
	}
	if err := git(ctx, repoDir, nil, "commit-graph", "write", "--reachable"); err != nil {
		return err
	}
	if err := git(ctx, repoDir, nil, "read-tree", "--reset", "-u", "main"); err != nil {
		return err
	}
	logf("repack, commit-graph, checkout in %s", time.Since(t0).Round(time.Millisecond))

	// 4. Cross-check with git: the commit count and every diff digest.
	t0 = time.Now()
	if err := crossCheck(ctx, repoDir, commits); err != nil {
		return err
	}
	logf("cross-checked %d diff digests with git diff-tree in %s", n, time.Since(t0).Round(time.Millisecond))
	if err := sshKeygenCheck(ctx, dir, allowed, recs[n-1]); err != nil {
		return err
	}
	logf("stock ssh-keygen -Y verify accepts a proof record's signature")
	logf("done in %s: %s (root %s, tip %s)", time.Since(start).Round(time.Millisecond), repoDir, commits[0].id, tip)
	return nil
}

// ---------------------------------------------------------------------------
// Objects and the pack

const (
	objCommit = 1
	objTree   = 2
	objBlob   = 3
)

var typeNames = map[int]string{objCommit: "commit", objTree: "tree", objBlob: "blob"}

type object struct {
	typ  int
	data []byte
}

// objectSet holds every object to write, once each, in creation order.
type objectSet struct {
	seen map[string]bool
	list []object
}

func newObjectSet() *objectSet { return &objectSet{seen: map[string]bool{}} }

func (s *objectSet) add(typ int, data []byte) string {
	id := gitx.HashObject("sha1", typeNames[typ], data)
	if !s.seen[id] {
		s.seen[id] = true
		s.list = append(s.list, object{typ, data})
	}
	return id
}

// indexPack streams every object, undeltified, as one version-2 pack into
// `git index-pack --stdin --strict`, which stores it under objects/pack.
func (s *objectSet) indexPack(ctx context.Context, repoDir string) error {
	cmd := exec.CommandContext(ctx, "git", "-C", repoDir, "index-pack", "--stdin", "--strict")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	sum := sha1.New()
	bw := bufio.NewWriterSize(stdin, 1<<20)
	w := io.MultiWriter(bw, sum)
	var hdr [12]byte
	copy(hdr[:], "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(len(s.list)))
	werr := func() error {
		if _, err := w.Write(hdr[:]); err != nil {
			return err
		}
		zw, _ := zlib.NewWriterLevel(w, zlib.BestSpeed)
		for _, o := range s.list {
			// Type and size: 3 bits of type and 4 of size, then 7 bits
			// per byte, the high bit saying more follows.
			size := len(o.data)
			b := []byte{byte(o.typ<<4) | byte(size&0x0f)}
			size >>= 4
			for size > 0 {
				b[len(b)-1] |= 0x80
				b = append(b, byte(size&0x7f))
				size >>= 7
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
			zw.Reset(w)
			if _, err := zw.Write(o.data); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
		}
		if _, err := bw.Write(sum.Sum(nil)); err != nil {
			return err
		}
		return bw.Flush()
	}()
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git index-pack: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return werr
}

// ---------------------------------------------------------------------------
// The work tree model

// dir is a directory of the model; files map names to blob ids.
type dir struct {
	files map[string]string
	dirs  map[string]*dir
	id    string // "" when it must be recomputed
}

func newDir() *dir { return &dir{files: map[string]string{}, dirs: map[string]*dir{}} }

// set puts blob (or removes the file, for "") at path, marking the
// directories on the way dirty; it returns the previous blob.
func (d *dir) set(path, blob string) string {
	d.id = ""
	name, rest, sub := strings.Cut(path, "/")
	if sub {
		c := d.dirs[name]
		if c == nil {
			c = newDir()
			d.dirs[name] = c
		}
		old := c.set(rest, blob)
		if len(c.files) == 0 && len(c.dirs) == 0 {
			delete(d.dirs, name)
		}
		return old
	}
	old := d.files[name]
	if blob == "" {
		delete(d.files, name)
	} else {
		d.files[name] = blob
	}
	return old
}

// hash writes the dirty trees and returns d's tree id.
func (d *dir) hash(objs *objectSet) string {
	if d.id != "" {
		return d.id
	}
	var items []gitx.TreeItem
	for name, id := range d.files {
		items = append(items, gitx.TreeItem{Mode: "100644", Name: name, ID: id})
	}
	for name, c := range d.dirs {
		items = append(items, gitx.TreeItem{Mode: gitx.TreeMode, Name: name, ID: c.hash(objs)})
	}
	data, err := gitx.EncodeTree(items)
	if err != nil {
		// The ids are the generator's own hashes: a bug, not input.
		fmt.Fprintf(os.Stderr, "genhistory: %v\n", err)
		os.Exit(1)
	}
	d.id = objs.add(objTree, data)
	return d.id
}

// change is one changed path of a commit.
type change struct {
	path     string
	old, new string // blob ids, "" when absent
}

type commitInfo struct {
	index    int
	id       string
	tree     string
	repro    string // base code with head's tests
	parent   string
	baseTree string
	time     int64
	msg      string
	changes  []change
	test     string // the test the commit fixes
	nTests   int    // test files in head
	total    int    // tests that pass on head
}

// history makes the commits' content; all randomness comes from the seed.
type history struct {
	objs          *objectSet
	root          *dir
	npkgs, nfiles int
	rng           uint64
	rev           map[string]int // path → revision
	extras        []string       // added files that may be deleted again
	tests         int
}

func newHistory(objs *objectSet, npkgs, nfiles int, seed string) *history {
	s := sha256.Sum256([]byte("edits:" + seed))
	return &history{objs: objs, root: newDir(), npkgs: npkgs, nfiles: nfiles,
		rng: binary.LittleEndian.Uint64(s[:]) | 1, rev: map[string]int{}}
}

func (h *history) rand(n int) int {
	// xorshift64*: deterministic and good enough to pick files.
	h.rng ^= h.rng >> 12
	h.rng ^= h.rng << 25
	h.rng ^= h.rng >> 27
	return int(((h.rng * 2685821657736338717) >> 33) % uint64(n))
}

func srcPath(p, f int) string  { return fmt.Sprintf("src/pkg%02d/file%02d.go", p, f) }
func testPath(p, f int) string { return fmt.Sprintf("src/pkg%02d/file%02d_test.go", p, f) }

func (h *history) content(path string) []byte {
	r := h.rev[path]
	pkg := filepath.Base(filepath.Dir(path))
	base := strings.TrimSuffix(filepath.Base(path), ".go")
	fn := strings.ToUpper(base[:1]) + strings.ReplaceAll(base[1:], "_test", "")
	if strings.HasSuffix(path, "_test.go") {
		return fmt.Appendf(nil, "package %s\n\nimport \"testing\"\n\n// Test%s checks revision %d.\nfunc Test%sRev%d(t *testing.T) {\n\tif got := %s(); got != %d {\n\t\tt.Fatalf(\"%s() = %%d, want %d\", got)\n\t}\n}\n",
			pkg, fn, r, fn, r, fn, r, fn, r)
	}
	return fmt.Appendf(nil, "package %s\n\n// %s is at revision %d.\nfunc %s() int {\n\treturn %d\n}\n", pkg, fn, r, fn, r)
}

// put writes path at its next revision and records the change.
func (h *history) put(ci *commitInfo, path string) {
	h.rev[path]++
	blob := h.objs.add(objBlob, h.content(path))
	old := h.root.set(path, blob)
	ci.changes = append(ci.changes, change{path, old, blob})
}

func (h *history) remove(ci *commitInfo, path string) {
	old := h.root.set(path, "")
	ci.changes = append(ci.changes, change{path, old, ""})
}

// next makes commit i: test files change first (that state is the repro
// tree: base code with head's tests), then the rest (the head tree).
func (h *history) next(i int) *commitInfo {
	ci := &commitInfo{index: i}
	if i == 0 {
		for p := 0; p < h.npkgs; p++ {
			for f := 0; f < h.nfiles; f++ {
				h.put(ci, testPath(p, f))
				h.tests++
			}
		}
		ci.repro = h.root.hash(h.objs)
		h.put(ci, "README.md")
		h.put(ci, "go.mod")
		for p := 0; p < h.npkgs; p++ {
			for f := 0; f < h.nfiles; f++ {
				h.put(ci, srcPath(p, f))
			}
		}
		ci.tree = h.root.hash(h.objs)
		ci.msg = fmt.Sprintf("Initial layout: %d packages of %d files", h.npkgs, h.nfiles)
		ci.test, ci.nTests, ci.total = "pkg00.TestFile00Rev1", h.tests, h.tests
		return ci
	}
	p, f := h.rand(h.npkgs), h.rand(h.nfiles)
	h.put(ci, testPath(p, f))
	ci.repro = h.root.hash(h.objs)
	verb := "test"
	if h.rand(10) < 8 {
		h.put(ci, srcPath(p, f))
		verb = "fix"
	}
	switch {
	case i%97 == 0:
		path := fmt.Sprintf("src/pkg%02d/extra%05d.go", p, i)
		h.put(ci, path)
		h.extras = append(h.extras, path)
	case i%211 == 0 && len(h.extras) > 0:
		h.remove(ci, h.extras[0])
		h.extras = h.extras[1:]
	}
	ci.tree = h.root.hash(h.objs)
	name := fmt.Sprintf("File%02d", f)
	ci.msg = fmt.Sprintf("pkg%02d: %s %s (change %d)", p, verb, strings.ToLower(name[:1])+name[1:], i)
	ci.test = fmt.Sprintf("pkg%02d.Test%sRev%d", p, name, h.rev[testPath(p, f)])
	ci.nTests, ci.total = h.tests, h.tests
	return ci
}

// ---------------------------------------------------------------------------
// Commits signed the way git signs them

func ident(t int64) string { return fmt.Sprintf("%s <%s> %d +0000", userName, principal, t) }

// commitBody is the commit object without its signature: what git signs.
func commitBody(ci *commitInfo) []byte {
	var b bytes.Buffer
	b.WriteString("tree " + ci.tree + "\n")
	if ci.parent != "" {
		b.WriteString("parent " + ci.parent + "\n")
	}
	b.WriteString("author " + ident(ci.time) + "\n")
	b.WriteString("committer " + ident(ci.time) + "\n")
	b.WriteString("\n" + ci.msg + "\n")
	return b.Bytes()
}

// armor formats an SSHSIG blob as ssh-keygen does (base64 lines of 70).
func armor(blob []byte) []byte {
	s := base64.StdEncoding.EncodeToString(blob)
	var b bytes.Buffer
	b.WriteString("-----BEGIN SSH SIGNATURE-----\n")
	for len(s) > 70 {
		b.WriteString(s[:70] + "\n")
		s = s[70:]
	}
	b.WriteString(s + "\n-----END SSH SIGNATURE-----\n")
	return b.Bytes()
}

// withSignature inserts the gpgsig header at the end of the commit's
// headers, continuation lines indented by one space (git's
// add_header_signature).
func withSignature(body, sig []byte) []byte {
	end := bytes.Index(body, []byte("\n\n")) + 1
	var b bytes.Buffer
	b.Write(body[:end])
	b.WriteString("gpgsig ")
	lines := strings.Split(strings.TrimSuffix(string(sig), "\n"), "\n")
	b.WriteString(strings.Join(lines, "\n ") + "\n")
	b.Write(body[end:])
	return b.Bytes()
}

// ---------------------------------------------------------------------------
// Proof records

// dsseSigner signs DSSE PAE bytes in-process, producing what git-proof's
// ssh-keygen based signer produces: an SSHSIG blob in namespace
// "git-proof", sha512, keyid the key's SHA256 fingerprint.
type dsseSigner struct {
	signer ssh.Signer
	keyID  string
}

func (s *dsseSigner) Sign(_ context.Context, data []byte) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(data), s.signer, sshsig.HashSHA512, "git-proof")
	if err != nil {
		return nil, err
	}
	return sig.Marshal(), nil
}

func (s *dsseSigner) KeyID() (string, error) { return s.keyID, nil }

func diffEntries(ci *commitInfo) []gitx.DiffEntry {
	var es []gitx.DiffEntry
	for _, c := range ci.changes {
		e := gitx.DiffEntry{OldMode: "100644", NewMode: "100644", OldID: c.old, NewID: c.new, Status: 'M', Path: c.path}
		switch {
		case c.old == "":
			e.OldMode, e.OldID, e.Status = "000000", zeroID, 'A'
		case c.new == "":
			e.NewMode, e.NewID, e.Status = "000000", zeroID, 'D'
		}
		es = append(es, e)
	}
	return es
}

func treeResult(tree, status string, passed, failed int, failedTests []string, out string) *proofpack.TreeResult {
	sum := sha256.Sum256([]byte(out))
	t := &proofpack.TreeResult{Tree: tree, Status: status, DurationMS: 1200 + int64(len(out)%300),
		OutputSHA256: hex.EncodeToString(sum[:]), OutputBytes: int64(900*passed + len(out)),
		Passed: passed, Failed: failed, FailedTests: failedTests}
	if status == "fail" {
		t.ExitCode = 1
	}
	return t
}

func predicate(ci *commitInfo, policyDigest string) *proofpack.Predicate {
	entries := diffEntries(ci)
	diff := proofpack.Diff{SHA256: proofpack.DiffSHA256(entries), Files: len(entries)}
	for _, c := range ci.changes {
		if c.old != "" {
			diff.Deletions += 2
		}
		if c.new != "" {
			diff.Additions += 2
		}
	}
	base := proofpack.Base{Commit: ci.parent, Tree: ci.baseTree}
	// On the base the commit's test does not exist yet; with head's tests on
	// base code (repro) it fails; on head everything passes.
	var baseRes *proofpack.TreeResult
	if ci.parent == "" {
		baseRes = treeResult(ci.baseTree, "fail", 0, 0, nil, "no Go files")
	} else {
		baseRes = treeResult(ci.baseTree, "pass", ci.total-1, 0, nil, "base "+ci.baseTree)
	}
	return &proofpack.Predicate{
		SchemaVersion: proofpack.SchemaVersion,
		CreatedAt:     time.Unix(ci.time+30, 0).UTC().Format(time.RFC3339),
		Tool:          proofpack.Tool{Name: "git-proof", Version: "0.1.0-dev"},
		Creator:       proofpack.Identity{Name: userName, Email: principal},
		Commit:        ci.id,
		Tree:          ci.tree,
		Base:          base,
		Repro:         proofpack.Repro{Tree: ci.repro, TestGlobs: []string{"**/*_test.go"}, TestFiles: ci.nTests},
		Diff:          diff,
		Contract:      proofpack.Contract{Status: "none"},
		Environment:   proofpack.Environment{OS: "linux", Arch: "amd64", GitVersion: "2.39.5", GoVersion: runtime.Version()},
		Checks: []proofpack.Check{{
			Name: "test", Kind: "test", Command: "go test -json ./...", Format: "gotestjson",
			Base:  baseRes,
			Repro: treeResult(ci.repro, "fail", ci.total-1, 1, []string{ci.test}, "repro "+ci.repro),
			Head:  treeResult(ci.tree, "pass", ci.total, 0, nil, "head "+ci.tree),
			Fixed: []string{ci.test}, Added: []string{ci.test},
		}},
		Policy:   proofpack.PolicyResult{SHA256: policyDigest, Decision: proofpack.AutoOK},
		Decision: proofpack.AutoOK,
	}
}

func record(ctx context.Context, ci *commitInfo, s *dsseSigner, policyDigest string) ([]byte, error) {
	p := predicate(ci, policyDigest)
	payload, err := proofpack.NewStatementPayload(p)
	if err != nil {
		return nil, err
	}
	env, err := proofpack.SignPayload(ctx, payload, s)
	if err != nil {
		return nil, err
	}
	return proofpack.EncodeRecord(p, env)
}

func checkPolicy(ctx context.Context, eng *policy.Engine, ci *commitInfo) error {
	p := predicate(ci, eng.Digest())
	p.Normalize()
	pj, err := json.Marshal(p)
	if err != nil {
		return err
	}
	parents := []string{}
	if ci.parent != "" {
		parents = []string{ci.parent}
	}
	res, err := eng.Eval(ctx, &policy.Input{
		Proofpack: json.RawMessage(pj), // not []byte: that would reach the policy as a base64 string
		Signer:    policy.Signer{Signed: true, Verified: true, Trusted: true, Principal: principal},
		Commit:    policy.Commit{ID: ci.id, Tree: ci.tree, Parents: parents},
		Context:   "verify",
	})
	if err != nil {
		return fmt.Errorf("policy on commit %d: %w", ci.index, err)
	}
	if res.Decision != proofpack.AutoOK {
		return fmt.Errorf("the default policy decides %s on commit %d: %v", res.Decision, ci.index, res.Reasons())
	}
	return nil
}

// writeNotesTree lays the notes out with git's 2/38 fanout.
func writeNotesTree(objs *objectSet, notes map[string]string) string {
	root := newDir()
	for obj, blob := range notes {
		root.set(obj[:2]+"/"+obj[2:], blob)
	}
	return root.hash(objs)
}

// ---------------------------------------------------------------------------
// git

func git(ctx context.Context, dir string, stdin io.Reader, args ...string) error {
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	var stderr bytes.Buffer
	cmd.Stdin, cmd.Stderr = stdin, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// crossCheck compares the generator's view with git's: the number of
// commits on main, and each commit's diff digest recomputed by git.
func crossCheck(ctx context.Context, repoDir string, commits []*commitInfo) error {
	repo, err := gitx.Open(ctx, repoDir, nil)
	if err != nil {
		return err
	}
	out, err := repo.Run(ctx, "rev-list", "--count", "main")
	if err != nil {
		return err
	}
	if got := strings.TrimSpace(string(out)); got != fmt.Sprint(len(commits)) {
		return fmt.Errorf("main has %s commits, want %d", got, len(commits))
	}
	pairs := make([]gitx.TreePair, len(commits))
	for i, c := range commits {
		pairs[i] = gitx.TreePair{A: c.baseTree, B: c.tree}
	}
	return repo.DiffBatch(ctx, pairs, func(i int, es []gitx.DiffEntry) error {
		if len(es) == 0 {
			return fmt.Errorf("commit %d (%s) has an empty diff", i, commits[i].id)
		}
		if got, want := proofpack.DiffSHA256(es), proofpack.DiffSHA256(diffEntries(commits[i])); got != want {
			return fmt.Errorf("commit %d (%s): git's diff digest %s, the generator's %s", i, commits[i].id, got, want)
		}
		return nil
	})
}

// sshKeygenCheck verifies one record's signature with stock ssh-keygen over
// the PAE bytes, as DESIGN §4 requires of every git-proof signature.
func sshKeygenCheck(ctx context.Context, dir, allowed string, rec []byte) error {
	recs, err := proofpack.ParseNote(rec)
	if err != nil {
		return err
	}
	env := recs[0].Envelope
	sigFile := filepath.Join(dir, "record.sig")
	if err := os.WriteFile(sigFile, armor(env.Signature), 0o644); err != nil {
		return err
	}
	defer os.Remove(sigFile)
	cmd := exec.CommandContext(ctx, "ssh-keygen", "-Y", "verify", "-f", allowed, "-I", principal, "-n", "git-proof", "-s", sigFile)
	cmd.Stdin = bytes.NewReader(env.PAE())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ssh-keygen -Y verify of a proof record: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
