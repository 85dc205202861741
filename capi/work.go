package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	"gouv/pool"
)

// poolReq carries one C request (uv_work_t, uv_fs_t, uv_random_t) through
// the pool. Each loop keeps a table of them in its own state (loopExt),
// which only its thread touches (submissions, completions and uv_cancel
// all happen there) and which goes away with the loop: a finished
// object stays in its slot for the next request, so a steady stream of
// requests allocates nothing. The C request names its slot in its private
// uv__work bytes (gouv_poolreq_t), which is how uv_cancel finds it.
type poolReq struct {
	pool.Work // first: pool hands back *pool.Work, which is then a *poolReq
	c         unsafe.Pointer
	slot      uint32
	busy      bool
	tbl       *reqTable
	fs        fsState
}

type reqTable struct {
	objs []*poolReq
	free []uint32
}

// getReq returns an idle request object of loop s and stamps the C
// request's uv__work bytes with its slot.
func getReq(s *loopState, c unsafe.Pointer, w *C.struct_uv__work) *poolReq {
	t := &s.extOf().reqs
	var o *poolReq
	if n := len(t.free); n > 0 {
		o = t.objs[t.free[n-1]]
		t.free = t.free[:n-1]
	} else {
		o = &poolReq{slot: uint32(len(t.objs)), tbl: t}
		t.objs = append(t.objs, o)
	}
	o.c = c
	o.busy = true
	pr := (*C.gouv_poolreq_t)(unsafe.Pointer(w))
	pr.slot = C.uint32_t(o.slot)
	pr.tag = C.GOUV_POOLREQ_TAG
	return o
}

// submit hands the request to the pool: run on a worker, done on the
// loop thread.
func (o *poolReq) submit(s *loopState, run func(*pool.Work), done func(*pool.Work, error), kind pool.Kind) {
	o.Run = run
	o.Done = done
	pool.Submit(s.l, &o.Work, kind)
}

// finished hands back a request whose work ran on the loop thread:
// done runs on a later turn of the loop, as after the pool
// (pool.Finished).
func (o *poolReq) finished(s *loopState, done func(*pool.Work, error), cancellable bool) {
	o.Done = done
	pool.Finished(s.l, &o.Work, cancellable)
}

// release puts the object back; its C request is the host's again.
func (o *poolReq) release(w *C.struct_uv__work) {
	(*C.gouv_poolreq_t)(unsafe.Pointer(w)).tag = 0
	o.c = nil
	o.busy = false
	o.fs.reset()
	o.tbl.free = append(o.tbl.free, o.slot)
}

// reqOf finds the busy object of a C request on loop cl, or nil.
func reqOf(cl *C.uv_loop_t, c unsafe.Pointer, w *C.struct_uv__work) *poolReq {
	s := stateOf(cl)
	if s == nil {
		return nil
	}
	t := &s.ext.reqs
	pr := (*C.gouv_poolreq_t)(unsafe.Pointer(w))
	if pr.tag != C.GOUV_POOLREQ_TAG || int(pr.slot) >= len(t.objs) {
		return nil
	}
	o := t.objs[pr.slot]
	if !o.busy || o.c != c {
		return nil
	}
	return o
}

func reqFromWork(w *pool.Work) *poolReq {
	// Work is poolReq's first field, so the pointers coincide.
	return (*poolReq)(unsafe.Pointer(w))
}

func workRun(w *pool.Work) {
	o := reqFromWork(w)
	req := (*C.uv_work_t)(o.c)
	// The host's work_cb runs on this pool thread, as libuv's does; the
	// request is the host's memory and stays put until after_work_cb.
	C.gouv_call_work(unsafe.Pointer(req.work_cb), o.c)
}

func workDone(w *pool.Work, err error) {
	o := reqFromWork(w)
	req := (*C.uv_work_t)(o.c)
	status := C.int(0)
	if err == pool.ErrCanceled {
		status = C.UV_ECANCELED
	}
	o.release(&req.gouv_work)
	if cb := req.after_work_cb; cb != nil {
		C.gouv_call_after_work(unsafe.Pointer(cb), unsafe.Pointer(req), status)
	}
}

//export uv_queue_work
func uv_queue_work(cl *C.uv_loop_t, req *C.uv_work_t, workCb C.uv_work_cb, afterCb C.uv_after_work_cb) C.int {
	s := stateOf(cl)
	if s == nil || req == nil || workCb == nil {
		return C.UV_EINVAL
	}
	req._type = C.UV_WORK
	req.loop = cl
	req.work_cb = workCb
	req.after_work_cb = afterCb
	getReq(s, unsafe.Pointer(req), &req.gouv_work).submit(s, workRun, workDone, pool.CPU)
	return 0
}

func cancelWork(r *C.uv_req_t) C.int {
	req := (*C.uv_work_t)(unsafe.Pointer(r))
	return cancelPoolReq(reqOf(req.loop, unsafe.Pointer(req), &req.gouv_work))
}
