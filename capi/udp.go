package main

// #include "capi.h"
// #include "internal.h"
// #include "udp.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
)

// udpOf returns the Go handle behind a C uv_udp_t, or nil (reported
// under GOUV_DEBUG=1: a closed, never initialised or non-UDP handle).
func udpOf(cu *C.uv_udp_t) *uvio.UDP {
	u, ok := lookup[*uvio.UDP](unsafe.Pointer(cu))
	if !ok {
		debugf("uv_udp_*: handle %s is not an open UDP handle", ptr(unsafe.Pointer(cu)))
	}
	return u
}

//export uv_udp_init
func uv_udp_init(cl *C.uv_loop_t, cu *C.uv_udp_t) C.int {
	return uv_udp_init_ex(cl, cu, C.AF_UNSPEC)
}

//export uv_udp_init_ex
func uv_udp_init_ex(cl *C.uv_loop_t, cu *C.uv_udp_t, flags C.uint) C.int {
	s := stateOf(cl)
	if s == nil || cu == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(cu))
	// The Go handle lives in io_watcher, its descriptor on io_watcher.fd
	// (layout.go checks it). The state bits and the queue counters are the
	// C struct's, where hosts read them.
	handleIn(ch, unsafe.Sizeof(*cu))
	place := uvio.UDPPlace{
		Rec:        recOf(ch),
		QueueSize:  (*uintptr)(unsafe.Pointer(&cu.send_queue_size)),
		QueueCount: (*uintptr)(unsafe.Pointer(&cu.send_queue_count)),
	}
	u := udpAt(cu)
	if err := uvio.InitUDP(s.l, u, C.UV_UDP, uint(flags), place, nil); err != nil {
		return errno(err)
	}
	initHandle(ch, cl, C.UV_UDP)
	return 0
}

// udpAt returns the Go handle inside a C UDP handle.
func udpAt(cu *C.uv_udp_t) *uvio.UDP {
	return (*uvio.UDP)(unsafe.Pointer(&cu.io_watcher))
}

//export uv_udp_open
func uv_udp_open(cu *C.uv_udp_t, sock C.uv_os_sock_t) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.Open(int(sock)))
}

//export uv_udp_open_ex
func uv_udp_open_ex(cu *C.uv_udp_t, sock C.uv_os_sock_t, flags C.uint) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.OpenEx(int(sock), int(flags)))
}

//export gouv_udp_bind
func gouv_udp_bind(cu *C.uv_udp_t, addr *C.struct_sockaddr, flags C.uint) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	sa, rc := sockaddrFromC(addr)
	if rc != 0 {
		return C.UV_EINVAL
	}
	return errno(u.Bind(sa, int(flags)))
}

//export gouv_udp_connect
func gouv_udp_connect(cu *C.uv_udp_t, addr *C.struct_sockaddr) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	var sa unix.Sockaddr
	if addr != nil {
		var rc C.int
		if sa, rc = sockaddrFromC(addr); rc != 0 {
			return C.UV_EINVAL
		}
	}
	return errno(u.Connect(sa))
}

//export gouv_udp_getname
func gouv_udp_getname(cu *C.uv_udp_t, name *C.struct_sockaddr, namelen *C.int, peer C.int) C.int {
	u := udpOf(cu)
	if u == nil || name == nil || namelen == nil {
		return C.UV_EINVAL
	}
	var sa unix.Sockaddr
	var err error
	if peer != 0 {
		sa, err = u.Peername()
	} else {
		sa, err = u.Sockname()
	}
	if err != nil {
		return errno(err)
	}
	return sockaddrToC(sa, name, namelen)
}

//export gouv_udp_prepare_send
func gouv_udp_prepare_send(cu *C.uv_udp_t, family C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.PrepareSend(int(family)))
}

// udpSends is the send engine of C hosts' handles (udp.c): the loop calls it
// on writability and in the pending phase, and reads its queue words.
type udpSends struct{}

func (udpSends) SendIO(u *uvio.UDP)      { C.gouv_udp_send_io(cHandleAddr(u.Base())) }
func (udpSends) CancelSends(u *uvio.UDP) { C.gouv_udp_cancel_sends((*C.uv_udp_t)(cHandle(u.Base()))) }

// SendState reads the engine's lists in the C handle (udp.c names the
// words): the queue, and the finished sends.
func (udpSends) SendState(u *uvio.UDP) (queued, pending bool) {
	cu := (*C.uv_udp_t)(cHandle(u.Base()))
	return cu.gouv_udp_b[0] != nil, cu.gouv_udp_b[2] != nil
}

//export uv_udp_recv_start
func uv_udp_recv_start(cu *C.uv_udp_t, alloc C.uv_alloc_cb, recv C.uv_udp_recv_cb) C.int {
	u := udpOf(cu)
	if u == nil || alloc == nil || recv == nil {
		return C.UV_EINVAL
	}
	// The reads are C's (udp.c, the UDPReader): Go keeps no callbacks.
	if err := u.RecvStart(nil, nil); err != nil {
		return errno(err)
	}
	// C function pointers, kept in C memory for the C reader.
	cu.gouv_udp_a[0] = unsafe.Pointer(alloc)
	cu.gouv_udp_a[1] = unsafe.Pointer(recv)
	return 0
}

//export uv_udp_recv_stop
func uv_udp_recv_stop(cu *C.uv_udp_t) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	u.RecvStop()
	// The C reader stops at once, even inside its own callbacks.
	cu.gouv_udp_a[0], cu.gouv_udp_a[1] = nil, nil
	return 0
}

// The sends run in C (udp.c), and so do the receives of a readiness event,
// the error queue's too: one call per event, whatever the number of
// datagrams.
func init() {
	uvio.SetUDPSender(udpSends{})
	uvio.SetUDPReader(func(u *uvio.UDP, max int, errQueue bool) {
		q := C.int(0)
		if errQueue {
			q = 1
		}
		C.gouv_udp_read_direct(cHandleAddr(u.Base()), C.int(max), q)
	})
}

//export gouv_udp_membership4
func gouv_udp_membership4(cu *C.uv_udp_t, group, iface, source C.uint32_t, join, withSource C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	// The addresses arrive as in_addr_t words in network byte order:
	// their bytes in memory are the address.
	g := *(*[4]byte)(unsafe.Pointer(&group))
	i := *(*[4]byte)(unsafe.Pointer(&iface))
	if withSource != 0 {
		return errno(u.SourceMembership4(g, i, *(*[4]byte)(unsafe.Pointer(&source)), join != 0))
	}
	return errno(u.Membership4(g, i, join != 0))
}

//export gouv_udp_membership6
func gouv_udp_membership6(cu *C.uv_udp_t, group, source *C.char, ifindex C.uint, join C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	// group and source point at in6_addr values on the C caller's stack.
	g := *(*[16]byte)(unsafe.Pointer(group))
	if source != nil {
		return errno(u.SourceMembership6(g, *(*[16]byte)(unsafe.Pointer(source)), uint32(ifindex), join != 0))
	}
	return errno(u.Membership6(g, uint32(ifindex), join != 0))
}

//export gouv_udp_multicast_if
func gouv_udp_multicast_if(cu *C.uv_udp_t, family C.int, addr4 C.uint32_t, scope C.uint) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	if family == C.AF_UNSPEC {
		// No interface: the default of the handle's own family.
		if u.IPv6() {
			family = C.AF_INET6
		} else {
			family = C.AF_INET
		}
	}
	if family == C.AF_INET6 {
		return errno(u.SetMulticastInterface6(uint32(scope)))
	}
	return errno(u.SetMulticastInterface4(*(*[4]byte)(unsafe.Pointer(&addr4))))
}

//export uv_udp_set_multicast_loop
func uv_udp_set_multicast_loop(cu *C.uv_udp_t, on C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.SetMulticastLoop(int(on)))
}

//export uv_udp_set_multicast_ttl
func uv_udp_set_multicast_ttl(cu *C.uv_udp_t, ttl C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.SetMulticastTTL(int(ttl)))
}

//export uv_udp_set_ttl
func uv_udp_set_ttl(cu *C.uv_udp_t, ttl C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.SetTTL(int(ttl)))
}

//export uv_udp_set_broadcast
func uv_udp_set_broadcast(cu *C.uv_udp_t, on C.int) C.int {
	u := udpOf(cu)
	if u == nil {
		return C.UV_EINVAL
	}
	return errno(u.SetBroadcast(int(on)))
}
