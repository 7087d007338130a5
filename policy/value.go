package policy

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toValue converts v into the Rego value that json.Marshal(v) followed by
// ast.ValueFromReader would give, without the JSON round trip: for a proof
// record that round trip cost more than evaluating the policy (52 of ~108
// µs per record in `git proof verify`'s profile). It follows encoding/json's
// rules for the types records are made of: structs by their json tags
// (names, "-", omitempty), pointers, slices (nil is null), string-keyed maps
// (keys sorted, as ast objects are), strings, booleans, integers, floats and
// json.RawMessage; anything else (json.Marshaler, TextMarshaler, embedded
// structs) goes through JSON, so the result is the same either way.
//
// A converter caches each struct type's JSON fields; one lives in each
// Engine and is safe for concurrent use.
type converter struct {
	types sync.Map // reflect.Type → *typeInfo
}

func (c *converter) toValue(v any) (ast.Value, error) {
	return c.valueOf(reflect.ValueOf(v))
}

func (c *converter) valueOf(v reflect.Value) (ast.Value, error) {
	if !v.IsValid() {
		return ast.NullValue, nil
	}
	t := v.Type()
	if t == rawMessageType {
		raw := v.Bytes()
		if raw == nil {
			return ast.NullValue, nil
		}
		return ast.ValueFromReader(bytes.NewReader(raw))
	}
	info := c.typeInfo(t)
	if info.marshaler {
		return viaJSON(v.Interface())
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return c.valueOf(v.Elem())
	case reflect.String:
		return ast.String(validUTF8(v.String())), nil
	case reflect.Bool:
		return ast.Boolean(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		return viaJSON(v.Interface())
	case reflect.Slice:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON(v.Interface()) // []byte is base64 in JSON
		}
		fallthrough
	case reflect.Array:
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			e, err := c.valueOf(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = ast.NewTerm(e)
		}
		return ast.NewArray(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		if t.Key().Kind() != reflect.String {
			return viaJSON(v.Interface())
		}
		items := make([][2]*ast.Term, 0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			e, err := c.valueOf(iter.Value())
			if err != nil {
				return nil, err
			}
			items = append(items, [2]*ast.Term{ast.StringTerm(validUTF8(iter.Key().String())), ast.NewTerm(e)})
		}
		return ast.NewObject(items...), nil
	case reflect.Struct:
		if info.fields == nil {
			return viaJSON(v.Interface())
		}
		items := make([][2]*ast.Term, 0, len(info.fields))
		for _, f := range info.fields {
			fv := v.Field(f.index)
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			e, err := c.valueOf(fv)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.name, err)
			}
			items = append(items, [2]*ast.Term{f.key, ast.NewTerm(e)})
		}
		return ast.NewObject(items...), nil
	}
	return viaJSON(v.Interface())
}

func viaJSON(v any) (ast.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(b))
}

var (
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

type jsonField struct {
	name      string
	key       *ast.Term // the name as a term, made once; terms are not modified once built
	index     int
	omitEmpty bool
}

// typeInfo is what the converter needs to know of a type, worked out once.
type typeInfo struct {
	// marshaler: the type (or its pointer) encodes itself; use JSON.
	marshaler bool
	// fields of a struct whose encoding the converter reproduces; nil for
	// other structs (embedded fields, ",string" or ",omitzero" options),
	// which go through JSON.
	fields []jsonField
}

func (c *converter) typeInfo(t reflect.Type) *typeInfo {
	if cached, ok := c.types.Load(t); ok {
		return cached.(*typeInfo)
	}
	pt := reflect.PointerTo(t)
	info := &typeInfo{marshaler: t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		pt.Implements(jsonMarshalerType) || pt.Implements(textMarshalerType)}
	if t.Kind() == reflect.Struct && !info.marshaler {
		info.fields = structFields(t)
	}
	c.types.Store(t, info)
	return info
}

// structFields lists the JSON fields of a struct type, or nil when its
// encoding is not one the converter reproduces.
func structFields(t reflect.Type) []jsonField {
	fs := []jsonField{}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		opts = "," + opts + ","
		if strings.Contains(opts, ",string,") || strings.Contains(opts, ",omitzero,") {
			return nil
		}
		fs = append(fs, jsonField{name: name, key: ast.StringTerm(name), index: i, omitEmpty: strings.Contains(opts, ",omitempty,")})
	}
	return fs
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// validUTF8 replaces each byte that is not part of valid UTF-8 with U+FFFD,
// as json.Marshal does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
