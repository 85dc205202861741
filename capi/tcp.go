package main

// #include "stream.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
)

func tcpOf(p unsafe.Pointer) (*uvio.Stream, bool) {
	s, ok := streamOf(p)
	if !ok || s.Kind != uvio.KindTCP {
		return nil, false
	}
	return s, true
}

//export uv_tcp_init
func uv_tcp_init(cl *C.uv_loop_t, ct *C.uv_tcp_t) C.int {
	return uv_tcp_init_ex(cl, ct, C.AF_UNSPEC)
}

//export uv_tcp_init_ex
func uv_tcp_init_ex(cl *C.uv_loop_t, ct *C.uv_tcp_t, flags C.uint) C.int {
	st := stateOf(cl)
	if st == nil || ct == nil {
		return C.UV_EINVAL
	}
	// The low byte is the address family; no other flag exists.
	if flags&^0xff != 0 {
		return C.UV_EINVAL
	}
	cs := (*C.uv_stream_t)(unsafe.Pointer(ct))
	s, rec, wq := streamIn(cs, unsafe.Sizeof(*ct))
	if err := uvio.InitTCP(st.l, s, C.UV_TCP, nil, int(flags&0xff), rec, wq); err != nil {
		return errno(err)
	}
	initHandle((*C.uv_handle_t)(unsafe.Pointer(ct)), cl, C.UV_TCP)
	return 0
}

//export uv_tcp_open
func uv_tcp_open(ct *C.uv_tcp_t, sock C.uv_os_sock_t) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok {
		return C.UV_EINVAL
	}
	if s.Loop().IOWatched(int(sock)) {
		return C.UV_EEXIST
	}
	if err := unix.SetNonblock(int(sock), true); err != nil {
		return errno(err)
	}
	return errno(s.Open(int(sock), uvio.FlagReadable|uvio.FlagWritable))
}

//export gouv_tcp_bind
func gouv_tcp_bind(ct *C.uv_tcp_t, addr *C.struct_sockaddr, flags C.uint) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok || s.IsClosing() || addr == nil {
		return C.UV_EINVAL
	}
	if addr.sa_family != C.AF_INET && addr.sa_family != C.AF_INET6 {
		return C.UV_EINVAL
	}
	sa, rc := sockaddrFromC(addr)
	if rc != 0 {
		return rc
	}
	// Newer libuv's UV_TCP_REUSEPORT (2); 1.44 ignores flags it does not
	// know, and so does gouv for the others.
	const tcpReusePort = 2
	return errno(s.BindReusePort(sa, flags&C.UV_TCP_IPV6ONLY != 0, flags&tcpReusePort != 0))
}

//export gouv_tcp_connect
func gouv_tcp_connect(req *C.uv_connect_t, ct *C.uv_tcp_t, addr *C.struct_sockaddr, cb C.uv_connect_cb) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok || req == nil || addr == nil || s.IsClosing() {
		return C.UV_EINVAL
	}
	if addr.sa_family != C.AF_INET && addr.sa_family != C.AF_INET6 {
		return C.UV_EINVAL
	}
	var in4 unix.SockaddrInet4
	var in6 unix.SockaddrInet6
	sa, rc := sockaddrInto(addr, &in4, &in6)
	if rc != 0 {
		return rc
	}
	if err := s.Connect(sa, unsafe.Pointer(req)); err != nil {
		return errno(err)
	}
	req._type = C.UV_CONNECT
	req.cb = cb
	req.handle = (*C.uv_stream_t)(unsafe.Pointer(ct))
	return 0
}

//export gouv_tcp_name
func gouv_tcp_name(ct *C.uv_tcp_t, peer C.int, name *C.struct_sockaddr, namelen *C.int) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok && name != nil && namelen != nil && handleClosed(unsafe.Pointer(ct)) {
		return C.UV_EBADF // libuv: the closed socket has no descriptor
	}
	if !ok || name == nil || namelen == nil {
		return C.UV_EINVAL
	}
	var sa unix.Sockaddr
	var err error
	if peer != 0 {
		sa, err = s.PeerName()
	} else {
		sa, err = s.SockName()
	}
	if err != nil {
		return errno(err)
	}
	return sockaddrToC(sa, name, namelen)
}

//export uv_tcp_nodelay
func uv_tcp_nodelay(ct *C.uv_tcp_t, enable C.int) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok {
		if handleClosed(unsafe.Pointer(ct)) {
			return 0 // libuv only records the option without a socket
		}
		return C.UV_EINVAL
	}
	return errno(s.NoDelay(enable != 0))
}

//export uv_tcp_keepalive
func uv_tcp_keepalive(ct *C.uv_tcp_t, enable C.int, delay C.uint) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok {
		if handleClosed(unsafe.Pointer(ct)) {
			return 0 // libuv only records the option without a socket
		}
		return C.UV_EINVAL
	}
	return errno(s.Keepalive(enable != 0, int(delay)))
}

//export uv_tcp_keepalive_ex
func uv_tcp_keepalive_ex(ct *C.uv_tcp_t, on C.int, idle, intvl, cnt C.uint) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok {
		return C.UV_EINVAL
	}
	return errno(s.KeepaliveEx(on != 0, uint32(idle), uint32(intvl), uint32(cnt)))
}

//export uv_tcp_simultaneous_accepts
func uv_tcp_simultaneous_accepts(ct *C.uv_tcp_t, enable C.int) C.int {
	// Meaningful on Windows only.
	if _, ok := tcpOf(unsafe.Pointer(ct)); !ok {
		return C.UV_EINVAL
	}
	return 0
}

//export uv_tcp_close_reset
func uv_tcp_close_reset(ct *C.uv_tcp_t, cb C.uv_close_cb) C.int {
	s, ok := tcpOf(unsafe.Pointer(ct))
	if !ok || s.IsClosing() {
		return C.UV_EINVAL
	}
	if err := s.PrepareReset(); err != nil {
		return errno(err)
	}
	gouv_close_go((*C.uv_handle_t)(unsafe.Pointer(ct)), cb)
	return 0
}
