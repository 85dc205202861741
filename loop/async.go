package loop

import (
	"sync/atomic"
	"unsafe"
)

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

// AsyncRec is an async handle's state, laid out like TimerRec to live in
// memory the Go heap does not own, right after its handle's Rec (see
// AsyncHandle): the owner's callback, the links of the loop's list of
// async handles (the loop's alone) and the word that senders share with
// the loop (the protocol above; capi's uv_async_send follows it in C).
type AsyncRec struct {
	Cb         unsafe.Pointer // the owner's callback; the loop never calls it
	Prev, Next *AsyncRec
	Pending    int32
	_          int32
}

// AsyncHandle is the memory of an async handle's loop state: its Rec, then
// its AsyncRec. capi's uv_async_t holds one from its handle_queue field on.
type AsyncHandle struct {
	Rec   Rec
	Async AsyncRec
}

func asyncOfRec(r *Rec) *AsyncRec {
	return (*AsyncRec)(unsafe.Add(unsafe.Pointer(r), unsafe.Offsetof(AsyncHandle{}.Async)))
}

func recOfAsync(a *AsyncRec) *Rec {
	return (*Rec)(unsafe.Add(unsafe.Pointer(a), -int(unsafe.Offsetof(AsyncHandle{}.Async))))
}

// Async is an async handle of a Go program: its callback runs on the loop
// thread after Send, which any goroutine or thread may call. Sends that
// arrive before the callback runs coalesce into one call. Async handles
// without Go state (capi's) share the loop's list through AsyncHandle.
type Async struct {
	Handle
	ah AsyncHandle
	cb func(a *Async)
}

// InitAsync prepares a on l and starts it: an async handle is active from
// birth. cb may be nil.
func (l *Loop) InitAsync(a *Async, kind int, cb func(a *Async)) {
	a.ah = AsyncHandle{}
	a.Handle.init(l, a, kind, &a.ah.Rec)
	a.ah.Rec.Sub = RecAsync
	a.cb = cb
	atomic.StoreInt32(&a.ah.Async.Pending, asyncIdle)
	l.linkAsync(&a.ah.Async)
	a.Handle.Start()
}

// linkAsync appends a to the loop's list of async handles. Its pending
// word is left alone: a send may already have come.
func (l *Loop) linkAsync(a *AsyncRec) {
	a.Next = nil
	a.Prev = l.asyncTail
	if l.asyncTail != nil {
		l.asyncTail.Next = a
	} else {
		l.asyncHead = a
	}
	l.asyncTail = a
}

// unlinkAsync takes a closing handle out of the list, once no sender can
// still be writing through it.
func (l *Loop) unlinkAsync(a *AsyncRec) {
	for atomic.LoadInt32(&a.Pending) == asyncBusy {
	}
	if a.Prev != nil {
		a.Prev.Next = a.Next
	} else {
		l.asyncHead = a.Next
	}
	if a.Next != nil {
		a.Next.Prev = a.Prev
	} else {
		l.asyncTail = a.Prev
	}
	a.Prev, a.Next = nil, nil
}

// Send schedules the callback. It is safe from any goroutine.
func (a *Async) Send() {
	p := &a.ah.Async.Pending
	if atomic.LoadInt32(p) != asyncIdle {
		return
	}
	if !atomic.CompareAndSwapInt32(p, asyncIdle, asyncBusy) {
		return
	}
	a.loop.Wake()
	atomic.StoreInt32(p, asyncPending)
}

// take consumes a pending send: it waits out a sender in its busy window
// and reports whether a send was pending.
func (a *AsyncRec) take() bool {
	for {
		switch atomic.LoadInt32(&a.Pending) {
		case asyncIdle:
			return false
		case asyncPending:
			if atomic.CompareAndSwapInt32(&a.Pending, asyncPending, asyncIdle) {
				return true
			}
		}
		// A sender is between its CAS and its final store: a few
		// instructions away, so spinning is cheaper than anything else.
	}
}

func (a *Async) closeHandle() {
	a.loop.unlinkAsync(&a.ah.Async)
	a.Handle.Stop()
}

// runAsync calls the callback of every async handle with a pending send.
// Callbacks may close async handles or create new ones: the handles are
// taken from a snapshot and skipped once closing.
func (l *Loop) runAsync() {
	l.drain()
	snap := &l.asyncScratch
	for a := l.asyncHead; a != nil; a = a.Next {
		snap.push(a)
	}
	for i := 0; i < snap.len(); i++ {
		a := snap.a[i]
		l.drain()
		r := recOfAsync(a)
		if r.Flags&(FlagClosing|FlagClosed) != 0 || !a.take() {
			continue
		}
		if r.Slot == 0 {
			if a.Cb != nil {
				l.light.FireAsync(r)
			}
		} else if o := l.objs[r.Slot].(*Async); o.cb != nil {
			o.cb(o)
		}
	}
	snap.a = snap.a[:0]
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
