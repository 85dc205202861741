package loop

import (
	"errors"
	"unsafe"
)

// ErrNoCallback reports a start without a callback (UV_EINVAL in libuv).
var ErrNoCallback = errors.New("loop: no callback")

// TimerRec is a timer's state, laid out, like Rec, to live in memory the
// Go heap does not own: it follows its handle's Rec directly (see
// TimerHandle). Due, Repeat, Seq and Cb say what the timer's owner asked
// for and may be written outside the loop (capi's uv_timer_start, in C,
// then submits the record with SubTimer); HeapDue, HeapSeq and Index are
// the heap's, written by the loop alone, so a start made outside the loop
// never disturbs the heap's order before the loop has seen it.
type TimerRec struct {
	Cb      unsafe.Pointer // the owner's callback; the loop never calls it
	Due     uint64         // absolute, in loop milliseconds
	Repeat  uint64         // 0: one-shot
	Seq     uint64         // start order: breaks ties between equal due times
	HeapDue uint64         // Due as the heap ordered it
	HeapSeq uint64         // Seq as the heap ordered it
	Index   int32          // position in the heap, -1 when not in it
	State   uint32         // TimerReady
}

// TimerReady says that the timer is due in the running timer phase and its
// callback has not run yet. Starting, stopping or closing it clears it.
const TimerReady uint32 = 1

// TimerHandle is the memory of a timer's loop state: its Rec, then its
// TimerRec. capi's uv_timer_t holds one from its handle_queue field on.
type TimerHandle struct {
	Rec   Rec
	Timer TimerRec
}

// timerOfRec returns the TimerRec that follows a timer's Rec.
func timerOfRec(r *Rec) *TimerRec {
	return (*TimerRec)(unsafe.Add(unsafe.Pointer(r), unsafe.Offsetof(TimerHandle{}.Timer)))
}

// recOfTimer returns the Rec that precedes a TimerRec.
func recOfTimer(t *TimerRec) *Rec {
	return (*Rec)(unsafe.Add(unsafe.Pointer(t), -int(unsafe.Offsetof(TimerHandle{}.Timer))))
}

// Timer is a timer of a Go program: it calls its callback once the loop's
// clock reaches its due time, and then every Repeat milliseconds if Repeat
// is not zero. Timers without Go state (capi's) share the same heap and
// phase through TimerHandle.
type Timer struct {
	Handle
	th TimerHandle
	cb func(t *Timer)
}

// InitTimer prepares t on l.
func (l *Loop) InitTimer(t *Timer, kind int) {
	t.th = TimerHandle{}
	t.Handle.init(l, t, kind, &t.th.Rec, false)
	t.th.Rec.Sub = RecTimer
	t.th.Timer.Index = -1
	t.cb = nil
}

// Start arms the timer: cb runs timeout milliseconds from the loop's
// cached clock, then every repeat milliseconds if repeat is not zero.
// Restarting an active timer moves it.
func (t *Timer) Start(cb func(t *Timer), timeout, repeat uint64) error {
	if cb == nil {
		return ErrNoCallback
	}
	if t.IsClosing() {
		return ErrClosing
	}
	t.cb = cb
	t.Loop().startTimer(&t.th.Rec, &t.th.Timer, timeout, repeat)
	return nil
}

// startTimer records a start in the timer and moves it in the heap: the
// same steps capi's uv_timer_start takes in C, where the heap part waits
// for the next drain.
func (l *Loop) startTimer(r *Rec, tr *TimerRec, timeout, repeat uint64) {
	due := *l.w.Time + timeout
	if due < timeout { // overflow: never
		due = ^uint64(0)
	}
	tr.State &^= TimerReady
	tr.Due = due
	tr.Repeat = repeat
	tr.Seq = *l.w.TimerSeq
	*l.w.TimerSeq++
	l.startRec(r)
	l.syncTimer(tr)
}

// syncTimer puts a timer where its state says: in the heap at its due time
// while it is active and not closing, out of it otherwise.
func (l *Loop) syncTimer(tr *TimerRec) {
	if tr.Index >= 0 {
		l.timers.remove(tr)
	}
	if recOfTimer(tr).Flags&(FlagActive|FlagClosing|FlagClosed) == FlagActive {
		tr.HeapDue, tr.HeapSeq = tr.Due, tr.Seq
		l.timers.push(tr)
	}
}

// Stop disarms the timer, and takes it out of the running timer phase if
// it was due there. Its due time is kept, as libuv keeps it.
func (t *Timer) Stop() {
	t.th.Timer.State &^= TimerReady
	t.Handle.Stop()
	t.Loop().syncTimer(&t.th.Timer)
}

// Again restarts a repeating timer from now; a timer that does not repeat
// is left alone. It fails if the timer was never started.
func (t *Timer) Again() error {
	if t.cb == nil {
		return ErrNoCallback
	}
	if r := t.th.Timer.Repeat; r != 0 {
		t.Loop().startTimer(&t.th.Rec, &t.th.Timer, r, r)
	}
	return nil
}

// SetRepeat changes the repeat interval, taking effect at the next firing.
func (t *Timer) SetRepeat(repeat uint64) { t.th.Timer.Repeat = repeat }

// Repeat returns the repeat interval.
func (t *Timer) Repeat() uint64 { return t.th.Timer.Repeat }

// DueIn returns the milliseconds until the timer is due, 0 if it is due
// already.
func (t *Timer) DueIn() uint64 {
	now := *t.Loop().w.Time
	if now >= t.th.Timer.Due {
		return 0
	}
	return t.th.Timer.Due - now
}

// Due returns the timer's due time in loop milliseconds.
func (t *Timer) Due() uint64 { return t.th.Timer.Due }

func (t *Timer) closeHandle() { t.Stop() }

// runTimers runs the timers due at the cached clock, as libuv 1.45 and
// later do: first every due timer leaves the heap for a ready list, then
// each one still ready is re-armed if it repeats and called. A timer that a
// callback starts, restarts, stops or closes is no longer ready, and a
// timer started with timeout 0 from a callback waits for the next timer
// phase, so a timer that restarts itself cannot keep the loop in this phase
// forever (libuv 1.44 runs it again at once, and never returns).
func (l *Loop) runTimers() {
	l.drain()
	now := *l.w.Time
	ready := &l.readyTimers
	for {
		tr := l.timers.min()
		if tr == nil || tr.HeapDue > now {
			break
		}
		l.timers.remove(tr)
		l.stopRec(recOfTimer(tr))
		tr.State |= TimerReady
		ready.push(tr)
	}
	for i := 0; i < ready.len(); i++ {
		tr := ready.a[i]
		// What the previous callback did outside the loop (a start in
		// C) takes its timers out of the ready list now.
		l.drain()
		if tr.State&TimerReady == 0 {
			continue
		}
		tr.State &^= TimerReady
		r := recOfTimer(tr)
		if tr.Repeat != 0 {
			l.startTimer(r, tr, tr.Repeat, tr.Repeat)
		}
		if r.Slot == 0 {
			l.light.FireTimer(r)
		} else {
			t := l.objs[r.Slot].(*Timer)
			t.cb(t)
		}
	}
	ready.a = ready.a[:0]
}

// nextTimeout returns the milliseconds until the nearest timer, -1 if
// there is none, capped at the largest int32.
func (l *Loop) nextTimeout() int {
	l.drain()
	tr := l.timers.min()
	if tr == nil {
		return -1
	}
	now := *l.w.Time
	if tr.HeapDue <= now {
		return 0
	}
	d := tr.HeapDue - now
	if d > 1<<31-1 {
		return 1<<31 - 1
	}
	return int(d)
}

// timerHeap is a 4-ary min-heap of timers ordered by (HeapDue, HeapSeq). A
// wider node keeps a million timers in fewer cache lines than a binary
// heap, and each entry carries its timer's keys, so choosing among four
// children reads one stretch of the array instead of four timers scattered
// over the host's memory. Each timer records its index, so removal is
// O(log n) without searching. The timers may live in C memory: the heap
// holds their addresses, in memory outside the Go heap (recArray).
type timerHeap struct {
	recArray[heapEntry]
}

// heapEntry is a timer and a copy of its keys.
type heapEntry struct {
	due, seq uint64
	t        *TimerRec
}

func (e *heapEntry) before(f *heapEntry) bool {
	return e.due < f.due || (e.due == f.due && e.seq < f.seq)
}

func (h *timerHeap) min() *TimerRec {
	if len(h.a) == 0 {
		return nil
	}
	return h.a[0].t
}

func (h *timerHeap) push(t *TimerRec) {
	e := heapEntry{t.HeapDue, t.HeapSeq, t}
	h.recArray.push(e)
	h.up(len(h.a)-1, e)
}

func (h *timerHeap) remove(t *TimerRec) {
	i := int(t.Index)
	last := len(h.a) - 1
	moved := h.a[last]
	h.a[last] = heapEntry{}
	h.a = h.a[:last]
	t.Index = -1
	if i == last {
		return
	}
	if i > 0 && moved.before(&h.a[(i-1)/4]) {
		h.up(i, moved)
	} else {
		h.down(i, moved)
	}
}

// up places e at hole i and sifts it towards the root.
func (h *timerHeap) up(i int, e heapEntry) {
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&h.a[p]) {
			break
		}
		h.a[i] = h.a[p]
		h.a[i].t.Index = int32(i)
		i = p
	}
	h.a[i] = e
	e.t.Index = int32(i)
}

// down places e at hole i and sifts it towards the leaves.
func (h *timerHeap) down(i int, e heapEntry) {
	n := len(h.a)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		best := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h.a[j].before(&h.a[best]) {
				best = j
			}
		}
		if !h.a[best].before(&e) {
			break
		}
		h.a[i] = h.a[best]
		h.a[i].t.Index = int32(i)
		i = best
	}
	h.a[i] = e
	e.t.Index = int32(i)
}
