package main

// #include "stream.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
)

func pollFired(p *uvio.Poll, err error, events int) {
	C.gouv_call_poll(cHandleAddr(p.Base()), errno(err), C.int(events))
}

//export uv_poll_init
func uv_poll_init(cl *C.uv_loop_t, cp *C.uv_poll_t, fd C.int) C.int {
	st := stateOf(cl)
	if st == nil || cp == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(cp))
	p := &uvio.Poll{}
	handleIn(ch, unsafe.Sizeof(*cp))
	err := uvio.InitPoll(st.l, p, C.UV_POLL, int(fd), recOf(ch),
		(*int32)(unsafe.Pointer(&cp.io_watcher.fd)), pollFired)
	if err != nil {
		return errno(err)
	}
	initHandle(ch, cl, C.UV_POLL)
	return 0
}

//export uv_poll_init_socket
func uv_poll_init_socket(cl *C.uv_loop_t, cp *C.uv_poll_t, sock C.uv_os_sock_t) C.int {
	return uv_poll_init(cl, cp, C.int(sock))
}

//export uv_poll_start
func uv_poll_start(cp *C.uv_poll_t, events C.int, cb C.uv_poll_cb) C.int {
	p, ok := lookup[*uvio.Poll](unsafe.Pointer(cp))
	if !ok {
		return C.UV_EINVAL
	}
	if err := p.Start(int(events)); err != nil {
		return errno(err)
	}
	cp.poll_cb = cb
	return 0
}

//export uv_poll_stop
func uv_poll_stop(cp *C.uv_poll_t) C.int {
	p, ok := lookup[*uvio.Poll](unsafe.Pointer(cp))
	if !ok {
		return C.UV_EINVAL
	}
	p.Stop()
	return 0
}
