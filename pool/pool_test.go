package pool

import (
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

func TestMain(m *testing.M) {
	// Every test here assumes four workers; the pool is process-wide.
	Getenv = func(string) string { return "4" }
	os.Exit(m.Run())
}

func newLoop(t *testing.T) *loop.Loop {
	t.Helper()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Chains of work resubmitted from their own Done must all complete: a
// lost completion or wakeup would leave Run blocked.
func TestChainedWorkAllCompletes(t *testing.T) {
	l := newLoop(t)
	const chains, per = 16, 500
	var ran atomic.Int64
	done := 0
	works := make([]Work, chains)
	left := make([]int, chains)
	for i := range works {
		i := i
		left[i] = per
		works[i].Run = func(w *Work) { ran.Add(1) }
		works[i].Done = func(w *Work, err error) {
			if err != nil {
				t.Errorf("Done(%v)", err)
			}
			done++
			if left[i]--; left[i] > 0 {
				Submit(l, w, FastIO)
			}
		}
		Submit(l, &works[i], FastIO)
	}
	if _, err := l.Run(loop.RunDefault); err != nil {
		t.Fatal(err)
	}
	if done != chains*per || ran.Load() != chains*per {
		t.Fatalf("done %d, ran %d, want %d", done, ran.Load(), chains*per)
	}
}

func TestCancelQueuedWorkButNotRunningWork(t *testing.T) {
	l := newLoop(t)
	release := make(chan struct{})
	var started atomic.Int32
	var blockers [4]Work
	var statuses []error
	for i := range blockers {
		blockers[i].Run = func(*Work) { started.Add(1); <-release }
		blockers[i].Done = func(w *Work, err error) { statuses = append(statuses, err) }
		Submit(l, &blockers[i], CPU)
	}
	for started.Load() < 4 {
		time.Sleep(time.Millisecond)
	}
	var queued Work
	queued.Run = func(*Work) { t.Error("cancelled work ran") }
	var queuedErr error
	queued.Done = func(w *Work, err error) { queuedErr = err }
	Submit(l, &queued, FastIO)
	if Cancel(&blockers[0]) {
		t.Error("cancelled running work")
	}
	if !Cancel(&queued) {
		t.Fatal("could not cancel queued work")
	}
	close(release)
	l.Run(loop.RunDefault)
	if queuedErr != ErrCanceled {
		t.Errorf("cancelled work's Done got %v", queuedErr)
	}
	if len(statuses) != 4 {
		t.Errorf("%d blockers finished", len(statuses))
	}
}

// Slow I/O may hold at most half of the workers, so file work still runs
// while every slow slot is stuck.
func TestSlowIOLeavesWorkersForFileWork(t *testing.T) {
	l := newLoop(t)
	release := make(chan struct{})
	var running, maxRunning atomic.Int32
	slow := make([]Work, 6)
	for i := range slow {
		slow[i].Run = func(*Work) {
			n := running.Add(1)
			for {
				m := maxRunning.Load()
				if n <= m || maxRunning.CompareAndSwap(m, n) {
					break
				}
			}
			<-release
			running.Add(-1)
		}
		slow[i].Done = func(*Work, error) {}
		Submit(l, &slow[i], SlowIO)
	}
	fast := Work{Run: func(*Work) {}}
	fastDone := false
	fast.Done = func(*Work, error) { fastDone = true; close(release) }
	Submit(l, &fast, FastIO)
	l.Run(loop.RunDefault)
	if !fastDone {
		t.Error("file work never ran")
	}
	if m := maxRunning.Load(); m > 2 {
		t.Errorf("%d slow jobs ran at once; at most 2 of 4 workers", m)
	}
}

func TestSubmitAndCompleteAllocateNothing(t *testing.T) {
	if raceOn {
		t.Skip("allocation counts are meaningless under -race")
	}
	l := newLoop(t)
	var w Work
	w.Run = func(*Work) {}
	w.Done = func(*Work, error) {}
	// Warm up: the pool starts, the loop's buffers grow.
	Submit(l, &w, FastIO)
	l.Run(loop.RunDefault)
	allocs := testing.AllocsPerRun(200, func() {
		Submit(l, &w, FastIO)
		l.Run(loop.RunDefault)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per submit and completion", allocs)
	}
}

// Workers spend their time blocked outside Go, each holding a P until the
// runtime takes it back; the pool keeps a P per worker besides the CPUs'
// so that a woken worker starts at once (see procReserve).
func TestPoolReservesAProcPerWorker(t *testing.T) {
	l := newLoop(t)
	var w Work
	w.Run = func(*Work) {}
	Submit(l, &w, CPU)
	if _, err := l.Run(loop.RunDefault); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("GOMAXPROCS is set in the environment, which the pool leaves alone")
	}
	want := runtime.NumCPU() + min(Size(), maxExtraProcs)
	if got := runtime.GOMAXPROCS(0); got < want {
		t.Fatalf("GOMAXPROCS = %d with %d workers on %d CPUs, want at least %d", got, Size(), runtime.NumCPU(), want)
	}
}

// Work blocked in system calls on every worker at once: all of it is
// running together soon after submission, not one job after another as
// Ps come free.
func TestBlockingWorkStartsOnEveryWorkerAtOnce(t *testing.T) {
	l := newLoop(t)
	const hold = 300 * time.Millisecond
	n := Size()
	if n == 0 {
		n = 4
	}
	var started atomic.Int64
	var all = make(chan struct{})
	works := make([]Work, n)
	begin := time.Now()
	for i := range works {
		works[i].Run = func(*Work) {
			if started.Add(1) == int64(n) {
				close(all)
			}
			ts := unix.NsecToTimespec(int64(hold))
			unix.Nanosleep(&ts, nil)
		}
		Submit(l, &works[i], CPU)
	}
	select {
	case <-all:
	case <-time.After(hold):
		t.Fatalf("after %v only %d of %d jobs had started", time.Since(begin), started.Load(), n)
	}
	if _, err := l.Run(loop.RunDefault); err != nil {
		t.Fatal(err)
	}
}

// Work its submitter finished on the loop thread keeps the loop alive,
// makes its poll not block, and has Done run from the loop, after the
// call that handed it back; a cancellable one can still be cancelled
// until then, the other not.
func TestFinishedWorkRunsDoneFromTheLoop(t *testing.T) {
	l := newLoop(t)
	var calls []error
	done := func(w *Work, err error) { calls = append(calls, err) }
	var plain, cancellable Work
	plain.Done, cancellable.Done = done, done
	Finished(l, &plain, false)
	Finished(l, &cancellable, true)
	if len(calls) != 0 {
		t.Fatal("Done ran inside Finished")
	}
	if !l.Alive() || l.BackendTimeout() != 0 {
		t.Fatalf("alive %v, poll timeout %d; want alive, 0", l.Alive(), l.BackendTimeout())
	}
	if Cancel(&plain) {
		t.Error("cancelled work that may not be")
	}
	if !Cancel(&cancellable) {
		t.Error("could not cancel cancellable finished work")
	}
	if Cancel(&cancellable) {
		t.Error("cancelled the same work twice")
	}
	start := time.Now()
	if _, err := l.Run(loop.RunOnce); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("RunOnce took %v: its poll waited", d)
	}
	if len(calls) != 2 || calls[0] != nil || calls[1] != ErrCanceled {
		t.Fatalf("Done calls %v, want [nil canceled]", calls)
	}
	if l.Alive() {
		t.Error("loop still alive after both Done ran")
	}
}

// parkedWorkers counts the workers asleep on their futex.
func parkedWorkers() int {
	thePool.mu.Lock()
	defer thePool.mu.Unlock()
	n := 0
	for k := thePool.parked; k != nil; k = k.next {
		n++
	}
	return n
}

// Work submitted while every worker sleeps must wake one per item: a
// wake lost between a worker's last look and its sleep would leave Run
// waiting forever.
func TestSubmitWakesParkedWorkers(t *testing.T) {
	l := newLoop(t)
	var warm Work
	warm.Done = func(*Work, error) {}
	Submit(l, &warm, FastIO) // start the pool
	if _, err := l.Run(loop.RunDefault); err != nil {
		t.Fatal(err)
	}
	var works [4]Work
	var ran atomic.Int32
	for round := 0; round < 200; round++ {
		deadline := time.Now().Add(5 * time.Second)
		for parkedWorkers() != Size() {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d of %d workers parked", round, parkedWorkers(), Size())
			}
			time.Sleep(50 * time.Microsecond)
		}
		n := 1 + round%len(works)
		ran.Store(0)
		done := 0
		for i := range works[:n] {
			works[i].Run = func(*Work) { ran.Add(1) }
			works[i].Done = func(_ *Work, err error) {
				if err != nil {
					t.Errorf("Done(%v)", err)
				}
				done++
			}
			Submit(l, &works[i], FastIO)
		}
		if _, err := l.Run(loop.RunDefault); err != nil {
			t.Fatal(err)
		}
		if done != n || int(ran.Load()) != n {
			t.Fatalf("round %d: done %d, ran %d, want %d", round, done, ran.Load(), n)
		}
	}
}
