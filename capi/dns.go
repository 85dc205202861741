package main

// #include <stdlib.h>
// #include <string.h>
// #include "capi.h"
// #include "internal.h"
// #include "dns.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
	"gouv/pool"
)

// cancelGetaddrinfo and cancelGetnameinfo are uv_cancel for lookups: 0 if
// the lookup was still queued (its callback then gets UV_EAI_CANCELED),
// UV_EBUSY once a worker has it.
func cancelGetaddrinfo(r *C.uv_req_t) C.int {
	req := (*C.uv_getaddrinfo_t)(unsafe.Pointer(r))
	return cancelPoolReq(reqOf(req.loop, unsafe.Pointer(req), &req.gouv_work))
}

func cancelGetnameinfo(r *C.uv_req_t) C.int {
	req := (*C.uv_getnameinfo_t)(unsafe.Pointer(r))
	return cancelPoolReq(reqOf(req.loop, unsafe.Pointer(req), &req.gouv_work))
}

// cbytes views a NUL-terminated C string (without its NUL) for the
// duration of the call that received it.
func cbytes(s *C.char) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(s)), int(C.strlen(s)))
}

//export gouv_getaddrinfo
func gouv_getaddrinfo(cl *C.uv_loop_t, req *C.uv_getaddrinfo_t, cb C.uv_getaddrinfo_cb, node, service *C.char, hints *C.struct_addrinfo) C.int {
	if req == nil {
		return C.UV_EINVAL
	}
	// A host frees req.addrinfo whatever the outcome, so it must never be
	// left holding what the request's memory happened to contain.
	req.addrinfo = nil
	if node == nil && service == nil {
		return C.UV_EINVAL
	}
	// A synchronous lookup needs no loop (newer libuv accepts NULL for
	// it); a queued one does.
	var s *loopState
	if cl != nil {
		if s = stateOf(cl); s == nil {
			return C.UV_EINVAL
		}
	} else if cb != nil {
		return C.UV_EINVAL
	}
	var hostBuf [uvio.IDNAMaxLen + 1]byte
	var host []byte
	if node != nil {
		var err error
		if host, err = uvio.IDNAToASCII(hostBuf[:0], cbytes(node)); err != nil {
			return errno(err)
		}
	}
	var svc []byte
	if service != nil {
		svc = cbytes(service)
	}
	// One block holds the copies, hints first, then service, then host,
	// so the first non-NULL of the three is what gets freed.
	size := 0
	if hints != nil {
		size += C.sizeof_struct_addrinfo
	}
	if service != nil {
		size += len(svc) + 1
	}
	if node != nil {
		size += len(host) + 1
	}
	block := C.gouv__malloc(C.size_t(size))
	if block == nil {
		return C.UV_ENOMEM
	}
	// block is C memory of size bytes, written only through this view.
	mem := unsafe.Slice((*byte)(block), size)
	off := 0
	req.gouv_hints, req.gouv_service, req.gouv_hostname = nil, nil, nil
	if hints != nil {
		copy(mem, unsafe.Slice((*byte)(unsafe.Pointer(hints)), C.sizeof_struct_addrinfo))
		req.gouv_hints = (*C.struct_addrinfo)(block)
		off += C.sizeof_struct_addrinfo
	}
	if service != nil {
		copy(mem[off:], svc)
		mem[off+len(svc)] = 0
		req.gouv_service = (*C.char)(unsafe.Pointer(&mem[off]))
		off += len(svc) + 1
	}
	if node != nil {
		copy(mem[off:], host)
		mem[off+len(host)] = 0
		req.gouv_hostname = (*C.char)(unsafe.Pointer(&mem[off]))
	}
	req._type = C.UV_GETADDRINFO
	req.loop = cl
	req.gouv_cb = cb
	req.addrinfo = nil
	req.retcode = 0
	if cb == nil {
		C.gouv_getaddrinfo_work(req)
		getaddrinfoRelease(req)
		return req.retcode
	}
	getReq(s, unsafe.Pointer(req), &req.gouv_work).submit(s, getaddrinfoRun, getaddrinfoDone, pool.SlowIO)
	return 0
}

// getaddrinfoRelease frees the copies of the request's arguments.
func getaddrinfoRelease(req *C.uv_getaddrinfo_t) {
	var block unsafe.Pointer
	switch {
	case req.gouv_hints != nil:
		block = unsafe.Pointer(req.gouv_hints)
	case req.gouv_service != nil:
		block = unsafe.Pointer(req.gouv_service)
	default:
		block = unsafe.Pointer(req.gouv_hostname)
	}
	C.gouv__free(block)
	req.gouv_hints, req.gouv_service, req.gouv_hostname = nil, nil, nil
}

// getaddrinfoRun runs on a pool worker: libc's resolver may block there
// as long as it likes. The request is host memory that stays valid until
// its callback has run.
func getaddrinfoRun(w *pool.Work) {
	C.gouv_getaddrinfo_work((*C.uv_getaddrinfo_t)(reqFromWork(w).c))
}

func getaddrinfoDone(w *pool.Work, err error) {
	o := reqFromWork(w)
	req := (*C.uv_getaddrinfo_t)(o.c)
	o.release(&req.gouv_work)
	getaddrinfoRelease(req)
	if err == pool.ErrCanceled {
		req.retcode = C.UV_EAI_CANCELED
	}
	if req.gouv_cb != nil {
		C.gouv_call_getaddrinfo(req)
	}
}

//export gouv_getnameinfo
func gouv_getnameinfo(cl *C.uv_loop_t, req *C.uv_getnameinfo_t, cb C.uv_getnameinfo_cb) C.int {
	s := stateOf(cl)
	if s == nil {
		return C.UV_EINVAL
	}
	req._type = C.UV_GETNAMEINFO
	req.loop = cl
	req.gouv_cb = cb
	req.retcode = 0
	if cb == nil {
		C.gouv_getnameinfo_work(req)
		return req.retcode
	}
	getReq(s, unsafe.Pointer(req), &req.gouv_work).submit(s, getnameinfoRun, getnameinfoDone, pool.SlowIO)
	return 0
}

// getnameinfoRun runs on a pool worker, as getaddrinfoRun.
func getnameinfoRun(w *pool.Work) {
	C.gouv_getnameinfo_work((*C.uv_getnameinfo_t)(reqFromWork(w).c))
}

func getnameinfoDone(w *pool.Work, err error) {
	o := reqFromWork(w)
	req := (*C.uv_getnameinfo_t)(o.c)
	o.release(&req.gouv_work)
	if err == pool.ErrCanceled {
		req.retcode = C.UV_EAI_CANCELED
	}
	if req.gouv_cb != nil {
		C.gouv_call_getnameinfo(req)
	}
}
