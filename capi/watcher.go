package main

// #include "capi.h"
import "C"

import (
	"unsafe"

	"gouv/loop"
)

// Idle, prepare and check handles are one Go type (loop.Watcher) in three
// phases; these helpers serve all three C faces.

func watcherFired(w *loop.Watcher) { callHandleCb(&w.Handle) }

func watcherInit(cl *C.uv_loop_t, hp unsafe.Pointer, phase loop.Phase, t C.uv_handle_type) C.int {
	s := stateOf(cl)
	if s == nil || hp == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(hp)
	w := &loop.Watcher{}
	s.l.InitWatcher(w, phase, int(t), cflags(ch))
	initHandle(s, ch, cl, t, w)
	return 0
}

func watcherStart(hp unsafe.Pointer, cb unsafe.Pointer) C.int {
	w, ok := lookup[*loop.Watcher](hp)
	if !ok {
		debugf("start: handle %s is not open", ptr(hp))
		return C.UV_EINVAL
	}
	if w.IsActive() {
		return 0
	}
	if cb == nil {
		return C.UV_EINVAL
	}
	w.UserFn = cb
	return errno(w.Start(watcherFired))
}

func watcherStop(hp unsafe.Pointer) C.int {
	w, ok := lookup[*loop.Watcher](hp)
	if !ok {
		if handleClosed(hp) {
			return 0 // as libuv: a closed watcher is not active
		}
		return C.UV_EINVAL
	}
	w.Stop()
	return 0
}

//export uv_idle_init
func uv_idle_init(cl *C.uv_loop_t, h *C.uv_idle_t) C.int {
	return watcherInit(cl, unsafe.Pointer(h), loop.PhaseIdle, C.UV_IDLE)
}

//export uv_idle_start
func uv_idle_start(h *C.uv_idle_t, cb C.uv_idle_cb) C.int {
	return watcherStart(unsafe.Pointer(h), unsafe.Pointer(cb))
}

//export uv_idle_stop
func uv_idle_stop(h *C.uv_idle_t) C.int { return watcherStop(unsafe.Pointer(h)) }

//export uv_prepare_init
func uv_prepare_init(cl *C.uv_loop_t, h *C.uv_prepare_t) C.int {
	return watcherInit(cl, unsafe.Pointer(h), loop.PhasePrepare, C.UV_PREPARE)
}

//export uv_prepare_start
func uv_prepare_start(h *C.uv_prepare_t, cb C.uv_prepare_cb) C.int {
	return watcherStart(unsafe.Pointer(h), unsafe.Pointer(cb))
}

//export uv_prepare_stop
func uv_prepare_stop(h *C.uv_prepare_t) C.int { return watcherStop(unsafe.Pointer(h)) }

//export uv_check_init
func uv_check_init(cl *C.uv_loop_t, h *C.uv_check_t) C.int {
	return watcherInit(cl, unsafe.Pointer(h), loop.PhaseCheck, C.UV_CHECK)
}

//export uv_check_start
func uv_check_start(h *C.uv_check_t, cb C.uv_check_cb) C.int {
	return watcherStart(unsafe.Pointer(h), unsafe.Pointer(cb))
}

//export uv_check_stop
func uv_check_stop(h *C.uv_check_t) C.int { return watcherStop(unsafe.Pointer(h)) }
