package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	"gouv/pool"
)

// cancelOf says how uv_cancel cancels a request type: the types that run
// on the pool have a function, and any other type gets nil, for which
// uv_cancel answers UV_EINVAL as libuv does for requests that cannot be
// cancelled. A switch rather than a table filled at start-up, so that no
// mutable global decides it.
func cancelOf(t C.uv_req_type) func(req *C.uv_req_t) C.int {
	switch t {
	case C.UV_WORK:
		return cancelWork
	case C.UV_FS:
		return cancelFS
	case C.UV_RANDOM:
		return cancelRandom
	case C.UV_GETADDRINFO:
		return cancelGetaddrinfo
	case C.UV_GETNAMEINFO:
		return cancelGetnameinfo
	}
	return nil
}

func init() {
	// Hosts and tools tell the pool's threads by libuv's name for them.
	pool.ThreadName = "libuv-worker"
	// Read UV_THREADPOOL_SIZE with libc's getenv: a host that calls
	// setenv(3) before its first request must be heard.
	pool.Getenv = func(name string) string {
		cs := C.CString(name)
		defer C.free(unsafe.Pointer(cs))
		v := C.gouv_fs_getenv(cs)
		if v == nil {
			return ""
		}
		return C.GoString(v)
	}
}

// cancelPoolReq cancels a pool request that no worker has started: its
// callback then runs on the loop thread with UV_ECANCELED. One that runs
// or has finished (or never started) gives UV_EBUSY, as libuv's does.
func cancelPoolReq(o *poolReq) C.int {
	if o == nil {
		return C.UV_EBUSY
	}
	if !pool.Cancel(&o.Work) {
		return C.UV_EBUSY
	}
	return 0
}

//export uv_cancel
func uv_cancel(req *C.uv_req_t) C.int {
	if req == nil {
		return C.UV_EINVAL
	}
	if fn := cancelOf(req._type); fn != nil {
		return fn(req)
	}
	return C.UV_EINVAL
}
