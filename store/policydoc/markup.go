package policydoc

import (
	"html"
	"regexp"
	"strings"
)

// token is a piece of an HTML fragment: a tag (tag != "") or text.
type token struct {
	tag      string // lower-case tag name, "" for text
	closing  bool
	centered bool   // <p align="center"> or style="text-align: center"
	raw      string // the tag as written
	text     string // unescaped text for text tokens
}

// supportedTags are the tags the seed format may use.
var supportedTags = map[string]bool{
	"p": true, "u": true, "ul": true, "ol": true, "li": true, "br": true, "span": true,
}

var centerRe = regexp.MustCompile(`(?i)(?:^|[\s;"'])align\s*=\s*["']?\s*center|text-align\s*:\s*center`)

type tagError struct {
	tag string
	msg string
}

func (e *tagError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return "unsupported tag " + e.tag
}

// tokenize splits an HTML fragment into tags and text. A '<' that does
// not start a tag ("a < b") is text. Unknown tags are an error so that no
// content is silently dropped.
func tokenize(s string) ([]token, error) {
	var out []token
	text := func(t string) {
		if t == "" {
			return
		}
		if strings.Contains(t, "&") {
			t = html.UnescapeString(t)
		}
		out = append(out, token{text: t})
	}
	start := 0
	for i := 0; i < len(s); {
		if s[i] != '<' || !isTagStart(s[i+1:]) {
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			return nil, &tagError{msg: "unterminated tag " + clip(s[i:], 20)}
		}
		text(s[start:i])
		raw := s[i : i+end+1]
		tk, err := parseTag(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, tk)
		i += end + 1
		start = i
	}
	text(s[start:])
	return out, nil
}

func isTagStart(rest string) bool {
	if rest == "" {
		return false
	}
	c := rest[0]
	if c == '/' && len(rest) > 1 {
		c = rest[1]
	}
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func parseTag(raw string) (token, error) {
	body := strings.TrimSuffix(strings.TrimPrefix(raw, "<"), ">")
	body = strings.TrimSuffix(strings.TrimSpace(body), "/")
	tk := token{raw: raw}
	if strings.HasPrefix(body, "/") {
		tk.closing = true
		body = body[1:]
	}
	name := body
	attrs := ""
	if k := strings.IndexAny(body, " \t\r\n"); k >= 0 {
		name, attrs = body[:k], body[k:]
	}
	tk.tag = strings.ToLower(name)
	if !supportedTags[tk.tag] {
		return tk, &tagError{tag: raw}
	}
	tk.centered = attrs != "" && centerRe.MatchString(attrs)
	return tk, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
