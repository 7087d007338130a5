package syntax

import "errors"

// Sentinel errors of the parser.
var (
	// ErrNoCgo: the binary was built without cgo and cannot parse; label
	// results line-level, or rebuild with CGO_ENABLED=1 and a C compiler.
	ErrNoCgo = errors.New("no cgo")
	// ErrTimeout: the parse ran past its deadline; raise Limits.Timeout or
	// treat the file line-level.
	ErrTimeout = errors.New("parse timeout")
	// ErrTooManyNodes: the tree is larger than Limits.MaxNodes; treat the
	// file line-level.
	ErrTooManyNodes = errors.New("too many syntax nodes")
	// ErrUnsupported: no grammar for the language.
	ErrUnsupported = errors.New("unsupported language")
)
