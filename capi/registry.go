package main

// #include "capi.h"
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"gouv/loop"
)

// A C uv_loop_t finds its Go state through the index in its gouv_id
// field: loops is a fixed table of atomic pointers, so any thread can look
// a loop up without a lock (loops are created and closed on many threads,
// one per Node worker). Index 0 is never used, so zeroed memory is no loop.
const maxLoops = C.GOUV_MAX_LOOPS

var (
	loops     [maxLoops]atomic.Pointer[loopState]
	loopsMu   sync.Mutex
	loopsFree []uint32
	loopsNext uint32 = 1
)

// handleObj is what every Go handle type embedding loop.Handle provides.
type handleObj = loop.Object

// loopState is the Go side of one C loop: the loop itself, which also
// keeps the table of its handles' Go objects by slot.
type loopState struct {
	l     *loop.Loop
	c     *C.uv_loop_t
	id    uint32
	extra []func() // run at close: release what capi added to the loop
	ext   loopExt  // per-loop tables of the request and fs areas (loopext.go)
}

func registerLoop(s *loopState) bool {
	loopsMu.Lock()
	defer loopsMu.Unlock()
	var id uint32
	if n := len(loopsFree); n > 0 {
		id = loopsFree[n-1]
		loopsFree = loopsFree[:n-1]
	} else {
		if loopsNext >= maxLoops {
			return false
		}
		id = loopsNext
		loopsNext++
	}
	s.id = id
	loops[id].Store(s)
	return true
}

func unregisterLoop(s *loopState) {
	loopsMu.Lock()
	defer loopsMu.Unlock()
	loops[s.id].Store(nil)
	loopsFree = append(loopsFree, s.id)
}

// stateOf returns the Go state of a C loop, or nil if it is not an open
// gouv loop.
func stateOf(cl *C.uv_loop_t) *loopState {
	if cl == nil {
		return nil
	}
	id := uint32(cl.gouv_id)
	if id == 0 || id >= maxLoops {
		return nil
	}
	s := loops[id].Load()
	if s == nil || s.c != cl {
		return nil
	}
	return s
}

// recOf returns the loop's record inside a C handle (loop.Rec, laid out
// over handle_queue..flags; layout.go checks that at compile time).
func recOf(ch *C.uv_handle_t) *loop.Rec {
	return (*loop.Rec)(unsafe.Pointer(&ch.handle_queue))
}

// cHandle returns the C handle of a handle with Go state: every one capi
// makes keeps its record inside the C handle (recOf).
func cHandle(h *loop.Handle) unsafe.Pointer {
	return unsafe.Pointer(handleOfRec(h.Rec()))
}

// caddr is the address of the host's memory p as the integer that the
// per-event calls into C take (stream.h, trampoline.c): cgo checks pointer
// arguments for Go pointers on every call, and these never are.
func caddr(p unsafe.Pointer) C.uintptr_t { return C.uintptr_t(uintptr(p)) }

// cHandleAddr is cHandle as caddr passes it.
func cHandleAddr(h *loop.Handle) C.uintptr_t { return caddr(cHandle(h)) }

// handleOfRec returns the C handle that holds a record.
func handleOfRec(r *loop.Rec) *C.uv_handle_t {
	return (*C.uv_handle_t)(unsafe.Add(unsafe.Pointer(r), -int(unsafe.Offsetof(C.uv_handle_t{}.handle_queue))))
}

// openRec returns the record and loop of an initialised, not yet closed C
// handle, with or without a Go object, or nil.
func openRec(hp unsafe.Pointer) (*loop.Rec, *loopState) {
	ch := (*C.uv_handle_t)(hp)
	if ch == nil || ch.gouv_gen != C.GOUV_HANDLE_TAG {
		return nil, nil
	}
	s := stateOf(ch.loop)
	if s == nil {
		return nil, nil
	}
	r := recOf(ch)
	if r.Slot != 0 {
		obj := s.l.Object(r)
		if obj == nil || obj.Base().Rec() != r {
			return nil, nil
		}
	}
	return r, s
}

// handleOf returns the Go object of an initialised, not yet closed C
// handle, or nil (also for a light handle, which has none).
func handleOf(hp unsafe.Pointer) (handleObj, *loopState) {
	r, s := openRec(hp)
	if r == nil || r.Slot == 0 {
		return nil, nil
	}
	return s.l.Object(r), s
}

// lookup returns the Go object of type T behind a C handle, or the zero T
// (and false) if the handle is not an open handle of that type.
func lookup[T handleObj](hp unsafe.Pointer) (T, bool) {
	obj, _ := handleOf(hp)
	t, ok := obj.(T)
	return t, ok
}

// closeDone is the close hook of every loop (loop.SetCloseHook): the last
// step of closing a handle with Go state. The slot is freed and the tag
// cleared first, because the host may free the handle from its close_cb.
func closeDone(h *loop.Handle) {
	if h.Rec().Tag != C.GOUV_HANDLE_TAG {
		return // not a host's handle: its record is not in a C handle
	}
	ch := (*C.uv_handle_t)(cHandle(h))
	ch.gouv_gen = 0
	if ch._type == C.UV_NAMED_PIPE {
		freePipeName((*C.uv_pipe_t)(unsafe.Pointer(ch)))
	}
	if cb := ch.close_cb; cb != nil {
		C.gouv_call_handle(caddr(unsafe.Pointer(cb)), caddr(unsafe.Pointer(ch)))
	}
}
