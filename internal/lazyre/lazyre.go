package lazyre

import (
	"regexp"
	"sync"
)

// RE is a regular expression compiled the first time it is used. Like
// regexp.MustCompile, an invalid expression panics, on first use: the
// expressions are constants of the program, never input.
type RE struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// New returns expr, to be compiled on first use.
func New(expr string) *RE { return &RE{expr: expr} }

// Regexp is the compiled expression.
func (r *RE) Regexp() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.expr) })
	return r.re
}

// The methods the callers use, so that a lazily compiled expression reads
// like a compiled one.

func (r *RE) MatchString(s string) bool                { return r.Regexp().MatchString(s) }
func (r *RE) FindString(s string) string               { return r.Regexp().FindString(s) }
func (r *RE) FindStringIndex(s string) []int           { return r.Regexp().FindStringIndex(s) }
func (r *RE) FindStringSubmatch(s string) []string     { return r.Regexp().FindStringSubmatch(s) }
func (r *RE) FindAllString(s string, n int) []string   { return r.Regexp().FindAllString(s, n) }
func (r *RE) ReplaceAllString(src, repl string) string { return r.Regexp().ReplaceAllString(src, repl) }
func (r *RE) FindAllStringSubmatch(s string, n int) [][]string {
	return r.Regexp().FindAllStringSubmatch(s, n)
}
