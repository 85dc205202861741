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
	ct.gouv_timer_next = nil
	ct.gouv_timer_a[0] = nil
	t := &loop.Timer{}
	s.l.InitTimer(t, C.UV_TIMER, cflags(ch))
	initHandle(s, ch, cl, C.UV_TIMER, t)
	return 0
}

// uv_timer_start is C (timer.c): it records the start in the C struct and
// links the timer into the loop's staged list, without a crossing into Go.
// syncTimers moves staged timers into the heap before the loop, or any Go
// timer function, looks at them.

//export gouv_timer_misuse
func gouv_timer_misuse(ct *C.uv_timer_t) C.int {
	debugf("uv_timer_start: timer %s is not open", ptr(unsafe.Pointer(ct)))
	return C.UV_EINVAL
}

// syncTimers hands the timers started in C since the last call to the
// Go heap. It runs on the loop thread: C stages only from there too.
func (s *loopState) syncTimers() {
	cl := s.c
	for cl.gouv_timer_staged != nil {
		// The staged list links host-owned uv_timer_t structs; each is
		// initialised and open (uv_close syncs before it closes one).
		ct := (*C.uv_timer_t)(cl.gouv_timer_staged)
		cl.gouv_timer_staged = unsafe.Pointer(ct.gouv_timer_next)
		ct.gouv_timer_next = nil
		ct.gouv_timer_a[0] = nil
		t, ok := lookup[*loop.Timer](unsafe.Pointer(ct))
		if !ok || !t.IsActive() {
			continue
		}
		t.UserFn = unsafe.Pointer(ct.gouv_timer_cb)
		t.StartAt(timerFired, uint64(ct.gouv_timer_due), uint64(ct.gouv_timer_repeat), uint64(ct.gouv_timer_seq))
	}
}

// timerOf returns the Go timer of an open C timer, with staged starts
// already applied.
func timerOf(ct *C.uv_timer_t) (*loop.Timer, bool) {
	t, ok := lookup[*loop.Timer](unsafe.Pointer(ct))
	if ok {
		if s := stateOf(ct.loop); s != nil {
			s.syncTimers()
		}
	}
	return t, ok
}

//export uv_timer_stop
func uv_timer_stop(ct *C.uv_timer_t) C.int {
	t, ok := timerOf(ct)
	if !ok {
		return C.UV_EINVAL
	}
	t.Stop()
	return 0
}

//export uv_timer_again
func uv_timer_again(ct *C.uv_timer_t) C.int {
	t, ok := timerOf(ct)
	if !ok {
		return C.UV_EINVAL
	}
	return errno(t.Again())
}

//export uv_timer_set_repeat
func uv_timer_set_repeat(ct *C.uv_timer_t, repeat C.uint64_t) {
	if t, ok := timerOf(ct); ok {
		t.SetRepeat(uint64(repeat))
	}
}

//export gouv_timer_get_repeat
func gouv_timer_get_repeat(ct *C.uv_timer_t) C.uint64_t {
	if t, ok := timerOf(ct); ok {
		return C.uint64_t(t.Repeat())
	}
	return 0
}

//export gouv_timer_get_due_in
func gouv_timer_get_due_in(ct *C.uv_timer_t) C.uint64_t {
	if t, ok := timerOf(ct); ok {
		return C.uint64_t(t.DueIn())
	}
	return 0
}
