package delta

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// Encoding then decoding gives back the positions, across array and
// bitmap containers and several 32-bit keys.
func TestRoaringArrayRoundTrip(t *testing.T) {
	cases := [][]int64{
		{0},
		{1, 2, 3, 65535, 65536, 70000},
		{5, 1 << 32, 1<<32 + 7, 3 << 32},
	}
	dense := make([]int64, 0, 10000)
	for i := int64(0); i < 10000; i++ {
		dense = append(dense, 100000+i) // > 4096 in one container: a bitmap
	}
	cases = append(cases, dense)
	r := rand.New(rand.NewPCG(1, 2))
	var sparse []int64
	for range 5000 {
		sparse = append(sparse, r.Int64N(10_000_000))
	}
	cases = append(cases, unionPositions(sparse, nil))
	for _, want := range cases {
		got, err := decodeRoaringArray(encodeRoaringArray(want))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("decoded %d values, want %d", len(got), len(want))
		}
		for i := range want {
			if int64(got[i]) != want[i] {
				t.Fatalf("value %d: got %d want %d", i, got[i], want[i])
			}
		}
	}
}

func TestZ85RoundTrip(t *testing.T) {
	id := uuid.New()
	s := z85Encode(id[:])
	if len(s) != 20 {
		t.Fatalf("z85 of a uuid has %d characters", len(s))
	}
	back, err := z85UUID(s)
	if err != nil || back != id {
		t.Fatalf("z85 round trip: %v %v", back, err)
	}
	if !slices.Equal(unionPositions([]int64{3, 1}, []int64{2, 3}), []int64{1, 2, 3}) {
		t.Fatal("unionPositions")
	}
}
