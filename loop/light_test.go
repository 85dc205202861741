package loop

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// submit queues r on l's submission list with bits, once, as an embedder
// that changes a handle outside the loop does (capi's C).
func submit(l *Loop, r *Rec, bits uint32) {
	s := l.w.Sub
	if r.Sub&SubQueued == 0 {
		r.SubNext = nil
		if s.Tail != nil {
			s.Tail.SubNext = r
		} else {
			s.Head = r
		}
		s.Tail = r
	}
	r.Sub |= bits | SubQueued
}

// submitClose queues r, closed outside the loop, for the closing phase:
// newest first, and submitted with SubClosed if it was in a structure of
// the loop (an active timer or watcher, any async handle).
func submitClose(l *Loop, r *Rec) {
	wasActive := r.Flags&FlagActive != 0
	r.Flags |= FlagClosing
	l.stopRec(r)
	if wasActive || r.Sub&RecAsync != 0 {
		submit(l, r, SubClosed)
	}
	s := l.w.Sub
	r.Closing = s.CloseHead
	s.CloseHead = r
	if s.CloseTail == nil {
		s.CloseTail = r
	}
}

// lightTimer stands for an embedder's timer: a TimerHandle with no Go
// object, changed outside the loop and submitted, as capi's C does.
type lightTimer struct {
	th   TimerHandle
	name string
}

func (lt *lightTimer) init(l *Loop, name string) {
	lt.name = name
	lt.th = TimerHandle{Rec: Rec{Flags: FlagRef, Sub: RecTimer}, Timer: TimerRec{Index: -1}}
	submit(l, &lt.th.Rec, SubInit)
}

func (lt *lightTimer) start(l *Loop, timeout uint64) {
	tr := &lt.th.Timer
	tr.Due = *l.w.Time + timeout
	tr.Seq = *l.w.TimerSeq
	*l.w.TimerSeq++
	tr.State &^= TimerReady
	l.startRec(&lt.th.Rec)
	submit(l, &lt.th.Rec, SubTimer)
}

func (lt *lightTimer) close(l *Loop) {
	lt.th.Timer.State &^= TimerReady
	submitClose(l, &lt.th.Rec)
}

func TestLightTimersShareTheHeapAndCloseInOneBatch(t *testing.T) {
	l := newLoop(t)
	lts := map[*Rec]*lightTimer{}
	var got []string
	var batches int
	l.SetLight(LightHooks{
		FireTimer: func(r *Rec) { got = append(got, "fire "+lts[r].name) },
		Closed: func(first *Rec) {
			batches++
			for r := first; r != nil; r = r.Closing {
				got = append(got, "closed "+lts[r].name)
			}
		},
	})
	a, b := &lightTimer{}, &lightTimer{}
	a.init(l, "a")
	b.init(l, "b")
	lts[&a.th.Rec], lts[&b.th.Rec] = a, b
	var g Timer
	l.InitTimer(&g, 7)
	// Equal due times run in start order, whichever side started them.
	b.start(l, 0)
	g.Start(func(*Timer) { got = append(got, "fire go") }, 0, 0)
	a.start(l, 0)
	var walked []int32
	l.Walk(func(r *Rec) { walked = append(walked, r.Kind) })
	if len(walked) != 3 {
		t.Fatalf("walk saw %d handles, want 3", len(walked))
	}
	l.Run(RunNoWait)
	a.close(l)
	b.close(l)
	g.Close(nil)
	l.Run(RunDefault)
	want := []string{"fire b", "fire go", "fire a", "closed b", "closed a"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	// The Go timer closed last, so it finished first (LIFO) and the two
	// light timers after it came as one batch.
	if batches != 1 {
		t.Fatalf("%d close batches, want 1", batches)
	}
	if l.HasUserHandles() {
		t.Fatal("handles left after their close callbacks")
	}
}

func TestLightTimerLifeAllocatesNothing(t *testing.T) {
	l := newLoop(t)
	l.SetLight(LightHooks{FireTimer: func(*Rec) {}, Closed: func(*Rec) {}})
	var lt lightTimer
	// Warm up the heap and the scratch lists.
	lt.init(l, "x")
	lt.start(l, 0)
	l.Run(RunDefault)
	lt.close(l)
	l.Run(RunDefault)
	allocs := testing.AllocsPerRun(100, func() {
		lt.init(l, "x")
		lt.start(l, 0)
		l.Run(RunDefault)
		lt.close(l)
		l.Run(RunDefault)
	})
	if allocs != 0 {
		t.Fatalf("a light timer's init, start, firing and close allocate %v times", allocs)
	}
}

// lightWatcher stands for an embedder's idle, prepare or check handle.
type lightWatcher struct {
	wh   WatcherHandle
	name string
}

func (lw *lightWatcher) init(l *Loop, name string, p Phase) {
	lw.name = name
	lw.wh = WatcherHandle{Rec: Rec{Flags: FlagRef, Sub: RecWatcher | uint32(p)<<RecPhaseShift}}
	submit(l, &lw.wh.Rec, SubInit)
}

func (lw *lightWatcher) start(l *Loop) {
	if lw.wh.Rec.Flags&FlagActive != 0 {
		return
	}
	l.startRec(&lw.wh.Rec)
	submit(l, &lw.wh.Rec, SubWatch|SubStarted)
}

func (lw *lightWatcher) stop(l *Loop) {
	if lw.wh.Rec.Flags&FlagActive == 0 {
		return
	}
	l.stopRec(&lw.wh.Rec)
	submit(l, &lw.wh.Rec, SubWatch)
}

func TestLightWatchersRunInPhaseOrderAndObeyStopsAtOnce(t *testing.T) {
	l := newLoop(t)
	byRec := map[*Rec]*lightWatcher{}
	var got []string
	var a, b, c, chk lightWatcher
	l.SetLight(LightHooks{
		FireWatcher: func(r *Rec) {
			lw := byRec[r]
			got = append(got, lw.name)
			switch lw {
			case &a:
				// Stops b, which waits in the same pass, and restarts
				// itself, which moves it to the front for the next pass.
				b.stop(l)
				a.stop(l)
				a.start(l)
			case &chk:
				a.stop(l)
				c.stop(l)
				chk.stop(l)
			}
		},
		Closed: func(*Rec) {},
	})
	for _, w := range []struct {
		lw   *lightWatcher
		name string
		p    Phase
	}{{&a, "a", PhaseIdle}, {&b, "b", PhaseIdle}, {&c, "c", PhasePrepare}, {&chk, "check", PhaseCheck}} {
		w.lw.init(l, w.name, w.p)
		byRec[&w.lw.wh.Rec] = w.lw
	}
	// Started last runs first: b, then a, in the idle phase.
	a.start(l)
	b.start(l)
	c.start(l)
	chk.start(l)
	l.Run(RunNoWait)
	// b, started last, ran first; a then stopped it (too late for this
	// pass) and restarted itself; check stopped the rest.
	want := []string{"b", "a", "c", "check"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("first iteration (-want +got):\n%s", diff)
	}
	got = nil
	l.Run(RunNoWait)
	if len(got) != 0 {
		t.Fatalf("second iteration ran %v after everything stopped", got)
	}
	// Start b, then a: a runs first and stops b, which was waiting in the
	// same pass, so b does not run.
	b.start(l)
	a.start(l)
	l.Run(RunNoWait)
	if diff := cmp.Diff([]string{"a"}, got); diff != "" {
		t.Fatalf("third iteration (-want +got):\n%s", diff)
	}
	a.stop(l)
	for _, lw := range []*lightWatcher{&a, &b, &c, &chk} {
		submitClose(l, &lw.wh.Rec)
	}
	l.Run(RunDefault)
	if l.HasUserHandles() {
		t.Fatal("handles left after their close callbacks")
	}
}
