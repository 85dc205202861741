package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
	"gouv/pool"
)

func randomBuf(req *C.uv_random_t) []byte {
	if req.buflen == 0 {
		return nil
	}
	// The host's buffer (C memory) lives until the callback.
	return unsafe.Slice((*byte)(req.buf), int(req.buflen))
}

func randomRun(w *pool.Work) {
	o := reqFromWork(w)
	req := (*C.uv_random_t)(o.c)
	req.status = C.int(errno(uvio.Random(randomBuf(req))))
}

func randomDone(w *pool.Work, err error) {
	o := reqFromWork(w)
	req := (*C.uv_random_t)(o.c)
	if err == pool.ErrCanceled {
		req.status = C.UV_ECANCELED
	}
	o.release(&req.work_req)
	C.gouv_call_random(unsafe.Pointer(req.cb), unsafe.Pointer(req), req.status, req.buf, req.buflen)
}

//export uv_random
func uv_random(cl *C.uv_loop_t, req *C.uv_random_t, buf unsafe.Pointer, buflen C.size_t, flags C.uint, cb C.uv_random_cb) C.int {
	if buflen > 0x7fffffff {
		return C.UV_E2BIG
	}
	if flags != 0 || (buf == nil && buflen > 0) {
		return C.UV_EINVAL
	}
	if cb == nil {
		b := unsafe.Slice((*byte)(buf), int(buflen))
		return errno(uvio.Random(b))
	}
	s := stateOf(cl)
	if s == nil || req == nil {
		return C.UV_EINVAL
	}
	req._type = C.UV_RANDOM
	req.loop = cl
	req.status = 0
	req.buf = buf
	req.buflen = buflen
	req.cb = cb
	getReq(s, unsafe.Pointer(req), &req.work_req).submit(s, randomRun, randomDone, pool.CPU)
	return 0
}

func cancelRandom(r *C.uv_req_t) C.int {
	req := (*C.uv_random_t)(unsafe.Pointer(r))
	return cancelPoolReq(reqOf(req.loop, unsafe.Pointer(req), &req.work_req))
}
