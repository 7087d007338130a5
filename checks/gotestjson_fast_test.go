package checks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFastEvent: the lines test2json writes take the fast path and read
// as encoding/json reads them; every other shape is left to encoding/json
// (ok false), valid or not.
func TestFastEvent(t *testing.T) {
	fast := []string{
		`{"Time":"2026-12-07T20:53:55.766080863Z","Action":"start","Package":"example.com/p"}`,
		`{"Time":"2026-12-07T20:53:55.766239478Z","Action":"output","Package":"example.com/p","Test":"TestMix","Output":"=== RUN   TestMix\n"}`,
		`{"Time":"2026-12-07T20:53:55.7Z","Action":"pass","Package":"example.com/p","Test":"TestMix/sub_été","Elapsed":0.01}`,
		`{"Action":"skip","Package":"p","Elapsed":-1.5e-3,"Cached":true,"X":false,"Y":null}`,
		` { "Action" : "fail" , "Test" : "T" } `,
		`{}`,
		`{"Action":"a","Action":"b"}`,
		`{"Output":"tab\there \"quoted\" \\ \u00e9 \ud83d\ude00","Action":"output"}`,
	}
	for _, line := range fast {
		got, ok := fastEvent([]byte(line))
		var want testEvent
		if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Fatalf("%s: encoding/json: %v", line, err)
		}
		if !ok || got != want {
			t.Errorf("%s: fastEvent = %+v, %v; encoding/json %+v", line, got, ok, want)
		}
	}
	slow := []string{
		`{"action":"pass"}`,                       // folds onto Action
		`{"ACTION":"pass"}`,                       // so does this
		`{"Teſt":"x"}`,                            // and this (long s)
		`{"Test":"a\"b"}`,                         // an escape in a wanted field
		`{"Test":"\u0041"}`,                       // so is this
		`{"Package":"` + "\xff" + `"}`,            // invalid UTF-8 in one
		`{"Action":5}`,                            // a wanted field that is not a string
		`{"Action":null}`,                         //
		`{"Action":"pass","N":{"a":1}}`,           // a nested value
		`{"Action":"pass","N":[1]}`,               //
		`{"Action":"pass"} x`,                     // trailing bytes
		`{"Action":"pass",}`,                      // a trailing comma
		`{"Action":"pass" "Test":"x"}`,            // a missing comma
		`{"Action":"pass","E":01}`,                // a bad number
		`{"Action":"pass","E":1.}`,                //
		`{"Action":"pass","E":1e}`,                //
		`{"Action":"pass","E":-}`,                 //
		`{"Action":"pass","E":tru}`,               // a bad literal
		`{"Action":"pass","O":"a` + "\x01" + `"}`, // a control byte in a string
		`{"Action":"pass","O":"\x"}`,              // a bad escape
		`{"Action":"pass","O":"\u12"}`,            //
		`{"Action":"pass"`,                        // truncated
		`{"Action":"pa`,                           //
		`{"Action"`,                               //
		`[1]`,                                     //
		``,                                        //
	}
	for _, line := range slow {
		if got, ok := fastEvent([]byte(line)); ok {
			t.Errorf("%q: fast path took it: %+v", line, got)
		}
	}
}

// FuzzFastEvent: whatever fastEvent accepts, encoding/json accepts too and
// reads the same three fields from.
func FuzzFastEvent(f *testing.F) {
	// Real go test -json output (testdata/*.jsonl), line by line.
	files, _ := filepath.Glob("testdata/*.jsonl")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			f.Add([]byte(l))
		}
	}
	for _, s := range []string{`{"Action":"pass","Package":"p","Test":"T","Elapsed":1.5}`, `{"action":"x"}`, `{"Test":"\u0041"}`, `{"E":-0.5e+7,"B":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := fastEvent(line)
		if !ok {
			return
		}
		var want testEvent
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatalf("%q: fastEvent took it (%+v) but encoding/json: %v", line, got, err)
		}
		if got != want {
			t.Fatalf("%q: fastEvent %+v; encoding/json %+v", line, got, want)
		}
	})
}

// BenchmarkEventDecode: reading the three fields from real test2json lines
// (testdata/*.jsonl), fastEvent against encoding/json.
func BenchmarkEventDecode(b *testing.B) {
	files, _ := filepath.Glob("testdata/*.jsonl")
	var lines [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if l != "" {
				lines = append(lines, []byte(l))
			}
		}
	}
	b.Run("fastEvent", func(b *testing.B) {
		for b.Loop() {
			for _, l := range lines {
				if _, ok := fastEvent(l); !ok {
					var ev testEvent
					_ = json.Unmarshal(l, &ev)
				}
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			for _, l := range lines {
				var ev testEvent
				_ = json.Unmarshal(l, &ev)
			}
		}
	})
}
