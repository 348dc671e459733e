package pdfkit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"legco.kz/compliance/assets"
)

// Font files inside assets.FS.
const (
	RegularFontPath = "fonts/NotoSans-Regular.ttf"
	BoldFontPath    = "fonts/NotoSans-Bold.ttf"
)

// metrics are the parts of a TrueType font the layout needs, read from
// the same bytes fpdf embeds: which BMP characters have a glyph and their
// advance widths in 1/1000 em, rounded exactly as fpdf rounds them, so
// that measured and drawn widths agree.
type metrics struct {
	width [0x10000]uint16 // 0 = no glyph
}

func (m *metrics) has(r rune) bool { return r >= 0 && r < 0x10000 && m.width[r] != 0 }

// advance returns the width of r in 1/1000 em (0 for zero-width glyphs).
func (m *metrics) advance(r rune) int {
	if r < 0 || r >= 0x10000 {
		return 0
	}
	w := int(m.width[r])
	if w == 0xFFFF { // glyph present, zero width
		return 0
	}
	return w
}

type fontData struct {
	regular, bold []byte
	mReg, mBold   *metrics
	err           error
}

var fonts = sync.OnceValue(func() *fontData {
	fd := &fontData{}
	var err error
	if fd.regular, err = assets.FS.ReadFile(RegularFontPath); err != nil {
		fd.err = err
		return fd
	}
	if fd.bold, err = assets.FS.ReadFile(BoldFontPath); err != nil {
		fd.err = err
		return fd
	}
	if fd.mReg, err = parseMetrics(fd.regular); err != nil {
		fd.err = fmt.Errorf("%s: %w", RegularFontPath, err)
		return fd
	}
	if fd.mBold, err = parseMetrics(fd.bold); err != nil {
		fd.err = fmt.Errorf("%s: %w", BoldFontPath, err)
	}
	return fd
})

var errFont = errors.New("malformed TrueType font")

// parseMetrics reads head, hhea, hmtx and the Unicode cmap (format 4, or
// format 12 limited to the BMP).
func parseMetrics(b []byte) (*metrics, error) {
	if len(b) < 12 {
		return nil, errFont
	}
	u16 := func(off int) int {
		if off < 0 || off+2 > len(b) {
			return 0
		}
		return int(binary.BigEndian.Uint16(b[off:]))
	}
	u32 := func(off int) int {
		if off < 0 || off+4 > len(b) {
			return 0
		}
		return int(binary.BigEndian.Uint32(b[off:]))
	}
	tables := map[string]int{}
	n := u16(4)
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, errFont
		}
		tables[string(b[rec:rec+4])] = u32(rec + 8)
	}
	head, okHead := tables["head"]
	hhea, okHhea := tables["hhea"]
	hmtx, okHmtx := tables["hmtx"]
	cmap, okCmap := tables["cmap"]
	if !okHead || !okHhea || !okHmtx || !okCmap {
		return nil, errFont
	}
	upem := u16(head + 18)
	numHMetrics := u16(hhea + 34)
	if upem == 0 || numHMetrics == 0 {
		return nil, errFont
	}
	advance := func(glyph int) int {
		if glyph >= numHMetrics {
			glyph = numHMetrics - 1
		}
		return u16(hmtx + 4*glyph)
	}
	scale := 1000.0 / float64(upem)
	m := &metrics{}
	set := func(r, glyph int) {
		if r <= 0 || r >= 0xFFFF || glyph == 0 {
			return
		}
		aw := advance(glyph)
		if aw >= 1<<15 {
			aw = 0
		}
		w := int(math.Round(scale * float64(aw)))
		if w == 0 || w > 0xFFFE {
			w = 0xFFFF
		}
		m.width[r] = uint16(w)
	}
	// choose a Unicode subtable: (3,10) or (0,4) format 12, else (3,1)/(0,3) format 4
	var sub4, sub12 int
	for i := range u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		pid, eid, off := u16(rec), u16(rec+2), u32(rec+4)
		st := cmap + off
		switch f := u16(st); {
		case f == 12 && (pid == 3 && eid == 10 || pid == 0):
			sub12 = st
		case f == 4 && (pid == 3 && eid == 1 || pid == 0):
			sub4 = st
		}
	}
	switch {
	case sub4 != 0:
		segX2 := u16(sub4 + 6)
		ends := sub4 + 14
		starts := ends + segX2 + 2
		deltas := starts + segX2
		ranges := deltas + segX2
		for s := 0; s < segX2/2; s++ {
			end, start := u16(ends+2*s), u16(starts+2*s)
			delta, ro := u16(deltas+2*s), u16(ranges+2*s)
			for c := start; c <= end && c < 0xFFFF; c++ {
				var g int
				if ro == 0 {
					g = (c + delta) & 0xFFFF
				} else {
					g = u16(ranges + 2*s + ro + 2*(c-start))
					if g != 0 {
						g = (g + delta) & 0xFFFF
					}
				}
				set(c, g)
			}
		}
	case sub12 != 0:
		groups := u32(sub12 + 12)
		for i := range groups {
			g := sub12 + 16 + 12*i
			if g+12 > len(b) {
				break
			}
			start, end, glyph := u32(g), u32(g+4), u32(g+8)
			for c := start; c <= end && c < 0xFFFF; c++ {
				set(c, glyph+c-start)
			}
		}
	default:
		return nil, errors.New("no Unicode cmap")
	}
	return m, nil
}
