package demo

import "math"

// rng is a small deterministic generator (SplitMix64). It is used instead
// of math/rand so that the data for a given seed never changes between Go
// versions and so that creating one per user costs nothing.
type rng struct{ s uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// newRNG returns the generator for one (seed, stream, index) triple.
func newRNG(seed uint64, stream uint64, i int) rng {
	return rng{s: mix64(mix64(seed^stream*0x9e3779b97f4a7c15) ^ uint64(i))}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// intn returns a uniform value in [0, n) (n > 0); the bias of the
// multiply-shift method is below 2^-32 for the small n used here.
func (r *rng) intn(n int) int {
	return int((r.next() >> 32) * uint64(n) >> 32)
}

// between returns a uniform value in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// binomial returns the number of successes in n trials of probability p.
func (r *rng) binomial(n int, p float64) int {
	k := 0
	for range n {
		if r.chance(p) {
			k++
		}
	}
	return k
}

// exp returns an exponentially distributed value with the given mean.
func (r *rng) exp(mean float64) float64 { return -mean * math.Log(1-r.float()) }

// perm is a keyed pseudo-random permutation of [0, n), built from a
// four-round Feistel network on 2·half bits with cycle walking. It lets
// the generator give every user index a distinct IIN, phone number and
// e-mail number without remembering what was used.
type perm struct {
	key  uint64
	half uint
	n    uint64
}

func newPerm(key uint64, n uint64) perm {
	half := uint(1)
	for uint64(1)<<(2*half) < n {
		half++
	}
	return perm{key: key, half: half, n: n}
}

func (p perm) round(x uint64) uint64 {
	mask := uint64(1)<<p.half - 1
	l, r := x>>p.half, x&mask
	for k := uint64(0); k < 4; k++ {
		l, r = r, l^(mix64(p.key^k<<56^r)&mask)
	}
	return l<<p.half | r
}

// apply maps x in [0, n) to a distinct value in [0, n).
func (p perm) apply(x uint64) uint64 {
	y := p.round(x)
	for y >= p.n {
		y = p.round(y)
	}
	return y
}
