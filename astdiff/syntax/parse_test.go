//go:build cgo

package syntax

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

var samples = map[Lang]string{
	Go:         "package p\n\n// F.\nfunc F(a, b int) int {\n\treturn a + b\n}\n",
	Python:     "import os\n\ndef f(x):\n    \"\"\"Doc.\"\"\"\n    return x + \\\n        1\n",
	JavaScript: "export function f(a) { return `x${a}`; }\n",
	TypeScript: "export interface I { a: number }\nnamespace N { export const q = 1; }\n",
	TSX:        "export const A = () => <div className=\"a\">{1}</div>;\n",
	Rust:       "/// Doc.\npub fn f(x: i32) -> i32 { x + 1 }\n",
	Java:       "public class A { /** d */ public int f(int x) { return x; } }\n",
	C:          "#include <stdio.h>\nint f(int *p) { return *p; }\n",
	CPP:        "namespace n { class A { public: int f() const; }; }\n",
}

// TestFlattenMatchesBinding walks each sample with the official binding's
// cursor and checks the flat copy node by node: kind and field names, bytes,
// rows, flags and links. It also proves the Go and C layouts agree.
func TestFlattenMatchesBinding(t *testing.T) {
	for l, src := range samples {
		t.Run(string(l), func(t *testing.T) {
			g, err := LoadGrammar(l)
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewParser(l, g)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			tree, err := p.Parse(context.Background(), []byte(src), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			ptr, _ := languagePointer(l)
			bp := ts.NewParser()
			defer bp.Close()
			if err := bp.SetLanguage(ts.NewLanguage(ptr)); err != nil {
				t.Fatal(err)
			}
			bt := bp.Parse([]byte(src), nil)
			defer bt.Close()
			c := bt.Walk()
			defer c.Close()
			i := 0
			var parents []int
			for {
				n := c.Node()
				if i >= len(tree.Nodes) {
					t.Fatalf("flat tree has %d nodes; the binding has more", len(tree.Nodes))
				}
				f := tree.Nodes[i]
				if tree.KindName(int32(i)) != n.Kind() || tree.FieldName(int32(i)) != c.FieldName() ||
					f.Start != uint32(n.StartByte()) || f.End != uint32(n.EndByte()) ||
					f.StartRow != uint32(n.StartPosition().Row) || f.StartCol != uint32(n.StartPosition().Column) ||
					f.Named() != n.IsNamed() || f.Extra() != n.IsExtra() || f.HasError() != n.HasError() {
					t.Fatalf("node %d = %s %q [%d,%d); binding has %s %q [%d,%d)", i, tree.KindName(int32(i)), tree.FieldName(int32(i)),
						f.Start, f.End, n.Kind(), c.FieldName(), n.StartByte(), n.EndByte())
				}
				want := int32(-1)
				if len(parents) > 0 {
					want = int32(parents[len(parents)-1])
				}
				if f.Parent != want {
					t.Fatalf("node %d parent = %d; want %d", i, f.Parent, want)
				}
				i++
				if c.GotoFirstChild() {
					parents = append(parents, i-1)
					continue
				}
				for !c.GotoNextSibling() {
					if !c.GotoParent() {
						if i != len(tree.Nodes) {
							t.Fatalf("flat tree has %d nodes; the binding %d", len(tree.Nodes), i)
						}
						return
					}
					parents = parents[:len(parents)-1]
				}
			}
		})
	}
}

// TestParsePairIncremental: the new tree from an edited old tree equals a
// full parse of the new text.
func TestParsePairIncremental(t *testing.T) {
	g, err := LoadGrammar(Go)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewParser(Go, g)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	old := []byte("package p\n\nfunc F() int {\n\treturn 1\n}\n")
	new := []byte("package p\n\nfunc F() int {\n\tx := 2\n\treturn x\n}\n")
	// Row 3 ("\treturn 1\n", bytes 26..36) becomes two rows (bytes 26..45).
	edit := Edit{StartByte: 26, OldEndByte: 36, NewEndByte: 45,
		StartPoint: Point{3, 0}, OldEndPoint: Point{4, 0}, NewEndPoint: Point{5, 0}}
	_, inc, err := p.ParsePair(context.Background(), Pair{Old: old, New: new, Edits: []Edit{edit}}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := p.Parse(context.Background(), new, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := inc.Dump(0), full.Dump(0); got != want {
		t.Errorf("incremental tree:\n%s\nwant:\n%s", got, want)
	}
}

// TestLimits: a parse over its node budget or its deadline fails with the
// sentinel, and the parser stays usable.
func TestLimits(t *testing.T) {
	g, err := LoadGrammar(Go)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewParser(Go, g)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	big := []byte("package p\n" + strings.Repeat("var x = []int{1, 2, 3, 4, 5, 6, 7, 8}\n", 40000))
	if _, err := p.Parse(context.Background(), big, Limits{MaxNodes: 100}); !errors.Is(err, ErrTooManyNodes) {
		t.Errorf("Parse(MaxNodes 100) = %v; want ErrTooManyNodes", err)
	}
	if _, err := p.Parse(context.Background(), big, Limits{Timeout: time.Microsecond}); !errors.Is(err, ErrTimeout) {
		t.Errorf("Parse(Timeout 1µs) = %v; want ErrTimeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Parse(ctx, big, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse(cancelled) = %v; want context.Canceled", err)
	}
	if tr, err := p.Parse(context.Background(), []byte("package p\n"), Limits{}); err != nil || len(tr.Nodes) < 2 {
		t.Errorf("Parse after failures = %v, %v; want a tree", tr, err)
	}
}

// TestErrorKind: ERROR nodes get the grammar's extra kind, named ERROR.
func TestErrorKind(t *testing.T) {
	g, _ := LoadGrammar(Python)
	p, _ := NewParser(Python, g)
	defer p.Close()
	tr, err := p.Parse(context.Background(), []byte("def f(:\n  return (\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Errors == 0 {
		t.Fatalf("Parse(broken) has no errors")
	}
	found := false
	for i := range tr.Nodes {
		if tr.Nodes[i].Flags&FlagError != 0 {
			found = true
			if tr.KindName(int32(i)) != "ERROR" {
				t.Errorf("error node kind = %q; want ERROR", tr.KindName(int32(i)))
			}
		}
	}
	if !found {
		t.Errorf("no ERROR node in %s", tr.Dump(0))
	}
}

func TestEmptySource(t *testing.T) {
	for _, l := range Langs() {
		g, _ := LoadGrammar(l)
		p, err := NewParser(l, g)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := p.Parse(context.Background(), nil, Limits{})
		p.Close()
		if err != nil || len(tr.Nodes) != 1 {
			t.Errorf("Parse(%s, empty) = %v, %v; want a lone root", l, tr, err)
		}
	}
}

func TestNodeLayout(t *testing.T) {
	if s := unsafe.Sizeof(Node{}); s != 40 {
		t.Errorf("Sizeof(Node) = %d; want 40", s)
	}
}
