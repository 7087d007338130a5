package astdiff

import (
	"context"
	"reflect"
	"testing"

	"github.com/git-proof/git-proof/astdiff/syntax"
)

// TestExportRules adds a file and lists which of its declarations each
// language's rule calls public API.
func TestExportRules(t *testing.T) {
	if !syntax.Available() {
		t.Skip("needs cgo")
	}
	az, _ := New()
	tests := []struct {
		path, src string
		want      []string
	}{
		{"p/a.go", "package p\nfunc F() {}\nfunc f() {}\ntype t struct{}\nfunc (t) M() {}\ntype T int\nfunc (*T) M() {}\nconst (\n\tA = 1\n\tb = 2\n)\nvar X, y int\n",
			[]string{"func F", "type T", "func (*T) M", "const A", "var X, y"}},
		{"cmd/main.go", "package main\nfunc F() {}\n", nil},
		{"p/internal/q/a.go", "package q\nfunc F() {}\n", nil},
		{"p/a_test.go", "package p\nfunc TestF() {}\n", nil},
		{"m.py", "def f(): pass\ndef _g(): pass\nclass C:\n    def __init__(self): pass\n    def _h(self): pass\n    def m(self): pass\nclass _P:\n    def m(self): pass\n",
			[]string{"def f", "class C", "def __init__", "def m"}},
		{"tests/test_m.py", "def f(): pass\n", nil},
		{"m.js", "export function f() {}\nfunction g() {}\nfunction h() {}\nexport { h };\nexport class C { m() {} #p() {} }\nconst k = 1;\n",
			[]string{"function f", "function h", "class C", "method m"}},
		{"m.ts", "export interface I { a: string; m(): void }\ninterface J { b: number }\nexport class C { private p() {} q() {} }\nexport type T = number;\n",
			[]string{"interface I", "property a", "method m", "class C", "method q", "type T"}},
		{"x.d.ts", "declare function f(): void;\ninterface I {}\n", []string{"function f", "interface I"}},
		{"src/lib.rs", "pub fn f() {}\nfn g() {}\npub(crate) fn h() {}\npub struct S;\nimpl S { pub fn m(&self) {} fn n(&self) {} }\npub trait T { fn t(&self); }\nimpl T for S { fn t(&self) {} }\n",
			[]string{"fn f", "struct S", "impl S", "fn m", "trait T", "fn t"}},
		{"src/main.rs", "pub fn f() {}\n", nil},
		{"src/main/java/A.java", "public class A {\n  public void f() {}\n  void g() {}\n  protected int x;\n  private int y;\n  public interface I { void m(); }\n}\nclass B { public void h() {} }\n",
			[]string{"class A", "method f", "field x", "interface I", "method m"}},
		{"inc/a.h", "#ifndef A_H\n#define A_H\nint f(void);\nstatic int g(void) { return 0; }\nstruct S { int a; };\ntypedef int T;\n#define MAX 3\n#endif\n",
			[]string{"func f", "struct S", "typedef T", "macro MAX"}},
		{"src/a.c", "int f(void) { return 0; }\n", nil},
		{"inc/a.hpp", "namespace n {\nclass C {\n  int hidden;\npublic:\n  void f();\nprotected:\n  int g;\nprivate:\n  void p();\n};\nstruct S { int x; };\n}\nnamespace { void anon(); }\n",
			[]string{"namespace n", "class C", "method f", "field g", "struct S", "field x"}},
	}
	for _, tt := range tests {
		r := az.File(context.Background(), FileRequest{Path: tt.path, New: []byte(tt.src)})
		var got []string
		for _, a := range r.API {
			if a.Change != APIAdded {
				t.Errorf("%s: API change %+v; want only additions", tt.path, a)
			}
			got = append(got, a.Kind+" "+a.Name)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("File(%s).API = %q; want %q", tt.path, got, tt.want)
		}
	}
}
