package analyzer

import (
	"sync"
	"sync/atomic"
	"testing"
)

type derivedKeyA struct{}
type derivedKeyB struct{}

// Derived computes once per key, keeps keys apart, and gives every caller,
// side by side or later, the same result.
func TestDerived(t *testing.T) {
	inc := &Incident{}
	var calls atomic.Int32
	compute := func(v int) func() any {
		return func() any { calls.Add(1); return v }
	}
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Go(func() { got[i] = inc.Derived(derivedKeyA{}, compute(i)) })
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("caller %d got %v, caller 0 got %v", i, got[i], got[0])
		}
	}
	before := calls.Load()
	if v := inc.Derived(derivedKeyA{}, compute(99)); v != got[0] || calls.Load() != before {
		t.Errorf("a later call got %v (%d computations), want the kept %v without computing", v, calls.Load()-before, got[0])
	}
	if v := inc.Derived(derivedKeyB{}, compute(7)); v != 7 {
		t.Errorf("another key got %v, want its own 7", v)
	}
	if v := (&Incident{}).Derived(derivedKeyA{}, compute(5)); v != 5 {
		t.Errorf("another incident got %v, want its own 5", v)
	}
}
