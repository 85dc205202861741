package loop

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The words that Send and the loop share. They may live in a C uv_async_t,
// where uv_async_send (written in C, callable from any thread and from
// signal handlers) follows the same protocol:
//
//	Send:  if Pending is set, return; Busy++; if swap(Pending, 1) was 0,
//	       wake the loop; Busy--
//	loop:  if swap(Pending, 0) was 1, run the callback
//	close: wait until Busy is 0, then forget the handle
//
// The loop never waits for a sender: a sender descheduled in the middle of
// its send (on a crowded machine, for a whole time slice) costs the loop
// nothing, where a loop that spun until the sender finished burned the
// CPU the sender needed. Only closing the handle waits, since a sender may
// still be touching the handle's memory.
const asyncPending int32 = 1

// AsyncRec is an async handle's state, laid out like TimerRec to live in
// memory the Go heap does not own, right after its handle's Rec (see
// AsyncHandle): the owner's callback, the links of the loop's list of
// async handles (the loop's alone) and the word that senders share with
// the loop (the protocol above; capi's uv_async_send follows it in C).
type AsyncRec struct {
	Cb         unsafe.Pointer // the owner's callback; the loop never calls it
	Prev, Next *AsyncRec
	Pending    int32 // 1: a send is pending
	Busy       int32 // senders inside Send
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
	a.Handle.init(l, a, kind, &a.ah.Rec, false)
	a.ah.Rec.Sub = RecAsync
	a.cb = cb
	atomic.StoreInt32(&a.ah.Async.Pending, 0)
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
	waitUntil(func() bool { return atomic.LoadInt32(&a.Busy) == 0 })
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
	ar := &a.ah.Async
	if atomic.LoadInt32(&ar.Pending) != 0 {
		return
	}
	atomic.AddInt32(&ar.Busy, 1)
	if atomic.SwapInt32(&ar.Pending, asyncPending) == 0 {
		a.Loop().Wake()
	}
	atomic.AddInt32(&ar.Busy, -1)
}

// YieldThread gives the thread's CPU to another thread that wants it.
// It is sched_yield(2) made without telling the Go scheduler, which would
// hand the goroutine's P on for a call that returns at once; and unlike
// runtime.Gosched it costs a goroutine locked to its thread (a loop's, a
// pool worker's) no handoff of its P through two other threads.
func YieldThread() { unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0) }

// waitUntil waits for another thread to make done true: it spins briefly,
// then yields the CPU between looks, in case the thread it waits for was
// descheduled on this very CPU.
func waitUntil(done func() bool) {
	for spins := 0; !done(); spins++ {
		if spins >= 100 {
			YieldThread()
		}
	}
}

// take consumes a pending send and reports whether there was one.
func (a *AsyncRec) take() bool {
	return atomic.LoadInt32(&a.Pending) != 0 && atomic.SwapInt32(&a.Pending, 0) != 0
}

func (a *Async) closeHandle() {
	a.Loop().unlinkAsync(&a.ah.Async)
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
