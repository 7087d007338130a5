package sarif

import "strings"

// formatMessage fills the placeholders of a SARIF message string (§3.11.5):
// "{n}" becomes arguments[n], "{{" and "}}" become "{" and "}". A placeholder
// without an argument stays as written. Output stops growing past
// MaxMessageBytes, which is all a Finding keeps.
func formatMessage(template string, arguments []string) string {
	var b strings.Builder
	for i := 0; i < len(template) && b.Len() <= MaxMessageBytes; {
		c := template[i]
		switch {
		case c == '{' && i+1 < len(template) && template[i+1] == '{':
			b.WriteByte('{')
			i += 2
		case c == '}' && i+1 < len(template) && template[i+1] == '}':
			b.WriteByte('}')
			i += 2
		case c == '{':
			j := digitsRun(template, i+1)
			if j > i+1 && j-i-1 <= 6 && j < len(template) && template[j] == '}' {
				n := 0
				for _, d := range template[i+1 : j] {
					n = n*10 + int(d-'0')
				}
				if n < len(arguments) {
					arg := arguments[n]
					if room := MaxMessageBytes + 1 - b.Len(); len(arg) > room {
						arg = arg[:room]
					}
					b.WriteString(arg)
					i = j + 1
					continue
				}
			}
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
