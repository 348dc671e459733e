package exportfile

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// repeatReader yields prefix, then body repeated until n bytes in all.
type repeatReader struct {
	prefix string
	body   string
	n, off int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	i := 0
	for i < len(p) && r.off < r.n {
		var c byte
		if r.off < int64(len(r.prefix)) {
			c = r.prefix[r.off]
		} else {
			k := (r.off - int64(len(r.prefix))) % int64(len(r.body))
			c = r.body[k]
		}
		p[i] = c
		i++
		r.off++
	}
	return i, nil
}

// An unterminated quote fails at the cap, naming the line where it
// opened, in bounded memory (issue #9: a 200 MB file held 853 MB).
func TestUnterminatedQuoteStopsAtTheCap(t *testing.T) {
	head := "account_id,full_name,email\nLC-1,Әлия,a@example.kz\nLC-2,Бек,b@example.kz\n"
	prefix := head + "LC-3,\"Незакрытая кавычка,c@example.kz\n"
	src := &repeatReader{prefix: prefix, body: "LC-9,Ерлан Ерланов,e@example.kz\n", n: 64 << 20}
	r, err := NewUserReader(src, "big.csv", CSV)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	good := 0
	for {
		_, err = r.Next()
		if err == nil {
			good++
			continue
		}
		var re *RowError
		if errors.As(err, &re) {
			continue
		}
		break
	}
	runtime.ReadMemStats(&after)
	var ce *RecordCapError
	if !errors.As(err, &ce) || ce.Line != 4 || !strings.Contains(err.Error(), "big.csv line 4") || !strings.Contains(err.Error(), "opened on line 4") {
		t.Fatalf("err = %v", err)
	}
	if good != 2 {
		t.Errorf("%d good rows before the bad one, want 2", good)
	}
	if src.off > MaxRecordBytes+1<<20 {
		t.Errorf("read %d bytes of a 64 MiB file; the cap is %d", src.off, MaxRecordBytes)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d MiB reading up to the cap", alloc>>20)
	}
	// The same file without the bad quote reads through: the cap is per
	// record, not per file.
	ok := &repeatReader{prefix: head, body: "LC-9,Ерлан Ерланов,e@example.kz\n", n: 2*MaxRecordBytes + 100}
	r, _ = NewUserReader(ok, "ok.csv", CSV)
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("long good file: %v", err)
			}
		}
	}
}

func TestOverlongFieldRejected(t *testing.T) {
	in := "account_id,full_name\nLC-1,\"" + strings.Repeat("я", MaxFieldBytes) + "\"\nLC-2,Бек\n"
	r, err := NewUserReader(strings.NewReader(in), "f.csv", CSV)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	var re *RowError
	if !errors.As(err, &re) || re.Line != 2 || re.Column != "full_name" || !strings.Contains(re.Reason, "more than") {
		t.Fatalf("err = %v", err)
	}
	if u, err := r.Next(); err != nil || u.AccountID != "LC-2" {
		t.Fatalf("next row after the long field: %+v %v", u, err)
	}
}
