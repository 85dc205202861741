package loop

import "sync/atomic"

// Async states, in the word that Send and the loop share. The word may
// live in a C uv_async_t, where uv_async_send (written in C, callable from
// any thread and from signal handlers) follows the same protocol:
//
//	idle --Send: CAS--> busy --wake the loop--> pending --loop: CAS--> idle
//
// "busy" covers the window in which a sender still touches the loop; the
// loop and Close wait it out before they consume or forget the handle.
const (
	asyncIdle    int32 = 0
	asyncBusy    int32 = 1
	asyncPending int32 = 2
)

// Async is a handle whose callback runs on the loop thread after Send,
// which any goroutine or thread may call. Sends that arrive before the
// callback runs coalesce into one call.
type Async struct {
	Handle
	cb         func(a *Async)
	pending    *int32
	ownPending int32
	prev, next *Async // in the loop's list of async handles
}

// InitAsync prepares a on l and starts it: an async handle is active from
// birth. pending, when non-nil, is the shared state word (see above).
func (l *Loop) InitAsync(a *Async, kind int, rec *Rec, pending *int32, cb func(a *Async)) {
	a.Handle.init(l, a, kind, rec)
	if pending == nil {
		pending = &a.ownPending
	}
	a.pending = pending
	atomic.StoreInt32(pending, asyncIdle)
	a.cb = cb
	a.next = nil
	a.prev = l.asyncTail
	if l.asyncTail != nil {
		l.asyncTail.next = a
	} else {
		l.asyncHead = a
	}
	l.asyncTail = a
	a.Handle.Start()
}

// Send schedules the callback. It is safe from any goroutine.
func (a *Async) Send() {
	if atomic.LoadInt32(a.pending) != asyncIdle {
		return
	}
	if !atomic.CompareAndSwapInt32(a.pending, asyncIdle, asyncBusy) {
		return
	}
	a.loop.Wake()
	atomic.StoreInt32(a.pending, asyncPending)
}

// take consumes a pending send: it waits out a sender in its busy window
// and reports whether a send was pending.
func (a *Async) take() bool {
	for {
		switch atomic.LoadInt32(a.pending) {
		case asyncIdle:
			return false
		case asyncPending:
			if atomic.CompareAndSwapInt32(a.pending, asyncPending, asyncIdle) {
				return true
			}
		}
		// A sender is between its CAS and its final store: a few
		// instructions away, so spinning is cheaper than anything else.
	}
}

func (a *Async) closeHandle() {
	// Wait until no sender can still be writing through this handle.
	for atomic.LoadInt32(a.pending) == asyncBusy {
	}
	l := a.loop
	if a.prev != nil {
		a.prev.next = a.next
	} else {
		l.asyncHead = a.next
	}
	if a.next != nil {
		a.next.prev = a.prev
	} else {
		l.asyncTail = a.prev
	}
	a.prev, a.next = nil, nil
	a.Handle.Stop()
}

// runAsync calls the callback of every async handle with a pending send.
// Callbacks may close async handles or create new ones: the handles are
// taken from a snapshot and skipped once closing.
func (l *Loop) runAsync() {
	snap := l.asyncScratch[:0]
	for a := l.asyncHead; a != nil; a = a.next {
		snap = append(snap, a)
	}
	l.asyncScratch = nil
	for _, a := range snap {
		if a.IsClosing() || !a.take() {
			continue
		}
		if a.cb != nil {
			a.cb(a)
		}
	}
	clear(snap)
	l.asyncScratch = snap[:0]
}

// Wake makes the loop's next (or current) poll return and run its wake
// handlers and pending async callbacks. It is safe from any goroutine and
// costs one eventfd write per burst of wakes.
func (l *Loop) Wake() {
	if atomic.SwapUint32(l.w.Wakeup, 1) == 0 {
		l.writeWakeup()
	}
}

// AddWakeHandler registers fn to run on the loop thread every time the
// loop is woken (the thread pool delivers its completions this way).
func (l *Loop) AddWakeHandler(fn func()) {
	l.wakeHandlers = append(l.wakeHandlers, fn)
}

// woken runs after the wakeup eventfd was seen readable (or the wakeup
// word set): drain the eventfd, clear the word, then look at the senders.
// Draining first matters: while the word is set no sender writes, so the
// drain cannot swallow a write made for a later wake; a sender that finds
// the word clear writes again, and the next poll sees it. (Clearing first
// lost wakeups: a write after the clear was drained, leaving the word set
// with the eventfd empty, and every later Wake skipped its write.)
func (l *Loop) woken() {
	l.drainWakeup()
	atomic.StoreUint32(l.w.Wakeup, 0)
	l.runPosted()
	for _, fn := range l.wakeHandlers {
		fn()
	}
	if l.asyncHead != nil {
		l.runAsync()
	}
}
