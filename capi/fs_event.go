package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
)

func fsEventFired(e *uvio.FSEvent, name []byte, events int) {
	// name is NUL-terminated Go memory holding no pointers, read by the
	// callback only during the call.
	ch := (*C.uv_fs_event_t)(cHandle(e.Base()))
	C.gouv_call_fs_event(ch.gouv_fs_event[0], cHandle(e.Base()), (*C.char)(unsafe.Pointer(&name[0])), C.int(events), 0)
}

//export uv_fs_event_init
func uv_fs_event_init(cl *C.uv_loop_t, h *C.uv_fs_event_t) C.int {
	s := stateOf(cl)
	if s == nil || h == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(h))
	e := &uvio.FSEvent{}
	handleIn(ch, unsafe.Sizeof(*h))
	uvio.InitFSEvent(s.l, e, C.UV_FS_EVENT, recOf(ch))
	initHandle(ch, cl, C.UV_FS_EVENT)
	// The loop's close releases its inotify descriptor (loopext.go).
	s.extOf().fsEvents = true
	return 0
}

//export gouv_fs_event_start
func gouv_fs_event_start(h *C.uv_fs_event_t, cb C.uv_fs_event_cb, path *C.char, flags C.uint) C.int {
	e, ok := lookup[*uvio.FSEvent](unsafe.Pointer(h))
	if !ok || cb == nil {
		return C.UV_EINVAL
	}
	if e.IsActive() {
		return C.UV_EINVAL
	}
	// The host's callback stays in C memory, in the handle.
	(*C.uv_fs_event_t)(cHandle(e.Base())).gouv_fs_event[0] = unsafe.Pointer(cb)
	e.Cb = fsEventFired
	e.OnStop = fsEventStopped
	if err := e.Start(C.GoString(path), uint32(flags)); err != nil {
		return errno(err)
	}
	// The public path field is the host's to read: a copy of ours.
	h.path = C.gouv__strdup(path)
	return 0
}

func fsEventStopped(e *uvio.FSEvent) {
	h := (*C.uv_fs_event_t)(cHandle(e.Base()))
	if h.path != nil {
		C.gouv__free(unsafe.Pointer(h.path))
		h.path = nil
	}
}

//export uv_fs_event_stop
func uv_fs_event_stop(h *C.uv_fs_event_t) C.int {
	e, ok := lookup[*uvio.FSEvent](unsafe.Pointer(h))
	if !ok {
		if handleClosed(unsafe.Pointer(h)) {
			return 0 // as libuv: a closed handle is not active
		}
		return C.UV_EINVAL
	}
	e.Stop()
	return 0
}
