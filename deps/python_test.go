package deps

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParsePEP508(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, name, spec, url, marker string
		extras                      []string
	}{
		{in: "requests", name: "requests"},
		{in: "requests==2.31.0", name: "requests", spec: "==2.31.0"},
		{in: "Flask[async, dotenv] >= 2.3 , < 3.0", name: "Flask", spec: ">=2.3,<3.0", extras: []string{"async", "dotenv"}},
		{in: "name (>=1.0)", name: "name", spec: ">=1.0"},
		{in: "urllib3 ; python_version >= \"3.8\"", name: "urllib3", marker: `python_version >= "3.8"`},
		{in: "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee", name: "pip", url: "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee"},
		{in: "pip @ file:///x.whl ; sys_platform == 'win32'", name: "pip", url: "file:///x.whl", marker: "sys_platform == 'win32'"},
		{in: "a.b-c_d~=1.4.2", name: "a.b-c_d", spec: "~=1.4.2"},
		{in: "x===foobar", name: "x", spec: "===foobar"},
		{in: "x==1.*,!=1.3.*", name: "x", spec: "==1.*,!=1.3.*"},
	} {
		r, err := parsePEP508(tc.in)
		if err != nil || r.name != tc.name || r.spec != tc.spec || r.url != tc.url || r.marker != tc.marker || fmt.Sprint(r.extras) != fmt.Sprint(tc.extras) {
			t.Errorf("parsePEP508(%q) = %+v, %v; want name %q spec %q url %q marker %q extras %v", tc.in, r, err, tc.name, tc.spec, tc.url, tc.marker, tc.extras)
		}
	}
	for _, bad := range []string{"", "-x", "x[", "x[a b]", "x >= = 2", "x ==", "x (>=1", "x @", "x;", "x @ u junk", "x 1.0", "x==1 2"} {
		if r, err := parsePEP508(bad); err == nil {
			t.Errorf("parsePEP508(%q) = %+v, nil; want an error", bad, r)
		}
	}
}

func TestPyPIExact(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{"==1.0": "1.0", "===x": "x", "==1.*": "", ">=1": "", "==1,!=2": "", "": ""} {
		if got := pypiExact(spec); got != want {
			t.Errorf("pypiExact(%q) = %q; want %q", spec, got, want)
		}
	}
}

func TestRequirementsFile(t *testing.T) {
	t.Parallel()
	src := `# a comment \
requests==2.31.0 \
    --hash=sha256:aaaa \
    --hash=sha256:bbbb
Django>=4.2,<5   # trailing comment
--index-url https://pypi.org/simple
--extra-index-url=https://x.example/simple
-f ./wheels
--pre
-e ./libs/core
--editable=git+https://github.com/o/tool.git@v1#egg=the_tool&subdirectory=py
./local/pkg-dir/
https://example.com/dist/Some_Pkg-1.0.tar.gz#sha256=cc
git+https://github.com/o/plain.git@main
pip @ https://github.com/pypa/pip/archive/1.3.1.zip
numpy ; python_version < "3.12"
`
	got := depLines(mustParse(t, map[string]string{"requirements.txt": src}))
	want := `requirements.txt pypi core@./libs/core
requirements.txt pypi django@>=4.2,<5
requirements.txt pypi numpy@
requirements.txt pypi pip@https://github.com/pypa/pip/archive/1.3.1.zip
requirements.txt pypi pkg-dir@./local/pkg-dir/
requirements.txt pypi plain@git+https://github.com/o/plain.git@main
requirements.txt pypi requests@==2.31.0
requirements.txt pypi some-pkg@https://example.com/dist/Some_Pkg-1.0.tar.gz#sha256=cc
requirements.txt pypi the-tool@git+https://github.com/o/tool.git@v1#egg=the_tool&subdirectory=py
`
	if got != want {
		t.Errorf("Parse(requirements.txt) =\n%s; want\n%s", got, want)
	}
}

func TestRequirementsIncludes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		want    string
		wantErr error
	}{
		{
			name: "forms and relative paths",
			files: map[string]string{
				"py/requirements-dev.txt": "-r requirements.txt\n--requirement=../shared/base.in\n-rextra.in\n-r https://example.com/r.txt\n-r /etc/r.txt\n-r ../../outside.txt\n-c constraints.txt\npytest\n",
				"py/requirements.txt":     "flask\n",
				"shared/base.in":          "attrs\n",
				"py/extra.in":             "rich\n",
				"py/constraints.txt":      "urllib3<2\n",
				"outside.txt":             "nope\n",
			},
			want: "py/extra.in pypi rich@\npy/requirements-dev.txt pypi pytest@\npy/requirements.txt pypi flask@\nshared/base.in pypi attrs@\n",
		},
		{
			name: "cycle",
			files: map[string]string{
				"requirements.txt": "-r a.in\nflask\n",
				"a.in":             "-r b.in\nattrs\n",
				"b.in":             "-r a.in\n-r requirements.txt\nrich\n",
			},
			want: "a.in pypi attrs@\nb.in pypi rich@\nrequirements.txt pypi flask@\n",
		},
		{
			name:  "missing include is not followed",
			files: map[string]string{"requirements.txt": "-r gone.txt\nflask\n"},
			want:  "requirements.txt pypi flask@\n",
		},
		{
			name: "too deep",
			files: func() map[string]string {
				m := map[string]string{"requirements.txt": "-r f1.in\n"}
				for i := 1; i <= MaxIncludeDepth+2; i++ {
					m[fmt.Sprintf("f%d.in", i)] = fmt.Sprintf("-r f%d.in\np%d\n", i+1, i)
				}
				return m
			}(),
			wantErr: ErrTooDeep,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := map[string][]byte{}
			for k, v := range tc.files {
				in[k] = []byte(v)
			}
			got, errs := Parse(in)
			if tc.wantErr != nil {
				if len(errs) != 1 || !errors.Is(errs[0], tc.wantErr) {
					t.Errorf("Parse errors = %v; want one %v", errs, tc.wantErr)
				}
				if len(got) != MaxIncludeDepth {
					t.Errorf("Parse = %d deps; want %d, one per file followed", len(got), MaxIncludeDepth)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("Parse: %v", errs)
			}
			if s := depLines(got); s != tc.want {
				t.Errorf("Parse =\n%s; want\n%s", s, tc.want)
			}
		})
	}
}

func TestPyProject(t *testing.T) {
	t.Parallel()
	got := depLines(mustParse(t, map[string]string{"pyproject.toml": `
[project]
name = "x"
dependencies = ["A_b==1.0", "c @ https://x.example/c.whl"]
[project.optional-dependencies]
"Docs.Extra" = ["sphinx>=7"]
[dependency-groups]
dev = ["pytest", {include-group = "docs"}]
[tool.poetry.dependencies]
python = "^3.11"
req = [{version = "^1", python = "<3.12"}, {version = "^2", python = ">=3.12"}]
local = {path = "../local", develop = true}
tarball = {url = "https://x.example/t.tar.gz"}
[tool.poetry.dev-dependencies]
black = "==24.1.0"
`}))
	want := `pyproject.toml pypi a-b@==1.0
pyproject.toml pypi black@==24.1.0 [dev]
pyproject.toml pypi c@https://x.example/c.whl
pyproject.toml pypi local@../local
pyproject.toml pypi pytest@ [dev]
pyproject.toml pypi req@^1
pyproject.toml pypi req@^2
pyproject.toml pypi sphinx@>=7 [docs-extra]
pyproject.toml pypi tarball@https://x.example/t.tar.gz
`
	if got != want {
		t.Errorf("Parse(pyproject.toml) =\n%s; want\n%s", got, want)
	}
}

func TestPythonPURL(t *testing.T) {
	t.Parallel()
	got := mustParse(t, map[string]string{"requirements.txt": "Typing_Extensions==4.9.0\nflask>=3\n"})
	var purls []string
	for _, d := range got {
		purls = append(purls, d.PURL)
	}
	if s := strings.Join(purls, " "); s != "pkg:pypi/flask pkg:pypi/typing-extensions@4.9.0" {
		t.Errorf("purls = %s; want a version only for the exact pin", s)
	}
}
