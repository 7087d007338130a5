package syntax

import (
	"path"
	"strings"
)

// Lang names a supported grammar.
type Lang string

// The supported languages.
const (
	Go         Lang = "go"
	Python     Lang = "python"
	JavaScript Lang = "javascript"
	TypeScript Lang = "typescript"
	TSX        Lang = "tsx"
	Rust       Lang = "rust"
	Java       Lang = "java"
	C          Lang = "c"
	CPP        Lang = "cpp"
)

// Langs lists every supported language.
func Langs() []Lang {
	return []Lang{Go, Python, JavaScript, TypeScript, TSX, Rust, Java, C, CPP}
}

// Detect returns the language of a file by its extension, and false when no
// grammar covers it. ".h" is C; callers may retry a C header with [CPP] when
// the C grammar fails on it.
func Detect(name string) (Lang, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".go":
		return Go, true
	case ".py", ".pyi":
		return Python, true
	case ".js", ".mjs", ".cjs", ".jsx":
		return JavaScript, true
	case ".ts", ".mts", ".cts":
		return TypeScript, true
	case ".tsx":
		return TSX, true
	case ".rs":
		return Rust, true
	case ".java":
		return Java, true
	case ".c", ".h":
		return C, true
	case ".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl":
		return CPP, true
	}
	return "", false
}

// IsHeader reports whether name is a C or C++ header by its extension.
func IsHeader(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".h", ".hh", ".hpp", ".hxx", ".h++", ".inl", ".ipp":
		return true
	}
	return false
}
