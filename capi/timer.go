package main

// #include "capi.h"
import "C"

import (
	"unsafe"

	"gouv/loop"
)

// Every uv_timer_* function is C (timer.c): timers are light handles,
// whose whole state is the host's uv_timer_t. What is here is what the Go
// loop needs to reach them: their callbacks.

// initHandle fills the public head of a C handle with Go state and marks
// it initialised.
func initHandle(s *loopState, ch *C.uv_handle_t, cl *C.uv_loop_t, t C.uv_handle_type, obj handleObj) {
	ch.loop = cl
	ch._type = t
	ch.close_cb = nil
	s.add(ch, obj)
}

// lightHooks are the loop's way to the callbacks of light handles.
var lightHooks = loop.LightHooks{
	FireTimer: func(r *loop.Rec) {
		ct := (*C.uv_timer_t)(unsafe.Pointer(handleOfRec(r)))
		C.gouv_call_handle(unsafe.Pointer(ct.gouv_timer_cb), unsafe.Pointer(ct))
	},
	Closed: func(first *loop.Rec) {
		C.gouv_closed_batch((*C.gouv_rec)(unsafe.Pointer(first)))
	},
}

//export gouv_timer_misuse
func gouv_timer_misuse(fn *C.char, ct *C.uv_timer_t) C.int {
	debugf("%s: timer %s is not open", C.GoString(fn), ptr(unsafe.Pointer(ct)))
	return C.UV_EINVAL
}
