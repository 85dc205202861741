package loop

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func newLoop(t *testing.T) *Loop {
	t.Helper()
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !l.Closed() {
			l.Run(RunDefault)
			if err := l.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	})
	return l
}

func TestPhaseOrder(t *testing.T) {
	l := newLoop(t)
	var got []string
	var tm Timer
	var idle, prep, check Watcher
	l.InitTimer(&tm, 0)
	l.InitWatcher(&idle, PhaseIdle, 0)
	l.InitWatcher(&prep, PhasePrepare, 0)
	l.InitWatcher(&check, PhaseCheck, 0)
	tm.Start(func(*Timer) { got = append(got, "timer") }, 0, 0)
	// The idle watcher keeps the poll from blocking until the check
	// callback ends the round.
	idle.Start(func(w *Watcher) { got = append(got, "idle") })
	prep.Start(func(w *Watcher) { got = append(got, "prepare") })
	check.Start(func(w *Watcher) {
		got = append(got, "check")
		idle.Stop()
		prep.Stop()
		w.Stop()
		tm.Close(func(*Handle) { got = append(got, "close") })
	})
	l.Run(RunDefault)
	want := []string{"timer", "idle", "prepare", "check", "close"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("phase order (-want +got):\n%s", diff)
	}
	for _, h := range []*Handle{&idle.Handle, &prep.Handle, &check.Handle} {
		h.Close(nil)
	}
}

func TestTimersWithEqualDueTimeRunInStartOrder(t *testing.T) {
	l := newLoop(t)
	var got []int
	timers := make([]Timer, 50)
	for i := range timers {
		l.InitTimer(&timers[i], 0)
		i := i
		timers[i].Start(func(tm *Timer) { got = append(got, i); tm.Close(nil) }, 5, 0)
	}
	l.Run(RunDefault)
	for i, v := range got {
		if v != i {
			t.Fatalf("timer %d ran at position %d: %v", v, i, got)
		}
	}
	if len(got) != len(timers) {
		t.Fatalf("%d timers ran, want %d", len(got), len(timers))
	}
}

func TestTimerHeapKeepsOrderUnderRandomStops(t *testing.T) {
	l := newLoop(t)
	const n = 2000
	timers := make([]Timer, n)
	var fired []uint64
	for i := range timers {
		l.InitTimer(&timers[i], 0)
		due := uint64((i * 7919) % 97)
		timers[i].Start(func(tm *Timer) { fired = append(fired, tm.Due()); tm.Close(nil) }, due, 0)
	}
	for i := 0; i < n; i += 3 {
		timers[i].Stop()
		timers[i].Close(nil)
	}
	l.Run(RunDefault)
	if want := n - (n+2)/3; len(fired) != want {
		t.Fatalf("%d timers fired, want %d", len(fired), want)
	}
	for i := 1; i < len(fired); i++ {
		if fired[i] < fired[i-1] {
			t.Fatalf("timer due %d fired after one due %d", fired[i], fired[i-1])
		}
	}
}

func TestRepeatingTimerAndAgain(t *testing.T) {
	l := newLoop(t)
	var tm Timer
	l.InitTimer(&tm, 0)
	if err := tm.Again(); err != ErrNoCallback {
		t.Fatalf("Again on a never-started timer: %v, want ErrNoCallback", err)
	}
	n := 0
	tm.Start(func(tm *Timer) {
		n++
		if n == 3 {
			tm.Close(nil)
		}
	}, 1, 1)
	l.Run(RunDefault)
	if n != 3 {
		t.Fatalf("repeating timer ran %d times, want 3", n)
	}
}

func TestTimerRestartedWithZeroTimeoutRunsOncePerIteration(t *testing.T) {
	l := newLoop(t)
	var tm Timer
	l.InitTimer(&tm, 0)
	n := 0
	var restart func(*Timer)
	restart = func(tm *Timer) {
		n++
		tm.Start(restart, 0, 0)
	}
	tm.Start(restart, 0, 0)
	for i := 1; i <= 3; i++ {
		l.Run(RunNoWait)
		if n != i {
			t.Fatalf("after %d iterations the timer ran %d times", i, n)
		}
	}
	tm.Close(nil)
}

func TestTimerStoppedByEarlierCallbackOfSamePhaseDoesNotRun(t *testing.T) {
	l := newLoop(t)
	var a, b Timer
	l.InitTimer(&a, 0)
	l.InitTimer(&b, 0)
	var got []string
	a.Start(func(*Timer) { got = append(got, "a"); b.Stop() }, 0, 0)
	b.Start(func(*Timer) { got = append(got, "b") }, 0, 0)
	l.Run(RunDefault)
	if diff := cmp.Diff([]string{"a"}, got); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
	a.Close(nil)
	b.Close(nil)
}

func TestUnrefedTimerDoesNotKeepLoopAlive(t *testing.T) {
	l := newLoop(t)
	var tm Timer
	l.InitTimer(&tm, 0)
	tm.Start(func(*Timer) { t.Error("unreferenced timer fired") }, 10_000, 0)
	tm.Unref()
	if alive, _ := l.Run(RunDefault); alive {
		t.Fatal("loop still alive with only an unreferenced timer")
	}
	tm.Close(nil)
}

func TestWatchersStartedLastRunFirst(t *testing.T) {
	l := newLoop(t)
	var got []int
	ws := make([]Watcher, 3)
	for i := range ws {
		l.InitWatcher(&ws[i], PhaseIdle, 0)
		i := i
		ws[i].Start(func(w *Watcher) {
			got = append(got, i)
			if i == 0 {
				// Stopping a watcher that is still waiting in this pass
				// must not run it.
				ws[1].Stop()
			}
		})
	}
	l.Run(RunNoWait)
	if diff := cmp.Diff([]int{2, 1, 0}, got); diff != "" {
		t.Errorf("first pass (-want +got):\n%s", diff)
	}
	got = nil
	ws[1].Start(ws[1].cb)
	ws[2].Stop()
	l.Run(RunNoWait)
	if diff := cmp.Diff([]int{1, 0}, got); diff != "" {
		t.Errorf("second pass (-want +got):\n%s", diff)
	}
	for i := range ws {
		ws[i].Close(nil)
	}
}

// owned is a handle whose owner records work outside the loop and submits
// it with SubOwner, as capi's streams do for writes finished in C.
type owned struct {
	Handle
	io   IO
	name string
	got  *[]string
}

func (o *owned) CloseHandle()   { o.Loop().IOClose(&o.io) }
func (o *owned) FinishClose()   {}
func (o *owned) Submitted()     { o.Loop().IOFeed(&o.io) }
func (o *owned) submit(l *Loop) { submit(l, o.Rec(), SubOwner) }

// A handle closed with a callback gets that callback, one closed without
// gets the loop's close hook: never both, and each exactly once.
func TestCloseRunsTheHandlesCallbackOrElseTheLoopsHook(t *testing.T) {
	l := newLoop(t)
	var got []string
	var a, b owned
	a.name, b.name = "a", "b"
	l.SetCloseHook(func(h *Handle) {
		for _, o := range []*owned{&a, &b} {
			if h == &o.Handle {
				got = append(got, "hook "+o.name)
			}
		}
	})
	for _, o := range []*owned{&a, &b} {
		o.Handle.InitExternal(l, o, 0, nil)
	}
	a.Close(func(*Handle) { got = append(got, "callback a") })
	b.Close(nil)
	l.Run(RunDefault)
	if diff := cmp.Diff([]string{"hook b", "callback a"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(l.closeCbs) != 0 {
		t.Errorf("%d close callbacks left behind", len(l.closeCbs))
	}
}

func TestOwnerSubmissionsJoinThePendingQueueInOrderAndNeverTheClosingPhase(t *testing.T) {
	l := newLoop(t)
	var got []string
	var a, b owned
	for _, o := range []*owned{&a, &b} {
		o := o
		o.Handle.InitExternal(l, o, 0, nil)
		l.InitIO(&o.io, -1, RegisterIO(func(*IO, uint32) { got = append(got, o.name) }))
	}
	a.name, b.name = "a", "b"
	var tm, other Timer
	l.InitTimer(&tm, 0)
	l.InitTimer(&other, 0)
	tm.Start(func(*Timer) {
		got = append(got, "timer")
		b.submit(l)
		a.submit(l)
		other.Close(func(*Handle) { got = append(got, "closed") })
	}, 0, 0)
	var ref Timer // keeps the loop alive with a timer far away
	l.InitTimer(&ref, 0)
	ref.Start(func(*Timer) {}, 60000, 0)
	// The timer runs last in the iteration; what it submitted and closed
	// is the next iteration's pending and closing work.
	l.Run(RunOnce)
	if diff := cmp.Diff([]string{"timer"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got = nil
	l.Run(RunNoWait)
	if diff := cmp.Diff([]string{"b", "a", "closed"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	a.submit(l)
	if to := l.BackendTimeout(); to != 0 {
		t.Errorf("BackendTimeout = %d with a submission pending, want 0", to)
	}
	got = nil
	l.Run(RunNoWait)
	if diff := cmp.Diff([]string{"a"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, h := range []*Handle{&a.Handle, &b.Handle, &tm.Handle, &ref.Handle} {
		h.Close(nil)
	}
}

func TestCloseCallbacksRunLastClosedFirst(t *testing.T) {
	l := newLoop(t)
	var got []int
	ts := make([]Timer, 3)
	for i := range ts {
		l.InitTimer(&ts[i], 0)
	}
	for i := range ts {
		i := i
		ts[i].Close(func(*Handle) { got = append(got, i) })
	}
	if err := ts[0].Close(nil); err != ErrClosing {
		t.Fatalf("second Close: %v, want ErrClosing", err)
	}
	l.Run(RunDefault)
	if diff := cmp.Diff([]int{2, 1, 0}, got); diff != "" {
		t.Errorf("close order (-want +got):\n%s", diff)
	}
}

func TestWalkSeesOpenHandlesAndToleratesClose(t *testing.T) {
	l := newLoop(t)
	ts := make([]Timer, 4)
	for i := range ts {
		l.InitTimer(&ts[i], i)
	}
	var kinds []int
	l.Walk(func(r *Rec) {
		h := l.Object(r).Base()
		kinds = append(kinds, h.Kind())
		h.Close(nil)
	})
	if diff := cmp.Diff([]int{0, 1, 2, 3}, kinds); diff != "" {
		t.Errorf("walk (-want +got):\n%s", diff)
	}
	if err := l.Close(); err != ErrBusy {
		t.Fatalf("Close with closing handles: %v, want ErrBusy", err)
	}
	l.Run(RunDefault)
	if l.HasUserHandles() {
		t.Fatal("handles left after their close callbacks")
	}
}

func TestAsyncFromManyGoroutinesCoalesces(t *testing.T) {
	l := newLoop(t)
	var a Async
	calls := 0
	const senders, sends = 4, 1000
	var wg sync.WaitGroup
	done := make(chan struct{})
	l.InitAsync(&a, 0, func(a *Async) {
		calls++
		select {
		case <-done:
			a.Close(nil)
		default:
		}
	})
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < sends; j++ {
				a.Send()
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
		a.Send()
	}()
	l.Run(RunDefault)
	if calls < 1 || calls > senders*sends+1 {
		t.Fatalf("async callback ran %d times", calls)
	}
}

// A sender that stopped inside Send, after it set the pending word and
// before it counted itself out (descheduled, on a crowded machine), must
// not hold the loop up: the callback runs at once. Only closing the handle
// waits for the sender to leave.
func TestAsyncSenderStalledInsideSendDelaysOnlyTheClose(t *testing.T) {
	l := newLoop(t)
	var a Async
	calls := 0
	l.InitAsync(&a, 0, func(*Async) { calls++ })
	ar := &a.ah.Async
	atomic.AddInt32(&ar.Busy, 1) // the stalled sender
	atomic.StoreInt32(&ar.Pending, asyncPending)
	l.Wake()
	l.Run(RunNoWait)
	if calls != 1 {
		t.Fatalf("callback ran %d times with a sender inside Send, want 1", calls)
	}
	const stall = 30 * time.Millisecond
	start := time.Now()
	go func() {
		time.Sleep(stall)
		atomic.AddInt32(&ar.Busy, -1)
	}()
	closed := false
	a.Close(func(*Handle) { closed = true })
	l.Run(RunDefault)
	if !closed {
		t.Fatal("close callback did not run")
	}
	if d := time.Since(start); d < stall {
		t.Fatalf("close finished after %v, before the sender left Send (%v)", d, stall)
	}
}

// A Post whose work is done may not have written its wakeup yet: Close
// waits for it, or the write could land on a descriptor number already
// given to another file.
func TestCloseWaitsForAPostUnderWay(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	l.posted.senders.Add(1) // a sender between its push and its wakeup
	const stall = 30 * time.Millisecond
	start := time.Now()
	go func() {
		time.Sleep(stall)
		l.posted.senders.Add(-1)
	}()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < stall {
		t.Fatalf("Close returned after %v, with a Post still under way (%v)", d, stall)
	}
}

func TestPostRunsOnLoopInOrder(t *testing.T) {
	l := newLoop(t)
	var a Async // keeps the loop alive until the last post arrives
	l.InitAsync(&a, 0, nil)
	var got []int
	posts := make([]Posted, 100)
	for i := range posts {
		i := i
		posts[i].Fn = func(*Posted) {
			got = append(got, i)
			if i == len(posts)-1 {
				a.Close(nil)
			}
		}
	}
	go func() {
		for i := range posts {
			l.Post(&posts[i])
		}
	}()
	l.Run(RunDefault)
	for i, v := range got {
		if v != i {
			t.Fatalf("post %d ran at position %d", v, i)
		}
	}
}

func TestIOWatcherSeesReadablePipe(t *testing.T) {
	l := newLoop(t)
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	var w IO
	var hold Async // an I/O watcher is not a handle: keep the loop alive
	l.InitAsync(&hold, 0, nil)
	got := ""
	l.InitIO(&w, fds[0], RegisterIO(func(w *IO, ev uint32) {
		if ev&EventRead == 0 {
			t.Errorf("events %#x without EventRead", ev)
		}
		buf := make([]byte, 16)
		n, _ := unix.Read(w.FD(), buf)
		got = string(buf[:n])
		l.IOClose(w)
		unix.Close(fds[0])
		hold.Close(nil)
	}))
	l.IOStart(&w, EventRead)
	go func() {
		time.Sleep(10 * time.Millisecond)
		unix.Write(fds[1], []byte("ping"))
	}()
	l.Run(RunDefault)
	if got != "ping" {
		t.Fatalf("read %q, want ping", got)
	}
}

func TestIOFeedRunsInPendingPhase(t *testing.T) {
	l := newLoop(t)
	var w IO
	var got []string
	l.InitIO(&w, 0, RegisterIO(func(w *IO, ev uint32) {
		if ev != EventFeed {
			t.Errorf("events %#x, want EventFeed", ev)
		}
		got = append(got, "pending")
	}))
	var tm Timer
	var idle Watcher
	l.InitTimer(&tm, 0)
	l.InitWatcher(&idle, PhaseIdle, 0)
	tm.Start(func(tm *Timer) { got = append(got, "timer"); l.IOFeed(&w); tm.Close(nil) }, 0, 0)
	idle.Start(func(w *Watcher) {
		got = append(got, "idle")
		if len(got) >= 4 {
			w.Close(nil)
		}
	})
	l.Run(RunDefault)
	// The pending phase follows the timers in the same iteration.
	want := []string{"timer", "pending", "idle", "idle"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A watcher that feeds itself from its own pending callback runs once
// before the poll and once after it in each iteration: one round after the
// poll, where libuv runs up to eight (docs/differences.md).
func TestRunRunsOnePendingRoundAfterThePoll(t *testing.T) {
	l := newLoop(t)
	var w IO
	calls := 0
	l.InitIO(&w, 0, RegisterIO(func(w *IO, ev uint32) {
		calls++
		l.IOFeed(w)
	}))
	var keep Timer // keeps the loop alive
	l.InitTimer(&keep, 0)
	keep.Start(func(*Timer) {}, 1e6, 0)
	l.IOFeed(&w)
	var got []int
	for i := 0; i < 3; i++ {
		l.Run(RunNoWait)
		got = append(got, calls)
	}
	l.IOClose(&w)
	keep.Close(nil)
	l.Run(RunDefault)
	if diff := cmp.Diff([]int{2, 4, 6}, got); diff != "" {
		t.Errorf("pending callbacks after each iteration (-want +got):\n%s", diff)
	}
}

// A watcher closed by an earlier callback of the same pending round does
// not hear its feed (libuv takes it out of the pending queue at close); the
// callbacks of the others keep their order.
func TestIOCloseTakesAWatcherOutOfTheRunningPendingRound(t *testing.T) {
	l := newLoop(t)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	var a, b, c IO
	var got []string
	l.InitIO(&b, p[1], RegisterIO(func(*IO, uint32) { got = append(got, "b") }))
	l.InitIO(&c, p[0], RegisterIO(func(*IO, uint32) { got = append(got, "c") }))
	l.InitIO(&a, p[0], RegisterIO(func(*IO, uint32) {
		got = append(got, "a")
		if len(got) == 1 {
			l.IOClose(&b)
			l.IOFeed(&a) // the next round
		}
	}))
	l.IOFeed(&a)
	l.IOFeed(&b)
	l.IOFeed(&c)
	if !l.runPending() || !l.runPending() || l.runPending() {
		t.Fatal("want two pending rounds")
	}
	if diff := cmp.Diff([]string{"a", "c", "a"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRunIsNotReentrant(t *testing.T) {
	l := newLoop(t)
	var tm Timer
	l.InitTimer(&tm, 0)
	var err error
	tm.Start(func(tm *Timer) { _, err = l.Run(RunNoWait); tm.Close(nil) }, 0, 0)
	l.Run(RunDefault)
	if err != ErrRunning {
		t.Fatalf("nested Run: %v, want ErrRunning", err)
	}
}

func TestStopEndsRunAfterTheIteration(t *testing.T) {
	l := newLoop(t)
	var idle Watcher
	l.InitWatcher(&idle, PhaseIdle, 0)
	n := 0
	idle.Start(func(*Watcher) {
		n++
		if n == 5 {
			l.Stop()
		}
	})
	if alive, _ := l.Run(RunDefault); !alive {
		t.Fatal("stopped loop reported not alive")
	}
	if n != 5 {
		t.Fatalf("idle ran %d times, want 5", n)
	}
	if *l.w.StopFlag != 0 {
		t.Fatal("stop flag not cleared")
	}
	idle.Close(nil)
}

func TestHotPathsDoNotAllocate(t *testing.T) {
	l := newLoop(t)
	var tm Timer
	var idle Watcher
	l.InitTimer(&tm, 0)
	l.InitWatcher(&idle, PhaseIdle, 0)
	cb := func(*Timer) {}
	icb := func(*Watcher) {}
	tm.Start(cb, 1000, 0)
	idle.Start(icb)
	l.Run(RunNoWait)
	if n := testing.AllocsPerRun(100, func() { tm.Start(cb, 1000, 0) }); n != 0 {
		t.Errorf("Timer.Start allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { l.Run(RunNoWait) }); n != 0 {
		t.Errorf("an idle iteration allocates %v times", n)
	}
	tm.Close(nil)
	idle.Close(nil)
}

// An owner may close its watcher after the loop closed (capi releases a
// loop's inotify watcher from the loop's close): that must not touch the
// released descriptor table.
func TestIOCloseAfterLoopClose(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	var w IO
	l.InitIO(&w, p[0], RegisterIO(func(*IO, uint32) {}))
	l.IOStart(&w, EventRead)
	l.poll(0) // registers the watcher with epoll
	if w.have == 0 {
		t.Fatal("watcher not registered")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l.IOClose(&w)
	if w.FD() != -1 {
		t.Fatalf("watcher still has fd %d", w.FD())
	}
}

// What the loop thread posts for itself runs in the poll phase, between
// prepare and check, and the poll does not wait for it; what those
// callbacks post in turn waits for the next iteration's poll.
func TestPostHereRunsInThePollPhase(t *testing.T) {
	l := newLoop(t)
	var got []string
	var prep, check Watcher
	var guard Timer
	var first, second Posted
	l.InitWatcher(&prep, PhasePrepare, 0)
	l.InitWatcher(&check, PhaseCheck, 0)
	l.InitTimer(&guard, 0)
	stop := func() {
		prep.Stop()
		check.Stop()
		guard.Stop()
	}
	second.Fn = func(*Posted) { got = append(got, "second") }
	first.Fn = func(*Posted) {
		got = append(got, "first")
		l.PostHere(&second)
	}
	prep.Start(func(w *Watcher) {
		got = append(got, "prepare")
		if len(got) == 1 {
			l.PostHere(&first)
		}
	})
	check.Start(func(w *Watcher) {
		got = append(got, "check")
		if len(got) > 4 {
			stop()
		}
	})
	// A poll that waited would wait for this timer.
	guard.Start(func(*Timer) { got = append(got, "waited"); stop() }, 5000, 0)
	l.Run(RunDefault)
	want := []string{"prepare", "first", "check", "prepare", "second", "check"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	prep.Close(nil)
	check.Close(nil)
	guard.Close(nil)
}
