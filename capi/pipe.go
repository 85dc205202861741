package main

// #include <stdlib.h>
// #include "stream.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
)

func pipeOf(p unsafe.Pointer) (*uvio.Stream, bool) {
	s, ok := streamOf(p)
	if !ok || s.Kind != uvio.KindPipe {
		return nil, false
	}
	return s, true
}

//export uv_pipe_init
func uv_pipe_init(cl *C.uv_loop_t, cp *C.uv_pipe_t, ipc C.int) C.int {
	st := stateOf(cl)
	if st == nil || cp == nil {
		return C.UV_EINVAL
	}
	cs := (*C.uv_stream_t)(unsafe.Pointer(cp))
	s, rec, wq := streamIn(cs, unsafe.Sizeof(*cp))
	uvio.InitPipe(st.l, s, C.UV_NAMED_PIPE, nil, ipc != 0, rec, wq)
	cp.ipc = ipc
	initHandle((*C.uv_handle_t)(unsafe.Pointer(cp)), cl, C.UV_NAMED_PIPE)
	return 0
}

//export uv_pipe_open
func uv_pipe_open(cp *C.uv_pipe_t, fd C.uv_file) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok {
		return C.UV_EINVAL
	}
	return errno(s.OpenFD(int(fd)))
}

//export gouv_pipe_bind
func gouv_pipe_bind(cp *C.uv_pipe_t, name *C.char) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok || name == nil {
		return C.UV_EINVAL
	}
	return bound(cp, s, s.PipeBind(C.GoString(name)))
}

// bound finishes a bind: as libuv, the pipe's pipe_fname field
// (gouv_pipe_name) holds a copy of the path it is bound to, which some
// hosts read; closeDone frees it.
func bound(cp *C.uv_pipe_t, s *uvio.Stream, err error) C.int {
	if err != nil {
		return errno(err)
	}
	if path := s.BoundPath(); path != "" {
		freePipeName(cp)
		cp.gouv_pipe_name = C.CString(path)
	}
	return 0
}

func freePipeName(cp *C.uv_pipe_t) {
	if cp.gouv_pipe_name != nil {
		C.free(unsafe.Pointer(cp.gouv_pipe_name))
		cp.gouv_pipe_name = nil
	}
}

//export gouv_pipe_connect
func gouv_pipe_connect(req *C.uv_connect_t, cp *C.uv_pipe_t, name *C.char, cb C.uv_connect_cb) {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok || req == nil {
		debugf("uv_pipe_connect: pipe %s is not open", ptr(unsafe.Pointer(cp)))
		return
	}
	req._type = C.UV_CONNECT
	req.cb = cb
	req.handle = (*C.uv_stream_t)(unsafe.Pointer(cp))
	path := ""
	if name != nil {
		// Longer names are cut to sun_path's size by PipeConnect.
		path = cStringView(name, len(C.struct_sockaddr_un{}.sun_path))
	}
	if err := s.PipeConnect(path, unsafe.Pointer(req)); err != nil {
		// Only a second connect in flight gets here: libuv has no way to
		// say so either, beyond not calling back twice.
		debugf("uv_pipe_connect: %v", err)
	}
}

// gouv_pipe_bind2 binds to the namelen bytes at name; stream.c has
// checked the flags and the name and cut it to sun_path's size.
//
//export gouv_pipe_bind2
func gouv_pipe_bind2(cp *C.uv_pipe_t, name *C.char, namelen C.size_t) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok {
		return C.UV_EINVAL
	}
	return bound(cp, s, s.PipeBind2(C.GoStringN(name, C.int(namelen))))
}

// gouv_pipe_connect2 connects to the namelen bytes at name (checked and
// cut by stream.c); failures of the connection itself go to the callback.
//
//export gouv_pipe_connect2
func gouv_pipe_connect2(req *C.uv_connect_t, cp *C.uv_pipe_t, name *C.char, namelen C.size_t, cb C.uv_connect_cb) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok || req == nil {
		return C.UV_EINVAL
	}
	req._type = C.UV_CONNECT
	req.cb = cb
	req.handle = (*C.uv_stream_t)(unsafe.Pointer(cp))
	// SAFETY: PipeConnect2 copies the name into the call's address and
	// keeps no reference to it.
	return errno(s.PipeConnect2(unsafe.String((*byte)(unsafe.Pointer(name)), int(namelen)), unsafe.Pointer(req)))
}

//export gouv_pipe_name
func gouv_pipe_name(cp *C.uv_pipe_t, peer C.int, buf *C.char, size *C.size_t) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok && size != nil && handleClosed(unsafe.Pointer(cp)) {
		*size = 0
		return C.UV_EBADF // libuv: the closed pipe has no descriptor
	}
	if !ok || size == nil || buf == nil {
		return C.UV_EINVAL
	}
	name, err := s.PipeName(peer != 0)
	if err != nil {
		*size = 0
		return errno(err)
	}
	// A path is returned with its terminating NUL; an abstract name
	// (leading NUL) is bytes, not a string, and needs no room for one
	// (libuv 1.53; 1.44 asked for a byte more).
	need := len(name) + 1
	if len(name) > 0 && name[0] == 0 {
		need = len(name)
	}
	if C.size_t(need) > *size {
		*size = C.size_t(need)
		return C.UV_ENOBUFS
	}
	// SAFETY: the host's buffer holds *size bytes, at least need.
	out := unsafe.Slice((*byte)(unsafe.Pointer(buf)), need)
	copy(out, name)
	*size = C.size_t(len(name))
	if need > len(name) {
		out[len(name)] = 0
	}
	return 0
}

//export uv_pipe_pending_count
func uv_pipe_pending_count(cp *C.uv_pipe_t) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok {
		return 0
	}
	return C.int(s.PendingCount())
}

//export uv_pipe_pending_type
func uv_pipe_pending_type(cp *C.uv_pipe_t) C.uv_handle_type {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok || s.PendingFD() < 0 {
		return C.UV_UNKNOWN_HANDLE
	}
	return uv_guess_handle(C.uv_file(s.PendingFD()))
}

//export uv_pipe_chmod
func uv_pipe_chmod(cp *C.uv_pipe_t, mode C.int) C.int {
	s, ok := pipeOf(unsafe.Pointer(cp))
	if !ok {
		return C.UV_EBADF
	}
	return errno(s.PipeChmod(int(mode)))
}

//export gouv_pipe
func gouv_pipe(fds *C.uv_file, readFlags, writeFlags C.int) C.int {
	if fds == nil {
		return C.UV_EINVAL
	}
	p, err := uvio.Pipe(readFlags&C.UV_NONBLOCK_PIPE != 0, writeFlags&C.UV_NONBLOCK_PIPE != 0)
	if err != nil {
		return errno(err)
	}
	// SAFETY: the host passes an array of two descriptors.
	out := unsafe.Slice(fds, 2)
	out[0], out[1] = C.uv_file(p[0]), C.uv_file(p[1])
	return 0
}

//export gouv_socketpair
func gouv_socketpair(typ, proto C.int, sv *C.uv_os_sock_t, flags0, flags1 C.int) C.int {
	if sv == nil {
		return C.UV_EINVAL
	}
	p, err := uvio.Socketpair(int(typ), int(proto), flags0&C.UV_NONBLOCK_PIPE != 0, flags1&C.UV_NONBLOCK_PIPE != 0)
	if err != nil {
		return errno(err)
	}
	// SAFETY: the host passes an array of two sockets.
	out := unsafe.Slice(sv, 2)
	out[0], out[1] = C.uv_os_sock_t(p[0]), C.uv_os_sock_t(p[1])
	return 0
}

var _ = unix.AF_UNIX
