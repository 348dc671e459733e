package policy

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/i18n"
)

// TestParityFindingsInKazakh: in the Kazakh UI the findings of the real
// seed policy, and a made-up one of every kind, are worded in Kazakh.
func TestParityFindingsInKazakh(t *testing.T) {
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Kazakh); err != nil {
		t.Fatal(err)
	}
	defer i18n.Load(i18n.Russian)
	b, err := assets.FS.ReadFile(assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policydoc.Parse(bytes.NewReader(b), "seed")
	if err != nil {
		t.Fatal(err)
	}
	probs := policydoc.Check(doc)
	probs = append(probs,
		policydoc.Problem{Code: policydoc.CodeURLMismatch, Message: "links differ: only in Russian «https://a.kz», only in Kazakh —", MessageRU: "ссылки различаются"},
		policydoc.Problem{Code: policydoc.CodeItemCountMismatch, Message: "the list has 3 items in Russian and 2 in Kazakh", MessageRU: "число пунктов"},
		policydoc.Problem{Code: policydoc.CodeMissingTranslation, Lang: policydoc.KK, Message: "present in Russian only: the Kazakh text is missing", MessageRU: "есть только"},
		policydoc.Problem{Code: policydoc.CodePunctuationMismatch, Message: "ends with «.» in Russian but none in Kazakh", MessageRU: "в конце"},
		policydoc.Problem{Code: policydoc.CodeUnderlineMismatch, Message: "2 underlined passages in Russian, 1 in Kazakh", MessageRU: "подчёркнутых"},
	)
	if len(probs) < 6 {
		t.Fatalf("only %d findings", len(probs))
	}
	for _, p := range probs {
		if strings.HasPrefix(p.Code, "numbering") {
			continue // worded by the numbering check; Russian kept
		}
		got := problemMessage(p)
		if got == p.MessageRU || !strings.ContainsAny(got, "әғқңөұүһі") {
			t.Errorf("%s: %q is not Kazakh (English: %q)", p.Code, got, p.Message)
		}
	}
}

func TestPublishNamesOpenWarnings(t *testing.T) {
	test.NewTempApp(t)
	i18n.Load(i18n.Russian)
	probs := []policydoc.Problem{
		{Clause: "1.2", Code: policydoc.CodePunctuationMismatch, Severity: policydoc.SeverityWarning, Message: "ends with «.» in Russian but none in Kazakh", MessageRU: "в конце русского текста «.», казахского — нет"},
		{Clause: "1.6", Code: policydoc.CodeEmptyText, Severity: policydoc.SeverityError, Message: "no text in either language", MessageRU: "нет текста ни на одном языке"},
		{Clause: "3.1", Code: policydoc.CodeLatinMismatch, Severity: policydoc.SeverityWarning, Message: "Latin-script names differ: only in Russian «LegCo», only in Kazakh —", MessageRU: "названия латиницей различаются"},
	}
	got := openWarnings(probs, 2)
	for _, want := range []string{"2 предупреждения", "1.2: в конце русского текста", "3.1: названия латиницей"} {
		if !strings.Contains(got, want) {
			t.Errorf("publish note %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "1.6") {
		t.Errorf("an error is listed among the warnings: %q", got)
	}
}
