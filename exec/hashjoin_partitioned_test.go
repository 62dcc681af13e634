package exec

import (
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A partitioned build must number groups exactly as keys are equal (same
// key, same global group; different keys, different groups; NULL, none),
// and a probe must find the build's group of every key, for integer keys
// and for composite (byte-encoded) ones.
func TestPartitionedBuildGroupsByKey(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	const n = 5000
	ib := array.NewInt64Builder(memory.DefaultAllocator)
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	keys := make([]int64, n)
	for i := 0; i < n; i++ {
		keys[i] = r.Int63n(700) - 350
		if i%97 == 0 {
			ib.AppendNull()
			sb.AppendNull()
			keys[i] = 1 << 40 // marks NULL
			continue
		}
		ib.Append(keys[i])
		sb.Append("k")
	}
	ints, strs := ib.NewArray(), sb.NewArray()
	defer ints.Release()
	defer strs.Release()
	for _, tc := range []struct {
		name string
		dts  []arrow.DataType
		arrs []arrow.Array
	}{
		{"int", []arrow.DataType{ints.DataType()}, []arrow.Array{ints}},
		{"composite", []arrow.DataType{ints.DataType(), strs.DataType()}, []arrow.Array{ints, strs}},
	} {
		for _, parts := range []int{1, 2, 3, 64} {
			enc := newKeyEncoder(tc.dts)
			enc.encode(tc.arrs, nil, n, nil)
			pt, gids := buildPartitioned(enc, n, parts, 2)
			byKey := map[int64]int32{}
			seen := map[int32]int64{}
			for i, g := range gids {
				if keys[i] == 1<<40 {
					if g != -1 {
						t.Fatalf("%s/%d: NULL key row %d got group %d", tc.name, parts, i, g)
					}
					continue
				}
				if want, ok := byKey[keys[i]]; ok && want != g {
					t.Fatalf("%s/%d: key %d in groups %d and %d", tc.name, parts, keys[i], want, g)
				}
				if k, ok := seen[g]; ok && k != keys[i] {
					t.Fatalf("%s/%d: group %d holds keys %d and %d", tc.name, parts, g, k, keys[i])
				}
				byKey[keys[i]], seen[g] = g, keys[i]
			}
			if pt.groups() != len(byKey) {
				t.Fatalf("%s/%d: %d groups for %d keys", tc.name, parts, pt.groups(), len(byKey))
			}
			probe := make([]int32, n)
			pt.find(enc, probe)
			for i := range probe {
				if probe[i] != gids[i] {
					t.Fatalf("%s/%d: row %d probes to %d, built in %d", tc.name, parts, i, probe[i], gids[i])
				}
			}
		}
	}
}
