package exec

import (
	"math/rand"
	"slices"
	"testing"
)

// selectDense must pick exactly the rows a bit-by-bit loop picks, at every
// length around the 64-row word boundary, with and without a validity
// bitmap.
func TestSelectDenseMatchesBitLoop(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, n := range []int{0, 1, 63, 64, 65, 127, 128, 200, 4096} {
		for _, withValid := range []bool{false, true} {
			vals := make([]byte, (n+7)/8)
			r.Read(vals)
			var valid []byte
			if withValid {
				valid = make([]byte, (n+7)/8)
				r.Read(valid)
			}
			var want []int32
			for i := 0; i < n; i++ {
				if vals[i/8]>>(i%8)&1 == 1 && (valid == nil || valid[i/8]>>(i%8)&1 == 1) {
					want = append(want, int32(i))
				}
			}
			got := selectDense(nil, vals, valid, n)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d valid=%v: got %v, want %v", n, withValid, got, want)
			}
		}
	}
}
