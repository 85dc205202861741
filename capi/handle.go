package main

// #include "capi.h"
import "C"

import (
	"unsafe"

	"gouv/loop"
)

// handleClosed reports whether hp is a handle whose close has finished.
// gouv has forgotten such a handle, but its flags keep the closed bit, as
// libuv's do, and libuv answers many calls on it from its fields: a stop
// does nothing and returns 0, I/O says UV_EBADF. Programs run such calls
// in clean-up code, and bindings turn a non-zero return into an error, so
// gouv gives the same answers where libuv's are deterministic (see
// docs/differences.md).
func handleClosed(hp unsafe.Pointer) bool {
	return hp != nil && uint32((*C.uv_handle_t)(hp).flags)&loop.FlagClosed != 0
}

// gouv_close_go is uv_close for handles with Go state, and for misuse
// (handle.c sends light handles' closes nowhere near Go).
//
//export gouv_close_go
func gouv_close_go(ch *C.uv_handle_t, cb C.uv_close_cb) {
	obj, _ := handleOf(unsafe.Pointer(ch))
	if obj == nil {
		switch {
		case ch == nil:
			debugf("uv_close: NULL handle")
		case ch.gouv_gen == C.GOUV_HANDLE_TAG && ch.gouv_slot == 0:
			debugf("uv_close: %s handle %s is already closing", typeName(ch._type), ptr(unsafe.Pointer(ch)))
		default:
			debugf("uv_close: %s handle %s is not open (closed twice, or never initialised)",
				typeName(ch._type), ptr(unsafe.Pointer(ch)))
		}
		return
	}
	h := obj.Base()
	if h.IsClosing() {
		debugf("uv_close: %s handle %s is already closing", typeName(ch._type), ptr(unsafe.Pointer(ch)))
		return
	}
	ch.close_cb = cb
	h.Close(nil) // the loop's close hook is closeDone
}

//export uv_ref
func uv_ref(ch *C.uv_handle_t) {
	if r, s := openRec(unsafe.Pointer(ch)); r != nil {
		s.l.Ref(r)
	}
}

//export uv_unref
func uv_unref(ch *C.uv_handle_t) {
	if r, s := openRec(unsafe.Pointer(ch)); r != nil {
		s.l.Unref(r)
	}
}
