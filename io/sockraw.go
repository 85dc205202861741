package uvio

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The socket calls a connection makes on the loop's thread and that never
// wait: socket(2), connect(2) of a non-blocking TCP socket, and
// get/setsockopt(2) of an int or of SO_LINGER. They go to the kernel with
// RawSyscall, as the stream engine's reads and writes do: the scheduler
// need not hear of a call that cannot block (entersyscall and exitsyscall
// were 1.1% of bench_stream_accept's time). close(2), which SO_LINGER can
// make wait, and a unix socket's connect, which looks up a path, keep
// unix.Syscall. These also take their arguments without the allocations
// of x/sys's wrappers (a Sockaddr's conversion, a Linger's pointer).

func socketRaw(domain, typ int) (int, error) {
	fd, _, e := unix.RawSyscall(unix.SYS_SOCKET, uintptr(domain), uintptr(typ), 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

func getsockoptIntRaw(fd, level, opt int) (int, error) {
	var v int32
	n := uint32(unsafe.Sizeof(v))
	// SAFETY: v and n live on this frame until the call returns.
	_, _, e := unix.RawSyscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(&v)), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return 0, e
	}
	return int(v), nil
}

func setsockoptRaw(fd, level, opt int, p unsafe.Pointer, n uintptr) error {
	_, _, e := unix.RawSyscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(p), n, 0)
	if e != 0 {
		return e
	}
	return nil
}

func setsockoptIntRaw(fd, level, opt, value int) error {
	v := int32(value)
	// SAFETY: v lives on this frame until the call returns.
	return setsockoptRaw(fd, level, opt, unsafe.Pointer(&v), unsafe.Sizeof(v))
}

// connectInetRaw starts connecting the non-blocking socket fd to an IPv4
// or IPv6 address; the address is written on this frame, so sa does not
// escape. EINTR is retried.
func connectInetRaw(fd int, sa unix.Sockaddr) error {
	var p unsafe.Pointer
	var n uintptr
	var in4 unix.RawSockaddrInet4
	var in6 unix.RawSockaddrInet6
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		in4.Family = unix.AF_INET
		putPort(&in4.Port, a.Port)
		in4.Addr = a.Addr
		p, n = unsafe.Pointer(&in4), unsafe.Sizeof(in4)
	case *unix.SockaddrInet6:
		in6.Family = unix.AF_INET6
		putPort(&in6.Port, a.Port)
		in6.Addr = a.Addr
		in6.Scope_id = a.ZoneId
		p, n = unsafe.Pointer(&in6), unsafe.Sizeof(in6)
	default:
		return unix.EAFNOSUPPORT
	}
	for {
		// SAFETY: in4 and in6 live on this frame until the call returns.
		_, _, e := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(p), n)
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return e
	}
}

// putPort stores port in network byte order.
func putPort(dst *uint16, port int) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(port>>8), byte(port)
}
