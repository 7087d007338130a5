package astdiff

import (
	"fmt"
	"strings"
)

// render prints a FileResult as the stable text the golden files hold.
func render(r FileResult) string {
	var b strings.Builder
	if r.Reason != "" {
		fmt.Fprintf(&b, "file: line-level (%s)\n", r.Reason)
	}
	for _, h := range r.Hunks {
		ess := "essential"
		if !h.Essential {
			ess = "non-essential"
		}
		fmt.Fprintf(&b, "hunk %s: %s, %s", h.Hunk, h.Class, ess)
		if h.Path != "" {
			fmt.Fprintf(&b, " at %s", h.Path)
		}
		if h.Reason != "" {
			fmt.Fprintf(&b, " (%s)", h.Reason)
		}
		if h.Degraded {
			b.WriteString(" [degraded]")
		}
		b.WriteByte('\n')
		if h.Old != nil || h.New != nil {
			fmt.Fprintf(&b, "  decls: %s | %s\n", declStr(h.Old), declStr(h.New))
		}
		for _, c := range h.Changes {
			if c.Class == LineLevel {
				continue
			}
			fmt.Fprintf(&b, "  - %s", c.Class)
			if c.Path != "" {
				fmt.Fprintf(&b, " at %s", c.Path)
			}
			if c.Detail != "" {
				fmt.Fprintf(&b, ": %s", c.Detail)
			}
			b.WriteByte('\n')
		}
	}
	for _, a := range r.API {
		fmt.Fprintf(&b, "api %s %s %s", a.Change, a.Kind, a.Name)
		switch a.Change {
		case APIAdded:
			fmt.Fprintf(&b, " (new line %d): %s", a.NewLine, a.NewSignature)
		case APIRemoved:
			fmt.Fprintf(&b, " (old line %d): %s", a.OldLine, a.OldSignature)
		default:
			fmt.Fprintf(&b, " (lines %d→%d): %s ⇒ %s", a.OldLine, a.NewLine, a.OldSignature, a.NewSignature)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func declStr(d *Decl) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%s@%d-%d", d.Label(), d.Line, d.EndLine)
}
