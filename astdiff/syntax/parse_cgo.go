//go:build cgo

package syntax

/*
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

// Declarations copied from tree_sitter/api.h of go-tree-sitter v0.25.0,
// whose core this package links; only what the code below uses.
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;
typedef struct TSLanguage TSLanguage;
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct TSPoint { uint32_t row; uint32_t column; } TSPoint;
typedef enum { TSInputEncodingUTF8, TSInputEncodingUTF16LE, TSInputEncodingUTF16BE, TSInputEncodingCustom } TSInputEncoding;
typedef uint32_t (*DecodeFunction)(const uint8_t *string, uint32_t length, int32_t *code_point);
typedef struct TSInput {
  void *payload;
  const char *(*read)(void *payload, uint32_t byte_index, TSPoint position, uint32_t *bytes_read);
  TSInputEncoding encoding;
  DecodeFunction decode;
} TSInput;
typedef struct TSParseState { void *payload; uint32_t current_byte_offset; bool has_error; } TSParseState;
typedef struct TSParseOptions { void *payload; bool (*progress_callback)(TSParseState *state); } TSParseOptions;
typedef struct TSInputEdit {
  uint32_t start_byte, old_end_byte, new_end_byte;
  TSPoint start_point, old_end_point, new_end_point;
} TSInputEdit;
typedef struct TSNode { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct TSTreeCursor { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;

TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *self);
bool ts_parser_set_language(TSParser *self, const TSLanguage *language);
void ts_parser_reset(TSParser *self);
TSTree *ts_parser_parse_with_options(TSParser *self, const TSTree *old_tree, TSInput input, TSParseOptions parse_options);
void ts_tree_delete(TSTree *self);
void ts_tree_edit(TSTree *self, const TSInputEdit *edit);
TSNode ts_tree_root_node(const TSTree *self);
TSSymbol ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
TSPoint ts_node_start_point(TSNode self);
TSPoint ts_node_end_point(TSNode self);
bool ts_node_is_named(TSNode self);
bool ts_node_is_missing(TSNode self);
bool ts_node_is_extra(TSNode self);
bool ts_node_is_error(TSNode self);
bool ts_node_has_error(TSNode self);
uint32_t ts_node_descendant_count(TSNode self);
TSTreeCursor ts_tree_cursor_new(TSNode node);
void ts_tree_cursor_delete(TSTreeCursor *self);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *self);
TSFieldId ts_tree_cursor_current_field_id(const TSTreeCursor *self);
bool ts_tree_cursor_goto_parent(TSTreeCursor *self);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *self);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *self);
void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *));

// gp_use_libc_alloc points the core at libc's allocator. go-tree-sitter
// v0.25.0 routes every allocation through a Go callback, which costs about a
// third of the parse time; its default callbacks call C.malloc and C.free, so
// memory from either allocator can be freed by the other.
static void gp_use_libc_alloc(void) { ts_set_allocator(malloc, calloc, realloc, free); }

// Flags, as in tree.go.
enum { GP_NAMED = 1, GP_EXTRA = 2, GP_ERROR = 4, GP_MISSING = 8, GP_HAS_ERROR = 16, GP_COLLAPSED = 32 };

// gp_node mirrors syntax.Node.
typedef struct {
  uint16_t kind, field, flags, pad;
  uint32_t start, end, start_row, end_row, start_col;
  int32_t parent, first_child, next;
} gp_node;

typedef struct { const char *s; uint32_t n; } gp_text;

static const char *gp_read(void *payload, uint32_t byte, TSPoint pt, uint32_t *read) {
  gp_text *t = payload;
  (void)pt;
  if (byte >= t->n) { *read = 0; return ""; }
  *read = t->n - byte;
  return t->s + byte;
}

static int64_t gp_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool gp_progress(TSParseState *st) {
  int64_t deadline = *(int64_t *)st->payload;
  return deadline > 0 && gp_now_us() > deadline;
}

// gp_parse parses n bytes at s (Go memory, read only during the call) and
// returns NULL when the timeout (microseconds, 0 = none) ran out.
static TSTree *gp_parse(TSParser *p, TSTree *old, const char *s, uint32_t n, int64_t timeout_us) {
  gp_text t = { s, n };
  int64_t deadline = timeout_us > 0 ? gp_now_us() + timeout_us : 0;
  TSInput in = { &t, gp_read, TSInputEncodingUTF8, NULL };
  TSParseOptions opt = { &deadline, gp_progress };
  TSTree *tree = ts_parser_parse_with_options(p, old, in, opt);
  if (tree == NULL) ts_parser_reset(p);
  return tree;
}

static uint32_t gp_count(TSTree *t) { return ts_node_descendant_count(ts_tree_root_node(t)); }

static void gp_edit(TSTree *t, const TSInputEdit *e, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) ts_tree_edit(t, &e[i]);
}

// gp_touches reports whether rows [sr, er] meet one of the n sorted,
// disjoint inclusive row ranges in focus (lo, hi pairs).
static bool gp_touches(const uint32_t *focus, uint32_t n, uint32_t sr, uint32_t er) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) { // first range whose end is at or after sr
    uint32_t mid = lo + (hi - lo) / 2;
    if (focus[2 * mid + 1] < sr) lo = mid + 1; else hi = mid;
  }
  return lo < n && focus[2 * lo] <= er;
}

// gp_flatten copies the tree in pre-order into a malloc'ed array (*out, to
// be freed by the caller) and returns the number of nodes, or -1 when out of
// memory. ERROR nodes get kind error_id. With lazy set, a subtree that
// meets none of the focus rows and has more than collapse_min descendants
// is copied as one node flagged GP_COLLAPSED.
static int64_t gp_flatten(TSTree *t, bool lazy, const uint32_t *focus, uint32_t nfocus, uint32_t collapse_min,
                          uint16_t error_id, gp_node **out, uint32_t *errors) {
  TSNode root = ts_tree_root_node(t);
  uint32_t total = ts_node_descendant_count(root);
  size_t cap = lazy && total > 1024 ? 1024 : total;
  gp_node *buf = malloc(cap * sizeof(gp_node));
  TSTreeCursor c = ts_tree_cursor_new(root);
  size_t scap = 64, depth = 0;
  int32_t *st = malloc(scap * 2 * sizeof(int32_t)); // (index, last child) per level
  int64_t n = 0;
  *errors = 0;
  *out = NULL;
  if (st == NULL || buf == NULL) { free(st); free(buf); ts_tree_cursor_delete(&c); return -1; }
  for (;;) {
    if ((size_t)n == cap) {
      size_t ncap = cap * 2 > total ? total : cap * 2;
      gp_node *nb = ncap > cap ? realloc(buf, ncap * sizeof(gp_node)) : NULL;
      if (nb == NULL) { n = -1; break; }
      buf = nb;
      cap = ncap;
    }
    TSNode x = ts_tree_cursor_current_node(&c);
    gp_node *o = &buf[n];
    TSPoint sp = ts_node_start_point(x), ep = ts_node_end_point(x);
    uint16_t f = 0;
    bool has_error = ts_node_has_error(x);
    if (ts_node_is_named(x)) f |= GP_NAMED;
    if (ts_node_is_extra(x)) f |= GP_EXTRA;
    if (ts_node_is_error(x)) { f |= GP_ERROR; (*errors)++; }
    if (ts_node_is_missing(x)) { f |= GP_MISSING; (*errors)++; }
    if (has_error) f |= GP_HAS_ERROR;
    TSSymbol sym = ts_node_symbol(x);
    o->kind = sym == (TSSymbol)-1 ? error_id : sym; // ERROR is 65535; keep ids dense
    o->field = ts_tree_cursor_current_field_id(&c);
    o->pad = 0;
    o->start = ts_node_start_byte(x);
    o->end = ts_node_end_byte(x);
    o->start_row = sp.row;
    o->start_col = sp.column;
    o->end_row = (ep.column == 0 && ep.row > sp.row) ? ep.row - 1 : ep.row;
    o->first_child = -1;
    o->next = -1;
    o->parent = -1;
    bool collapse = lazy && depth > 0 && ts_node_descendant_count(x) > collapse_min &&
                    !gp_touches(focus, nfocus, o->start_row, o->end_row);
    if (collapse) {
      f |= GP_COLLAPSED;
      if (has_error && !(f & (GP_ERROR | GP_MISSING))) (*errors)++;
    }
    o->flags = f;
    if (depth > 0) {
      int32_t parent = st[2 * (depth - 1)], last = st[2 * (depth - 1) + 1];
      o->parent = parent;
      if (last < 0) buf[parent].first_child = (int32_t)n; else buf[last].next = (int32_t)n;
      st[2 * (depth - 1) + 1] = (int32_t)n;
    }
    int32_t me = (int32_t)n++;
    if (!collapse && ts_tree_cursor_goto_first_child(&c)) {
      if (depth == scap) {
        scap *= 2;
        int32_t *ns = realloc(st, scap * 2 * sizeof(int32_t));
        if (ns == NULL) { n = -1; break; }
        st = ns;
      }
      st[2 * depth] = me;
      st[2 * depth + 1] = -1;
      depth++;
      continue;
    }
    for (;;) {
      if (ts_tree_cursor_goto_next_sibling(&c)) break;
      if (depth == 0 || !ts_tree_cursor_goto_parent(&c)) goto done;
      depth--;
    }
  }
done:
  free(st);
  ts_tree_cursor_delete(&c);
  if (n < 0) { free(buf); return -1; }
  *out = buf;
  return n;
}
*/
import "C"

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unsafe"
)

// The Go and C node layouts must agree; these fail to compile otherwise.
const (
	_ = uint(unsafe.Sizeof(Node{}) - C.sizeof_gp_node)
	_ = uint(C.sizeof_gp_node - unsafe.Sizeof(Node{}))
	_ = uint(unsafe.Sizeof(Edit{}) - C.sizeof_TSInputEdit)
	_ = uint(C.sizeof_TSInputEdit - unsafe.Sizeof(Edit{}))
)

// allocOnce guards the one process-wide switch of the tree-sitter core to
// libc's allocator (see gp_use_libc_alloc); it must happen once, before the
// first parse, and is harmless to repeat, so a Once is the whole state.
var allocOnce sync.Once

// Available reports whether this build can parse (it was built with cgo).
func Available() bool { return true }

// Parser parses files of one language. It owns C memory: call Close. A
// Parser is not safe for concurrent use; the Trees it returns are.
type Parser struct {
	lang    Lang
	grammar *Grammar
	p       *C.TSParser
}

// NewParser returns a parser for l, using g for the trees' kind names.
func NewParser(l Lang, g *Grammar) (*Parser, error) {
	allocOnce.Do(func() { C.gp_use_libc_alloc() })
	ptr, err := languagePointer(l)
	if err != nil {
		return nil, err
	}
	p := C.ts_parser_new()
	if p == nil {
		return nil, fmt.Errorf("new parser: out of memory")
	}
	if !C.ts_parser_set_language(p, (*C.TSLanguage)(ptr)) {
		C.ts_parser_delete(p)
		return nil, fmt.Errorf("set language %s: incompatible ABI", l)
	}
	return &Parser{lang: l, grammar: g, p: p}, nil
}

// Close frees the parser's C memory. It is safe to call twice.
func (p *Parser) Close() {
	if p.p != nil {
		C.ts_parser_delete(p.p)
		p.p = nil
	}
}

// Parse parses src in full.
func (p *Parser) Parse(ctx context.Context, src []byte, lim Limits) (*Tree, error) {
	t, _, err := p.parse(ctx, Pair{Old: src}, lim, false)
	return t, err
}

// ParsePair parses req.Old in full, then req.New incrementally from the old
// tree with req.Edits applied (in order, each in the coordinates left by the
// ones before it); with no edits req.New is parsed in full. The edits must
// describe exactly how Old becomes New, or the new tree may not match New.
// With Focus set, subtrees away from the focus rows are copied collapsed.
func (p *Parser) ParsePair(ctx context.Context, req Pair, lim Limits) (*Tree, *Tree, error) {
	return p.parse(ctx, req, lim, true)
}

func (p *Parser) parse(ctx context.Context, req Pair, lim Limits, pair bool) (*Tree, *Tree, error) {
	if p.p == nil {
		return nil, nil, fmt.Errorf("parse: parser closed")
	}
	ct, err := p.run(ctx, req.Old, nil, lim)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if ct != nil {
			C.ts_tree_delete(ct)
		}
	}()
	first, err := p.flatten(ct, req.Old, req.Focus, req.FocusOld, lim)
	if err != nil || !pair {
		return first, nil, err
	}
	var old *C.TSTree
	if len(req.Edits) > 0 {
		C.gp_edit(ct, (*C.TSInputEdit)(unsafe.Pointer(&req.Edits[0])), C.uint32_t(len(req.Edits)))
		old = ct
	}
	nt, err := p.run(ctx, req.New, old, lim)
	if err != nil {
		return nil, nil, err
	}
	defer C.ts_tree_delete(nt)
	second, err := p.flatten(nt, req.New, req.Focus, req.FocusNew, lim)
	if err != nil {
		return nil, nil, err
	}
	return first, second, nil
}

// run parses src, reusing old when it is not nil.
func (p *Parser) run(ctx context.Context, src []byte, old *C.TSTree, lim Limits) (*C.TSTree, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if uint64(len(src)) > 1<<32-1 {
		return nil, fmt.Errorf("parse: %d bytes: file too large", len(src))
	}
	timeout := lim.Timeout
	if d, ok := ctx.Deadline(); ok {
		if left := time.Until(d); left <= 0 {
			return nil, fmt.Errorf("parse: %w", context.DeadlineExceeded)
		} else if timeout <= 0 || left < timeout {
			timeout = left
		}
	}
	var s *C.char
	if len(src) > 0 {
		s = (*C.char)(unsafe.Pointer(&src[0]))
	}
	us := timeout.Microseconds()
	if timeout > 0 && us == 0 {
		us = 1 // under a microsecond is still a limit, not "none"
	}
	t := C.gp_parse(p.p, old, s, C.uint32_t(len(src)), C.int64_t(us))
	if t == nil {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
		return nil, fmt.Errorf("parse after %v: %w", timeout, ErrTimeout)
	}
	return t, nil
}

// flatten copies t into a Go Tree over src; with lazy set, only around the
// focus rows in full.
func (p *Parser) flatten(t *C.TSTree, src []byte, lazy bool, focus []RowRange, lim Limits) (*Tree, error) {
	if n := int(C.gp_count(t)); lim.MaxNodes > 0 && n > lim.MaxNodes {
		return nil, fmt.Errorf("%d nodes over %d: %w", n, lim.MaxNodes, ErrTooManyNodes)
	}
	focus = mergeRanges(focus)
	var fp *C.uint32_t
	if len(focus) > 0 {
		fp = (*C.uint32_t)(unsafe.Pointer(&focus[0]))
	}
	var errs C.uint32_t
	var out *C.gp_node
	got := C.gp_flatten(t, C.bool(lazy), fp, C.uint32_t(len(focus)), C.uint32_t(CollapseMin),
		C.uint16_t(p.grammar.ErrorKind()), &out, &errs)
	if got < 0 {
		return nil, fmt.Errorf("flatten: out of memory")
	}
	defer C.free(unsafe.Pointer(out))
	nodes := make([]Node, got)
	copy(nodes, unsafe.Slice((*Node)(unsafe.Pointer(out)), got))
	return &Tree{Lang: p.lang, Grammar: p.grammar, Src: src, Nodes: nodes, Errors: int(errs)}, nil
}
