package main

// #include "capi.h"
import "C"

import "unsafe"

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
	h.Close(closeDone)
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
