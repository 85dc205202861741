package uvio

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// UDP flags, at libuv's values (uv_udp_flags): bind flags, receive flags
// and the init flag that selects recvmmsg.
const (
	UDPIPv6Only     = 1
	UDPPartial      = 2
	UDPReuseAddr    = 4
	UDPMmsgChunk    = 8
	UDPMmsgFree     = 16
	UDPLinuxRecvErr = 32
	UDPReusePort    = 64 // newer libuv's UV_UDP_REUSEPORT
	UDPRecvmmsg     = 256
)

const (
	// UDPDgramMax is the buffer size a receive asks alloc for: the
	// largest UDP payload, rounded up, as libuv suggests.
	UDPDgramMax = 64 * 1024
	// udpMmsgWidth is how many datagrams one recvmmsg or sendmmsg moves.
	udpMmsgWidth = 20
	// udpRecvBudget bounds the datagrams read per readiness event, so
	// one busy socket cannot starve the rest of the loop.
	udpRecvBudget = 32
)

// UDPFlagConnected is set in the handle's state word (its record's flags,
// at libuv's value) while the handle is connected: a send engine in C
// (UDPSender) checks destinations with it.
const UDPFlagConnected uint32 = 0x02000000

// UDPFlagRecvmmsg is set in the handle's state word, at libuv's value, for
// a handle initialised with UDPRecvmmsg; it stays after the close, when
// hosts may still ask (uv_udp_using_recvmmsg).
const UDPFlagRecvmmsg uint32 = 0x04000000

// State bits of a UDP handle of its own.
const (
	udpBound      = 1 << iota // bind succeeded (explicitly or deferred)
	udpIPv6                   // bound to an IPv6 address: options use IPPROTO_IPV6
	udpProcessing             // send completions are being delivered
)

// Errors of UDP handles that are not system errors.
var (
	// ErrUDPNoDest is a send without an address on an unconnected handle
	// (UV_EDESTADDRREQ in libuv).
	ErrUDPNoDest = unix.EDESTADDRREQ
	// ErrUDPIsConn is a send with an address on a connected handle.
	ErrUDPIsConn = unix.EISCONN
	// ErrUDPFlags reports flags or families libuv rejects with UV_EINVAL.
	ErrUDPFlags = unix.EINVAL
	// errUDPAgain is the one try-send failure that means "later".
	errUDPAgain = unix.EAGAIN
)

// UDPAllocFunc returns the buffer for the next datagram(s). suggested is
// the size libuv suggests (UDPDgramMax). A nil or empty buffer makes the
// receive report ENOBUFS.
type UDPAllocFunc func(u *UDP, suggested int) []byte

// UDPRecvFunc hears one receive: n bytes in buf from the peer at from with
// UDP* flags, or err; n == 0 with from == nil means nothing more to read
// now (buf goes back to its owner). In recvmmsg mode every datagram comes
// with UDPMmsgChunk and buf is its chunk; a last call with UDPMmsgFree
// hands back the whole buffer.
type UDPRecvFunc func(u *UDP, n int, err error, buf []byte, from *unix.RawSockaddrAny, flags int)

// UDPSendDoneFunc hears that a send completed (err nil) or failed.
type UDPSendDoneFunc func(s *UDPSend, err error)

// UDPSend is one queued datagram. The UDP handle recycles it once its
// completion has been delivered: get one with NewSend for every send.
type UDPSend struct {
	next    *UDPSend
	u       *UDP
	iov     []unix.Iovec
	name    unsafe.Pointer // destination, or nil on a connected handle
	namelen uint32
	size    int
	err     error

	// User belongs to the code that queued the send (capi keeps the C
	// request there). It is valid until the completion callback returns.
	User unsafe.Pointer
}

// UDP is a datagram socket handle (uv_udp_t).
type UDP struct {
	loop.Handle
	*udpEngine // a Go program's sends and receives; nil for an owner's handle

	// Counters a host reads directly (send_queue_size, send_queue_count).
	queueSize  *uintptr
	queueCount *uintptr
	state      uint32
	_          uint32 // the watcher's descriptor lands on io_watcher.fd

	// The watcher comes last: its descriptor is the host-visible one
	// (io_watcher.fd) when the handle lives in a host's memory.
	w loop.IO
}

// A host's handle, whose sends and receives run in the owner's engines
// (UDPSender, UDPReader), holds no Go pointer, so it can live in the
// host's memory: UDPSize bytes, its descriptor UDPFDOffset bytes in
// (capi/layout.go checks both against uv_udp_t).
const (
	UDPSize     = unsafe.Sizeof(UDP{})
	UDPFDOffset = unsafe.Offsetof(UDP{}.w) + loop.IOFDOffset
)

// udpEngine is the state of a Go program's sends and receives.
type udpEngine struct {
	ownSize, ownCount uintptr // the queue counters

	sendHead, sendTail *UDPSend // waiting for the socket
	doneHead, doneTail *UDPSend // waiting for their callback
	free               *UDPSend // recycled sends

	alloc    UDPAllocFunc
	recv     UDPRecvFunc
	sendDone UDPSendDoneFunc

	// peers receive the senders' addresses. They are a separate,
	// pointer-free allocation so that C may be handed a pointer into them
	// during a callback (cgo checks the whole object a pointer points to).
	peers *[udpMmsgWidth]unix.RawSockaddrAny
	mm    *udpMmsgBufs
}

// udpMmsgBufs are the headers of one recvmmsg or sendmmsg call.
type udpMmsgBufs struct {
	hdrs [udpMmsgWidth]unix.Mmsghdr
	iovs [udpMmsgWidth]unix.Iovec
}

// UDPPlace says where a host's UDP handle keeps what the host reads
// directly: its record with its state bits (uv_handle_t.flags) and its
// queue counters (send_queue_size, send_queue_count); the descriptor is
// in the handle itself. A handle with a place is the owner's: its sends
// and receives run in the owner's engines (SetUDPSender, SetUDPReader),
// and it lives in the owner's memory (loop.Handle.InitInPlace). The zero
// place makes a Go program's handle.
type UDPPlace struct {
	Rec        *loop.Rec
	QueueSize  *uintptr
	QueueCount *uintptr
}

// InitUDP prepares u on l (uv_udp_init_ex). flags holds the address family
// in its low byte (AF_UNSPEC: no socket until bind, connect or the first
// send) and UDPRecvmmsg above it; other bits are refused. sendDone hears
// every completed send and may be nil.
func InitUDP(l *loop.Loop, u *UDP, kind int, flags uint, place UDPPlace, sendDone UDPSendDoneFunc) error {
	domain := int(flags & 0xff)
	if domain != unix.AF_INET && domain != unix.AF_INET6 && domain != unix.AF_UNSPEC {
		return ErrUDPFlags
	}
	if flags&^0xff&^UDPRecvmmsg != 0 {
		return ErrUDPFlags
	}
	fd := -1
	if domain != unix.AF_UNSPEC {
		var err error
		fd, err = udpSocket(domain)
		if err != nil {
			return err
		}
	}
	*u = UDP{queueSize: place.QueueSize, queueCount: place.QueueCount} // a host's memory is cleared by its owner first
	if place.Rec == nil {
		u.udpEngine = &udpEngine{sendDone: sendDone}
		u.queueSize, u.queueCount = &u.ownSize, &u.ownCount
		u.Handle.InitExternal(l, u, kind, nil)
	} else {
		u.Handle.InitInPlace(l, u, kind, place.Rec)
	}
	*u.queueSize, *u.queueCount = 0, 0
	if flags&UDPRecvmmsg != 0 {
		*u.FlagWord() |= UDPFlagRecvmmsg
	}
	u.setFD(fd)
	return nil
}

func udpSocket(domain int) (int, error) {
	return unix.Socket(domain, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// setFD records the socket and (re)initialises the watcher on it.
func (u *UDP) setFD(fd int) {
	u.Loop().InitIO(&u.w, fd, udpClass)
}

// FD returns the socket, -1 when there is none yet.
func (u *UDP) FD() int { return u.w.FD() }

// UsingRecvmmsg reports whether receives batch datagrams with recvmmsg.
func (u *UDP) UsingRecvmmsg() bool { return *u.FlagWord()&UDPFlagRecvmmsg != 0 }

// Open adopts an existing socket (uv_udp_open): it is made non-blocking
// and address-reusable, and a socket that already has a peer counts as
// connected.
func (u *UDP) Open(fd int) error {
	return u.open(fd, UDPReuseAddr)
}

// OpenEx adopts fd as Open does, but sets only the reuse options flags
// asks for, UDPReuseAddr and UDPReusePort (uv_udp_open_ex, libuv 1.52).
func (u *UDP) OpenEx(fd int, flags int) error {
	if flags&^(UDPReuseAddr|UDPReusePort) != 0 {
		return ErrUDPFlags
	}
	return u.open(fd, flags)
}

func (u *UDP) open(fd int, flags int) error {
	if u.IsClosing() {
		return loop.ErrClosing
	}
	if u.FD() != -1 {
		return unix.EBUSY
	}
	if u.Loop().IOWatched(fd) {
		return unix.EEXIST
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return err
	}
	if flags&UDPReuseAddr != 0 {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return err
		}
	}
	if flags&UDPReusePort != 0 {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return err
		}
	}
	u.setFD(fd)
	if _, err := unix.Getpeername(fd); err == nil {
		*u.FlagWord() |= UDPFlagConnected
	}
	return nil
}

// Bind binds the socket, creating it if needed (uv_udp_bind). flags may
// hold UDPIPv6Only, UDPReuseAddr, UDPReusePort and UDPLinuxRecvErr.
func (u *UDP) Bind(sa unix.Sockaddr, flags int) error {
	if u.IsClosing() {
		return loop.ErrClosing
	}
	if flags&^(UDPIPv6Only|UDPReuseAddr|UDPReusePort|UDPLinuxRecvErr) != 0 {
		return ErrUDPFlags
	}
	family := udpFamily(sa)
	if family < 0 {
		return ErrUDPFlags
	}
	if flags&UDPIPv6Only != 0 && family != unix.AF_INET6 {
		return ErrUDPFlags
	}
	if u.FD() == -1 {
		fd, err := udpSocket(family)
		if err != nil {
			return err
		}
		u.setFD(fd)
	}
	if flags&UDPLinuxRecvErr != 0 {
		level, opt := unix.IPPROTO_IP, unix.IP_RECVERR
		if family == unix.AF_INET6 {
			level, opt = unix.IPPROTO_IPV6, unix.IPV6_RECVERR
		}
		if err := unix.SetsockoptInt(u.FD(), level, opt, 1); err != nil {
			return err
		}
	}
	if flags&UDPReuseAddr != 0 {
		if err := unix.SetsockoptInt(u.FD(), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return err
		}
	}
	// SO_REUSEPORT lets several sockets bind the same address and port,
	// the kernel spreading datagrams among them.
	if flags&UDPReusePort != 0 {
		if err := unix.SetsockoptInt(u.FD(), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return err
		}
	}
	if flags&UDPIPv6Only != 0 {
		if err := unix.SetsockoptInt(u.FD(), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1); err != nil {
			return err
		}
	}
	if err := unix.Bind(u.FD(), sa); err != nil {
		// A socket of one family bound to an address of the other: libuv
		// reports that as a bad argument on every platform.
		if err == unix.EAFNOSUPPORT {
			return ErrUDPFlags
		}
		return err
	}
	if family == unix.AF_INET6 {
		u.state |= udpIPv6
	}
	u.state |= udpBound
	return nil
}

func udpFamily(sa unix.Sockaddr) int {
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return unix.AF_INET
	case *unix.SockaddrInet6:
		return unix.AF_INET6
	}
	return -1
}

// bindDeferred gives a handle without a socket one bound to the wildcard
// address of family, as libuv does before the first send or receive.
func (u *UDP) bindDeferred(family int, flags int) error {
	if u.FD() != -1 {
		return nil
	}
	switch family {
	case unix.AF_INET:
		return u.Bind(&unix.SockaddrInet4{}, flags)
	case unix.AF_INET6:
		return u.Bind(&unix.SockaddrInet6{}, flags)
	}
	return ErrUDPFlags
}

// Connect associates the handle with one peer (uv_udp_connect); a nil sa
// removes the association.
func (u *UDP) Connect(sa unix.Sockaddr) error {
	if u.IsClosing() {
		return loop.ErrClosing
	}
	if sa == nil {
		if !u.connected() {
			return unix.ENOTCONN
		}
		// Connecting to AF_UNSPEC dissolves the association; Linux may
		// answer EAFNOSUPPORT and still do it.
		unspec := unix.RawSockaddr{Family: unix.AF_UNSPEC}
		_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(u.FD()), uintptr(unsafe.Pointer(&unspec)), unsafe.Sizeof(unspec))
		if e != 0 && e != unix.EAFNOSUPPORT {
			return e
		}
		*u.FlagWord() &^= UDPFlagConnected
		return nil
	}
	family := udpFamily(sa)
	if family < 0 {
		return ErrUDPFlags
	}
	if u.connected() {
		return ErrUDPIsConn
	}
	if err := u.bindDeferred(family, 0); err != nil {
		return err
	}
	for {
		err := unix.Connect(u.FD(), sa)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	*u.FlagWord() |= UDPFlagConnected
	return nil
}

func (u *UDP) connected() bool { return *u.FlagWord()&UDPFlagConnected != 0 }

// PrepareSend gives a handle without a socket one bound to the wildcard
// address of family, as the first send to an address does (for a
// UDPSender).
func (u *UDP) PrepareSend(family int) error { return u.bindDeferred(family, 0) }

// Sockname returns the local address (EBADF without a socket).
func (u *UDP) Sockname() (unix.Sockaddr, error) {
	if u.FD() < 0 {
		return nil, unix.EBADF
	}
	return unix.Getsockname(u.FD())
}

// Peername returns the connected peer: EBADF without a socket, the
// kernel's ENOTCONN without a peer, as libuv 1.44 answers.
func (u *UDP) Peername() (unix.Sockaddr, error) {
	if u.FD() < 0 {
		return nil, unix.EBADF
	}
	return unix.Getpeername(u.FD())
}

// NewSend returns a send for u, recycled from earlier completions when
// possible so that steady sending allocates nothing.
func (u *UDP) NewSend() *UDPSend {
	s := u.free
	if s != nil {
		u.free = s.next
		s.next = nil
		return s
	}
	return &UDPSend{u: u}
}

// recycle keeps s for a later NewSend.
func (u *UDP) recycle(s *UDPSend) {
	s.iov, s.name, s.User, s.err = nil, nil, nil, nil
	s.next = u.free
	u.free = s
}

// checkDest applies libuv's rules on addressed and unaddressed sends and
// returns the destination's family (0 for none).
func (u *UDP) checkDest(name unsafe.Pointer, namelen uint32) (int, error) {
	if name != nil && u.connected() {
		return 0, ErrUDPIsConn
	}
	if name == nil {
		if !u.connected() {
			return 0, ErrUDPNoDest
		}
		return 0, nil
	}
	if namelen < 2 {
		return 0, ErrUDPFlags
	}
	// The first two bytes of any socket address are its family. A
	// datagram socket of the Unix family (adopted with Open) sends to
	// sockaddr_un addresses.
	family := int(*(*uint16)(name))
	if family != unix.AF_INET && family != unix.AF_INET6 && family != unix.AF_UNIX {
		return 0, ErrUDPFlags
	}
	return family, nil
}

// Send queues one datagram of the buffers iov to name (a raw socket
// address of namelen bytes, nil on a connected handle) and tries to send
// it at once if nothing is queued ahead (uv_udp_send). iov and name must
// stay valid until the completion. The completion is delivered through
// the sendDone function given to InitUDP, from the loop's pending phase,
// never from inside Send. s comes from NewSend.
func (u *UDP) Send(s *UDPSend, iov []unix.Iovec, name unsafe.Pointer, namelen uint32) error {
	if u.IsClosing() {
		u.recycle(s)
		return loop.ErrClosing
	}
	family, err := u.checkDest(name, namelen)
	if err == nil && name != nil {
		err = u.bindDeferred(family, 0)
	}
	if err != nil {
		u.recycle(s)
		return err
	}
	size := 0
	for i := range iov {
		size += int(iov[i].Len)
	}
	s.u, s.iov, s.name, s.namelen, s.size, s.err, s.next = u, iov, name, namelen, size, nil, nil
	empty := *u.queueCount == 0
	*u.queueSize += uintptr(size)
	*u.queueCount++
	if u.sendTail != nil {
		u.sendTail.next = s
	} else {
		u.sendHead = s
	}
	u.sendTail = s
	u.Loop().ReqStart()
	u.Handle.Start()
	l := u.Loop()
	if empty && u.state&udpProcessing == 0 {
		u.flush()
		if u.sendHead != nil {
			l.IOStart(&u.w, loop.EventWrite)
		}
	} else {
		l.IOStart(&u.w, loop.EventWrite)
	}
	return nil
}

// TrySend sends one datagram now or not at all (uv_udp_try_send): it
// returns the bytes sent, or EAGAIN if sends are queued or the socket is
// full.
func (u *UDP) TrySend(iov []unix.Iovec, name unsafe.Pointer, namelen uint32) (int, error) {
	if u.IsClosing() {
		return 0, loop.ErrClosing
	}
	family, err := u.checkDest(name, namelen)
	if err != nil {
		return 0, err
	}
	if *u.queueCount != 0 {
		return 0, errUDPAgain
	}
	if name != nil {
		if err := u.bindDeferred(family, 0); err != nil {
			return 0, err
		}
	}
	n, err := udpSendmsg(u.FD(), iov, name, namelen)
	if err == unix.EAGAIN || err == unix.ENOBUFS {
		return 0, errUDPAgain
	}
	return n, err
}

// udpSendmsg sends one datagram, retrying interruptions.
func udpSendmsg(fd int, iov []unix.Iovec, name unsafe.Pointer, namelen uint32) (int, error) {
	var msg unix.Msghdr
	msg.Name = (*byte)(name)
	msg.Namelen = namelen
	if len(iov) > 0 {
		msg.Iov = &iov[0]
		msg.SetIovlen(len(iov))
	}
	for {
		// The socket is non-blocking, so the raw system call cannot
		// stall the Go scheduler; msg lives on this stack for the call.
		n, _, e := unix.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}

// flush sends queued datagrams until the queue is empty or the socket is
// full, moving each sent (or failed) one to the completed queue.
func (u *UDP) flush() {
	fed := false
	for u.sendHead != nil && u.FD() >= 0 {
		s := u.sendHead
		if s.next == nil {
			_, err := udpSendmsg(u.FD(), s.iov, s.name, s.namelen)
			if err == unix.EAGAIN || err == unix.ENOBUFS {
				break
			}
			u.complete(s, err)
			fed = true
			continue
		}
		n, err := u.sendBatch()
		if err == unix.EAGAIN || err == unix.ENOBUFS {
			break
		}
		if err != nil {
			// The first datagram of the batch is the one that failed.
			u.complete(u.sendHead, err)
		}
		for ; n > 0; n-- {
			u.complete(u.sendHead, nil)
		}
		fed = true
	}
	if fed {
		u.Loop().IOFeed(&u.w)
	}
}

// sendBatch hands up to udpMmsgWidth queued datagrams to sendmmsg and
// returns how many the kernel took.
func (u *UDP) sendBatch() (int, error) {
	if u.mm == nil {
		u.mm = new(udpMmsgBufs)
	}
	mm := u.mm
	k := 0
	for s := u.sendHead; s != nil && k < udpMmsgWidth; s = s.next {
		h := &mm.hdrs[k].Hdr
		*h = unix.Msghdr{Name: (*byte)(s.name), Namelen: s.namelen}
		if len(s.iov) > 0 {
			h.Iov = &s.iov[0]
			h.SetIovlen(len(s.iov))
		}
		k++
	}
	for {
		// Non-blocking socket: the raw call returns at once.
		n, _, e := unix.RawSyscall6(unix.SYS_SENDMMSG, uintptr(u.FD()), uintptr(unsafe.Pointer(&mm.hdrs[0])), uintptr(k), 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}

// complete moves the head of the send queue to the completed queue.
func (u *UDP) complete(s *UDPSend, err error) {
	u.sendHead = s.next
	if u.sendHead == nil {
		u.sendTail = nil
	}
	s.next = nil
	s.err = err
	if u.doneTail != nil {
		u.doneTail.next = s
	} else {
		u.doneHead = s
	}
	u.doneTail = s
}

// runCompleted delivers the completions, then stops watching for
// writability once nothing is queued.
func (u *UDP) runCompleted() {
	u.state |= udpProcessing
	l := u.Loop()
	for u.doneHead != nil {
		s := u.doneHead
		u.doneHead = s.next
		if u.doneHead == nil {
			u.doneTail = nil
		}
		s.next = nil
		*u.queueSize -= uintptr(s.size)
		*u.queueCount--
		l.ReqDone()
		if u.sendDone != nil {
			u.sendDone(s, s.err)
		}
		u.recycle(s)
	}
	if u.sendHead == nil {
		if u.w.Active(loop.EventWrite) {
			l.IOStop(&u.w, loop.EventWrite)
		}
		if !u.w.Active(loop.EventRead) {
			u.Handle.Stop()
		}
	}
	u.state &^= udpProcessing
}

// RecvStart starts receiving (uv_udp_recv_start). A handle without a
// socket is bound to 0.0.0.0 first. With a UDPReader installed, the reader
// has the callbacks and alloc and recv may be nil.
func (u *UDP) RecvStart(alloc UDPAllocFunc, recv UDPRecvFunc) error {
	if u.IsClosing() {
		return loop.ErrClosing
	}
	if u.udpEngine != nil && (alloc == nil || recv == nil) {
		return loop.ErrNoCallback
	}
	if u.w.Active(loop.EventRead) {
		return unix.EALREADY
	}
	if err := u.bindDeferred(unix.AF_INET, 0); err != nil {
		return err
	}
	if u.udpEngine != nil {
		if u.peers == nil {
			u.peers = new([udpMmsgWidth]unix.RawSockaddrAny)
		}
		u.alloc, u.recv = alloc, recv
	}
	u.Loop().IOStart(&u.w, loop.EventRead)
	u.Handle.Start()
	return nil
}

// RecvStop stops receiving (uv_udp_recv_stop).
func (u *UDP) RecvStop() {
	u.Loop().IOStop(&u.w, loop.EventRead)
	if u.udpEngine == nil {
		if sending, _ := udpSender.SendState(u); !sending {
			u.Handle.Stop()
		}
		return
	}
	if !u.w.Active(loop.EventWrite) {
		u.Handle.Stop()
	}
	u.alloc, u.recv = nil, nil
}

// Receiving reports whether RecvStart is in effect (and the handle is
// not closing).
func (u *UDP) Receiving() bool { return u.w.Active(loop.EventRead) }

// udpClass is the watcher class of every UDP handle.
var udpClass = loop.RegisterIO(udpEvents)

func udpEvents(w *loop.IO, events uint32) {
	u := loop.OwnerOf[UDP](w, unsafe.Offsetof(UDP{}.w))
	if events&(loop.EventRead|loop.EventError|loop.EventHup) != 0 && u.Receiving() {
		u.readable()
	}
	// With IP_RECVERR (UDPLinuxRecvErr) an ICMP error also waits in the
	// socket's error queue, and the socket stays in error until that
	// queue is read: without this the loop would wake for it forever.
	if events&loop.EventError != 0 && u.Receiving() && u.FD() >= 0 {
		u.readErrQueue()
	}
	// Completions are delivered on writability or a feed only, as in
	// libuv: a read event leaves the send side alone.
	if events&(loop.EventWrite|loop.EventFeed) != 0 {
		if u.udpEngine == nil {
			udpSender.SendIO(u)
			if u.FD() >= 0 {
				u.syncSends()
			}
			return
		}
		u.flush()
		u.runCompleted()
	}
}

// UDPReader runs the receives of one readiness event of a UDP handle: it
// asks for buffers, reads, and delivers datagrams, "nothing now" and
// errors as readable does (as readErrQueue does, from the socket's error
// queue, when errQueue is set), at most max datagrams, stopping when the
// receiver stops or the handle closes. capi's is C, so that a datagram's
// buffer, read and callback cost no crossing.
type UDPReader func(u *UDP, max int, errQueue bool)

// udpReader runs the receives of the owner's handles.
var udpReader UDPReader

// SetUDPReader chooses who runs the receives; it must be called before the
// first handle receives.
func SetUDPReader(r UDPReader) { udpReader = r }

// UDPSender runs the sends of UDP handles instead of this package: capi's
// is C, because uv_udp_send sends before it returns when nothing is queued
// and a crossing per datagram would cost more than the send. It keeps the
// queue, the finished sends and their callbacks; the handle watches for
// writability for it and calls it at the points below. When a call outside
// the loop leaves it work, it submits the handle (loop.SubOwner).
type UDPSender interface {
	// SendIO sends what is queued and runs the finished sends'
	// callbacks: the socket is writable, or the pending phase has come.
	SendIO(u *UDP)
	// CancelSends fails what is queued as the handle closes, after the
	// finished sends report.
	CancelSends(u *UDP)
	// SendState says whether sends are queued (watch for writability)
	// and whether finished ones wait for their callbacks.
	SendState(u *UDP) (queued, pending bool)
}

// udpSender runs the sends of the owner's handles.
var udpSender UDPSender

// SetUDPSender chooses who runs the sends; it must be called before the
// first handle sends.
func SetUDPSender(s UDPSender) { udpSender = s }

// Submitted is the loop's word that the sender left the handle work
// (loop.Submitter).
func (u *UDP) Submitted() {
	if u.FD() >= 0 && u.udpEngine == nil {
		u.syncSends()
	}
}

// syncSends makes the loop serve the sender: watch for writability while
// sends are queued, and feed the pending phase when callbacks wait.
func (u *UDP) syncSends() {
	queued, pending := udpSender.SendState(u)
	u.Loop().IOWatch(&u.w, loop.EventWrite, queued)
	if pending {
		u.Loop().IOFeed(&u.w)
	}
}

// readable reads until the socket is empty, the budget is spent, or the
// receive callback stops or closes the handle.
func (u *UDP) readable() {
	if u.udpEngine == nil {
		udpReader(u, udpRecvBudget, false)
		return
	}
	for count := udpRecvBudget; count > 0 && u.FD() >= 0 && u.recv != nil; {
		buf := u.alloc(u, UDPDgramMax)
		if u.recv == nil {
			// alloc stopped or closed the handle: nothing may be read.
			return
		}
		if len(buf) == 0 {
			u.recv(u, 0, unix.ENOBUFS, buf, nil, 0)
			return
		}
		if u.UsingRecvmmsg() {
			// recvmmsg reads into 64 KiB chunks: a smaller buffer holds
			// none, and newer libuv reports that as a bad argument (1.44
			// spun on empty batches).
			if len(buf) < UDPDgramMax {
				u.recv(u, 0, unix.EINVAL, buf, nil, 0)
				return
			}
			n := u.recvBatch(buf)
			if n <= 0 {
				return
			}
			count -= n
			continue
		}
		if !u.recvOne(buf) {
			return
		}
		count--
	}
}

// recvOne reads one datagram into buf and reports whether to go on.
func (u *UDP) recvOne(buf []byte) bool {
	peer := &u.peers[0]
	iov := unix.Iovec{Base: &buf[0]}
	iov.SetLen(len(buf))
	var msg unix.Msghdr
	msg.Name = (*byte)(unsafe.Pointer(peer))
	msg.Namelen = unix.SizeofSockaddrAny
	msg.Iov = &iov
	msg.Iovlen = 1
	var n uintptr
	var e unix.Errno
	for {
		// Non-blocking socket: the raw call returns at once; msg and iov
		// live on this stack for its duration.
		n, _, e = unix.RawSyscall(unix.SYS_RECVMSG, uintptr(u.FD()), uintptr(unsafe.Pointer(&msg)), 0)
		if e != unix.EINTR {
			break
		}
	}
	if e == unix.EAGAIN {
		u.recv(u, 0, nil, buf, nil, 0)
		return false
	}
	if e != 0 {
		u.recv(u, 0, e, buf, nil, 0)
		return false
	}
	flags := 0
	if msg.Flags&unix.MSG_TRUNC != 0 {
		flags |= UDPPartial
	}
	u.recv(u, int(n), nil, buf, peer, flags)
	return true
}

// readErrQueue reads the socket's error queue (MSG_ERRQUEUE) as newer
// libuv does: each queued ICMP error reaches the receive callback as its
// errno with UDPLinuxRecvErr and the address of the host that reported
// it, and the drained queue ends with the usual nread == 0 call.
func (u *UDP) readErrQueue() {
	if u.udpEngine == nil {
		udpReader(u, udpRecvBudget, true)
		return
	}
	for count := udpRecvBudget; count > 0 && u.FD() >= 0 && u.recv != nil; count-- {
		buf := u.alloc(u, UDPDgramMax)
		if u.recv == nil {
			return
		}
		if len(buf) == 0 {
			u.recv(u, 0, unix.ENOBUFS, buf, nil, 0)
			return
		}
		peer := &u.peers[0]
		*peer = unix.RawSockaddrAny{}
		var control [256]byte
		iov := unix.Iovec{Base: &buf[0]}
		iov.SetLen(len(buf))
		msg := unix.Msghdr{
			Name:    (*byte)(unsafe.Pointer(peer)),
			Namelen: unix.SizeofSockaddrAny,
			Iov:     &iov,
			Iovlen:  1,
			Control: &control[0],
		}
		msg.SetControllen(len(control))
		var n uintptr
		var e unix.Errno
		for {
			// Non-blocking socket: the raw call returns at once; msg, iov
			// and control live on this stack for its duration.
			n, _, e = unix.RawSyscall(unix.SYS_RECVMSG, uintptr(u.FD()), uintptr(unsafe.Pointer(&msg)), unix.MSG_ERRQUEUE)
			if e != unix.EINTR {
				break
			}
		}
		if e == unix.EAGAIN {
			u.recv(u, 0, nil, buf, nil, 0)
			return
		}
		if e != 0 {
			u.recv(u, 0, e, buf, nil, 0)
			return
		}
		flags := 0
		if msg.Flags&unix.MSG_TRUNC != 0 {
			flags |= UDPPartial
		}
		if msg.Flags&unix.MSG_ERRQUEUE != 0 {
			if errno, ok := udpQueuedError(control[:msg.Controllen], peer); ok {
				u.recv(u, 0, errno, buf, peer, flags|UDPLinuxRecvErr)
				continue
			}
		}
		u.recv(u, int(n), nil, buf, peer, flags)
	}
}

// udpQueuedError finds the IP_RECVERR or IPV6_RECVERR message among the
// control messages of an error-queue read and returns its errno; the
// address of the host that reported it (the "offender", which follows the
// struct sock_extended_err) replaces *peer.
func udpQueuedError(control []byte, peer *unix.RawSockaddrAny) (unix.Errno, bool) {
	msgs, err := unix.ParseSocketControlMessage(control)
	if err != nil {
		return 0, false
	}
	for _, m := range msgs {
		if !(m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_RECVERR) &&
			!(m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_RECVERR) {
			continue
		}
		if len(m.Data) < int(unsafe.Sizeof(unix.SockExtendedErr{})) {
			continue
		}
		ee := (*unix.SockExtendedErr)(unsafe.Pointer(&m.Data[0]))
		*peer = unix.RawSockaddrAny{}
		off := m.Data[unsafe.Sizeof(unix.SockExtendedErr{}):]
		copy(unsafe.Slice((*byte)(unsafe.Pointer(peer)), unix.SizeofSockaddrAny), off)
		return unix.Errno(ee.Errno), true
	}
	return 0, false
}

// recvBatch reads up to udpMmsgWidth datagrams into UDPDgramMax-sized
// chunks of buf with one recvmmsg and returns how many it delivered.
func (u *UDP) recvBatch(buf []byte) int {
	if u.mm == nil {
		u.mm = new(udpMmsgBufs)
	}
	mm := u.mm
	chunks := min(len(buf)/UDPDgramMax, udpMmsgWidth)
	for k := 0; k < chunks; k++ {
		mm.iovs[k] = unix.Iovec{Base: &buf[k*UDPDgramMax]}
		mm.iovs[k].SetLen(UDPDgramMax)
		mm.hdrs[k] = unix.Mmsghdr{Hdr: unix.Msghdr{
			Name:    (*byte)(unsafe.Pointer(&u.peers[k])),
			Namelen: unix.SizeofSockaddrAny,
			Iov:     &mm.iovs[k],
			Iovlen:  1,
		}}
	}
	var n uintptr
	var e unix.Errno
	for {
		// Non-blocking socket and no timeout: the raw call returns at once.
		n, _, e = unix.RawSyscall6(unix.SYS_RECVMMSG, uintptr(u.FD()), uintptr(unsafe.Pointer(&mm.hdrs[0])), uintptr(chunks), 0, 0, 0)
		if e != unix.EINTR {
			break
		}
	}
	if e == unix.EAGAIN || (e == 0 && n == 0) {
		u.recv(u, 0, nil, buf, nil, 0)
		return 0
	}
	if e != 0 {
		u.recv(u, 0, e, buf, nil, 0)
		return 0
	}
	for k := 0; k < int(n) && u.recv != nil; k++ {
		flags := UDPMmsgChunk
		if mm.hdrs[k].Hdr.Flags&unix.MSG_TRUNC != 0 {
			flags |= UDPPartial
		}
		chunk := buf[k*UDPDgramMax : (k+1)*UDPDgramMax]
		u.recv(u, int(mm.hdrs[k].Len), nil, chunk, &u.peers[k], flags)
	}
	// One last call hands the whole buffer back to be freed.
	if u.recv != nil {
		u.recv(u, 0, nil, buf, nil, UDPMmsgFree)
	}
	return int(n)
}

// CloseHandle stops the socket and closes it (uv_close's first half).
func (u *UDP) CloseHandle() {
	fd := u.FD()
	u.Loop().IOClose(&u.w) // the descriptor is -1 from here
	u.Handle.Stop()
	if fd >= 0 {
		unix.Close(fd)
	}
}

// FinishClose cancels the sends still queued: their callbacks run with
// ECANCELED, after those that completed, before the close callback.
func (u *UDP) FinishClose() {
	if u.udpEngine == nil {
		udpSender.CancelSends(u)
		return
	}
	for u.sendHead != nil {
		u.complete(u.sendHead, unix.ECANCELED)
	}
	u.runCompleted()
	u.alloc, u.recv = nil, nil
}

// Membership4 joins or leaves the IPv4 group on the interface with
// address iface (zero: any) (uv_udp_set_membership).
func (u *UDP) Membership4(group, iface [4]byte, join bool) error {
	if err := u.bindDeferred(unix.AF_INET, UDPReuseAddr); err != nil {
		return err
	}
	opt := unix.IP_DROP_MEMBERSHIP
	if join {
		opt = unix.IP_ADD_MEMBERSHIP
	}
	return unix.SetsockoptIPMreq(u.FD(), unix.IPPROTO_IP, opt, &unix.IPMreq{Multiaddr: group, Interface: iface})
}

// Membership6 joins or leaves the IPv6 group on interface index ifindex
// (0: the kernel's choice).
func (u *UDP) Membership6(group [16]byte, ifindex uint32, join bool) error {
	if err := u.bindDeferred(unix.AF_INET6, UDPReuseAddr); err != nil {
		return err
	}
	opt := unix.IPV6_DROP_MEMBERSHIP
	if join {
		opt = unix.IPV6_ADD_MEMBERSHIP
	}
	return unix.SetsockoptIPv6Mreq(u.FD(), unix.IPPROTO_IPV6, opt, &unix.IPv6Mreq{Multiaddr: group, Interface: ifindex})
}

// SourceMembership4 joins or leaves the source-specific IPv4 group.
func (u *UDP) SourceMembership4(group, iface, source [4]byte, join bool) error {
	if err := u.bindDeferred(unix.AF_INET, UDPReuseAddr); err != nil {
		return err
	}
	opt := unix.IP_DROP_SOURCE_MEMBERSHIP
	if join {
		opt = unix.IP_ADD_SOURCE_MEMBERSHIP
	}
	// struct ip_mreq_source: group, interface, source.
	var req [12]byte
	copy(req[0:], group[:])
	copy(req[4:], iface[:])
	copy(req[8:], source[:])
	return udpSetsockoptBytes(u.FD(), unix.IPPROTO_IP, opt, req[:])
}

// SourceMembership6 joins or leaves the source-specific IPv6 group on
// interface index ifindex.
func (u *UDP) SourceMembership6(group, source [16]byte, ifindex uint32, join bool) error {
	if err := u.bindDeferred(unix.AF_INET6, UDPReuseAddr); err != nil {
		return err
	}
	opt := unix.MCAST_LEAVE_SOURCE_GROUP
	if join {
		opt = unix.MCAST_JOIN_SOURCE_GROUP
	}
	// struct group_source_req: a 32-bit interface index, padding to 8,
	// then two sockaddr_storage (group, source) holding sockaddr_in6.
	const storage = 128
	var req [8 + 2*storage]byte
	*(*uint32)(unsafe.Pointer(&req[0])) = ifindex
	for i, a := range [2][16]byte{group, source} {
		off := 8 + i*storage
		*(*uint16)(unsafe.Pointer(&req[off])) = unix.AF_INET6
		copy(req[off+8:off+24], a[:])
	}
	return udpSetsockoptBytes(u.FD(), unix.IPPROTO_IPV6, opt, req[:])
}

func udpSetsockoptBytes(fd, level, opt int, b []byte) error {
	_, _, e := unix.Syscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
	if e != 0 {
		return e
	}
	return nil
}

// setIPOpt sets an integer option at the IPv4 or IPv6 level, whichever
// the handle is bound to, as libuv does.
func (u *UDP) setIPOpt(opt4, opt6, v int) error {
	if u.state&udpIPv6 != 0 {
		return unix.SetsockoptInt(u.FD(), unix.IPPROTO_IPV6, opt6, v)
	}
	return unix.SetsockoptInt(u.FD(), unix.IPPROTO_IP, opt4, v)
}

// SetTTL sets the unicast TTL / hop limit, 1 to 255 (uv_udp_set_ttl).
func (u *UDP) SetTTL(ttl int) error {
	if ttl < 1 || ttl > 255 {
		return ErrUDPFlags
	}
	return u.setIPOpt(unix.IP_TTL, unix.IPV6_UNICAST_HOPS, ttl)
}

// SetMulticastTTL sets the multicast TTL / hop limit, 0 to 255.
func (u *UDP) SetMulticastTTL(ttl int) error {
	if ttl < 0 || ttl > 255 {
		return ErrUDPFlags
	}
	return u.setIPOpt(unix.IP_MULTICAST_TTL, unix.IPV6_MULTICAST_HOPS, ttl)
}

// SetMulticastLoop turns the loopback of sent multicast on or off; libuv
// accepts 0 to 255.
func (u *UDP) SetMulticastLoop(on int) error {
	if on < 0 || on > 255 {
		return ErrUDPFlags
	}
	return u.setIPOpt(unix.IP_MULTICAST_LOOP, unix.IPV6_MULTICAST_LOOP, on)
}

// SetBroadcast sets SO_BROADCAST.
func (u *UDP) SetBroadcast(on int) error {
	return unix.SetsockoptInt(u.FD(), unix.SOL_SOCKET, unix.SO_BROADCAST, on)
}

// IPv6 reports whether the handle is bound to an IPv6 address.
func (u *UDP) IPv6() bool { return u.state&udpIPv6 != 0 }

// SetMulticastInterface4 picks the interface (by its address) that sends
// IPv4 multicast.
func (u *UDP) SetMulticastInterface4(addr [4]byte) error {
	return udpSetsockoptBytes(u.FD(), unix.IPPROTO_IP, unix.IP_MULTICAST_IF, addr[:])
}

// SetMulticastInterface6 picks the interface (by index) that sends IPv6
// multicast.
func (u *UDP) SetMulticastInterface6(ifindex uint32) error {
	return unix.SetsockoptInt(u.FD(), unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, int(ifindex))
}
