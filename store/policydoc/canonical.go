package policydoc

import (
	"crypto/sha256"
	"strconv"
)

// CanonicalVersion names the encoding produced by Canonical. It is the
// first line of every encoding; a change of format gets a new version.
const CanonicalVersion = "legco-policydoc-canonical-v1"

// Canonical returns the stable, unambiguous byte encoding of the
// document's content, the input of Hash. Document.Name is not part of
// it. The format (UTF-8, "\n" line ends) is:
//
//	legco-policydoc-canonical-v1\n
//	clauses <count>\n
//	then for every clause, in order, six fields:
//	  number <len>:<bytes>\n
//	  kind <len>:<bytes>\n
//	  parent <len>:<bytes>\n
//	  ru <len>:<bytes>\n
//	  ru-u <count>:<start>-<end>,…\n
//	  kk <len>:<bytes>\n
//	  kk-u <count>:<start>-<end>,…\n
//
// <len> is the byte length of the string that follows the colon, so no
// text can be mistaken for structure; -u fields list the underline spans
// in rune offsets, normalised (sorted, merged, clamped to the text). The
// text is encoded as stored: build texts with NewText/WithPlain (NFC,
// collapsed whitespace) so equal content encodes equally.
func Canonical(doc *Document) []byte {
	var clauses []Clause
	if doc != nil {
		clauses = doc.Clauses
	}
	b := make([]byte, 0, 4096)
	b = append(b, CanonicalVersion...)
	b = append(b, '\n')
	b = append(b, "clauses "...)
	b = strconv.AppendInt(b, int64(len(clauses)), 10)
	b = append(b, '\n')
	str := func(tag, s string) {
		b = append(b, tag...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, '\n')
	}
	spans := func(tag string, t Text) {
		sp := normSpans(t.Underline, t.Len())
		b = append(b, tag...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(sp)), 10)
		b = append(b, ':')
		for i, s := range sp {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(s.Start), 10)
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(s.End), 10)
		}
		b = append(b, '\n')
	}
	for _, c := range clauses {
		str("number", c.Number)
		str("kind", string(c.Kind))
		str("parent", c.Parent)
		str("ru", c.RU.Plain)
		spans("ru-u", c.RU)
		str("kk", c.KK.Plain)
		spans("kk-u", c.KK)
	}
	return b
}

// Hash is the SHA-256 of Canonical(doc).
func Hash(doc *Document) [32]byte {
	return sha256.Sum256(Canonical(doc))
}
