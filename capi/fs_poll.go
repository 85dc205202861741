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
	C.gouv_fs_poll_call(fsPollC(p), errno(err), unsafe.Pointer(prev), unsafe.Pointer(curr))
}

func fsPollC(p *uvio.FSPoll) *C.uv_fs_poll_t { return (*C.uv_fs_poll_t)(cHandle(p.Base())) }

// fsPollTicks is every C fs_poll's ticker (uvio.FSPollTicker): a timer in
// C memory that holds the host's callback too (fs_event.c), made by
// gouv_fs_poll_start, which has the callback, before the start.
type fsPollTicks struct{}

func (fsPollTicks) Arm(p *uvio.FSPoll, ms uint64) { C.gouv_fs_poll_arm(fsPollC(p), C.uint64_t(ms)) }
func (fsPollTicks) Close(p *uvio.FSPoll)          { C.gouv_fs_poll_close(fsPollC(p)) }

// gouv_fs_poll_timer is the ticker's timer callback: the next stat is due.
//
//export gouv_fs_poll_timer
func gouv_fs_poll_timer(h *C.uv_fs_poll_t) {
	if p, ok := lookup[*uvio.FSPoll](unsafe.Pointer(h)); ok {
		p.Tick()
	}
}

//export uv_fs_poll_init
func uv_fs_poll_init(cl *C.uv_loop_t, h *C.uv_fs_poll_t) C.int {
	s := stateOf(cl)
	if s == nil || h == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(h))
	p := &uvio.FSPoll{}
	handleIn(ch, unsafe.Sizeof(*h))
	uvio.InitFSPoll(s.l, p, C.UV_FS_POLL, recOf(ch), fsPollTicks{})
	initHandle(ch, cl, C.UV_FS_POLL)
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
	if p.IsClosing() {
		return C.UV_EINVAL
	}
	// The host's callback goes to C memory, with the ticker.
	if rc := C.gouv_fs_poll_open(h, unsafe.Pointer(cb)); rc != 0 {
		return rc
	}
	p.Cb = fsPollFired
	if err := p.Start(C.GoString(path), uint64(interval)); err != nil {
		C.gouv_fs_poll_close(h)
		return errno(err)
	}
	return 0
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
