package main

// #include "capi.h"
import "C"

import (
	"unsafe"

	"gouv/loop"
)

func asyncFired(a *loop.Async) { callHandleCb(&a.Handle) }

// uv_async_send is C (async.c): it must work from any thread and from
// signal handlers, where Go cannot run. It follows loop.Async's protocol
// on the handle's gouv_pending word and the loop's wakeup word.

//export uv_async_init
func uv_async_init(cl *C.uv_loop_t, ca *C.uv_async_t, cb C.uv_async_cb) C.int {
	s := stateOf(cl)
	if s == nil || ca == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(ca))
	a := &loop.Async{}
	ca.gouv_async_cb = cb
	a.UserFn = unsafe.Pointer(cb)
	var fired func(*loop.Async)
	if cb != nil {
		fired = asyncFired
	}
	s.l.InitAsync(a, C.UV_ASYNC, recOf(ch), (*int32)(unsafe.Pointer(&ca.gouv_pending)), fired)
	initHandle(s, ch, cl, C.UV_ASYNC, a)
	return 0
}
