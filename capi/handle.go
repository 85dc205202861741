package main

// #include "capi.h"
import "C"

import "unsafe"

//export uv_close
func uv_close(ch *C.uv_handle_t, cb C.uv_close_cb) {
	obj, s := handleOf(unsafe.Pointer(ch))
	if obj == nil {
		if ch != nil {
			debugf("uv_close: %s handle %s is not open (closed twice, or never initialised)",
				typeName(ch._type), ptr(unsafe.Pointer(ch)))
		} else {
			debugf("uv_close: NULL handle")
		}
		return
	}
	h := obj.Base()
	if h.IsClosing() {
		debugf("uv_close: %s handle %s is already closing", typeName(ch._type), ptr(unsafe.Pointer(ch)))
		return
	}
	ch.close_cb = cb
	// A timer started in C must be in the heap before its close stops it.
	s.syncTimers()
	h.Close(closeDone)
}

//export uv_ref
func uv_ref(ch *C.uv_handle_t) {
	if obj, _ := handleOf(unsafe.Pointer(ch)); obj != nil {
		obj.Base().Ref()
	}
}

//export uv_unref
func uv_unref(ch *C.uv_handle_t) {
	if obj, _ := handleOf(unsafe.Pointer(ch)); obj != nil {
		obj.Base().Unref()
	}
}
