//go:build !cgo

package syntax

import (
	"context"
	"fmt"
)

// Available reports whether this build can parse (it was built with cgo).
func Available() bool { return false }

// Parser is a stub in builds without cgo; NewParser always fails.
type Parser struct{}

// NewParser returns ErrNoCgo: this build cannot parse.
func NewParser(l Lang, g *Grammar) (*Parser, error) {
	return nil, fmt.Errorf("parser for %s: %w", l, ErrNoCgo)
}

// LoadGrammar returns ErrNoCgo: this build has no grammars.
func LoadGrammar(l Lang) (*Grammar, error) {
	return nil, fmt.Errorf("grammar %s: %w", l, ErrNoCgo)
}

// Close does nothing.
func (p *Parser) Close() {}

// Parse returns ErrNoCgo.
func (p *Parser) Parse(ctx context.Context, src []byte, lim Limits) (*Tree, error) {
	return nil, ErrNoCgo
}

// ParsePair returns ErrNoCgo.
func (p *Parser) ParsePair(ctx context.Context, req Pair, lim Limits) (*Tree, *Tree, error) {
	return nil, nil, ErrNoCgo
}
