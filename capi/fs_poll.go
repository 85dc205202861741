package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
)

func fsPollFired(p *uvio.FSPoll, err error, prev, curr *uvio.Stat) {
	// prev and curr are Go memory without pointers, read by the callback
	// only during the call; uvio.Stat has uv_stat_t's layout (fs.go).
	ch := (*C.uv_fs_poll_t)(cHandle(p.Base()))
	C.gouv_call_fs_poll(ch.poll_ctx, cHandle(p.Base()), errno(err), unsafe.Pointer(prev), unsafe.Pointer(curr))
}

//export uv_fs_poll_init
func uv_fs_poll_init(cl *C.uv_loop_t, h *C.uv_fs_poll_t) C.int {
	s := stateOf(cl)
	if s == nil || h == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(h))
	p := &uvio.FSPoll{}
	uvio.InitFSPoll(s.l, p, C.UV_FS_POLL, recOf(ch))
	initHandle(s, ch, cl, C.UV_FS_POLL, p)
	h.poll_ctx = nil
	return 0
}

//export gouv_fs_poll_start
func gouv_fs_poll_start(h *C.uv_fs_poll_t, cb C.uv_fs_poll_cb, path *C.char, interval C.uint) C.int {
	p, ok := lookup[*uvio.FSPoll](unsafe.Pointer(h))
	if !ok || cb == nil {
		return C.UV_EINVAL
	}
	if p.IsActive() {
		return 0
	}
	// The host's callback stays in C memory, in the handle.
	(*C.uv_fs_poll_t)(cHandle(p.Base())).poll_ctx = unsafe.Pointer(cb)
	p.Cb = fsPollFired
	return errno(p.Start(C.GoString(path), uint64(interval)))
}

//export uv_fs_poll_stop
func uv_fs_poll_stop(h *C.uv_fs_poll_t) C.int {
	p, ok := lookup[*uvio.FSPoll](unsafe.Pointer(h))
	if !ok {
		if handleClosed(unsafe.Pointer(h)) {
			return 0 // as libuv: a closed handle is not active
		}
		return C.UV_EINVAL
	}
	p.Stop()
	return 0
}

//export uv_fs_poll_getpath
func uv_fs_poll_getpath(h *C.uv_fs_poll_t, buffer *C.char, size *C.size_t) C.int {
	p, ok := lookup[*uvio.FSPoll](unsafe.Pointer(h))
	if !ok && size != nil && handleClosed(unsafe.Pointer(h)) {
		*size = 0 // as libuv for any handle that is not active
	}
	if !ok || size == nil {
		return C.UV_EINVAL
	}
	path := p.Path()
	if path == nil {
		*size = 0
		return C.UV_EINVAL
	}
	// path is Go memory without pointers, copied by C during the call.
	return C.gouv_fs_copy_path((*C.char)(unsafe.Pointer(&path[0])), C.size_t(len(path)), buffer, size)
}
