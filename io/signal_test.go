package uvio

import (
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// fakeSignals is a SignalBackend driven by the test: raise plays the part
// of the C handler.
type fakeSignals struct {
	mu       sync.Mutex
	counters [MaxSignal + 1]uint64
	installs [MaxSignal + 1]int
	fds      map[int]int
	masks    map[int]uint64
	next     int
}

func newFakeSignals() *fakeSignals {
	return &fakeSignals{fds: map[int]int{}, masks: map[int]uint64{}}
}

func (f *fakeSignals) Counters() *[MaxSignal + 1]uint64 { return &f.counters }
func (f *fakeSignals) Install(sig int) error {
	if sig == int(unix.SIGKILL) {
		return unix.EINVAL
	}
	f.mu.Lock()
	f.installs[sig]++
	f.mu.Unlock()
	return nil
}
func (f *fakeSignals) Uninstall(sig int) { f.mu.Lock(); f.installs[sig]--; f.mu.Unlock() }
func (f *fakeSignals) Register(fd int) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.fds[f.next] = fd
	return f.next, nil
}
func (f *fakeSignals) SetMask(slot int, m uint64) { f.mu.Lock(); f.masks[slot] = m; f.mu.Unlock() }
func (f *fakeSignals) Unregister(slot int) {
	f.mu.Lock()
	delete(f.fds, slot)
	delete(f.masks, slot)
	f.mu.Unlock()
}

func (f *fakeSignals) raise(sig int) {
	atomic.AddUint64(&f.counters[sig], 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	for slot, fd := range f.fds {
		if f.masks[slot]&(1<<(sig-1)) != 0 {
			unix.Write(fd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		}
	}
}

func TestSignalDeliveryOneshotAndRelease(t *testing.T) {
	f := newFakeSignals()
	SetSignalBackend(f)
	defer SetSignalBackend(nil)
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b Signal
	InitSignal(l, &a, 0, nil, nil)
	InitSignal(l, &b, 0, nil, nil)
	var gotA, gotB int
	if err := a.Start(func(s *Signal, sig int) { gotA++ }, int(unix.SIGUSR1), false); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(func(s *Signal, sig int) { gotB++ }, int(unix.SIGUSR1), true); err != nil {
		t.Fatal(err)
	}
	if err := a.Start(func(*Signal, int) {}, int(unix.SIGKILL), false); err != unix.EINVAL {
		t.Fatalf("SIGKILL: %v", err)
	}
	if err := a.Start(func(*Signal, int) {}, 0, false); err != ErrSignal {
		t.Fatalf("0: %v", err)
	}
	f.raise(int(unix.SIGUSR1))
	f.raise(int(unix.SIGUSR1))
	l.Run(loop.RunOnce)
	if gotA != 2 || gotB != 1 {
		t.Fatalf("a %d b %d, want 2 1", gotA, gotB)
	}
	if b.IsActive() || b.Signum() != 0 {
		t.Fatal("oneshot handle still active")
	}
	a.Stop()
	if len(f.fds) != 0 || f.installs[unix.SIGUSR1] != 0 {
		t.Fatalf("not released: fds %v installs %d", f.fds, f.installs[unix.SIGUSR1])
	}
	// A handle started after a delivery does not see it.
	f.raise(int(unix.SIGUSR2))
	a.Start(func(s *Signal, sig int) { gotA++ }, int(unix.SIGUSR2), false)
	l.Run(loop.RunNoWait)
	if gotA != 2 {
		t.Fatalf("old delivery seen: %d", gotA)
	}
	a.Close(nil)
	b.Close(nil)
	l.Run(loop.RunDefault)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

var oneWord = []byte{1, 0, 0, 0, 0, 0, 0, 0}

func TestSignalDispatchAllocatesNothing(t *testing.T) {
	f := newFakeSignals()
	SetSignalBackend(f)
	defer SetSignalBackend(nil)
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var s Signal
	InitSignal(l, &s, 0, nil, nil)
	n := 0
	if err := s.Start(func(*Signal, int) { n++ }, int(unix.SIGUSR1), false); err != nil {
		t.Fatal(err)
	}
	fd := f.fds[1]
	deliver := func() {
		atomic.AddUint64(&f.counters[unix.SIGUSR1], 1)
		unix.Write(fd, oneWord)
		l.Run(loop.RunNoWait)
	}
	deliver()
	if allocs := testing.AllocsPerRun(200, deliver); allocs != 0 && !signalRaceOn {
		t.Fatalf("%v allocations per delivery", allocs)
	}
	if n < 200 {
		t.Fatalf("only %d callbacks", n)
	}
	s.Close(nil)
	l.Run(loop.RunDefault)
	l.Close()
}
