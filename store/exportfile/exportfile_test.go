package exportfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// result summarises one Next call for table comparisons.
type result struct {
	line   int
	id     string // account id of a valid record
	column string // column of a RowError
	reason string // substring of the RowError reason
}

func readAllUsers(t *testing.T, r io.Reader, name string, f Format) ([]User, []result) {
	t.Helper()
	ur, err := NewUserReader(r, name, f)
	if err != nil {
		t.Fatalf("NewUserReader: %v", err)
	}
	var users []User
	var res []result
	for {
		u, err := ur.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			if u.Line != re.Line {
				t.Errorf("User.Line %d != RowError.Line %d", u.Line, re.Line)
			}
			res = append(res, result{line: re.Line, column: re.Column, reason: re.Reason})
			continue
		}
		if err != nil {
			t.Fatalf("fatal: %v", err)
		}
		users = append(users, u)
		res = append(res, result{line: u.Line, id: u.AccountID})
	}
	return users, res
}

func compareResults(t *testing.T, got, want []result) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d:\n%+v", len(got), len(want), got)
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.line != w.line || g.id != w.id || g.column != w.column || !strings.Contains(g.reason, w.reason) || (w.reason == "") != (g.reason == "") {
			t.Errorf("result %d = %+v, want %+v", i, g, w)
		}
	}
}

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestUsersCSVSample(t *testing.T) {
	users, res := readAllUsers(t, openTestdata(t, "users.csv"), "users.csv", CSV)
	compareResults(t, res, []result{
		{line: 2, id: "LC-000001"},
		{line: 4, id: "LC-000002"},
		{line: 5, column: "iin", reason: "check digit does not match"},
		{line: 6, column: "account_id", reason: "duplicate account_id (first on line 2)"},
		{line: 7, id: "LC-000004"},
		{line: 8, id: "LC-000005"},
		{line: 9, reason: "unterminated"},
	})
	want0 := User{
		Line: 2, AccountID: "LC-000001", FullName: "Әлібеков Нұрлан Серікұлы", IIN: "870315348215",
		Phone: "+77011234567", Email: "Nurlan.Alibekov@mail.ru", BirthDate: "1987-03-15",
		Address:      "Алматы қ., Абай даңғылы, 150-үй,\n12-пәтер",
		RegisteredAt: time.Date(2021, 4, 12, 4, 15, 0, 0, time.UTC),
	}
	if len(users) < 4 {
		t.Fatalf("only %d users", len(users))
	}
	if !usersEqual(users[0], want0) {
		t.Errorf("user 0 = %+v\nwant %+v", users[0], want0)
	}
	u1 := users[1]
	if u1.EntityBIN != "150740123456" || u1.EntityName != `ТОО "Дала Трейд"` || u1.Phone != "+77775551234" {
		t.Errorf("user 1 = %+v", u1)
	}
	if !reflect.DeepEqual(u1.Extra, []Field{{"position", "юрист"}}) {
		t.Errorf("user 1 extra = %+v", u1.Extra)
	}
	if users[2].Address != "г. Шымкент; мкр. Нурсат, д. 5" || users[2].EntityName != "«Шәһизада Консалтинг» ЖШС" {
		t.Errorf("user 2 = %+v", users[2])
	}
}

func usersEqual(a, b User) bool {
	if !a.RegisteredAt.Equal(b.RegisteredAt) {
		return false
	}
	a.RegisteredAt, b.RegisteredAt = time.Time{}, time.Time{}
	if len(a.Extra) == 0 && len(b.Extra) == 0 {
		a.Extra, b.Extra = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

func TestUsersJSONLSample(t *testing.T) {
	users, res := readAllUsers(t, openTestdata(t, "users.jsonl"), "users.jsonl", JSONL)
	compareResults(t, res, []result{
		{line: 1, id: "LC-100001"},
		{line: 2, id: "LC-100002"},
		{line: 4, column: "phone", reason: "not a +7"},
		{line: 5, id: "LC-100004"},
		{line: 6, column: "full_name", reason: "truncated"},
	})
	if len(users) != 3 {
		t.Fatalf("%d users", len(users))
	}
	if !reflect.DeepEqual(users[0].Extra, []Field{{"preferred_language", "kk"}}) {
		t.Errorf("extra = %+v", users[0].Extra)
	}
	if users[1].Address != "г. Алматы, ул. Жамбыла, д. 114\nофис 3" || users[1].Phone != "+77272501122" {
		t.Errorf("user = %+v", users[1])
	}
	if users[2].FullName != "Нұрпейісов Дәурен" || users[2].IIN != "" {
		t.Errorf("user = %+v", users[2])
	}
}

func readAllAccess(t *testing.T, r io.Reader, name string, f Format) ([]Access, []result) {
	t.Helper()
	ar, err := NewAccessReader(r, name, f)
	if err != nil {
		t.Fatalf("NewAccessReader: %v", err)
	}
	var list []Access
	var res []result
	for {
		a, err := ar.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			res = append(res, result{line: re.Line, column: re.Column, reason: re.Reason})
			continue
		}
		if err != nil {
			t.Fatalf("fatal: %v", err)
		}
		list = append(list, a)
		res = append(res, result{line: a.Line, id: a.AccountID})
	}
	return list, res
}

func TestAccessSamples(t *testing.T) {
	list, res := readAllAccess(t, openTestdata(t, "access.csv"), "access.csv", CSV)
	compareResults(t, res, []result{
		{line: 2, id: "LC-000001"},
		{line: 3, id: "LC-000001"},
		{line: 4, id: "LC-000002"},
		{line: 5, column: "time", reason: "RFC 3339"},
		{line: 6, column: "ip", reason: "not an IPv4 or IPv6"},
		{line: 7, id: "LC-000005"},
	})
	if a := list[2]; a.IP != "2a03:32c0:7:1::15" || a.UserAgent != "LegCo/3.4.1 (iOS 17.5; iPhone15,2)" || a.Page != "/profile" {
		t.Errorf("access = %+v", a)
	}
	if a := list[3]; a.CookieID != "" || a.Page != "/docs/privacy.pdf" || !a.Time.Equal(time.Date(2024, 3, 8, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("access = %+v", a)
	}

	list, res = readAllAccess(t, openTestdata(t, "access.jsonl"), "access.jsonl", JSONL)
	compareResults(t, res, []result{{line: 1, id: "LC-100001"}, {line: 2, id: "LC-100001"}, {line: 3, id: "LC-100002"}})
	if list[2].IP != "2a03:32c0::1f" {
		t.Errorf("IP = %q", list[2].IP)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format
		err  bool
	}{
		{"users.csv", "account_id;full_name\r\n", CSV, false},
		{"users.jsonl", `{"account_id":"1"}`, JSONL, false},
		{"export.txt", "\ufeff  \n{\"a\":\"b\"}", JSONL, false},
		{"users.csv", `{"account_id":"1"}`, JSONL, false},
		{"users.jsonl", "account_id,full_name\n", CSV, false},
		{"users.ndjson", "", JSONL, false},
		{"USERS.CSV", "", CSV, false},
		{"users", "", 0, true},
		{"users.xlsx", "", 0, true},
	}
	for _, tt := range tests {
		got, err := DetectFormat(tt.name, []byte(tt.head))
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("DetectFormat(%q, %q) = %v, %v", tt.name, tt.head, got, err)
		}
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		column string
		reason string
	}{
		{"missing full_name", "account_id;iin\n1;870315348215\n", "full_name", "required column is missing"},
		{"missing account_id", "full_name,iin\n", "account_id", "required column is missing"},
		{"empty", "", "", "empty"},
		{"bom only", "\ufeff", "", "empty"},
		{"duplicate", "account_id,full_name,Full_Name\n", "full_name", "twice"},
		{"empty name", "account_id,,full_name\n", "", "column 2 has no name"},
		{"bad quote", "account_id,\"full_name\n", "", "malformed header"},
	}
	for _, tt := range tests {
		_, err := NewUserReader(strings.NewReader(tt.data), "users.csv", CSV)
		var he *HeaderError
		if !errors.As(err, &he) || he.Column != tt.column || !strings.Contains(he.Reason, tt.reason) {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "users.csv: header") {
			t.Errorf("%s: message %q does not name the file", tt.name, err)
		}
	}
	_, err := NewAccessReader(strings.NewReader("account_id,ip\n"), "access.csv", CSV)
	if err == nil || !strings.Contains(err.Error(), "column time: required column is missing") {
		t.Errorf("access header: %v", err)
	}
	if _, err := NewUserReader(strings.NewReader(""), "x", Format(9)); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("bad format: %v", err)
	}
}

// TestUserValidation checks each validation rule on a one-row CSV file.
func TestUserValidation(t *testing.T) {
	header := "account_id,full_name,iin,phone,email,birth_date,address,entity_bin,entity_name,registered_at,note"
	base := map[string]string{
		"account_id": "A1", "full_name": "Әлібеков Нұрлан", "iin": "870315348215", "phone": "87011234567",
		"email": "a@b.kz", "birth_date": "1987-03-15", "address": "Алматы", "entity_bin": "150740123456",
		"entity_name": "ТОО «Алтын Сапа»", "registered_at": "2021-04-12T09:15:00+05:00", "note": "",
	}
	cols := strings.Split(header, ",")
	row := func(over map[string]string) string {
		var b strings.Builder
		b.WriteString(header + "\n")
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(',')
			}
			v, ok := over[c]
			if !ok {
				v = base[c]
			}
			b.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + `"`)
		}
		b.WriteString("\n")
		return b.String()
	}
	long := func(n int) string { return strings.Repeat("ә", n) }
	tests := []struct {
		name   string
		over   map[string]string
		column string // "" = valid
		reason string
		check  func(User) bool
	}{
		{"valid", nil, "", "", func(u User) bool { return u.Phone == "+77011234567" && u.Extra == nil }},
		{"trim and NFC", map[string]string{"full_name": "  Фе\u0308доров  Пётр "}, "", "", func(u User) bool { return u.FullName == "Фёдоров  Пётр" }},
		{"extra kept", map[string]string{"note": " VIP "}, "", "", func(u User) bool { return reflect.DeepEqual(u.Extra, []Field{{"note", "VIP"}}) }},
		{"no entity", map[string]string{"entity_bin": "", "entity_name": ""}, "", "", func(u User) bool { return u.EntityBIN == "" }},
		{"optional empty", map[string]string{"iin": "", "phone": "", "email": "", "birth_date": "", "address": "", "registered_at": ""}, "", "", func(u User) bool { return u.RegisteredAt.IsZero() }},
		{"name at limit", map[string]string{"full_name": long(300)}, "", "", nil},
		{"missing id", map[string]string{"account_id": " "}, "account_id", "required", nil},
		{"long id", map[string]string{"account_id": strings.Repeat("x", 101)}, "account_id", "longer than 100", nil},
		{"missing name", map[string]string{"full_name": ""}, "full_name", "required", nil},
		{"long name", map[string]string{"full_name": long(301)}, "full_name", "longer than 300", nil},
		{"name with newline", map[string]string{"full_name": "a\nb"}, "full_name", "line break", nil},
		{"name with control", map[string]string{"full_name": "a\x00b"}, "full_name", "control", nil},
		{"name with C1 control", map[string]string{"full_name": "a\u0085b"}, "full_name", "control", nil},
		{"bad utf8", map[string]string{"full_name": "a\xffb"}, "full_name", "UTF-8", nil},
		{"iin check", map[string]string{"iin": "870315348216"}, "iin", "check digit does not match", nil},
		{"iin length", map[string]string{"iin": "87031534821"}, "iin", "12 digits", nil},
		{"iin too long", map[string]string{"iin": "8703153482150"}, "iin", "12 digits (got 13", nil},
		{"iin with spaces", map[string]string{"iin": "870315 348215"}, "iin", "12 digits", nil},
		{"iin date", map[string]string{"iin": "871315348215"}, "iin", "date", nil},
		{"phone country", map[string]string{"phone": "+998901234567"}, "phone", "not a +7", nil},
		{"phone short", map[string]string{"phone": "8 701 123"}, "phone", "10 digits", nil},
		{"email", map[string]string{"email": "a@b"}, "email", "invalid e-mail", nil},
		{"birth format", map[string]string{"birth_date": "15.03.1987"}, "birth_date", "YYYY-MM-DD", nil},
		{"birth invalid", map[string]string{"birth_date": "1987-02-30"}, "birth_date", "YYYY-MM-DD", nil},
		{"birth future", map[string]string{"birth_date": "2999-01-01"}, "birth_date", "future", nil},
		{"birth old", map[string]string{"birth_date": "1700-01-01"}, "birth_date", "before 1800", nil},
		{"long address", map[string]string{"address": long(501)}, "address", "longer than 500", nil},
		{"address newline ok", map[string]string{"address": "a\r\nb"}, "", "", func(u User) bool { return u.Address == "a\nb" }},
		{"bin invalid", map[string]string{"entity_bin": "150740123457"}, "entity_bin", "check digit", nil},
		{"bin without name", map[string]string{"entity_name": ""}, "entity_name", "required when entity_bin", nil},
		{"name without bin", map[string]string{"entity_bin": ""}, "entity_bin", "required when entity_name", nil},
		{"registered no zone", map[string]string{"registered_at": "2021-04-12T09:15:00"}, "registered_at", "RFC 3339", nil},
		{"registered date only", map[string]string{"registered_at": "2021-04-12"}, "registered_at", "RFC 3339", nil},
		{"registered fraction", map[string]string{"registered_at": "2021-04-12T09:15:00.25Z"}, "", "", func(u User) bool { return u.RegisteredAt.Nanosecond() == 250000000 }},
		{"long extra", map[string]string{"note": strings.Repeat("x", 1001)}, "note", "longer than 1000", nil},
	}
	for _, tt := range tests {
		ur, err := NewUserReader(strings.NewReader(row(tt.over)), "users.csv", CSV)
		if err != nil {
			t.Fatal(err)
		}
		u, err := ur.Next()
		var re *RowError
		switch {
		case tt.column == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.column == "" && tt.check != nil && !tt.check(u):
			t.Errorf("%s: got %+v", tt.name, u)
		case tt.column != "" && (!errors.As(err, &re) || re.Column != tt.column || !strings.Contains(re.Reason, tt.reason)):
			t.Errorf("%s: err = %v, want column %s, reason containing %q", tt.name, err, tt.column, tt.reason)
		case tt.column != "" && (re.Line != 2 || u.Line != 2 || u.AccountID != ""):
			t.Errorf("%s: line %d / user %+v", tt.name, re.Line, u)
		}
		if _, err := ur.Next(); err != io.EOF {
			t.Errorf("%s: second Next = %v, want EOF", tt.name, err)
		}
	}
}

func TestCSVDialects(t *testing.T) {
	rows := [][]string{
		{"registered_at", "full_name", "account_id", "address", "comment"},
		{"2021-04-12T09:15:00+05:00", "Әлібеков Нұрлан", "A1", "Алматы, \"Нұрлы Тау\"\nБЦ", "x;y"},
		{"", "Фёдоров Пётр", "A2", "", ""},
	}
	encode := func(sep string, nl string, withBOM bool) string {
		var b strings.Builder
		if withBOM {
			b.WriteString("\ufeff")
		}
		for _, r := range rows {
			for i, v := range r {
				if i > 0 {
					b.WriteString(sep)
				}
				if strings.ContainsAny(v, ",;\"\n") {
					v = `"` + strings.ReplaceAll(strings.ReplaceAll(v, `"`, `""`), "\n", nl) + `"`
				}
				b.WriteString(v)
			}
			b.WriteString(nl)
		}
		return b.String()
	}
	var first []User
	for _, sep := range []string{",", ";"} {
		for _, nl := range []string{"\n", "\r\n"} {
			for _, withBOM := range []bool{false, true} {
				data := encode(sep, nl, withBOM)
				users, res := readAllUsers(t, strings.NewReader(data), "u.csv", CSV)
				compareResults(t, res, []result{{line: 2, id: "A1"}, {line: 4, id: "A2"}})
				if first == nil {
					first = users
					if users[0].Address != "Алматы, \"Нұрлы Тау\"\nБЦ" || users[0].Extra[0] != (Field{"comment", "x;y"}) {
						t.Errorf("user = %+v", users[0])
					}
					continue
				}
				for i := range users {
					if !usersEqual(users[i], first[i]) {
						t.Errorf("sep %q nl %q bom %v: %+v != %+v", sep, nl, withBOM, users[i], first[i])
					}
				}
			}
		}
	}
}

func TestCSVRowProblems(t *testing.T) {
	data := "account_id,full_name,phone\n" +
		"A1,Нұрлан,\n" + // 2
		"\n" + // 3 blank: skipped
		",,\n" + // 4 all empty: skipped
		"A2,Ерлан\n" + // 5 too few fields
		"A3,Ерлан,,,\n" + // 6 empty trailing fields are tolerated
		"A4,Ерлан,,x\n" + // 7 too many fields
		"A5,Ер\"лан,\n" + // 8 bare quote
		"A6,\"Ер\"лан\",\n" + // 9 bad quote
		"A7,\"Ас\n\nқар\",\n" + // 10-12
		"A8,Дана,8 701 123 45 67\n" // 13
	_, res := readAllUsers(t, strings.NewReader(data), "u.csv", CSV)
	compareResults(t, res, []result{
		{line: 2, id: "A1"},
		{line: 5, reason: "has 2 fields, the header has 3"},
		{line: 6, id: "A3"},
		{line: 7, reason: "has 4 fields"},
		{line: 8, reason: "quote in an unquoted field"},
		{line: 9, reason: "malformed quoted field"},
		{line: 10, column: "full_name", reason: "line break"},
		{line: 13, id: "A8"},
	})
}

func TestJSONLProblems(t *testing.T) {
	lines := []string{
		`{"account_id":"A1","full_name":"Нұрлан"}`, // 1
		`  `, // 2 blank
		`{"account_id":"A2","full_name":"Ерлан","iin":870315348215}`, // 3 number
		`["A3"]`, // 4
		`{"account_id":"A4","full_name":"Дана"} {"x":"y"}`,              // 5
		`{"account_id":"A5","full_name":"Дана","account_id":"A6"}`,      // 6
		`{"account_id":"A7","full_name":"Дана\q"}`,                      // 7
		`{"account_id":"A8","full_name":"Дана", "note": {"a": "b"}}`,    // 8
		`{"account_id":"A9","full_name":"Д\u0430на","note":null}`,       // 9
		`{"account_id":"A10","full_name":"\ud83d\ude00 Emoji"}` + "\r",  // 10
		"{\"account_id\":\"A11\",\"full_name\":\"tab\there\"}",          // 11 raw tab
		`{"account_id":"A12","full_name":"Дана",}`,                      // 12
		`{"account_id":"A1","full_name":"Дана"}`,                        // 13 duplicate
		`{"account_id":"A14","full_name":"Дана","note":"x","note":"y"}`, // 14
		`{"account_id":"A15","full_name":"Дана","":"x"}`,                // 15
		"{\"account_id\":\"A16\",\"full_name\":\"\xff\"}",               // 16
		`{}`, // 17
		`{"Account_ID":"A18","full_name":"Дана"}`,          // 18 key case
		`{"account_id":"A19","full_name":"Дана","iin":nul`, // 19
	}
	_, res := readAllUsers(t, strings.NewReader(strings.Join(lines, "\n")), "u.jsonl", JSONL)
	compareResults(t, res, []result{
		{line: 1, id: "A1"},
		{line: 3, column: "iin", reason: "must be a JSON string"},
		{line: 4, reason: "not a JSON object"},
		{line: 5, reason: "unexpected data after the object"},
		{line: 6, column: "account_id", reason: "twice"},
		{line: 7, column: "full_name", reason: "invalid escape"},
		{line: 8, column: "note", reason: "must be a JSON string"},
		{line: 9, id: "A9"},
		{line: 10, id: "A10"},
		{line: 11, column: "full_name", reason: "control character"},
		{line: 12, reason: "expected a key"},
		{line: 13, column: "account_id", reason: "duplicate account_id (first on line 1)"},
		{line: 14, column: "note", reason: "twice"},
		{line: 15, reason: "empty key"},
		{line: 16, reason: "UTF-8"},
		{line: 17, column: "account_id", reason: "required"},
		{line: 18, id: "A18"},
		{line: 19, column: "iin", reason: "truncated"},
	})
}

// TestJSONStringDifferential compares the JSON string parser and encoder
// with encoding/json.
func TestJSONStringDifferential(t *testing.T) {
	inputs := []string{
		`""`, `"abc"`, `"Нұрлан"`, `"a\"b"`, `"a\\b"`, `"\/"`, `"\b\f\n\r\t"`,
		`"\u0041\u04b1"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00"`, `"\ud83d\u0041"`,
		`"\ud83d\ud83d\ude00"`, `"\u00e9\u0301"`, `"\uZZZZ"`, `"\u12"`, `"abc`, `"a\`, `"\x"`,
		`"` + "\x01" + `"`, `"a` + "\u2028" + `b"`,
	}
	for _, in := range inputs {
		var p jsonParser
		got, n, jerr := p.str(in, 0)
		var want string
		werr := json.Unmarshal([]byte(in), &want)
		if (jerr != nil) != (werr != nil) {
			t.Errorf("%q: our err %v, encoding/json err %v", in, jerr, werr)
			continue
		}
		if jerr == nil && (got != want || n != len(in)) {
			t.Errorf("%q: got %q (%d), want %q", in, got, n, want)
		}
	}
	for _, s := range []string{"", "plain", "Нұрлан «Ақ»", "q\"b\\s", "\x00\x1f\t\n\r", "\u2028\u2029", "bad\xffutf8", "😀"} {
		enc := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Errorf("%q: encoded %s: %v", s, enc, err)
			continue
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back != want {
			t.Errorf("%q: round trip %q", s, back)
		}
		if bytes.ContainsAny(enc, "\n\r") {
			t.Errorf("%q: encoded form contains a line break", s)
		}
	}
}

func FuzzJSONLine(f *testing.F) {
	f.Add(`{"account_id":"A1","full_name":"Нұрлан","x":"\u04b1"}`)
	f.Add(`{"a":null}`)
	f.Add(`{"a":"\ud83d\ude00","b":"c"}`)
	f.Fuzz(func(t *testing.T, line string) {
		var p jsonParser
		var rec raw
		perr := p.parse([]byte(line), &rec, userSchema)
		var m map[string]any
		jerr := json.Unmarshal([]byte(line), &m)
		if perr == nil {
			if jerr != nil {
				t.Fatalf("we accept %q, encoding/json: %v", line, jerr)
			}
			for k, v := range m {
				if v == nil {
					continue
				}
				s, ok := v.(string)
				if !ok {
					t.Fatalf("%q: accepted non-string %v", line, v)
				}
				var got string
				if slot := userSchema.lookup(k); slot >= 0 {
					got = rec.vals[slot]
				} else {
					for _, f := range rec.extra {
						if f.Name == k {
							got = f.Value
						}
					}
				}
				if got != s {
					t.Fatalf("%q: key %q = %q, encoding/json %q", line, k, got, s)
				}
			}
		}
	})
}

func TestRoundTrip(t *testing.T) {
	reg := time.Date(2023, 1, 20, 14, 30, 0, 123000000, time.FixedZone("", 6*3600))
	users := []User{
		{AccountID: "A1", FullName: "Әлібеков Нұрлан Серікұлы", IIN: "870315348215", Phone: "+77011234567",
			Email: "n.alibekov@mail.ru", Address: "Алматы қ.,\n\"Нұрлы Тау\"; 5", EntityBIN: "150740123456",
			EntityName: "ТОО «Дала Трейд»", BirthDate: "1987-03-15", RegisteredAt: reg,
			Extra: []Field{{"position", "юрист, партнёр"}, {"preferred_language", "kk"}}},
		{AccountID: "A2", FullName: "Фёдорова Алёна", RegisteredAt: reg.UTC()},
		{AccountID: "A3", FullName: " spaces kept? no: trimmed ", Extra: []Field{{"preferred_language", "ru"}}},
	}
	for _, f := range []Format{CSV, JSONL} {
		var buf bytes.Buffer
		w := NewUserWriter(&buf, f, "position", "preferred_language")
		for _, u := range users {
			if err := w.Write(u); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got, _ := DetectFormat("x", buf.Bytes()); got != f {
			t.Errorf("%v: detected as %v", f, got)
		}
		back, res := readAllUsers(t, bytes.NewReader(buf.Bytes()), "rt", f)
		if len(back) != len(users) {
			t.Fatalf("%v: %d users back, results %+v\n%s", f, len(back), res, buf.String())
		}
		for i := range users {
			want := users[i]
			want.Line = back[i].Line
			want.FullName = strings.TrimSpace(want.FullName)
			if !usersEqual(back[i], want) {
				t.Errorf("%v: user %d = %+v\nwant %+v", f, i, back[i], want)
			}
		}
	}
	// CSV writer rejects undeclared extra fields.
	w := NewUserWriter(io.Discard, CSV)
	if err := w.Write(users[0]); err == nil {
		t.Error("undeclared extra column accepted")
	}
	if err := NewUserWriter(io.Discard, CSV, "iin").Write(users[1]); err == nil {
		t.Error("extra column named like a contract column accepted")
	}
	// Empty CSV output still has a header that readers accept.
	var buf bytes.Buffer
	if err := NewUserWriter(&buf, CSV).Flush(); err != nil || buf.String() != strings.Join(UserColumns, ",")+"\n" {
		t.Errorf("empty file = %q, %v", buf.String(), err)
	}
	// Access round trip.
	acc := []Access{
		{AccountID: "A1", Time: reg, IP: "2.134.56.78", CookieID: "c1", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", Page: "/deals/12"},
		{AccountID: "A1", Time: reg.Add(time.Minute), IP: "2a03:32c0::15", Page: "/"},
	}
	for _, f := range []Format{CSV, JSONL} {
		var buf bytes.Buffer
		w := NewAccessWriter(&buf, f)
		for _, a := range acc {
			if err := w.Write(a); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		back, _ := readAllAccess(t, &buf, "acc", f)
		if len(back) != len(acc) {
			t.Fatalf("%v: %d entries back", f, len(back))
		}
		for i := range acc {
			a, b := acc[i], back[i]
			if !a.Time.Equal(b.Time) || a.IP != b.IP || a.UserAgent != b.UserAgent || a.Page != b.Page || a.CookieID != b.CookieID {
				t.Errorf("%v: %+v != %+v", f, b, a)
			}
		}
	}
}

func TestBytesRead(t *testing.T) {
	for _, name := range []string{"users.csv", "users.jsonl"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := DetectFormat(name, data)
		ur, err := NewUserReader(bytes.NewReader(data), name, f)
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := ur.Next(); err == io.EOF {
				break
			}
		}
		if got := ur.BytesRead(); got != int64(len(data)) {
			t.Errorf("%s: BytesRead = %d, want %d", name, got, len(data))
		}
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("disk on fire")
	}
	r.n--
	return copy(p, "account_id,full_name\nA1,Нұрлан\n"), nil
}

func TestFatalErrorIsSticky(t *testing.T) {
	ur, err := NewUserReader(&failingReader{n: 1}, "u.csv", CSV)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := ur.Next(); err != nil || u.AccountID != "A1" {
		t.Fatalf("first = %+v, %v", u, err)
	}
	for range 2 {
		_, err := ur.Next()
		var re *RowError
		if err == nil || err == io.EOF || errors.As(err, &re) || !strings.Contains(err.Error(), "disk on fire") {
			t.Fatalf("err = %v", err)
		}
	}
}

func TestRowErrorMessage(t *testing.T) {
	tests := []struct {
		e    RowError
		want string
	}{
		{RowError{File: "users.csv", Line: 17, Column: "iin", Value: "870315348216", Reason: "IIN check digit does not match"},
			`users.csv line 17, column iin: IIN check digit does not match (value "870315348216")`},
		{RowError{File: "users.csv", Line: 3, Reason: "has 2 fields"}, `users.csv line 3: has 2 fields`},
		{RowError{File: "u.jsonl", Line: 1, Column: "full_name", Value: "a\nb", Reason: "contains a line break"},
			`u.jsonl line 1, column full_name: contains a line break (value "a\nb")`},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
	if got := truncate(strings.Repeat("ә", 50)); got != strings.Repeat("ә", 40)+"…" {
		t.Errorf("truncate = %q", got)
	}
}

// benchUsers builds an export file of n realistic users.
func benchUsers(b *testing.B, n int, f Format) []byte {
	b.Helper()
	var buf bytes.Buffer
	w := NewUserWriter(&buf, f, "position")
	reg := time.Date(2022, 5, 17, 10, 20, 30, 0, time.FixedZone("", 5*3600))
	for i := range n {
		u := User{
			AccountID: fmt.Sprintf("LC-%07d", i), FullName: "Әлібеков Нұрлан Серікұлы", IIN: "870315348215",
			Phone: fmt.Sprintf("+7701%07d", i), Email: fmt.Sprintf("nurlan.alibekov%d@mail.ru", i),
			BirthDate: "1987-03-15", Address: "Алматы қ., Абай даңғылы, 150-үй, 12-пәтер", RegisteredAt: reg,
		}
		if i%7 == 0 {
			u.EntityBIN, u.EntityName = "150740123456", "ТОО «Дала Трейд»"
			u.Extra = []Field{{"position", "директор"}}
		}
		if err := w.Write(u); err != nil {
			b.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func benchmarkUserReader(b *testing.B, f Format) {
	const n = 100000
	data := benchUsers(b, n, f)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ur, err := NewUserReader(bytes.NewReader(data), "bench", f)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			_, err := ur.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if rows != n {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkUserReaderCSV(b *testing.B)   { benchmarkUserReader(b, CSV) }
func BenchmarkUserReaderJSONL(b *testing.B) { benchmarkUserReader(b, JSONL) }

func BenchmarkUserWriterCSV(b *testing.B) {
	u := User{AccountID: "LC-0000001", FullName: "Әлібеков Нұрлан Серікұлы", IIN: "870315348215", Phone: "+77011234567",
		Email: "n@mail.ru", Address: "Алматы қ., Абай даңғылы, 150-үй", RegisteredAt: time.Now()}
	w := NewUserWriter(io.Discard, CSV)
	for b.Loop() {
		w.Write(u)
	}
}
