package expr

import (
	"math/rand"
	"testing"
)

// percentMatch must agree with the backtracking matcher on every pattern
// of literals and '%' over a small alphabet, where overlaps and repeats
// are common.
func TestPercentMatchAgreesWithBacktracking(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	word := func(n int, alpha string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[r.Intn(len(alpha))]
		}
		return string(b)
	}
	for i := 0; i < 20000; i++ {
		p := word(r.Intn(7), "ab%")
		s := word(r.Intn(8), "ab")
		toks, err := parseLike(p, '\\')
		if err != nil {
			t.Fatal(err)
		}
		if got, want := percentMatch(toks, s), likeMatch(toks, s); got != want {
			t.Fatalf("%q LIKE %q: percentMatch %v, likeMatch %v", s, p, got, want)
		}
	}
}
