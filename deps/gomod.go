package deps

import (
	"errors"
	"fmt"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// parseGoMod reads a go.mod the way the go command reads a main module's:
// every require is a dependency (Direct unless marked // indirect), at the
// version written, which for Go is exact; a replace directive for that path
// (and that version, where it names one) fills Replace. exclude, retract,
// tool, ignore, go and toolchain add nothing. A go.mod that the go command
// would refuse is reported whole.
func (p *parser) parseGoMod(file string) {
	data := p.files[file]
	f, err := modfile.Parse(file, data, nil)
	if err != nil {
		// modfile's messages start with "file:line:"; keep the line, say
		// the file once.
		line, cause := 0, err
		var list modfile.ErrorList
		var one *modfile.Error
		switch {
		case errors.As(err, &list) && len(list) > 0:
			line, cause = list[0].Pos.Line, list[0].Err
			if len(list) > 1 {
				cause = fmt.Errorf("%w (and %d more)", cause, len(list)-1)
			}
		case errors.As(err, &one):
			line, cause = one.Pos.Line, one.Err
		}
		p.fail(errWrap(file, line, ErrSyntax, cause))
		return
	}
	for _, r := range f.Require {
		d := Dependency{
			Ecosystem: Golang,
			Name:      r.Mod.Path,
			Version:   r.Mod.Version,
			Direct:    !r.Indirect,
			Manifest:  file,
			PURL:      purl(Golang, r.Mod.Path, r.Mod.Version),
			Replace:   goReplacement(f.Replace, r.Mod),
		}
		line := 0
		if r.Syntax != nil {
			line = r.Syntax.Start.Line
		}
		p.add(d, at(line))
	}
}

// goReplacement is the replacement that applies to m, as path@version or a
// local directory, or "". A replace naming m's exact version wins over one
// for every version of the path, as in the go command.
func goReplacement(reps []*modfile.Replace, m module.Version) string {
	var all *modfile.Replace
	for _, r := range reps {
		if r.Old.Path != m.Path {
			continue
		}
		if r.Old.Version == m.Version {
			return replacementString(r.New)
		}
		if r.Old.Version == "" {
			all = r
		}
	}
	if all != nil {
		return replacementString(all.New)
	}
	return ""
}

func replacementString(m module.Version) string {
	if m.Version == "" {
		return m.Path // a local directory
	}
	return m.Path + "@" + m.Version
}
