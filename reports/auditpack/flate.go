package auditpack

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// recompress writes an fpdf document made without compression with its
// plain streams (dictionary exactly "<</Length N>>": page contents,
// ToUnicode maps) deflated, and a rebuilt cross-reference table.
//
// Why: fpdf compresses each page with a new zlib writer, and each one
// allocates and clears about 1.6 MB; an audit volume has hundreds of
// pages, so that was a third of its time. One writer, reset per stream,
// gives the same kind of file (FlateDecode, best speed) for a fraction
// of the work. Deterministic like fpdf's own output.
func recompress(doc []byte, w io.Writer) error {
	var out bytes.Buffer
	if err := (&volumeState{}).recompress(doc, &out); err != nil {
		return err
	}
	_, err := out.WriteTo(w)
	return err
}

// volumeState is what one drawing goroutine reuses from one volume to
// the next: the zlib writer (1.6 MB to allocate and clear) and its buffer.
type volumeState struct {
	z    *zlib.Writer
	zbuf bytes.Buffer
}

// recompress appends the recompressed doc to out.
func (st *volumeState) recompress(doc []byte, out *bytes.Buffer) error {
	bad := func(what string) error { return fmt.Errorf("recompress: %s", what) }
	sx := bytes.LastIndex(doc, []byte("\nstartxref\n"))
	if sx < 0 {
		return bad("no startxref")
	}
	end := bytes.IndexByte(doc[sx+11:], '\n')
	if end < 0 {
		return bad("no startxref value")
	}
	xref, err := strconv.Atoi(string(doc[sx+11 : sx+11+end]))
	if err != nil || xref <= 0 || xref >= len(doc) {
		return bad("bad startxref")
	}
	rest := doc[xref:]
	if !bytes.HasPrefix(rest, []byte("xref\n0 ")) {
		return bad("no xref table")
	}
	nl := bytes.IndexByte(rest[7:], '\n')
	n, err := strconv.Atoi(string(rest[7 : 7+nl]))
	if err != nil || n < 2 {
		return bad("bad xref size")
	}
	entries := rest[7+nl+1:]
	if len(entries) < 20*n {
		return bad("short xref table")
	}
	trailer := entries[20*n:]
	ti := bytes.Index(trailer, []byte("startxref\n"))
	if ti < 0 {
		return bad("no trailer")
	}
	trailer = trailer[:ti]
	offsets := make([]int, n)
	order := make([]int, 0, n-1)
	for k := 1; k < n; k++ {
		off, err := strconv.Atoi(string(entries[20*k : 20*k+10]))
		if err != nil || off <= 0 || off >= xref {
			return bad("bad xref entry " + strconv.Itoa(k))
		}
		offsets[k] = off
		order = append(order, k)
	}
	sort.Slice(order, func(i, j int) bool { return offsets[order[i]] < offsets[order[j]] })
	out.Grow(len(doc) / 3)
	base := out.Len()
	out.Write(doc[:offsets[order[0]]])
	newOff := make([]int, n)
	z, zbuf := st.z, &st.zbuf
	for i, k := range order {
		segEnd := xref
		if i+1 < len(order) {
			segEnd = offsets[order[i+1]]
		}
		seg := doc[offsets[k]:segEnd]
		newOff[k] = out.Len() - base
		head := fmt.Appendf(nil, "%d 0 obj\n<</Length ", k)
		if !bytes.HasPrefix(seg, head) {
			out.Write(seg)
			continue
		}
		p := len(head)
		q := bytes.Index(seg[p:], []byte(">>\nstream\n"))
		if q < 0 {
			out.Write(seg)
			continue
		}
		length, err := strconv.Atoi(string(seg[p : p+q]))
		start := p + q + len(">>\nstream\n")
		if err != nil || start+length > len(seg) || !bytes.HasPrefix(seg[start+length:], []byte("\nendstream\nendobj\n")) {
			out.Write(seg)
			continue
		}
		zbuf.Reset()
		if z == nil {
			if z, err = zlib.NewWriterLevel(zbuf, zlib.BestSpeed); err != nil {
				return err
			}
			st.z = z
		} else {
			z.Reset(zbuf)
		}
		z.Write(seg[start : start+length])
		if err := z.Close(); err != nil {
			return err
		}
		fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", k, zbuf.Len())
		out.Write(zbuf.Bytes())
		out.Write(seg[start+length:])
	}
	x := out.Len() - base
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", n)
	for k := 1; k < n; k++ {
		fmt.Fprintf(out, "%010d 00000 n \n", newOff[k])
	}
	out.Write(trailer)
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", x)
	return nil
}
