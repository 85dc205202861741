package main

// #include "capi.h"
import "C"

import (
	"unsafe"

	"gouv/loop"
)

// Every uv_timer_*, uv_idle_*, uv_prepare_*, uv_check_* and uv_async_*
// function is C (timer.c, watcher.c, async.c): these are light handles, whose whole state is the
// host's struct. What is here is what the Go loop needs to reach them:
// their callbacks.

// handleIn clears a host's handle at the start of a uv_*_init that gives it
// Go state, as bytes, from close_cb to the end of its type. The host's
// memory held anything, and the typed stores that follow (the record's
// links, a stream's or UDP handle's state, the callback words) must not
// find a stale Go pointer there: the garbage collector's write barrier
// inspects the value a store replaces. size is the C type's; data is the
// host's; loop and type are set by initHandle.
func handleIn(ch *C.uv_handle_t, size uintptr) {
	start := unsafe.Offsetof(ch.close_cb)
	clear(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(ch), start)), size-start))
}

// initHandle fills the public head of a C handle whose Go state the loop
// has just initialised, and marks it initialised (closeDone unmarks it).
func initHandle(ch *C.uv_handle_t, cl *C.uv_loop_t, t C.uv_handle_type) {
	ch.loop = cl
	ch._type = t
	ch.close_cb = nil
	ch.gouv_gen = C.GOUV_HANDLE_TAG
}

// lightHooks are the loop's way to the callbacks of light handles.
var lightHooks = loop.LightHooks{
	FireTimer: func(r *loop.Rec) {
		ct := (*C.uv_timer_t)(unsafe.Pointer(handleOfRec(r)))
		C.gouv_call_handle(caddr(unsafe.Pointer(ct.gouv_timer_cb)), caddr(unsafe.Pointer(ct)))
	},
	FireWatcher: func(r *loop.Rec) {
		// The three watcher types keep their callback at the same place.
		cw := (*C.uv_idle_t)(unsafe.Pointer(handleOfRec(r)))
		C.gouv_call_handle(caddr(cw.gouv_watcher[0]), caddr(unsafe.Pointer(cw)))
	},
	FireAsync: func(r *loop.Rec) {
		ca := (*C.uv_async_t)(unsafe.Pointer(handleOfRec(r)))
		C.gouv_call_handle(caddr(unsafe.Pointer(ca.gouv_async_cb)), caddr(unsafe.Pointer(ca)))
	},
	Closed: func(first *loop.Rec) {
		C.gouv_closed_batch((*C.gouv_rec)(unsafe.Pointer(first)))
	},
}

// gouv_misuse reports a light handle's call on a handle or loop that is not
// open (GOUV_DEBUG) and answers UV_EINVAL.
//
//export gouv_misuse
func gouv_misuse(fn *C.char, h unsafe.Pointer) C.int {
	debugf("%s: handle %s is not open", C.GoString(fn), ptr(h))
	return C.UV_EINVAL
}
