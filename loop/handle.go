package loop

import (
	"errors"
)

// Handle state bits, at libuv 1.44's values: hosts read them in
// uv_handle_t.flags, and the C helpers (uv_is_active, uv_is_closing,
// uv_has_ref) test them there without calling into Go. capi checks at
// compile time that its C definitions have the same values.
const (
	FlagClosing  uint32 = 0x01 // uv_close was called
	FlagClosed   uint32 = 0x02 // the close callback has run (or is running)
	FlagActive   uint32 = 0x04 // started: counts towards liveness if referenced
	FlagRef      uint32 = 0x08 // referenced: keeps the loop alive while active
	FlagInternal uint32 = 0x10 // the loop's own; hidden from Walk
)

// Submission bits in Rec.Sub. An embedder that changes a handle's state
// outside the loop (capi's uv_timer_start, written in C) records in the
// handle what the loop must catch up with, and queues the record once on
// the loop's submission list (see Submissions); the loop applies it before
// it next looks at its lists or its timer heap.
const (
	SubQueued  uint32 = 1 << 0 // on the submission list
	SubInit    uint32 = 1 << 1 // initialised: join the loop's list of handles
	SubTimer   uint32 = 1 << 2 // the timer's due time or state changed
	SubWatch   uint32 = 1 << 3 // the watcher was started or stopped
	SubStarted uint32 = 1 << 4 // the watcher was started (to the front)
	SubOwner   uint32 = 1 << 5 // the owner has work for the Go object (Submitter)
	SubClosed  uint32 = 1 << 6 // closed while in the timer heap, a phase list or the async list: leave it
)

// Submitter is implemented by Go objects whose owner records work for them
// outside the loop and submits them with SubOwner (capi's streams, whose
// writes finished in C): the loop calls Submitted when it drains, in the
// order the submissions came.
type Submitter interface {
	Submitted()
}

// Record bits in Rec.Sub that are not submissions: what follows the Rec,
// and the loop's own bookkeeping.
const (
	RecTimer      uint32 = 1 << 16 // a TimerRec follows the Rec
	RecWatcher    uint32 = 1 << 17 // a WatcherRec follows the Rec
	RecLinked     uint32 = 1 << 18 // the watcher is in one of its phase's lists
	RecAsync      uint32 = 1 << 19 // an AsyncRec follows the Rec
	RecCloseWait  uint32 = 1 << 22 // closing, held back until CloseReady
	RecPhaseShift        = 20      // a watcher's Phase, in two bits from here
)

// ErrClosing reports an operation on a handle that is closing or closed.
var ErrClosing = errors.New("loop: handle is closing")

// Rec is the loop's record of one handle: its place in the loop's list of
// handles and in the closing queue, its state bits and the slot of its Go
// object. It holds no pointer into the Go heap that the GC must find from
// outside, so it may live in memory the Go heap does not own: capi keeps
// it inside the host's uv_handle_t (from handle_queue to flags, checked at
// compile time), the way libuv keeps its bookkeeping in the handle. A
// handle of a Go program keeps it in its Handle.
//
// A handle with Slot 0 has no Go object at all (a "light" handle: capi's
// timers): the loop reaches its owner through the hooks given to SetLight.
// A handle with SlotInPlace has one, in memory of its embedder (capi's
// streams, inside the host's handle), which the hook given to SetInPlace
// finds from the record: it takes no slot in the loop's table.
type Rec struct {
	Prev, Next *Rec   // the loop's list of open handles, in creation order
	Closing    *Rec   // the closing queue, and the close submissions
	SubNext    *Rec   // the submission list
	Sub        uint32 // Sub* and Rec* bits
	Kind       int32  // the embedder's type tag
	LoopNo     uint32 // the loop's number (loopOf), for a handle with Go state
	_          uint32
	Slot       uint32 // index of the Go object in the loop's table; 0: none; or SlotInPlace
	Tag        uint32 // the embedder's (capi: "initialised" marker)
	Flags      uint32 // Flag* bits, and bits of the handle type above them
}

// Submissions is where an embedder queues records for the loop (see
// SubQueued): a FIFO of records linked by SubNext, and a LIFO of handles
// closed outside the loop linked by Closing, newest first, CloseTail the
// oldest: the closing queue's own order, so the loop takes it whole. A
// close that must also take the handle out of the loop's structures
// submits the record with SubClosed as well. Like Words, it may live in
// the embedder's memory (capi: the uv_loop_t).
type Submissions struct {
	Head, Tail           *Rec
	CloseHead, CloseTail *Rec
}

// Object is a Go value that embeds a Handle: the handle types of this
// package, and External ones.
type Object interface {
	Base() *Handle
}

// closer is the per-type part of Close for this package's handle types:
// stop whatever the handle watches.
type closer interface {
	closeHandle()
}

// Handle is the Go side of a handle that has Go state: its record, which
// names its loop by number, so that a Handle holds no Go pointer and may
// live in memory the GC does not scan (its Go object is in the loop's
// table at the record's slot, or found by the in-place hook; a close
// callback given to Close waits in the loop's table of them).
type Handle struct {
	rec *Rec
}

// SlotInPlace is the slot of a handle whose Go object the loop's in-place
// hook finds (SetInPlace).
const SlotInPlace = ^uint32(0)

// init links a new handle into l. rec, when non-nil, is where the handle's
// record lives (a C struct, or a record of the handle type's own); kind is
// an opaque type tag. A handle of a Go program that has none gets one
// allocated here: the Handle itself stays small for the hosts' handles,
// which never need it.
func (h *Handle) init(l *Loop, obj Object, kind int, rec *Rec, inPlace bool) {
	if rec == nil {
		rec = new(Rec)
	}
	l.drain()
	h.rec = rec
	*rec = Rec{Kind: int32(kind), Flags: FlagRef, Tag: rec.Tag, LoopNo: l.num}
	if inPlace && l.inPlace != nil {
		rec.Slot = SlotInPlace
	} else {
		rec.Slot = l.addObject(obj)
	}
	l.link(rec)
}

// SetInPlace installs the hook that finds the Go object of a handle
// initialised with InitInPlace, from its record. It must answer for every
// such handle until its close callback has run.
func (l *Loop) SetInPlace(find func(r *Rec) Object) { l.inPlace = find }

// addObject gives obj a slot in the loop's table of Go objects.
func (l *Loop) addObject(obj Object) uint32 {
	if n := len(l.freeSlots); n > 0 {
		slot := l.freeSlots[n-1]
		l.freeSlots = l.freeSlots[:n-1]
		l.objs[slot] = obj
		return slot
	}
	if len(l.objs) == 0 {
		l.objs = append(l.objs, nil) // slot 0 means "no Go object"
	}
	l.objs = append(l.objs, obj)
	return uint32(len(l.objs) - 1)
}

// Object returns the Go object of a record, nil for a light handle or a
// slot that is no longer in use.
func (l *Loop) Object(r *Rec) Object {
	if r.Slot == SlotInPlace {
		return l.inPlace(r)
	}
	if r.Slot == 0 || int(r.Slot) >= len(l.objs) {
		return nil
	}
	return l.objs[r.Slot]
}

// link appends r to the list of open handles.
func (l *Loop) link(r *Rec) {
	r.Next = nil
	r.Prev = l.handlesTail
	if l.handlesTail != nil {
		l.handlesTail.Next = r
	} else {
		l.handlesHead = r
	}
	l.handlesTail = r
}

func (l *Loop) unlink(r *Rec) {
	if r.Prev != nil {
		r.Prev.Next = r.Next
	} else {
		l.handlesHead = r.Next
	}
	if r.Next != nil {
		r.Next.Prev = r.Prev
	} else {
		l.handlesTail = r.Prev
	}
	r.Prev, r.Next = nil, nil
}

// Base returns the shared part of any handle type.
func (h *Handle) Base() *Handle { return h }

// Rec returns the handle's record.
func (h *Handle) Rec() *Rec { return h.rec }

// Loop returns the loop the handle belongs to.
func (h *Handle) Loop() *Loop { return loopOf(h.rec.LoopNo) }

// Kind returns the type tag given at initialisation.
func (h *Handle) Kind() int { return int(h.rec.Kind) }

// Flags returns the handle's state bits.
func (h *Handle) Flags() uint32 { return h.rec.Flags }

// FlagWord returns where the handle's state bits live, for handle types
// that keep bits of their own in the same word (streams do, as libuv).
func (h *Handle) FlagWord() *uint32 { return &h.rec.Flags }

// SetInternal makes a handle just initialised the loop's own: it leaves
// the list of handles, so Walk never sees it and it does not make
// LoopClose report busy, and its Close finishes at once, without the
// closing queue. The list and the queue then link only records of the
// embedder's kind of memory: an internal handle of Go memory among a
// host's handles would store Go pointers in C memory.
func (h *Handle) SetInternal() {
	h.rec.Flags |= FlagInternal
	h.Loop().unlink(h.rec)
}

// IsActive reports whether the handle is started.
func (h *Handle) IsActive() bool { return h.rec.Flags&FlagActive != 0 }

// IsClosing reports whether Close has been called.
func (h *Handle) IsClosing() bool { return h.rec.Flags&(FlagClosing|FlagClosed) != 0 }

// HasRef reports whether the handle is referenced.
func (h *Handle) HasRef() bool { return h.rec.Flags&FlagRef != 0 }

// Start marks the handle active; an active referenced handle keeps the
// loop alive. Handle types call it; so may packages that build on loop.
func (h *Handle) Start() { h.Loop().startRec(h.rec) }

// Stop marks the handle inactive.
func (h *Handle) Stop() { h.Loop().stopRec(h.rec) }

// Ref references the handle (uv_ref).
func (h *Handle) Ref() { h.Loop().Ref(h.rec) }

// Unref unreferences the handle (uv_unref).
func (h *Handle) Unref() { h.Loop().Unref(h.rec) }

func (l *Loop) startRec(r *Rec) {
	f := r.Flags
	if f&FlagActive != 0 {
		return
	}
	r.Flags = f | FlagActive
	if f&FlagRef != 0 {
		*l.w.ActiveHandles++
	}
}

func (l *Loop) stopRec(r *Rec) {
	f := r.Flags
	if f&FlagActive == 0 {
		return
	}
	r.Flags = f &^ FlagActive
	if f&FlagRef != 0 {
		*l.w.ActiveHandles--
	}
}

// Ref references the handle of r (uv_ref). A closing handle changes its
// bit but not the loop's count, which its close already settled.
func (l *Loop) Ref(r *Rec) {
	f := r.Flags
	if f&FlagRef != 0 {
		return
	}
	r.Flags = f | FlagRef
	if f&FlagClosing == 0 && f&FlagActive != 0 {
		*l.w.ActiveHandles++
	}
}

// Unref unreferences the handle of r (uv_unref).
func (l *Loop) Unref(r *Rec) {
	f := r.Flags
	if f&FlagRef == 0 {
		return
	}
	r.Flags = f &^ FlagRef
	if f&FlagClosing == 0 && f&FlagActive != 0 {
		*l.w.ActiveHandles--
	}
}

// Close stops the handle and queues cb for the loop's closing phase
// (uv_close). It returns ErrClosing if the handle is already closing.
func (h *Handle) Close(cb func(h *Handle)) error {
	r := h.rec
	if r.Flags&(FlagClosing|FlagClosed) != 0 {
		return ErrClosing
	}
	l := h.Loop()
	l.drain()
	r.Flags |= FlagClosing
	if cb != nil {
		if l.closeCbs == nil {
			l.closeCbs = make(map[*Rec]func(*Handle))
		}
		l.closeCbs[r] = cb
	}
	switch o := l.Object(r).(type) {
	case closer:
		o.closeHandle()
	case External:
		o.CloseHandle()
		if w, ok := o.(CloseWaiter); ok && w.CloseWait() {
			r.Sub |= RecCloseWait
			return nil // queued by CloseReady once its work is done
		}
	}
	if r.Flags&FlagInternal != 0 {
		h.finishClose()
		return nil
	}
	l.pushClosing(r)
	return nil
}

// pushClosing queues r for the closing phase. The queue is LIFO, as
// libuv's: the last handle closed in an iteration gets its callback first.
func (l *Loop) pushClosing(r *Rec) {
	r.Closing = l.closing
	l.closing = r
}

// finishRec takes a closed handle out of the loop: its state bits say
// closed, it leaves the list of handles and the table of Go objects.
func (l *Loop) finishRec(r *Rec) {
	f := r.Flags
	r.Flags = (f | FlagClosed) &^ (FlagRef | FlagActive)
	if f&FlagRef != 0 && f&FlagActive != 0 {
		// Started again after Close (libuv lets a watcher do that): it
		// stops counting now, or the loop would never end.
		*l.w.ActiveHandles--
	}
	if f&FlagInternal == 0 {
		l.unlink(r)
	}
	if r.Slot != 0 {
		if r.Slot != SlotInPlace {
			l.objs[r.Slot] = nil
			l.freeSlots = append(l.freeSlots, r.Slot)
		}
		r.Slot = 0
	}
}

// finishClose runs in the closing phase for a handle with Go state: the
// handle leaves the loop and its callback runs last, since the owner may
// free it from there.
func (h *Handle) finishClose() {
	l := h.Loop()
	r := h.rec
	obj := l.Object(r)
	if e, ok := obj.(External); ok {
		// Requests still queued on the handle are cancelled before its
		// close callback, as libuv does.
		e.FinishClose()
	}
	l.finishRec(r)
	if cb, ok := l.closeCbs[r]; ok {
		delete(l.closeCbs, r)
		cb(h)
	} else if l.closeHook != nil {
		l.closeHook(h)
	}
}

// SetCloseHook sets what runs last when a handle with Go state that was
// closed without a callback of its own finishes closing (capi's hands
// the host its close_cb), so that the handles need not each keep one.
func (l *Loop) SetCloseHook(fn func(h *Handle)) { l.closeHook = fn }

// closeBatchMax bounds a batch of light handles' close callbacks: the
// records a batch finished are still in the cache when their callbacks
// run.
const closeBatchMax = 64

// runClosing runs the close callbacks of every handle closed so far, in
// the closing queue's order (newest close first, as libuv). Handles closed
// by those callbacks wait for the next iteration. Light handles in a row
// are handed to the embedder in batches, so that their callbacks cost one
// call out of the loop per batch, not one each.
func (l *Loop) runClosing() {
	l.drain()
	r := l.closing
	l.closing = nil
	for r != nil {
		if r.Slot != 0 {
			next := r.Closing
			r.Closing = nil
			l.Object(r).Base().finishClose()
			r = next
			continue
		}
		// A run of light handles is already a chain through Closing:
		// finish up to closeBatchMax of them and cut the chain there.
		first, last := r, r
		for n := 0; r != nil && r.Slot == 0 && n < closeBatchMax; n++ {
			next := r.Closing // load the next record early: it is a cache miss
			l.finishRec(r)
			last, r = r, next
		}
		last.Closing = nil
		l.light.Closed(first)
	}
}

// LightHooks is how the loop reaches handles that have no Go object
// (Rec.Slot is 0): their owner, the embedder, calls their callbacks.
type LightHooks struct {
	// FireTimer calls the callback of a light timer.
	FireTimer func(r *Rec)
	// FireWatcher calls the callback of a light idle, prepare or check
	// handle.
	FireWatcher func(r *Rec)
	// FireAsync calls the callback of a light async handle that has one.
	FireAsync func(r *Rec)
	// Closed runs the close callbacks of light handles that have left
	// the loop, in order, following Rec.Closing from first. The records
	// may be freed by those callbacks.
	Closed func(first *Rec)
}

// SetLight installs the hooks for light handles. An embedder that
// submits light handles must set them before the loop first runs.
func (l *Loop) SetLight(h LightHooks) { l.light = h }

// drain applies what an embedder submitted since the last call: new
// handles join the list of handles, timers move in the heap, handles
// closed outside the loop join the closing queue. Every path that reads
// those structures drains first, so each sees the state the host's calls
// left, in the order it made them.
func (l *Loop) drain() {
	if s := l.w.Sub; s.Head != nil || s.CloseHead != nil {
		l.drainLists(s)
	}
}

// drainLists is drain's work once a list is known not to be empty; the
// check stays in drain, small enough to be inlined at its many call sites.
func (l *Loop) drainLists(s *Submissions) {
	for r := s.Head; r != nil; {
		next := r.SubNext
		r.SubNext = nil
		sub := r.Sub
		r.Sub = sub &^ (SubQueued | SubInit | SubTimer | SubWatch | SubStarted | SubOwner | SubClosed)
		if sub&SubInit != 0 {
			if r.Flags&FlagInternal == 0 { // the embedder's own stay out (SetInternal)
				l.link(r)
			}
			if r.Sub&RecAsync != 0 {
				l.linkAsync(asyncOfRec(r))
			}
		}
		if sub&SubTimer != 0 {
			l.syncTimer(timerOfRec(r))
		}
		if sub&SubWatch != 0 {
			l.syncWatcher(r, sub&SubStarted != 0)
		}
		if sub&SubOwner != 0 {
			if o, ok := l.Object(r).(Submitter); ok {
				o.Submitted()
			}
		}
		if sub&SubClosed != 0 {
			l.closeSync(r)
		}
		r = next
	}
	s.Head, s.Tail = nil, nil
	if s.CloseHead != nil {
		// Already in the closing queue's order: joined whole, without a
		// walk over the records (a million closed timers cost nothing
		// here).
		s.CloseTail.Closing = l.closing
		l.closing = s.CloseHead
		s.CloseHead, s.CloseTail = nil, nil
	}
}

// closeSync takes a closed light handle out of the structure its type
// keeps it in: the timer heap, its phase's list, the async list.
func (l *Loop) closeSync(r *Rec) {
	if r.Sub&RecTimer != 0 {
		l.syncTimer(timerOfRec(r))
	}
	if r.Sub&RecWatcher != 0 {
		l.syncWatcher(r, false)
	}
	if r.Sub&RecAsync != 0 {
		l.unlinkAsync(asyncOfRec(r))
	}
}

// Walk calls fn for the record of every handle of the loop (internal
// ones are not in the list), in creation order, including handles that are
// closing. fn may close handles, its own or others.
func (l *Loop) Walk(fn func(r *Rec)) {
	l.drain()
	snap := l.walkScratch[:0]
	for r := l.handlesHead; r != nil; r = r.Next {
		snap = append(snap, r)
	}
	l.walkScratch = nil // a nested Walk gets its own slice
	for _, r := range snap {
		fn(r)
	}
	clear(snap)
	l.walkScratch = snap[:0]
}

// HasUserHandles reports whether any handle that is not internal is still
// open (not yet through its close callback).
func (l *Loop) HasUserHandles() bool {
	l.drain()
	return l.handlesHead != nil
}
