package main

// #include "capi.h"
import "C"

import (
	"unsafe"

	"gouv/loop"
)

// initHandle fills the public head of a C handle and gives obj a slot.
// flags points the Go handle's state bits at the C struct's flags field.
func initHandle(s *loopState, ch *C.uv_handle_t, cl *C.uv_loop_t, t C.uv_handle_type, obj handleObj) {
	ch.loop = cl
	ch._type = t
	ch.close_cb = nil
	s.add(ch, obj)
}

// cflags is where a C handle keeps its state bits.
func cflags(ch *C.uv_handle_t) *uint32 {
	return (*uint32)(unsafe.Pointer(&ch.flags))
}

func timerFired(t *loop.Timer) { callHandleCb(&t.Handle) }

//export uv_timer_init
func uv_timer_init(cl *C.uv_loop_t, ct *C.uv_timer_t) C.int {
	s := stateOf(cl)
	if s == nil || ct == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(ct))
	t := &loop.Timer{}
	s.l.InitTimer(t, C.UV_TIMER, cflags(ch))
	initHandle(s, ch, cl, C.UV_TIMER, t)
	return 0
}

//export uv_timer_start
func uv_timer_start(ct *C.uv_timer_t, cb C.uv_timer_cb, timeout, repeat C.uint64_t) C.int {
	t, ok := lookup[*loop.Timer](unsafe.Pointer(ct))
	if !ok {
		debugf("uv_timer_start: timer %s is not open", ptr(unsafe.Pointer(ct)))
		return C.UV_EINVAL
	}
	if cb == nil {
		return C.UV_EINVAL
	}
	t.UserFn = unsafe.Pointer(cb)
	return errno(t.Start(timerFired, uint64(timeout), uint64(repeat)))
}

//export uv_timer_stop
func uv_timer_stop(ct *C.uv_timer_t) C.int {
	t, ok := lookup[*loop.Timer](unsafe.Pointer(ct))
	if !ok {
		return C.UV_EINVAL
	}
	t.Stop()
	return 0
}

//export uv_timer_again
func uv_timer_again(ct *C.uv_timer_t) C.int {
	t, ok := lookup[*loop.Timer](unsafe.Pointer(ct))
	if !ok {
		return C.UV_EINVAL
	}
	return errno(t.Again())
}

//export uv_timer_set_repeat
func uv_timer_set_repeat(ct *C.uv_timer_t, repeat C.uint64_t) {
	if t, ok := lookup[*loop.Timer](unsafe.Pointer(ct)); ok {
		t.SetRepeat(uint64(repeat))
	}
}

//export gouv_timer_get_repeat
func gouv_timer_get_repeat(ct *C.uv_timer_t) C.uint64_t {
	if t, ok := lookup[*loop.Timer](unsafe.Pointer(ct)); ok {
		return C.uint64_t(t.Repeat())
	}
	return 0
}

//export gouv_timer_get_due_in
func gouv_timer_get_due_in(ct *C.uv_timer_t) C.uint64_t {
	if t, ok := lookup[*loop.Timer](unsafe.Pointer(ct)); ok {
		return C.uint64_t(t.DueIn())
	}
	return 0
}
