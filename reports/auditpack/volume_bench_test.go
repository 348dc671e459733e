package auditpack

import (
	"bytes"
	"fmt"
	"io"
	"syscall"
	"testing"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/auditchain"
)

// BenchmarkAuditVolume renders one audit PDF volume of DefaultVolumeSize
// synthetic entries (the pack's dominant cost).
func BenchmarkAuditVolume(b *testing.B) {
	recs := make([]store.AuditRecord, DefaultVolumeSize)
	for i := range recs {
		recs[i] = store.AuditRecord{Fields: auditchain.Fields{Seq: int64(i + 1), At: "2026-03-01T10:00:00.000000000Z", Staff: "admin", Role: "compliance",
			Action: "user.block", Object: fmt.Sprintf("user:LC-%07d", i), Reason: "обращение пользователя / пайдаланушының өтініші"},
			Hash: fmt.Sprintf("%064x", i*7919)}
	}
	p := &pack{snap: &store.PackSnapshot{}, opts: Options{VolumeSize: DefaultVolumeSize}}
	// CPU time as well as wall time: on a shared machine the wall time
	// says more about the neighbours than about the code.
	cpu0 := cpuSeconds()
	defer func() { b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op") }()
	// As a drawing goroutine of the pack does: its state and output
	// buffer reused from volume to volume.
	st, out := &volumeState{}, new(bytes.Buffer)
	b.ResetTimer()
	for range b.N {
		v := &volume{n: 2, recs: recs}
		if err := p.drawVolume(st, out, v, 3); err != nil {
			b.Fatal(err)
		}
		out.WriteTo(io.Discard)
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
