package checks

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// goScenarios are real modules run with real `go test -json`; their results
// are in testdata/<name>.golden and their raw output in testdata/<name>.jsonl
// (the seeds of FuzzParseGoTestJSON and the input of the benchmark).
var goScenarios = []struct {
	name    string
	command string
	files   map[string]string
}{
	{
		name:    "module",
		command: "go test -json ./...",
		files: map[string]string{
			"calc/calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
			"calc/calc_test.go": `package calc

import "testing"

func TestPass(t *testing.T) { t.Log("ok") }
func TestFail(t *testing.T) { t.Fatal("boom") }
func TestSkip(t *testing.T) { t.Skip("later") }
func TestAdd(t *testing.T) {
	t.Run("positive", func(t *testing.T) {
		if Add(1, 2) != 3 {
			t.Error("1+2")
		}
	})
	t.Run("negative", func(t *testing.T) { t.Error("bad") })
}
`,
			// A package that does not compile.
			"broken/broken.go":      "package broken\n\nfunc X() int { return \"s\" }\n",
			"broken/broken_test.go": "package broken\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { _ = X() }\n",
			// A panic kills the binary: TestNever never runs.
			"panicky/p.go": "package panicky\n",
			"panicky/p_test.go": `package panicky

import "testing"

func TestFirst(t *testing.T) {}
func TestPanic(t *testing.T) { panic("kaboom") }
func TestNever(t *testing.T) {}
`,
			// os.Exit in a test: it starts and never ends.
			"exiter/e_test.go": `package exiter

import (
	"os"
	"testing"
)

func TestOK(t *testing.T)   {}
func TestExit(t *testing.T) { os.Exit(3) }
`,
			"notests/n.go": "package notests\n",
			// Parallel subtests pause and continue.
			"par/p_test.go": `package par

import "testing"

func TestPar(t *testing.T) {
	t.Run("a", func(t *testing.T) { t.Parallel() })
	t.Run("b", func(t *testing.T) { t.Parallel() })
}
`,
		},
	},
	{
		// Go 1.26 gives a passing benchmark a "run" event and no terminal
		// event, and one that kills the binary no terminal event either.
		// (Not a panic: under load Go 1.26 now and then reports a
		// benchmark that panics as passing, which no parser can see.)
		name:    "bench",
		command: "go test -json -run '^$' -bench . -benchtime 1x ./...",
		files: map[string]string{
			"bencha/a_test.go": `package bencha

import "testing"

func BenchmarkAFail(b *testing.B)  { b.Error("no") }
func BenchmarkBQuiet(b *testing.B) { for b.Loop() {} }
func BenchmarkCSub(b *testing.B) {
	b.Run("x", func(b *testing.B) { for b.Loop() {} })
	b.Run("y", func(b *testing.B) { for b.Loop() {} })
}
func BenchmarkDQuiet(b *testing.B) { for b.Loop() {} }
`,
			"benchb/b_test.go": `package benchb

import (
	"os"
	"testing"
)

func BenchmarkBQuiet(b *testing.B) { for b.Loop() {} }
func BenchmarkPanic(b *testing.B)  { os.Exit(3) }
`,
			"benchc/c_test.go": `package benchc

import "testing"

func BenchmarkOnly(b *testing.B) { b.Log("hi"); for b.Loop() {} }
`,
		},
	},
	{
		// go test's own -timeout: the hung tests never end.
		name:    "timeout",
		command: "go test -json -timeout 1s ./...",
		files: map[string]string{
			"hang/h_test.go": `package hang

import (
	"testing"
	"time"
)

func TestOK(t *testing.T) {}
func TestHang(t *testing.T) {
	t.Run("inner", func(t *testing.T) { time.Sleep(time.Hour) })
}
`,
		},
	},
}

// TestGoTestJSONReal runs real `go test -json` and checks the results.
func TestGoTestJSONReal(t *testing.T) {
	for _, sc := range goScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			o, lines := runGo(t, sc.files, sc.command)
			if o.Format != FormatGoTestJSON || o.ExitCode != 1 || o.ParseError != "" || o.Truncated || o.TimedOut {
				t.Errorf("outcome = format %q exit %d parse error %q truncated %v timed out %v; want go-test-json, exit 1, no parse error",
					o.Format, o.ExitCode, o.ParseError, o.Truncated, o.TimedOut)
			}
			if *update {
				raw := strings.Join(lines, "\n") + "\n"
				if err := os.WriteFile(filepath.Join("testdata", sc.name+".jsonl"), []byte(raw), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden(t, sc.name+".golden", formatResults(o.Results))
		})
	}
}

// TestGoTestJSONRecorded parses the recorded real output again, without the
// go command.
func TestGoTestJSONRecorded(t *testing.T) {
	for _, sc := range goScenarios {
		t.Run(sc.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", sc.name+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			rs, err := ParseGoTestJSON(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", sc.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			if got := formatResults(rs); got != string(want) {
				t.Errorf("results:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestParseGoTestJSONMalformed(t *testing.T) {
	ev := func(action, pkg, test string) string {
		return `{"Time":"2026-01-02T03:04:05Z","Action":"` + action + `","Package":"` + pkg + `","Test":"` + test + `"}` + "\n"
	}
	pkgEv := func(action, pkg string) string {
		return `{"Action":"` + action + `","Package":"` + pkg + `"}` + "\n"
	}
	huge := strings.Repeat("x", 2<<20)
	tooHuge := strings.Repeat("y", maxEventLine+10)
	tests := []struct {
		name    string
		in      string
		want    string // formatResults; ignored when wantErr
		wantErr bool   // ErrNoEvents
	}{
		{name: "empty", in: "", wantErr: true},
		{name: "plain text", in: "ok  \texample.com/m\t0.01s\nPASS\n", wantErr: true},
		{name: "setup failure on stderr", in: "go: errors parsing go.mod:\ngo.mod:4: unknown directive: bogus\n", wantErr: true},
		{
			name: "truncated last line",
			in:   ev("run", "p", "TestA") + `{"Action":"pass","Package":"p","Te`,
			want: "fail p.TestA\n",
		},
		{
			name: "truncated line in the middle",
			in:   ev("run", "p", "TestA") + `{"Action":"fail","Pack` + "\n" + ev("pass", "p", "TestA"),
			want: "pass p.TestA\n",
		},
		{name: "binary garbage", in: "\x00\xff\xfe{\x01\x02}\n\x7f[{]}\n\xc3\x28", wantErr: true},
		{
			name: "garbage around events",
			in:   "\xff\xfe\x00\n" + ev("pass", "p", "TestA") + "{{{{\n\x00\x00\n" + pkgEv("pass", "p"),
			want: "pass p\npass p.TestA\n",
		},
		{
			name: "huge output line",
			in: ev("run", "p", "TestBig") + `{"Action":"output","Package":"p","Test":"TestBig","Output":"` + huge + `\n"}` + "\n" +
				ev("pass", "p", "TestBig"),
			want: "pass p.TestBig\n",
		},
		{
			name: "line over the event limit is skipped",
			in:   tooHuge + "\n" + ev("run", "p", "TestA") + `{"Action":"pass","Package":"p","Test":"TestA","Output":"` + tooHuge + `"}` + "\n",
			want: "fail p.TestA\n",
		},
		{
			name: "huge line without newline",
			in:   ev("pass", "p", "TestA") + huge,
			want: "pass p.TestA\n",
		},
		{
			name:    "wrong shapes",
			in:      "[1,2,3]\n\"str\"\nnull\n42\n{}\n{\"Action\":5}\n{\"Action\":\"pass\",\"Test\":[\"x\"]}\n{\"Action\":\"pass\",\"Package\":{\"a\":1}}\n{\"Package\":\"p\",\"Test\":\"T\"}\n",
			wantErr: true,
		},
		{name: "build events only", in: `{"ImportPath":"p","Action":"build-output","Output":"# p\n"}` + "\n" + `{"ImportPath":"p","Action":"build-fail"}` + "\n", wantErr: true},
		{name: "no package nor test", in: `{"Action":"pass"}` + "\n", want: ""},
		{name: "test without package", in: `{"Action":"run","Test":"TestX"}` + "\n" + `{"Action":"pass","Test":"TestX"}` + "\n", want: "pass TestX\n"},
		{name: "package only", in: pkgEv("start", "p") + pkgEv("fail", "p"), want: "fail p\n"},
		{name: "package never ended", in: pkgEv("start", "p") + ev("run", "p", "TestA") + ev("pass", "p", "TestA"), want: "fail p\npass p.TestA\n"},
		{name: "output only", in: `{"Action":"output","Package":"p","Output":"hello\n"}` + "\n", want: ""},
		{name: "unknown action of a package", in: pkgEv("frobnicate", "p"), want: ""},
		{name: "unknown action without package", in: `{"Action":"frobnicate"}` + "\n", wantErr: true},
		{
			name: "escaped NUL in names",
			in:   `{"Action":"pass","Package":"p\u0000q","Test":"Test\u0000A"}` + "\n",
			want: "pass p\x00q.Test\x00A\n",
		},
		{name: "raw NUL in a string", in: "{\"Action\":\"pass\",\"Package\":\"p\x00\",\"Test\":\"T\"}\n", wantErr: true},
		{name: "invalid UTF-8 in a name", in: "{\"Action\":\"pass\",\"Package\":\"p\",\"Test\":\"Test\xff\"}\n", want: "pass p.Test\uFFFD\n"},
		{name: "CRLF and indentation", in: "  " + strings.ReplaceAll(ev("pass", "p", "TestA"), "\n", "\r\n"), want: "pass p.TestA\n"},
		{name: "lower-case keys", in: `{"action":"fail","package":"p","test":"TestA"}` + "\n", want: "fail p.TestA\n"},
		{name: "duplicate keys: the last wins", in: `{"Action":"fail","Action":"pass","Package":"p","Test":"TestA"}` + "\n", want: "pass p.TestA\n"},
		{
			name: "interleaved build errors and downloads",
			in: "go: downloading example.com/dep v1.0.0\n# example.com/m/x\nx/x.go:3:1: syntax error\n" +
				ev("run", "p", "TestA") + "exit status 2\n" + ev("pass", "p", "TestA") + "FAIL\texample.com/m/x [build failed]\n",
			want: "pass p.TestA\n",
		},
		{name: "last terminal action wins", in: ev("run", "p", "TestA") + ev("fail", "p", "TestA") + ev("run", "p", "TestA") + ev("pass", "p", "TestA"), want: "pass p.TestA\n"},
		{name: "rerun never ended", in: ev("run", "p", "TestA") + ev("pass", "p", "TestA") + ev("run", "p", "TestA"), want: "fail p.TestA\n"},
		{name: "terminal without run", in: ev("skip", "p", "TestA"), want: "skip p.TestA\n"},
		{
			name: "unfinished test of a passing package passed",
			in:   pkgEv("start", "p") + ev("run", "p", "TestA") + pkgEv("pass", "p"),
			want: "pass p\npass p.TestA\n",
		},
		{
			name: "paused and never continued",
			in:   ev("run", "p", "TestA") + ev("pause", "p", "TestA") + pkgEv("fail", "p"),
			want: "fail p\nfail p.TestA\n",
		},
		{
			name: "benchmark followed by another",
			in:   ev("run", "p", "BenchmarkA") + ev("run", "p", "BenchmarkB") + pkgEv("fail", "p"),
			want: "fail p\npass p.BenchmarkA\nfail p.BenchmarkB\n",
		},
		{
			name: "benchmark that printed its result",
			in: ev("run", "p", "BenchmarkA") + `{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"       1\t       257.0 ns/op\n"}` + "\n" +
				pkgEv("fail", "p"),
			want: "fail p\npass p.BenchmarkA\n",
		},
		{
			name: "sub-benchmarks keep their parent running",
			in:   ev("run", "p", "BenchmarkA") + ev("run", "p", "BenchmarkA/x") + ev("run", "p", "BenchmarkA/y") + pkgEv("fail", "p"),
			want: "fail p\nfail p.BenchmarkA\npass p.BenchmarkA/x\nfail p.BenchmarkA/y\n",
		},
		{
			name: "benchmark run twice, the second killed",
			in:   ev("run", "p", "BenchmarkA") + ev("run", "p", "BenchmarkA") + pkgEv("fail", "p"),
			want: "fail p\nfail p.BenchmarkA\n",
		},
		{
			name: "attr and artifacts events",
			in:   ev("run", "p", "TestA") + `{"Action":"attr","Package":"p","Test":"TestA","Key":"k","Value":"v"}` + "\n" + ev("pass", "p", "TestA"),
			want: "pass p.TestA\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseGoTestJSON(strings.NewReader(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrNoEvents) {
					t.Fatalf("err = %v, results %v; want ErrNoEvents", err, rs)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got := formatResults(rs); got != tt.want {
				t.Errorf("results:\n%q\nwant:\n%q", got, tt.want)
			}
			// The same input in 1-byte reads parses the same.
			rs2, err := ParseGoTestJSON(iotest.OneByteReader(strings.NewReader(tt.in)))
			if err != nil || formatResults(rs2) != tt.want {
				t.Errorf("one byte at a time: %v, %q", err, formatResults(rs2))
			}
		})
	}
}

func TestParseGoTestJSONReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := ParseGoTestJSON(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
}

// BenchmarkParseGoTestJSON parses a large stream built from the recorded
// real output (each copy under its own package names), and reports MB/s.
func BenchmarkParseGoTestJSON(b *testing.B) {
	var seed []byte
	for _, sc := range goScenarios {
		raw, err := os.ReadFile(filepath.Join("testdata", sc.name+".jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		seed = append(seed, raw...)
	}
	var stream bytes.Buffer
	for i := 0; stream.Len() < 32<<20; i++ {
		stream.Write(bytes.ReplaceAll(seed, []byte("example.com/m/"), []byte("example.com/m"+strconv.Itoa(i)+"/")))
	}
	data := stream.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseGoTestJSON(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
