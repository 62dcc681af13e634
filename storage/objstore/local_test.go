package objstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestPutIfAbsentRace: of many writers racing for one name exactly one
// wins, and the object holds its complete bytes.
func TestPutIfAbsentRace(t *testing.T) {
	ctx := context.Background()
	s := NewLocal(t.TempDir())
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.PutIfAbsent(ctx, "log/00.json", []byte{byte('a' + i)})
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, ErrExists):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d winners", wins.Load())
	}
	b, err := s.Get(ctx, "log/00.json")
	if err != nil || len(b) != 1 {
		t.Fatalf("got %q, %v", b, err)
	}
	objs, err := s.List(ctx, "log/")
	if err != nil || len(objs) != 1 || objs[0].Name != "log/00.json" {
		t.Errorf("List = %+v, %v (temp files must be gone)", objs, err)
	}
	if _, err := s.Get(ctx, "log/01.json"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Get missing: %v", err)
	}
}
