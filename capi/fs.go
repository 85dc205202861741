package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
	"gouv/pool"
)

// The layouts Go writes through in place must be the C ones.
var (
	_ [unsafe.Sizeof(C.uv_stat_t{}) - unsafe.Sizeof(uvio.Stat{})]byte
	_ [unsafe.Sizeof(uvio.Stat{}) - unsafe.Sizeof(C.uv_stat_t{})]byte
	_ [unsafe.Sizeof(C.uv_statfs_t{}) - unsafe.Sizeof(uvio.Statfs{})]byte
	_ [unsafe.Sizeof(C.uv_buf_t{}) - unsafe.Sizeof(unix.Iovec{})]byte
)

// fsState is the Go side of one uv_fs_t while it runs.
type fsState struct {
	r uvio.FSReq
}

func (f *fsState) reset() {
	ents := f.r.Entries[:0]
	clear(f.r.Entries[:cap(f.r.Entries)])
	f.r = uvio.FSReq{Entries: ents}
}

// An open directory's Go state (uvio.Dir, which holds no pointers) lives
// in the same allocation as its uv_dir_t, after it, and the uv_dir_t's
// private gouv_dir points at it. The uv_dir_t is the directory's one
// owner, as in libuv: it is not tied to a loop (a synchronous opendir may
// have none, and any loop may read it), and closedir frees both at once
// (docs/design.md, "Per-loop state and files").
const dirStateOff = (C.sizeof_uv_dir_t + 7) &^ 7

func dirOf(d unsafe.Pointer) *uvio.Dir {
	return (*uvio.Dir)((*C.uv_dir_t)(d).gouv_dir)
}

// newDir makes the uv_dir_t of a directory opened into od, moving od's
// state into it; nil if memory runs out.
func newDir(od *uvio.Dir) *C.uv_dir_t {
	p := C.gouv__calloc(1, C.size_t(dirStateOff+unsafe.Sizeof(uvio.Dir{})))
	if p == nil {
		return nil
	}
	d := (*C.uv_dir_t)(p)
	st := unsafe.Add(p, dirStateOff)
	*(*uvio.Dir)(st) = *od
	d.gouv_dir = st
	return d
}

// fsFill copies a request's arguments into r. The paths and buffers stay
// in C memory, which does not move and lives until the request finishes.
func fsFill(r *uvio.FSReq, req *C.uv_fs_t) {
	r.Type = uvio.FSType(req.fs_type)
	r.Path = (*byte)(unsafe.Pointer(req.path))
	r.NewPath = (*byte)(unsafe.Pointer(req.gouv_new_path))
	r.File = int(req.gouv_fs_i[0])
	r.Flags = int(req.gouv_fs_i[1])
	r.Mode = int(req.gouv_fs_i[2])
	r.UID = uint32(req.gouv_fs_i[4])
	r.GID = uint32(req.gouv_fs_i[5])
	// The offset is kept in a pointer-sized slot (gouv_fs_set_off in fs.h);
	// read it here rather than through a C call, which would cost a crossing.
	// It is read as an integer, never as a Go pointer value.
	r.Off = *(*int64)(unsafe.Pointer(&req.gouv_fs_p[1]))
	r.Atime = float64(req.gouv_fs_d[0])
	r.Mtime = float64(req.gouv_fs_d[1])
	if n := int(req.gouv_fs_i[3]); n > 0 && req.gouv_fs_p[0] != nil {
		// uv_buf_t and struct iovec have one layout (checked above).
		r.Bufs = unsafe.Slice((*unix.Iovec)(req.gouv_fs_p[0]), n)
	}
	switch r.Type {
	case uvio.FSStat, uvio.FSLstat, uvio.FSFstat:
		r.Stat = (*uvio.Stat)(unsafe.Pointer(&req.statbuf))
	case uvio.FSSendfile:
		r.OutFile = r.Flags
		r.Len = int(req.gouv_bufs[0].len)
	case uvio.FSReaddir, uvio.FSClosedir:
		d := (*C.uv_dir_t)(req.ptr)
		r.Dir = dirOf(req.ptr)
		r.DirMax = int(d.nentries)
	}
}

// fsFinish stores the outcome in the C request, turning Go results into C
// memory from the replaceable allocator. It runs where the operation ran.
func fsFinish(r *uvio.FSReq, req *C.uv_fs_t) {
	if r.Err != nil {
		req.result = C.ssize_t(errno(r.Err))
		if r.Type == uvio.FSOpendir && r.Dir != nil {
			r.Dir.Close()
		}
		return
	}
	req.result = C.ssize_t(r.Result)
	switch r.Type {
	case uvio.FSStat, uvio.FSLstat, uvio.FSFstat:
		req.ptr = unsafe.Pointer(&req.statbuf)
	case uvio.FSReadlink, uvio.FSRealpath:
		p := cstrdup(r.Str)
		if p == nil {
			req.result = C.UV_ENOMEM
			return
		}
		req.ptr = unsafe.Pointer(p)
	case uvio.FSStatfs:
		p := (*C.uv_statfs_t)(C.gouv__calloc(1, C.sizeof_uv_statfs_t))
		if p == nil {
			req.result = C.UV_ENOMEM
			return
		}
		*(*uvio.Statfs)(unsafe.Pointer(p)) = r.StatfsOut
		req.ptr = unsafe.Pointer(p)
	case uvio.FSScandir:
		fsScandirToC(r, req)
	case uvio.FSOpendir:
		d := newDir(r.Dir)
		if d == nil {
			r.Dir.Close()
			req.result = C.UV_ENOMEM
			return
		}
		req.ptr = unsafe.Pointer(d)
	case uvio.FSReaddir:
		d := (*C.uv_dir_t)(req.ptr)
		ents := unsafe.Slice(d.dirents, int(d.nentries))
		for i, e := range r.Entries {
			ents[i].name = cstrdup(e.Name)
			ents[i]._type = C.uv_dirent_type_t(e.Type)
		}
	case uvio.FSClosedir:
		// The directory's Go state goes with it (newDir).
		C.gouv__free(req.ptr)
		req.ptr = nil
	}
}

// fsScandirToC leaves the entries in req->ptr for uv_fs_scandir_next.
func fsScandirToC(r *uvio.FSReq, req *C.uv_fs_t) {
	n := len(r.Entries)
	if n == 0 {
		return
	}
	size := C.size_t(unsafe.Sizeof(C.gouv_scandir_t{})) + C.size_t(n)*C.size_t(unsafe.Sizeof(C.uv_dirent_t{}))
	s := (*C.gouv_scandir_t)(C.gouv__malloc(size))
	if s == nil {
		req.result = C.UV_ENOMEM
		return
	}
	s.n = C.size_t(n)
	s.next = 0
	// The flexible array member follows the header in the same block.
	ents := unsafe.Slice((*C.uv_dirent_t)(unsafe.Add(unsafe.Pointer(s), unsafe.Sizeof(C.gouv_scandir_t{}))), n)
	for i, e := range r.Entries {
		ents[i].name = cstrdup(e.Name)
		ents[i]._type = C.uv_dirent_type_t(e.Type)
	}
	req.ptr = unsafe.Pointer(s)
}

// cstrdup copies a Go string into C memory from the replaceable allocator.
func cstrdup(s string) *C.char {
	if len(s) == 0 {
		return C.gouv_fs_strndup((*C.char)(unsafe.Pointer(&fsEmptyByte)), 0)
	}
	// unsafe.StringData points into the Go string, which outlives the call
	// and is only read by it (no Go pointer is kept by C).
	return C.gouv_fs_strndup((*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s)))
}

var fsEmptyByte byte

func fsRun(w *pool.Work) {
	o := reqFromWork(w)
	req := (*C.uv_fs_t)(o.c)
	o.fs.r.Do()
	fsFinish(&o.fs.r, req)
}

func fsDone(w *pool.Work, err error) {
	o := reqFromWork(w)
	req := (*C.uv_fs_t)(o.c)
	if err == pool.ErrCanceled {
		req.result = C.UV_ECANCELED
	}
	cb := req.cb
	o.release(&req.gouv_work)
	C.gouv_call_fs(unsafe.Pointer(cb), unsafe.Pointer(req))
}

// gouv_fs_run runs a prepared request (fs.c filled it): on the calling
// thread when it has no callback, returning its result; otherwise on the
// pool, returning 0, with the callback later on the loop thread.
//
//export gouv_fs_run
func gouv_fs_run(req *C.uv_fs_t) C.int {
	if req.cb == nil {
		// Synchronous calls may come from any thread; their state lives
		// on this goroutine's stack (it does not escape), so they
		// allocate nothing.
		var r uvio.FSReq
		fsFill(&r, req)
		r.Do()
		fsFinish(&r, req)
		return C.int(req.result)
	}
	s := stateOf(req.loop)
	if s == nil {
		C.uv_fs_req_cleanup(req)
		return C.UV_EINVAL
	}
	o := getReq(s, unsafe.Pointer(req), &req.gouv_work)
	fsFill(&o.fs.r, req)
	// A read the page cache answers needs no worker (docs/design.md,
	// "Per-loop state and files"). Its callback still runs on a later
	// turn of the loop, and until then uv_cancel may cancel it, unless it
	// read at the file's position and so moved it.
	if o.fs.r.ReadNow() {
		fsFinish(&o.fs.r, req)
		o.finished(s, fsDone, o.fs.r.Off >= 0)
		return 0
	}
	o.submit(s, fsRun, fsDone, pool.FastIO)
	return 0
}

func cancelFS(r *C.uv_req_t) C.int {
	req := (*C.uv_fs_t)(unsafe.Pointer(r))
	o := reqOf(req.loop, unsafe.Pointer(req), &req.gouv_work)
	if o != nil && o.fs.r.Partial > 0 {
		// Begun on the loop thread (ReadNow): it runs, as a request a
		// worker has started does.
		return C.UV_EBUSY
	}
	return cancelPoolReq(o)
}
