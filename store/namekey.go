package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"legco.kz/compliance/store/kz"
)

// The records list sorts a million names alphabetically. Comparing the
// names with a collator at that size costs seconds on every open, so each
// user row keeps a sort key (users.name_key, migration 0011): the bytes
// of the collation key of the name, indexed with the account id as the
// tie-break (users_name). Listing in name order is then a walk of that
// index.
//
// One key serves every UI language, so the collation was chosen to be
// right for Kazakh and right for Russian names:
//
//   - Kazakh order (CLDR kk, golang.org/x/text/collate): А Ә Б В Г Ғ Д
//     Е Ж З И Й К Қ Л … Н Ң О Ө … У Ұ Ү Ф Х Һ … Ы І Ь Э Ю Я. A name
//     written only with Russian letters sorts exactly as in Russian: the
//     Kazakh alphabet keeps the Russian letters in Russian order and puts
//     its own letters after their nearest Russian ones. What a Russian
//     reader sees differently is only where the Kazakh letters go: І after
//     Ы (Russian collation puts it next to И), Ұ before Ү.
//   - «ё» sorts as «е» (Russian dictionary practice, and how search
//     matches it); CLDR's Kazakh table makes Ё a letter after Е, which
//     would move «Алёна» away from «Алена». Ё occurs in Kazakh only in
//     Russian loans, so this is the better rule for both readers.
//   - Letters only: case and accents are ignored (the primary level of
//     the collation key), which also halves the key; names equal in
//     that sense are ordered by account id.
//   - Cyrillic names come before names written in Latin letters, as the
//     CLDR ru and kk tailorings say ([reorder Cyrl]); x/text does not do
//     script reordering, so the key starts with one byte for the script
//     of the name's first letter.
//
// The key is derived from the name, so it is personal data: it lives only
// in the encrypted database, changes with the name (edit, import update),
// is the surrogate's after a depersonalization and goes with the row on a
// destruction; secure_delete zeroes the old index cells. The seals do not
// cover it (seal.go lists the sealed columns): it is worked out from the
// sealed full_name, and a wrong key can only misplace a row in the list.

// nameKeyCollation is the collation of the stored keys. Changing it (or a
// golang.org/x/text upgrade that changes its weights) needs the keys
// recomputed: see nameKeyVersion.
var nameKeyCollation = language.Kazakh

// Script groups: the first byte of every key.
const (
	nameKeyCyrillic byte = 1
	nameKeyOther    byte = 2
)

var nameKeyPool = sync.Pool{New: func() any {
	return &nameKeyer{c: collate.New(nameKeyCollation, collate.Loose)}
}}

// nameKeyer is a collator with its buffer; a collator is not safe for
// concurrent use, so each goroutine takes one from the pool.
type nameKeyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

// NameKey is the stored sort key of a full name (see above); nil for an
// empty name, which sorts first.
func NameKey(fullName string) []byte {
	return appendNameKey(nil, fullName)
}

// appendNameKey appends the key of fullName to dst.
func appendNameKey(dst []byte, fullName string) []byte {
	name := strings.TrimSpace(kz.NFC(fullName))
	if name == "" {
		return dst
	}
	group := nameKeyOther
	for _, r := range name {
		if unicode.IsLetter(r) {
			if unicode.Is(unicode.Cyrillic, r) {
				group = nameKeyCyrillic
			}
			break
		}
	}
	if strings.ContainsAny(name, "ёЁ") {
		name = yoAsYe.Replace(name)
	}
	dst = append(dst, group)
	if out, ok := appendWordKeys(dst, name); ok {
		return out
	}
	return appendCollationKey(dst, name)
}

var yoAsYe = strings.NewReplacer("ё", "е", "Ё", "Е")

// appendCollationKey appends the collation key of s (no script byte).
func appendCollationKey(dst []byte, s string) []byte {
	k := nameKeyPool.Get().(*nameKeyer)
	dst = append(dst, k.c.KeyFromString(&k.buf, s)...)
	k.buf.Reset()
	nameKeyPool.Put(k)
	return dst
}

// The collator is most of an import's cost of a name key (and most of
// the memory it allocates): a million names are a few thousand words
// over and over. The key of a name of plain words (nameKeyWord) joined
// by single spaces is the keys of its words joined by the key of a
// space: with case and accents ignored the key is the primary weights
// of the name's collation elements, and no contraction or expansion of
// the Kazakh table spans a space or joins such letters, so each word
// gives the weights it gives alone. appendWordKeys builds the key that
// way from a cache of word keys; any other name goes to the collator
// whole. wordKeysExact checks the rule once against the collator (on
// the fingerprint names and a few more) and turns the cache off if it
// ever fails; TestNameKeyWords compares the two ways on many names.
// wordKeyMaxLen: longer "words" are not cached.
const wordKeyMaxLen = 64

var (
	wordKeys     wordCache[[]byte] // see wordcache.go
	wordKeySpace []byte            // the key of a space
)

var wordKeysExact = sync.OnceValue(func() bool {
	wordKeySpace = appendCollationKey(nil, " ")
	for _, s := range append(slices.Clone(nameKeySample), "Медведев Семен Александрович", "Шәріпов Ерлан Болатович",
		"Бекмұхамбетова Гүлнар Алибековна", "Ким Ir-Sen", "Д'Артаньян О'Нил", "Anna-Maria Żółć", "Иван 2-й") {
		s = yoAsYe.Replace(strings.TrimSpace(kz.NFC(s)))
		if whole := appendCollationKey(nil, s); len(whole) > 0 {
			got, ok := appendWordKeysCached(nil, s, false)
			if ok && !bytes.Equal(got, whole) {
				return false
			}
		}
	}
	return true
})

// nameKeyWord reports whether r may be part of a cached word: letters
// of the Cyrillic and Latin blocks that stand alone (no combining mark
// follows in NFC text made of them), digits, hyphen and apostrophe.
func nameKeyWord(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '\'':
		return true
	case r >= 0x0400 && r <= 0x052F:
		return unicode.IsLetter(r) // not the combining marks U+0483–U+0489
	case r >= 0x00C0 && r <= 0x024F:
		return unicode.IsLetter(r)
	}
	return false
}

// appendWordKeys appends the key of name (trimmed, NFC, ё as е) word
// by word from the cache; false when name is not plain words (dst is
// then unchanged) or the rule does not hold.
func appendWordKeys(dst []byte, name string) ([]byte, bool) {
	if !wordKeysExact() {
		return dst, false
	}
	return appendWordKeysCached(dst, name, true)
}

func appendWordKeysCached(dst []byte, name string, keep bool) ([]byte, bool) {
	start := len(dst)
	for i, more := 0, true; more; i++ {
		var w string
		w, name, more = strings.Cut(name, " ")
		if i > 0 {
			dst = append(dst, wordKeySpace...)
		}
		// A word in the cache passed the checks below when it was put
		// there.
		if k, ok := wordKeys.get(w); ok {
			dst = append(dst, k...)
			continue
		}
		if w == "" || len(w) > wordKeyMaxLen {
			return dst[:start], false
		}
		for _, r := range w {
			if !nameKeyWord(r) {
				return dst[:start], false
			}
		}
		at := len(dst)
		dst = appendCollationKey(dst, w)
		if keep {
			wordKeys.put(w, slices.Clone(dst[at:]))
		}
	}
	return dst, true
}

// nameKeySQL is the SQL function legco_name_key(full_name): the
// migration that adds the column fills it with this, and tests compare
// the stored keys with it. NULL (or an empty name) gives NULL.
func nameKeySQL(fullName any) []byte {
	switch v := fullName.(type) {
	case string:
		return NameKey(v)
	case []byte:
		return NameKey(string(v))
	}
	return nil
}

// nameKeyArg is the key as a statement argument: NULL for no name.
func nameKeyArg(fullName string) any {
	if k := NameKey(fullName); k != nil {
		return k
	}
	return nil
}

// nameKeySample are names whose keys fingerprint the collation: when a
// build computes other keys for them (a golang.org/x/text upgrade moved
// a weight, or the rules above changed), the stored keys are recomputed
// on the next open, so that the list never mixes two orders.
var nameKeySample = []string{"Азамат", "Әлия", "Ёлкин Пётр", "Іліяс", "Қайратұлы", "Ңх", "Өтеген", "Ұлан", "Үмбетов", "Һәкім",
	"Ыбырай", "Щукин-Ээ", "O'Neil Éva", "«Ая» 12"}

var nameKeyVersion = sync.OnceValue(func() string {
	h := sha256.New()
	for _, s := range nameKeySample {
		k := NameKey(s)
		h.Write(binary.AppendUvarint(nil, uint64(len(k))))
		h.Write(k)
	}
	return "kk-primary-cyrl-ee:" + hex.EncodeToString(h.Sum(nil)[:8])
})

// refreshNameKeys makes the stored keys this build's: it adds the column
// when the workspace recorded migration 0011 before the migration had
// it (a build where 0011 was still a placeholder), and recomputes every
// key when they were computed under another collation (nameKeyVersion).
// Migration 0011 records the version it filled with, so an upgrade
// computes the keys once.
func (w *Workspace) refreshNameKeys(ctx context.Context) error {
	var have int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('users') WHERE name = 'name_key'`).Scan(&have); err != nil {
		return err
	}
	var v string
	if have == 1 {
		err := w.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'name_key_version'`).Scan(&v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if v == nameKeyVersion() {
			return nil
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := []string{`UPDATE users SET name_key = legco_name_key(full_name)`}
	if have == 0 {
		stmts = []string{`ALTER TABLE users ADD COLUMN name_key BLOB`,
			`UPDATE users SET name_key = legco_name_key(full_name) WHERE full_name IS NOT NULL`,
			`CREATE INDEX users_name ON users (name_key, account_id)`}
	}
	stmts = append(stmts, `INSERT INTO meta(key, value) VALUES ('name_key_version', legco_name_key_version())
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}
