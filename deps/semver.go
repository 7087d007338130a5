package deps

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// The little of Cargo's version requirements needed to tell which of
// several locked versions of a crate a manifest entry resolved to (a crate
// renamed to depend on two major versions). No Go library implements
// Cargo's rules; Masterminds/semver follows npm's, which differ for 0.x.

// semv is a full semantic version; build metadata is dropped.
type semv struct {
	n   [3]int
	pre string
}

func parseSemv(s string) (semv, bool) {
	var v semv
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	s, _, _ = strings.Cut(s, "+")
	s, v.pre, _ = strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, false
		}
		v.n[i] = n
	}
	return v, true
}

func cmpSemv(a, b semv) int {
	for i := range a.n {
		if c := cmp.Compare(a.n[i], b.n[i]); c != 0 {
			return c
		}
	}
	switch {
	case a.pre == b.pre:
		return 0
	case a.pre == "":
		return 1
	case b.pre == "":
		return -1
	}
	as, bs := strings.Split(a.pre, "."), strings.Split(b.pre, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		var c int
		switch {
		case aerr == nil && berr == nil:
			c = cmp.Compare(an, bn)
		case aerr == nil:
			c = -1
		case berr == nil:
			c = 1
		default:
			c = cmp.Compare(as[i], bs[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// compareSemver orders version strings; ones that do not parse come first,
// by text.
func compareSemver(a, b string) int {
	av, aok := parseSemv(a)
	bv, bok := parseSemv(b)
	switch {
	case aok && bok:
		return cmpSemv(av, bv)
	case aok:
		return 1
	case bok:
		return -1
	}
	return cmp.Compare(a, b)
}

type bound struct {
	v    semv
	incl bool
	set  bool
}

// cargoReq is a comma-separated list of comparators, all of which must hold.
type cargoReq []struct{ lo, hi bound }

func parseCargoReq(s string) (cargoReq, error) {
	var r cargoReq
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		op := ""
		for _, o := range []string{">=", "<=", "=", ">", "<", "~", "^"} {
			if rest, ok := strings.CutPrefix(c, o); ok {
				op, c = o, strings.TrimSpace(rest)
				break
			}
		}
		c, _, _ = strings.Cut(c, "+")
		c, pre, _ := strings.Cut(c, "-")
		var nums []int
		wild := false
		if c == "" {
			return nil, fmt.Errorf("invalid version requirement %q", s)
		}
		for _, p := range strings.Split(c, ".") {
			if p == "*" || p == "x" || p == "X" {
				wild = true
				continue
			}
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || wild || len(nums) == 3 {
				return nil, fmt.Errorf("invalid version requirement %q", s)
			}
			nums = append(nums, n)
		}
		full := func() semv {
			var v semv
			copy(v.n[:], nums)
			if len(nums) == 3 {
				v.pre = pre
			}
			return v
		}
		inc := func(k int) semv { // bump the k-th given part, zero the rest
			var v semv
			copy(v.n[:k], nums[:k])
			v.n[k-1]++
			return v
		}
		var lo, hi bound
		n := len(nums)
		switch {
		case wild && (op == "" || op == "^" || op == "~" || op == "="):
			if n > 0 {
				lo, hi = bound{full(), true, true}, bound{inc(n), false, true}
			}
		case n == 0:
			return nil, fmt.Errorf("invalid version requirement %q", s)
		case op == "" || op == "^":
			lo = bound{full(), true, true}
			switch {
			case nums[0] > 0 || n == 1:
				hi = bound{inc(1), false, true}
			case nums[1] > 0 || n == 2:
				hi = bound{inc(2), false, true}
			default:
				hi = bound{inc(3), false, true}
			}
		case op == "~":
			lo = bound{full(), true, true}
			hi = bound{inc(min(n, 2)), false, true}
		case op == "=":
			lo = bound{full(), true, true}
			if n == 3 {
				hi = bound{full(), true, true}
			} else {
				hi = bound{inc(n), false, true}
			}
		case op == ">":
			if n == 3 {
				lo = bound{full(), false, true}
			} else {
				lo = bound{inc(n), true, true}
			}
		case op == ">=":
			lo = bound{full(), true, true}
		case op == "<":
			hi = bound{full(), false, true}
		case op == "<=":
			if n == 3 {
				hi = bound{full(), true, true}
			} else {
				hi = bound{inc(n), false, true}
			}
		}
		r = append(r, struct{ lo, hi bound }{lo, hi})
	}
	return r, nil
}

func (r cargoReq) matches(version string) bool {
	v, ok := parseSemv(version)
	if !ok {
		return false
	}
	for _, c := range r {
		if c.lo.set {
			if x := cmpSemv(v, c.lo.v); x < 0 || (x == 0 && !c.lo.incl) {
				return false
			}
		}
		if c.hi.set {
			if x := cmpSemv(v, c.hi.v); x > 0 || (x == 0 && !c.hi.incl) {
				return false
			}
		}
	}
	return true
}
