package theme

import "encoding/binary"

// withoutCyrillicCCMP returns a copy of a TrueType/OpenType font with the
// glyph-composition feature (ccmp) of the Cyrillic script switched off.
//
// Why: Noto Sans's Cyrillic ccmp swaps «і» (and «ї») for a dotless form
// when an accent follows; Fyne's shaper (go-text/typesetting v0.2.1)
// applies that swap to every Cyrillic «і», so «Тіркеу деректері» was
// drawn «Тıркеу деректерı». Our text is NFC (precomposed letters), so the
// feature has nothing else to do. Only the in-memory copy the theme hands
// to Fyne changes; the PDFs embed the file as it is. On a font it cannot
// read the function returns the bytes unchanged.
func withoutCyrillicCCMP(font []byte) []byte {
	b := append([]byte(nil), font...)
	u16 := func(p int) (int, bool) {
		if p < 0 || p+2 > len(b) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(b[p:])), true
	}
	numTables, ok := u16(4)
	if !ok {
		return font
	}
	gsub := -1
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return font
		}
		if string(b[rec:rec+4]) == "GSUB" {
			gsub = int(binary.BigEndian.Uint32(b[rec+8:]))
		}
	}
	if gsub < 0 {
		return font
	}
	slOff, ok1 := u16(gsub + 4)
	flOff, ok2 := u16(gsub + 6)
	if !ok1 || !ok2 {
		return font
	}
	scriptList, featureList := gsub+slOff, gsub+flOff
	featureCount, ok := u16(featureList)
	if !ok {
		return font
	}
	// Feature indices used by the Cyrillic script's language systems.
	var indices []int
	langSys := func(p int) {
		n, ok := u16(p + 4)
		if !ok {
			return
		}
		for i := 0; i < n; i++ {
			if idx, ok := u16(p + 6 + 2*i); ok {
				indices = append(indices, idx)
			}
		}
	}
	scripts, ok := u16(scriptList)
	if !ok {
		return font
	}
	for i := 0; i < scripts; i++ {
		rec := scriptList + 2 + 6*i
		if rec+6 > len(b) || string(b[rec:rec+4]) != "cyrl" {
			continue
		}
		off, _ := u16(rec + 4)
		script := scriptList + off
		if def, ok := u16(script); ok && def != 0 {
			langSys(script + def)
		}
		n, _ := u16(script + 2)
		for j := 0; j < n; j++ {
			if lo, ok := u16(script + 4 + 6*j + 4); ok {
				langSys(script + lo)
			}
		}
	}
	for _, idx := range indices {
		if idx >= featureCount {
			continue
		}
		rec := featureList + 2 + 6*idx
		if rec+6 <= len(b) && string(b[rec:rec+4]) == "ccmp" {
			// An unknown tag is never applied; the record keeps its
			// place, so every index stays valid.
			copy(b[rec:], "zccm")
		}
	}
	return b
}
