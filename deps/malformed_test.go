package deps

import (
	"errors"
	"strings"
	"testing"
)

// TestMalformed: per format, input that does not parse or holds a bad
// entry gives one ParseError naming the file and line, wrapping the right
// sentinel, next to a good file that still counts.
func TestMalformed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, src string
		kind            error
		line            int
	}{
		{"go.mod require without version", "go.mod", "module m\n\nrequire x.example/y\n", ErrSyntax, 3},
		{"go.mod unknown directive", "go.mod", "module m\nfrobnicate x\n", ErrSyntax, 2},
		{"go.mod branch name as version", "go.mod", "module m\nrequire github.com/x/y master\n", ErrSyntax, 2},
		{"go.mod replace without target", "go.mod", "module m\nreplace a.example/b =>\n", ErrSyntax, 2},
		{"go.mod unterminated block", "go.mod", "module m\nrequire (\n a.example/b v1.0.0\n", ErrSyntax, 4},
		{"go.mod binary", "go.mod", "\x00\xff\xfe", ErrSyntax, 1},

		{"package.json truncated", "package.json", "{\n\"dependencies\": {\n", ErrSyntax, 3},
		{"package.json empty", "package.json", "", ErrSyntax, 1},
		{"package.json dependencies as array", "package.json", "{\n\"dependencies\": [\"a\"]}", ErrSyntax, 2},
		{"package.json version as number", "package.json", "{\"devDependencies\": {\n\"a\": 1}}", ErrSyntax, 2},
		{"package.json top level array", "package.json", "[]", ErrSyntax, 1},

		{"lock packages as array", "package-lock.json", "{\"lockfileVersion\": 3,\n\"packages\": []}", ErrSyntax, 2},
		{"lock version as number", "package-lock.json", "{\"packages\": {\n\"node_modules/a\": {\n\"version\": 1}}}", ErrSyntax, 3},
		{"lock v1 entry as string", "package-lock.json", "{\"lockfileVersion\": 1, \"dependencies\": {\"a\": \"1.0.0\"}}", ErrSyntax, 1},
		{"lock trailing garbage", "package-lock.json", "{}\n}", ErrSyntax, 2},

		{"requirements bad specifier", "requirements.txt", "ok==1\nflask >= = 2\n", ErrSyntax, 2},
		{"requirements bad line after continuation", "requirements.txt", "ok==1\nbad \\\n  ! \\\n x\n", ErrSyntax, 2},
		{"requirements -r without file", "requirements.txt", "ok==1\n-r\n", ErrSyntax, 2},
		{"requirements -e without target", "requirements.txt", "-e\n", ErrSyntax, 1},
		{"requirements unclosed quote", "requirements.txt", "-r \"my file.txt\n", ErrSyntax, 1},
		{"requirements unclosed extras", "requirements.txt", "x[a\n", ErrSyntax, 1},
		{"requirements empty marker", "requirements.txt", "\n\nx==1;\n", ErrSyntax, 3},

		{"pyproject not TOML", "pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\n", ErrSyntax, 3},
		{"pyproject dependencies as string", "pyproject.toml", "[project]\nname = \"x\"\ndependencies = \"requests\"\n", ErrInvalid, 3},
		{"pyproject dependency as number", "pyproject.toml", "[project]\ndependencies = [\n  1,\n]\n", ErrInvalid, 2},
		{"pyproject bad requirement", "pyproject.toml", "[project]\ndependencies = [\n  \"bad name!\",\n]\n", ErrInvalid, 3},
		{"pyproject extras as array", "pyproject.toml", "[project]\noptional-dependencies = [\"x\"]\n", ErrInvalid, 2},
		{"pyproject project as string", "pyproject.toml", "project = \"x\"\n", ErrInvalid, 1},
		{"poetry dependency as number", "pyproject.toml", "[tool.poetry.dependencies]\npython = \"^3.11\"\nx = 3\n", ErrInvalid, 3},
		{"poetry bad name", "pyproject.toml", "[tool.poetry.dependencies]\n\"a b\" = \"1\"\n", ErrInvalid, 2},
		{"dependency-groups as array", "pyproject.toml", "dependency-groups = []\n", ErrInvalid, 1},

		{"Cargo.toml unclosed header", "Cargo.toml", "[package]\nname = \"x\"\n[dependencies\n", ErrSyntax, 3},
		{"Cargo.toml duplicate key", "Cargo.toml", "[dependencies]\nserde = \"1\"\nserde = \"2\"\n", ErrSyntax, 3},
		{"Cargo.toml dependency as number", "Cargo.toml", "[package]\nname = \"x\"\n\n[dependencies]\nserde = 1\n", ErrInvalid, 5},
		{"Cargo.toml dev dependency as array", "Cargo.toml", "[dev-dependencies]\nok = \"1\"\nbad = [\"1\"]\n", ErrInvalid, 3},

		{"Cargo.lock package as string", "Cargo.lock", "version = 4\npackage = \"x\"\n", ErrInvalid, 2},
		{"Cargo.lock name as number", "Cargo.lock", "version = 4\n[[package]]\nname = 1\n", ErrInvalid, 2},
		{"Cargo.lock dependencies as string", "Cargo.lock", "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\ndependencies = \"a\"\n", ErrInvalid, 4},
		{"Cargo.lock too deep", "Cargo.lock", "x = " + strings.Repeat("[", MaxTOMLNesting+1), ErrTooDeep, 1},
		{"pyproject dotted key too deep", "pyproject.toml", "[project]\n" + strings.Repeat("a.", MaxTOMLNesting+1) + "b = 1\n", ErrTooDeep, 2},
		{"Cargo.lock not TOML", "Cargo.lock", "[[package]\n", ErrSyntax, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			good := "other/go.mod"
			got, errs := Parse(map[string][]byte{
				tc.file: []byte(tc.src),
				good:    []byte("module other\nrequire good.example/dep v1.0.0\n"),
			})
			if len(errs) != 1 {
				t.Fatalf("Parse(%q) errors = %v; want one", tc.src, errs)
			}
			var pe *ParseError
			if !errors.As(errs[0], &pe) || pe.File != tc.file || !errors.Is(errs[0], tc.kind) {
				t.Errorf("Parse(%q) error = %v; want a ParseError for %s wrapping %v", tc.src, errs[0], tc.file, tc.kind)
			} else if pe.Line != tc.line {
				t.Errorf("Parse(%q) error = %v; want line %d", tc.src, errs[0], tc.line)
			}
			var kept bool
			for _, d := range got {
				kept = kept || d.Name == "good.example/dep"
			}
			if !kept {
				t.Errorf("Parse(%q) = %v; want the good file's dependency kept", tc.src, got)
			}
		})
	}
}

func TestTOMLNesting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src  string
		want int
	}{
		{"a = 1\n", 0},
		{"a.b.c = 1\n", 2},
		{"[target.'cfg(all(unix, target_os = \"linux\"))'.dependencies]\nx = 1\n", 2},
		{"[[package]]\nname = \"x\"\n", 0},
		{"x = [[1, 2], [3]]\n", 2},
		{"x = [{a.b = 1}, {c.d = 2}, {e.f = 3}]\n", 3},
		{"a.b = {c.d = {e = 1}}\n", 4},
		{"s = \"[[[[{{{{ a.b.c.d\"\nt = '[[[['\n", 0},
		{"m = \"\"\"\n[[[[\n\"\"\"\nn = '''\n{{{{'''\n", 0},
		{"e = \"a\\\"[[[[\"\n", 0},
		{"# [[[[ a.b.c\nx = 1.5\ny = [1.5, 2.5, 3.5]\n", 1},
		{"x = [\n  1,\n  [2,\n   [3]],\n]\nz.y = 1\n", 3},
	} {
		if got, _ := tomlNesting([]byte(tc.src), 100); got != tc.want {
			t.Errorf("tomlNesting(%q) = %d; want %d", tc.src, got, tc.want)
		}
	}
	for _, dir := range []string{"cargo/base", "cargo/head", "python/base", "python/head"} {
		for name, data := range loadTree(t, "testdata/trees/"+dir) {
			if got, _ := tomlNesting(data, MaxTOMLNesting); got > 6 {
				t.Errorf("tomlNesting(%s/%s) = %d; want at most 6 for a real file", dir, name, got)
			}
		}
	}
}
