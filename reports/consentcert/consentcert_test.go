package consentcert

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

func TestCertificateHoldsKazakhNameAndArt8(t *testing.T) {
	pdftest.Need(t)
	ctx := context.Background()
	w, err := store.Create(ctx, filepath.Join(t.TempDir(), "ws.db"), "admin", []byte("correct horse"), store.Options{KDF: keyslot.TestParams})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
		t.Fatal(err)
	}
	if err := w.SetOperator(ctx, store.Operator{NameRU: "ТОО «K&T Partners»", NameKK: "«K&T Partners» ЖШС", BIN: "190240012344",
		AddressRU: "г. Алматы", AddressKK: "Алматы қ.", Contact: "privacy@legco.kz"}, "details"); err != nil {
		t.Fatal(err)
	}
	const name = "Сәрсенбаева Әйгерім Нұрланқызы"
	csv := "account_id,full_name\nLC-K0001," + name + "\n"
	if _, err := w.ImportUsers(ctx, strings.NewReader(csv), "u.csv", exportfile.CSV, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ev := func(p string, e store.ConsentEventKind, ed int, at time.Time) {
		if _, err := w.RecordConsent(ctx, store.ConsentRecord{AccountID: "LC-K0001", Purpose: p, Event: e, Edition: ed, Language: "kk",
			DocumentRef: "Өтініш № 7", Reason: "қағаз өтініш", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	ev(store.PurposePolicy, store.ConsentGiven, 2, time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC))
	ev(store.PurposeSMSThirdParty, store.ConsentGiven, 2, time.Date(2024, 7, 1, 10, 1, 0, 0, time.UTC))
	ev(store.PurposeSMSThirdParty, store.ConsentWithdrawn, 3, time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC))
	d, err := w.ConsentCertificate(ctx, "LC-K0001", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"kk": {name, "«K&T Partners» ЖШС", "190240012344", "Үшінші тұлғаларға беру", "Трансшекаралық беру", "Жиналатын деректер тізбесі",
			"кері қайтарылды", "Өтініш № 7", d.Editions[2].SHA256, d.Editions[3].SHA256, d.Head.Hash, "ұялы телефон нөмірі"},
		"ru": {name, "ТОО «K&T Partners»", "Передача третьим лицам", "Трансграничная передача", "Размещение в общедоступных источниках",
			"отозвано", "до отзыва", d.Editions[2].SHA256},
	}
	for lang, ws := range want {
		var a, b bytes.Buffer
		if err := Render(&a, d, Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		Render(&b, d, Options{Lang: lang})
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: not reproducible", lang)
		}
		path := pdftest.Save(t, a.Bytes(), "cert-"+lang+".pdf")
		pdftest.Tool(t, "qpdf", "--check", path)
		txt := strings.Join(strings.Fields(pdftest.Tool(t, "pdftotext", path, "-")), " ")
		for _, s := range ws {
			if !strings.Contains(txt, s) {
				t.Errorf("%s certificate lacks %q", lang, s)
			}
		}
	}
	if err := Render(&bytes.Buffer{}, d, Options{Lang: "en"}); err == nil {
		t.Error("an English certificate was rendered; the law asks for ru or kk")
	}
}
