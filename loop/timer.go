package loop

import "errors"

// ErrNoCallback reports a start without a callback (UV_EINVAL in libuv).
var ErrNoCallback = errors.New("loop: no callback")

// Timer calls its callback once the loop's clock reaches its due time, and
// then every Repeat milliseconds if Repeat is not zero.
type Timer struct {
	Handle
	cb     func(t *Timer)
	due    uint64 // absolute, in loop milliseconds
	repeat uint64
	seq    uint64 // start order: breaks ties between equal due times
	index  int    // position in the loop's heap, -1 when not in it
	ready  bool   // due in the running timer phase, its callback not yet run
}

// InitTimer prepares t on l. flags may be nil (see Handle).
func (l *Loop) InitTimer(t *Timer, kind int, flags *uint32) {
	t.Handle.init(l, t, kind, flags)
	t.cb = nil
	t.due, t.repeat, t.seq = 0, 0, 0
	t.index = -1
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
	l := t.loop
	if t.index >= 0 {
		l.timers.remove(t)
	}
	due := *l.w.Time + timeout
	if due < timeout { // overflow: never
		due = ^uint64(0)
	}
	t.ready = false
	t.cb = cb
	t.due = due
	t.repeat = repeat
	t.seq = *l.w.TimerSeq
	*l.w.TimerSeq++
	l.timers.push(t)
	t.Handle.Start()
	return nil
}

// StartAt arms the timer like Start, with the due time and start order
// already decided: an embedder that records starts without calling in
// (capi stages uv_timer_start in C) hands them over this way, before the
// loop next looks at its timers (see SetTimerSync).
func (t *Timer) StartAt(cb func(t *Timer), due, repeat, seq uint64) {
	if t.index >= 0 {
		t.loop.timers.remove(t)
	}
	t.ready = false
	t.cb = cb
	t.due = due
	t.repeat = repeat
	t.seq = seq
	t.loop.timers.push(t)
	t.Handle.Start()
}

// SetTimerSync registers fn to run whenever the loop is about to look at
// its timers, so that starts recorded outside the loop reach the heap in
// time, including starts made by a timer callback in the same pass.
func (l *Loop) SetTimerSync(fn func()) { l.timerSync = fn }

// Stop disarms the timer, and takes it out of the running timer phase if
// it was due there. Its due time is kept, as libuv keeps it.
func (t *Timer) Stop() {
	if t.index >= 0 {
		t.loop.timers.remove(t)
	}
	t.ready = false
	t.Handle.Stop()
}

// Again restarts a repeating timer from now; a timer that does not repeat
// is left alone. It fails if the timer was never started.
func (t *Timer) Again() error {
	if t.cb == nil {
		return ErrNoCallback
	}
	if t.repeat != 0 {
		t.Stop()
		return t.Start(t.cb, t.repeat, t.repeat)
	}
	return nil
}

// SetRepeat changes the repeat interval, taking effect at the next firing.
func (t *Timer) SetRepeat(repeat uint64) { t.repeat = repeat }

// Repeat returns the repeat interval.
func (t *Timer) Repeat() uint64 { return t.repeat }

// DueIn returns the milliseconds until the timer is due, 0 if it is due
// already.
func (t *Timer) DueIn() uint64 {
	now := *t.loop.w.Time
	if now >= t.due {
		return 0
	}
	return t.due - now
}

func (t *Timer) closeHandle() { t.Stop() }

// runTimers runs the timers due at the cached clock, as libuv 1.45 and
// later do: first every due timer leaves the heap for a ready list, then
// each one still ready is re-armed if it repeats and called. A timer that a
// callback starts, restarts or stops is no longer ready, and a timer
// started with timeout 0 from a callback waits for the next timer phase,
// so a timer that restarts itself cannot keep the loop in this phase
// forever (libuv 1.44 runs it again at once, and never returns).
func (l *Loop) runTimers() {
	if l.timerSync != nil {
		l.timerSync()
	}
	now := *l.w.Time
	ready := l.readyTimers[:0]
	for {
		t := l.timers.min()
		if t == nil || t.due > now {
			break
		}
		t.Stop()
		t.ready = true
		ready = append(ready, t)
	}
	for i, t := range ready {
		ready[i] = nil
		if l.timerSync != nil {
			// Starts that the previous callback recorded outside the
			// loop take their timers out of the ready list now.
			l.timerSync()
		}
		if !t.ready {
			continue
		}
		t.ready = false
		t.Again()
		t.cb(t)
	}
	l.readyTimers = ready[:0]
}

// nextTimeout returns the milliseconds until the nearest timer, -1 if
// there is none, capped at the largest int32.
func (l *Loop) nextTimeout() int {
	if l.timerSync != nil {
		l.timerSync()
	}
	t := l.timers.min()
	if t == nil {
		return -1
	}
	now := *l.w.Time
	if t.due <= now {
		return 0
	}
	d := t.due - now
	if d > 1<<31-1 {
		return 1<<31 - 1
	}
	return int(d)
}

// timerHeap is a 4-ary min-heap of timers ordered by (due, seq). A wider
// node keeps a million timers in fewer cache lines than a binary heap, and
// each timer records its index so Stop is O(log n) without searching.
type timerHeap struct {
	a []*Timer
}

func (t *Timer) before(u *Timer) bool {
	return t.due < u.due || (t.due == u.due && t.seq < u.seq)
}

func (h *timerHeap) min() *Timer {
	if len(h.a) == 0 {
		return nil
	}
	return h.a[0]
}

func (h *timerHeap) push(t *Timer) {
	h.a = append(h.a, t)
	h.up(len(h.a)-1, t)
}

func (h *timerHeap) remove(t *Timer) {
	i := t.index
	last := len(h.a) - 1
	moved := h.a[last]
	h.a[last] = nil
	h.a = h.a[:last]
	t.index = -1
	if i == last {
		return
	}
	if i > 0 && moved.before(h.a[(i-1)/4]) {
		h.up(i, moved)
	} else {
		h.down(i, moved)
	}
}

// up places t at hole i and sifts it towards the root.
func (h *timerHeap) up(i int, t *Timer) {
	for i > 0 {
		p := (i - 1) / 4
		pt := h.a[p]
		if !t.before(pt) {
			break
		}
		h.a[i] = pt
		pt.index = i
		i = p
	}
	h.a[i] = t
	t.index = i
}

// down places t at hole i and sifts it towards the leaves.
func (h *timerHeap) down(i int, t *Timer) {
	n := len(h.a)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		best := c
		end := c + 4
		if end > n {
			end = n
		}
		for j := c + 1; j < end; j++ {
			if h.a[j].before(h.a[best]) {
				best = j
			}
		}
		bt := h.a[best]
		if !bt.before(t) {
			break
		}
		h.a[i] = bt
		bt.index = i
		i = best
	}
	h.a[i] = t
	t.index = i
}
