package uvio

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// InitTCP prepares a TCP stream. family is AF_UNSPEC (the socket is made
// on bind or connect), AF_INET or AF_INET6 (made now).
func InitTCP(l *loop.Loop, s *Stream, handleKind int, hooks StreamHooks, family int,
	rec *loop.Rec, wqSize *uint64) error {
	switch family {
	case unix.AF_UNSPEC, unix.AF_INET, unix.AF_INET6:
	default:
		return unix.EINVAL
	}
	if family != unix.AF_UNSPEC {
		// Made before the handle joins the loop, so a failure leaves
		// nothing behind.
		sock, err := tcpSocket(family)
		if err != nil {
			return err
		}
		InitStream(l, s, KindTCP, handleKind, hooks, rec, wqSize)
		s.family = uint8(family)
		s.setFD(sock)
		return nil
	}
	InitStream(l, s, KindTCP, handleKind, hooks, rec, wqSize)
	return nil
}

func tcpSocket(family int) (int, error) {
	return socketRaw(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}

// tcpEnsureSocket makes the socket for family unless one exists, and adds
// flags (readable, writable) to the stream.
func (s *Stream) tcpEnsureSocket(family int, flags uint32) error {
	if s.FD() < 0 {
		sock, err := tcpSocket(family)
		if err != nil {
			return err
		}
		s.family = uint8(family)
		s.setFD(sock)
		if s.has(FlagTCPNoDelay) {
			setsockoptIntRaw(sock, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		}
		if s.has(FlagTCPKeepalive) {
			tcpKeepalive(sock, true, 60)
		}
	}
	s.set(flags)
	return nil
}

// Bind binds the socket (uv_tcp_bind). EADDRINUSE is kept for Listen or
// Connect to report, as libuv does.
func (s *Stream) Bind(sa unix.Sockaddr, ipv6only bool) error {
	return s.BindReusePort(sa, ipv6only, false)
}

// BindReusePort is Bind that can also set SO_REUSEPORT (newer libuv's
// UV_TCP_REUSEPORT), so that several listeners share one port and the
// kernel spreads the connections among them.
func (s *Stream) BindReusePort(sa unix.Sockaddr, ipv6only, reusePort bool) error {
	family := unix.AF_INET
	switch sa.(type) {
	case *unix.SockaddrInet4:
		if ipv6only {
			return unix.EINVAL
		}
	case *unix.SockaddrInet6:
		family = unix.AF_INET6
	default:
		return unix.EINVAL
	}
	if s.FD() >= 0 && s.family != 0 && s.family != uint8(family) {
		return unix.EINVAL
	}
	if err := s.tcpEnsureSocket(family, 0); err != nil {
		return err
	}
	fd := s.FD()
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return err
	}
	if reusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return err
		}
	}
	if family == unix.AF_INET6 {
		on := 0
		if ipv6only {
			on = 1
		}
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, on); err != nil {
			return err
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		switch err {
		case unix.EADDRINUSE:
			s.delayedErr = errno32Of(err)
		case unix.EAFNOSUPPORT:
			return unix.EINVAL
		default:
			return err
		}
	}
	s.set(FlagBound)
	if ipv6only {
		s.set(FlagIPv6Only)
	}
	return nil
}

// Connect starts connecting to sa (uv_tcp_connect). The result is
// reported through the hooks' Connected, never from inside Connect.
func (s *Stream) Connect(sa unix.Sockaddr, req unsafe.Pointer) error {
	if s.connecting {
		return unix.EALREADY
	}
	if s.delayedErr == 0 {
		family := unix.AF_INET
		switch sa.(type) {
		case *unix.SockaddrInet4:
		case *unix.SockaddrInet6:
			family = unix.AF_INET6
		case *unix.SockaddrUnix:
			family = unix.AF_UNIX
		default:
			return unix.EINVAL
		}
		// A link-local address means nothing without an interface: as
		// newer libuv does, one without a zone gets the first interface
		// that has a link-local address (the kernel refuses it otherwise).
		if a6, ok := sa.(*unix.SockaddrInet6); ok && a6.ZoneId == 0 && a6.Addr[0] == 0xfe && a6.Addr[1]&0xc0 == 0x80 {
			c := *a6
			c.ZoneId = linkLocalZone()
			sa = &c
		}
		var err error
		if s.Kind == KindPipe {
			if s.FD() < 0 {
				sock, e := socketRaw(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
				if e != nil {
					return e
				}
				s.setFD(sock)
			}
			s.set(FlagReadable | FlagWritable)
		} else if err = s.tcpEnsureSocket(family, FlagReadable|FlagWritable); err != nil {
			return err
		}
		if un, ok := sa.(*unix.SockaddrUnix); ok {
			if un.Name == "" {
				// No name to connect to: as libuv 1.53, the callback
				// gets UV_EINVAL (1.44 let connect(2) refuse it).
				err = unix.EINVAL
			} else {
				err = pipeSys(unix.SYS_CONNECT, s.FD(), un.Name, false)
			}
		} else {
			err = connectInetRaw(s.FD(), sa)
		}
		switch err {
		case nil, unix.EINPROGRESS:
		case unix.ECONNREFUSED:
			s.delayedErr = errno32Of(err)
		default:
			if s.Kind == KindPipe {
				// uv_pipe_connect returns nothing: the error goes to
				// the callback.
				s.delayedErr = errno32Of(err)
			} else {
				return err
			}
		}
	}
	s.Loop().ReqStart()
	s.connecting = true
	s.set(FlagConnecting)
	s.connectReq = req
	s.Loop().IOStart(&s.w, loop.EventWrite)
	if s.delayedErr != 0 {
		s.Loop().IOFeed(&s.w)
	}
	return nil
}

// finishConnect reports the outcome of a connect.
func (s *Stream) finishConnect() {
	var err error
	if s.delayedErr != 0 {
		err = s.delayedErr.err()
		s.delayedErr = 0
	} else {
		v, e := getsockoptIntRaw(s.FD(), unix.SOL_SOCKET, unix.SO_ERROR)
		if e != nil {
			err = e
		} else if v != 0 {
			err = unix.Errno(v)
		}
		if err == unix.EINPROGRESS {
			return
		}
	}
	req := s.connectReq
	s.connecting = false
	s.clear(FlagConnecting)
	s.connectReq = nil
	s.Loop().ReqDone()
	e := s.writer()
	if queued, _ := e.WriteState(s); err != nil || !queued {
		s.Loop().IOStop(&s.w, loop.EventWrite)
	}
	s.hooks().Connected(s, req, err)
	if s.FD() < 0 {
		return
	}
	e.ConnectDone(s, err)
	if s.FD() >= 0 {
		// A shutdown requested while connecting can go now.
		s.syncWrites(e)
	}
}

// TCPListen listens, making an IPv4 socket first if there is none.
func (s *Stream) TCPListen(backlog int) error {
	if s.delayedErr != 0 {
		return s.delayedErr.err()
	}
	if err := s.tcpEnsureSocket(unix.AF_INET, 0); err != nil {
		return err
	}
	return s.Listen(backlog)
}

// NoDelay sets TCP_NODELAY now or, without a socket yet, when it is made.
func (s *Stream) NoDelay(on bool) error {
	if fd := s.FD(); fd >= 0 {
		v := 0
		if on {
			v = 1
		}
		if err := setsockoptIntRaw(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, v); err != nil {
			return err
		}
	}
	if on {
		s.set(FlagTCPNoDelay)
	} else {
		s.clear(FlagTCPNoDelay)
	}
	return nil
}

func tcpKeepalive(fd int, on bool, delay int) error {
	v := 0
	if on {
		v = 1
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, v); err != nil {
		return err
	}
	if !on {
		return nil
	}
	// The idle delay, then probes one second apart, ten of them, as
	// libuv sets them.
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, delay); err != nil {
		return err
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, 1); err != nil {
		return err
	}
	return unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPCNT, 10)
}

// Keepalive sets SO_KEEPALIVE (and the idle delay in seconds).
func (s *Stream) Keepalive(on bool, delay int) error {
	if fd := s.FD(); fd >= 0 {
		if err := tcpKeepalive(fd, on, delay); err != nil {
			return err
		}
	}
	if on {
		s.set(FlagTCPKeepalive)
	} else {
		s.clear(FlagTCPKeepalive)
	}
	return nil
}

// KeepaliveEx sets SO_KEEPALIVE and, when on, TCP_KEEPIDLE, TCP_KEEPINTVL
// and TCP_KEEPCNT (uv_tcp_keepalive_ex, libuv 1.52). As libuv, a value
// below 1 is refused with EINVAL only once the socket exists, after
// SO_KEEPALIVE is set; before that only the flag is kept.
func (s *Stream) KeepaliveEx(on bool, idle, intvl, cnt uint32) error {
	if fd := s.FD(); fd >= 0 {
		v := 0
		if on {
			v = 1
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, v); err != nil {
			return err
		}
		if on {
			if idle < 1 || intvl < 1 || cnt < 1 {
				return unix.EINVAL
			}
			for _, o := range [...]struct {
				opt int
				val uint32
			}{{unix.TCP_KEEPIDLE, idle}, {unix.TCP_KEEPINTVL, intvl}, {unix.TCP_KEEPCNT, cnt}} {
				if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, o.opt, int(o.val)); err != nil {
					return err
				}
			}
		}
	}
	if on {
		s.set(FlagTCPKeepalive)
	} else {
		s.clear(FlagTCPKeepalive)
	}
	return nil
}

// SockName returns the local address (uv_tcp_getsockname).
func (s *Stream) SockName() (unix.Sockaddr, error) {
	if s.delayedErr != 0 {
		return nil, s.delayedErr.err()
	}
	if s.FD() < 0 {
		return nil, unix.EBADF
	}
	return unix.Getsockname(s.FD())
}

// PeerName returns the peer's address (uv_tcp_getpeername).
func (s *Stream) PeerName() (unix.Sockaddr, error) {
	if s.delayedErr != 0 {
		return nil, s.delayedErr.err()
	}
	if s.FD() < 0 {
		return nil, unix.EBADF
	}
	return unix.Getpeername(s.FD())
}

// PrepareReset arms SO_LINGER with a zero timeout, so closing sends RST
// (uv_tcp_close_reset; the caller then closes the handle).
func (s *Stream) PrepareReset() error {
	if s.has(FlagShutting) {
		return unix.EINVAL
	}
	fd := s.FD()
	if fd < 0 {
		return unix.EBADF
	}
	l := unix.Linger{Onoff: 1, Linger: 0}
	// SAFETY: l lives on this frame until the call returns.
	return setsockoptRaw(fd, unix.SOL_SOCKET, unix.SO_LINGER, unsafe.Pointer(&l), unsafe.Sizeof(l))
}

// The reserve descriptor for accept's EMFILE: when the process runs out of
// descriptors, it is closed to accept and drop the waiting connections
// (so the server does not spin on a readiness it cannot serve), and
// reopened.
var (
	streamsReserveMu sync.Mutex
	streamsReserveFd = -1
)

func init() { streamsReserve() }

func streamsReserve() {
	streamsReserveMu.Lock()
	defer streamsReserveMu.Unlock()
	if streamsReserveFd == -1 {
		if fd, err := unix.Open("/", unix.O_RDONLY|unix.O_CLOEXEC, 0); err == nil {
			streamsReserveFd = fd
		}
	}
}

// streamsEmfileTrick drops the connections waiting on listener. It
// returns nil when it drained them, EMFILE when it had no reserve.
func streamsEmfileTrick(listener int) error {
	streamsReserveMu.Lock()
	fd := streamsReserveFd
	streamsReserveFd = -1
	streamsReserveMu.Unlock()
	if fd == -1 {
		return unix.EMFILE
	}
	unix.Close(fd)
	for {
		c, err := acceptRaw(listener, unix.SOCK_CLOEXEC)
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue
		}
		if err != nil {
			break
		}
		unix.Close(c)
	}
	streamsReserve()
	return nil
}

// linkLocalZone returns the index of the interface that a link-local
// address without a zone goes through: the lowest index among interfaces
// with an IPv6 link-local address (fe80::/10), or 0 if there is none. It
// reads /proc/net/if_inet6, whose lines are the address in 32 hex digits,
// then the interface index in hex, the prefix length, the scope, the flags
// and the name.
func linkLocalZone() uint32 {
	data, err := os.ReadFile("/proc/net/if_inet6")
	if err != nil {
		return 0
	}
	var best uint64
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || len(f[0]) != 32 {
			continue
		}
		hi, err := strconv.ParseUint(f[0][:4], 16, 16)
		if err != nil || hi&0xffc0 != 0xfe80 {
			continue
		}
		idx, err := strconv.ParseUint(f[1], 16, 32)
		if err != nil || idx == 0 {
			continue
		}
		if best == 0 || idx < best {
			best = idx
		}
	}
	return uint32(best)
}
