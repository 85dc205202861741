package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	"gouv/pool"
)

// cancelFuncs says how uv_cancel cancels each request type. Request types
// that run on the pool register theirs from an init function (dns.go:
// UV_GETADDRINFO, UV_GETNAMEINFO); a type without one gets
// UV_EINVAL, as libuv gives for requests that cannot be cancelled.
var cancelFuncs = map[C.uv_req_type]func(req *C.uv_req_t) C.int{}

// registerCancel sets the cancel function of a request type; call it from
// an init function only (the map is read without a lock afterwards).
func registerCancel(t C.uv_req_type, fn func(req *C.uv_req_t) C.int) {
	cancelFuncs[t] = fn
}

func init() {
	registerCancel(C.UV_WORK, cancelWork)
	registerCancel(C.UV_FS, cancelFS)
	registerCancel(C.UV_RANDOM, cancelRandom)
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
	if fn := cancelFuncs[req._type]; fn != nil {
		return fn(req)
	}
	return C.UV_EINVAL
}
