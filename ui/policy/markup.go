package policy

import (
	"html"
	"strings"

	"legco.kz/compliance/store/policydoc"
)

// Editable returns the text of t as it is edited in the side-by-side
// editor: the plain text with underlined runs wrapped in <u>…</u>.
// Characters are escaped only where policydoc.ParseMarkup would otherwise
// read them differently, so that «K&T Partners» stays readable; the
// result always parses back to t.
func Editable(t policydoc.Text) string {
	var sb strings.Builder
	for _, s := range t.Segments() {
		if s.Underline {
			sb.WriteString("<u>")
		}
		sb.WriteString(escapeMinimal(s.Text))
		if s.Underline {
			sb.WriteString("</u>")
		}
	}
	out := sb.String()
	if back, err := policydoc.ParseMarkup(out); err != nil || !back.Equal(t) {
		return t.Markup()
	}
	return out
}

// escapeMinimal escapes a run of plain text for ParseMarkup: every «&»
// when the run holds something that reads as a character reference, and
// a «<» that would open a tag («<b», «</x»).
func escapeMinimal(s string) string {
	if html.UnescapeString(s) != s {
		s = strings.ReplaceAll(s, "&", "&amp;")
	}
	if !strings.Contains(s, "<") {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && opensTag(s[i+1:]) {
			sb.WriteString("&lt;")
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// opensTag mirrors ParseMarkup's test for the start of a tag.
func opensTag(rest string) bool {
	if rest == "" {
		return false
	}
	c := rest[0]
	if c == '/' && len(rest) > 1 {
		c = rest[1]
	}
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// ParseEditable reads the editor's text back into a policy text.
func ParseEditable(s string) (policydoc.Text, error) { return policydoc.ParseMarkup(s) }
