package risk_test

import (
	"testing"

	"github.com/git-proof/git-proof/proofpack"
	"github.com/git-proof/git-proof/risk"
)

// bytesReader hands out the fuzzer's bytes as the pieces of an Input;
// past the end it gives zeros.
type bytesReader struct{ data []byte }

func (r *bytesReader) byte() byte {
	if len(r.data) == 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

// int gives a small signed int, negative now and then, sometimes huge.
func (r *bytesReader) int() int {
	b := r.byte()
	switch {
	case b == 0xff:
		return int(^uint(0) >> 1) // MaxInt
	case b >= 0xf0:
		return -int(b & 0x0f)
	}
	return int(b)<<8 | int(r.byte())
}

func (r *bytesReader) string() string {
	n := int(r.byte() % 40)
	n = min(n, len(r.data))
	s := string(r.data[:n])
	r.data = r.data[n:]
	return s
}

func (r *bytesReader) strings() []string {
	var out []string
	for range r.byte() % 4 {
		out = append(out, r.string())
	}
	return out
}

func decodeInput(data []byte) (risk.Input, risk.Config) {
	r := &bytesReader{data: data}
	var in risk.Input
	var cfg risk.Config
	for range r.byte() % 16 {
		in.Paths = append(in.Paths, risk.ChangedPath{
			Path: r.string(), Status: r.byte(), Additions: r.int(), Deletions: r.int(), Binary: r.byte()%5 == 0,
		})
	}
	for range r.byte() % 4 {
		c := proofpack.Check{Name: r.string()}
		switch r.byte() % 3 {
		case 1:
			c.Head = &proofpack.TreeResult{Status: "pass"}
		case 2:
			c.Head = &proofpack.TreeResult{Status: r.string()}
		}
		c.Fixed, c.Regressed, c.Removed, c.Flaky = r.strings(), r.strings(), r.strings(), r.strings()
		c.Counts = proofpack.Counts{Fixed: r.int(), Regressed: r.int(), Added: r.int(), Removed: r.int()}
		in.Checks = append(in.Checks, c)
	}
	if r.byte()%2 == 1 {
		in.Hunks = &risk.HunkSummary{Total: r.int(), Essential: r.int(), FormattingOnly: r.int(), CommentOnly: r.int()}
	}
	in.APIChanges, in.APIBreaks = r.int(), r.int()
	if r.byte()%2 == 1 {
		in.Dependencies = &risk.DepSummary{Added: r.int(), Removed: r.int(), Changed: r.int()}
	}
	if r.byte()%2 == 1 {
		cfg.Sensitive = []risk.Rule{}
		for range r.byte() % 4 {
			cfg.Sensitive = append(cfg.Sensitive, risk.Rule{Glob: r.string(), Category: r.string()})
		}
	}
	return in, cfg
}

// FuzzScore checks that Score never panics, stays in [0, 1] in hundredths
// with factors that add up to it, whatever the input and rules, and that
// ValidateRules never panics on the same rules.
func FuzzScore(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03\x0bcalc/add.go M\x00\x01\x00\x01\x01\x06go.modM\x00\x02\x00\x00\x01\x12.proof/config.yamlM\x00\x01\x00\x00\x01\x01\x04unit\x01\x01\x08x.TestFx\x00\x00\x00\x00\x01\x02\x00\x03\x00\x01\x01\x01\x00\x05\x00\x01\x00\x02"))
	f.Add([]byte("\x01\x05a/b/c\xffA\xff\xff\xff\x01\x01\x02\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x02\x01[\x03ci\x04**/c\x06custom"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, cfg := decodeInput(data)
		got := risk.Score(in, cfg)
		checkInvariants(t, got)
		_ = risk.ValidateRules(cfg.Sensitive)
	})
}
