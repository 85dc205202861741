package main

// #include "capi.h"
// #include <sys/un.h>
import "C"

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockaddrFromC reads a C socket address (IPv4, IPv6 or Unix) into the
// Go form the io package uses. It returns UV_EINVAL for a NULL address and
// UV_EAFNOSUPPORT for another family.
func sockaddrFromC(sa *C.struct_sockaddr) (unix.Sockaddr, C.int) {
	if sa == nil {
		return nil, C.UV_EINVAL
	}
	switch sa.sa_family {
	case C.AF_INET:
		return sockaddrInto(sa, new(unix.SockaddrInet4), nil)
	case C.AF_INET6:
		return sockaddrInto(sa, nil, new(unix.SockaddrInet6))
	case C.AF_UNIX:
		un := (*C.struct_sockaddr_un)(unsafe.Pointer(sa))
		name := cStringView(&un.sun_path[0], len(un.sun_path))
		return &unix.SockaddrUnix{Name: strings.Clone(name)}, 0
	}
	return nil, C.UV_EAFNOSUPPORT
}

// cStringView is the NUL-terminated string at p, or its first max bytes,
// over the host's memory and without a copy: only for a callee that keeps
// no reference to it (the io package's connects copy the name into the
// call's address), or to copy.
func cStringView(p *C.char, max int) string {
	b := (*byte)(unsafe.Pointer(p))
	n := 0
	for n < max && *(*byte)(unsafe.Add(unsafe.Pointer(b), n)) != 0 {
		n++
	}
	return unsafe.String(b, n)
}

// sockaddrInto reads an IPv4 C address into in4 or an IPv6 one into in6
// (the caller's, so that a caller keeping neither makes no allocation, as
// a TCP connect) and returns it; UV_EAFNOSUPPORT for another family.
func sockaddrInto(sa *C.struct_sockaddr, in4 *unix.SockaddrInet4, in6 *unix.SockaddrInet6) (unix.Sockaddr, C.int) {
	switch sa.sa_family {
	case C.AF_INET:
		in := (*C.struct_sockaddr_in)(unsafe.Pointer(sa))
		*in4 = unix.SockaddrInet4{Port: int(ntohs(uint16(in.sin_port)))}
		copy(in4.Addr[:], (*[4]byte)(unsafe.Pointer(&in.sin_addr))[:])
		return in4, 0
	case C.AF_INET6:
		in := (*C.struct_sockaddr_in6)(unsafe.Pointer(sa))
		*in6 = unix.SockaddrInet6{
			Port:   int(ntohs(uint16(in.sin6_port))),
			ZoneId: uint32(in.sin6_scope_id),
		}
		copy(in6.Addr[:], (*[16]byte)(unsafe.Pointer(&in.sin6_addr))[:])
		return in6, 0
	}
	return nil, C.UV_EAFNOSUPPORT
}

// sockaddrToC writes sa into the host's buffer of *namelen bytes and sets
// *namelen to the address's length, truncating as getsockname(2) does.
func sockaddrToC(sa unix.Sockaddr, out *C.struct_sockaddr, namelen *C.int) C.int {
	if out == nil || namelen == nil {
		return C.UV_EINVAL
	}
	var buf [C.sizeof_struct_sockaddr_storage]byte
	var n int
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		in := (*C.struct_sockaddr_in)(unsafe.Pointer(&buf[0]))
		in.sin_family = C.AF_INET
		in.sin_port = C.in_port_t(htons(uint16(a.Port)))
		copy((*[4]byte)(unsafe.Pointer(&in.sin_addr))[:], a.Addr[:])
		n = C.sizeof_struct_sockaddr_in
	case *unix.SockaddrInet6:
		in := (*C.struct_sockaddr_in6)(unsafe.Pointer(&buf[0]))
		in.sin6_family = C.AF_INET6
		in.sin6_port = C.in_port_t(htons(uint16(a.Port)))
		in.sin6_scope_id = C.uint32_t(a.ZoneId)
		copy((*[16]byte)(unsafe.Pointer(&in.sin6_addr))[:], a.Addr[:])
		n = C.sizeof_struct_sockaddr_in6
	case *unix.SockaddrUnix:
		un := (*C.struct_sockaddr_un)(unsafe.Pointer(&buf[0]))
		un.sun_family = C.AF_UNIX
		p := (*[108]byte)(unsafe.Pointer(&un.sun_path))
		copy(p[:], a.Name)
		n = int(unsafe.Offsetof(un.sun_path)) + len(a.Name) + 1
		if n > C.sizeof_struct_sockaddr_un {
			n = C.sizeof_struct_sockaddr_un
		}
	default:
		return C.UV_EAFNOSUPPORT
	}
	limit := int(*namelen)
	if limit < 0 {
		return C.UV_EINVAL
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(out)), min(limit, n)), buf[:n])
	*namelen = C.int(n)
	return 0
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
func ntohs(v uint16) uint16 { return v<<8 | v>>8 }
