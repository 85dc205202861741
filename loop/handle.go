package loop

import (
	"errors"
	"unsafe"
)

// Handle state bits, at libuv 1.44's values: hosts read them in
// uv_handle_t.flags, and the C helpers (uv_is_active, uv_is_closing,
// uv_has_ref) test them there without calling into Go.
const (
	FlagClosing  uint32 = 0x01 // uv_close was called
	FlagClosed   uint32 = 0x02 // the close callback has run (or is running)
	FlagActive   uint32 = 0x04 // started: counts towards liveness if referenced
	FlagRef      uint32 = 0x08 // referenced: keeps the loop alive while active
	FlagInternal uint32 = 0x10 // the loop's own; hidden from Walk
)

// ErrClosing reports an operation on a handle that is closing or closed.
var ErrClosing = errors.New("loop: handle is closing")

// closer is the per-type part of Close: stop whatever the handle watches.
type closer interface {
	closeHandle()
}

// Handle is the part every handle shares: its loop, its state bits, its
// place in the loop's list of handles and in the closing queue.
type Handle struct {
	loop     *Loop
	flags    *uint32
	ownFlags uint32
	kind     int32
	self     closer

	prev, next  *Handle // the loop's list of all open handles (for Walk)
	nextClosing *Handle

	closeCb func(h *Handle)

	// User and UserFn belong to the code that embeds the loop (capi keeps
	// the C handle and the host's C callback there). The loop never
	// dereferences them.
	User   unsafe.Pointer
	UserFn unsafe.Pointer
}

// init links a new handle into l. flags, when non-nil, is where the state
// bits live (a C struct's flags field); kind is an opaque type tag.
func (h *Handle) init(l *Loop, self closer, kind int, flags *uint32) {
	if flags == nil {
		flags = &h.ownFlags
	}
	h.loop = l
	h.self = self
	h.kind = int32(kind)
	h.flags = flags
	*flags = FlagRef
	h.nextClosing = nil
	h.closeCb = nil
	// Append to the tail, so Walk visits handles in creation order.
	h.next = nil
	h.prev = l.handlesTail
	if l.handlesTail != nil {
		l.handlesTail.next = h
	} else {
		l.handlesHead = h
	}
	l.handlesTail = h
}

// Base returns the shared part of any handle type.
func (h *Handle) Base() *Handle { return h }

// Loop returns the loop the handle belongs to.
func (h *Handle) Loop() *Loop { return h.loop }

// Kind returns the type tag given at initialisation.
func (h *Handle) Kind() int { return int(h.kind) }

// Flags returns the handle's state bits.
func (h *Handle) Flags() uint32 { return *h.flags }

// SetInternal marks the handle as the loop's own: Walk skips it and it
// does not make LoopClose report busy.
func (h *Handle) SetInternal() { *h.flags |= FlagInternal }

// IsActive reports whether the handle is started.
func (h *Handle) IsActive() bool { return *h.flags&FlagActive != 0 }

// IsClosing reports whether Close has been called.
func (h *Handle) IsClosing() bool { return *h.flags&(FlagClosing|FlagClosed) != 0 }

// HasRef reports whether the handle is referenced.
func (h *Handle) HasRef() bool { return *h.flags&FlagRef != 0 }

// Start marks the handle active; an active referenced handle keeps the
// loop alive. Handle types call it; so may packages that build on loop.
func (h *Handle) Start() {
	f := *h.flags
	if f&FlagActive != 0 {
		return
	}
	*h.flags = f | FlagActive
	if f&FlagRef != 0 {
		*h.loop.w.ActiveHandles++
	}
}

// Stop marks the handle inactive.
func (h *Handle) Stop() {
	f := *h.flags
	if f&FlagActive == 0 {
		return
	}
	*h.flags = f &^ FlagActive
	if f&FlagRef != 0 {
		*h.loop.w.ActiveHandles--
	}
}

// Ref references the handle (uv_ref). A closing handle changes its bit
// but not the loop's count, which its close already settled.
func (h *Handle) Ref() {
	f := *h.flags
	if f&FlagRef != 0 {
		return
	}
	*h.flags = f | FlagRef
	if f&FlagClosing == 0 && f&FlagActive != 0 {
		*h.loop.w.ActiveHandles++
	}
}

// Unref unreferences the handle (uv_unref).
func (h *Handle) Unref() {
	f := *h.flags
	if f&FlagRef == 0 {
		return
	}
	*h.flags = f &^ FlagRef
	if f&FlagClosing == 0 && f&FlagActive != 0 {
		*h.loop.w.ActiveHandles--
	}
}

// Close stops the handle and queues cb for the loop's closing phase
// (uv_close). It returns ErrClosing if the handle is already closing.
func (h *Handle) Close(cb func(h *Handle)) error {
	if *h.flags&(FlagClosing|FlagClosed) != 0 {
		return ErrClosing
	}
	*h.flags |= FlagClosing
	h.closeCb = cb
	h.self.closeHandle()
	if h.closeWaiting() {
		return nil // queued by CloseReady once its work is done
	}
	// The closing queue is LIFO, as libuv's: the last handle closed in an
	// iteration gets its callback first.
	l := h.loop
	h.nextClosing = l.closing
	l.closing = h
	return nil
}

// finishClose runs in the closing phase: the handle leaves the loop and
// its callback runs last, since the owner may free it from there.
func (h *Handle) finishClose() {
	l := h.loop
	f := *h.flags
	*h.flags = (f | FlagClosed) &^ (FlagRef | FlagActive)
	if f&FlagRef != 0 && f&FlagActive != 0 {
		// Started again after Close (libuv lets a timer do that): it
		// stops counting now, or the loop would never end.
		*l.w.ActiveHandles--
	}
	if h.prev != nil {
		h.prev.next = h.next
	} else {
		l.handlesHead = h.next
	}
	if h.next != nil {
		h.next.prev = h.prev
	} else {
		l.handlesTail = h.prev
	}
	h.prev, h.next, h.nextClosing = nil, nil, nil
	if cb := h.closeCb; cb != nil {
		h.closeCb = nil
		cb(h)
	}
}

// runClosing runs the close callbacks of every handle closed so far.
// Handles closed by those callbacks wait for the next iteration.
func (l *Loop) runClosing() {
	if l.closing != nil {
		// Callbacks the embedder queued for a handle come before its
		// close callback, as completed writes do in libuv.
		l.runExternal()
	}
	h := l.closing
	l.closing = nil
	for h != nil {
		next := h.nextClosing
		h.finishClose()
		h = next
	}
}

// Walk calls fn for every handle of the loop that is not internal, in
// creation order, including handles that are closing. fn may close
// handles, its own or others.
func (l *Loop) Walk(fn func(h *Handle)) {
	snap := l.walkScratch[:0]
	for h := l.handlesHead; h != nil; h = h.next {
		if *h.flags&FlagInternal == 0 {
			snap = append(snap, h)
		}
	}
	l.walkScratch = nil // a nested Walk gets its own slice
	for _, h := range snap {
		fn(h)
	}
	clear(snap)
	l.walkScratch = snap[:0]
}

// HasUserHandles reports whether any handle that is not internal is still
// open (not yet through its close callback).
func (l *Loop) HasUserHandles() bool {
	for h := l.handlesHead; h != nil; h = h.next {
		if *h.flags&FlagInternal == 0 {
			return true
		}
	}
	return false
}
