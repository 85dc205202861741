package uvio

import (
	"testing"

	"golang.org/x/sys/unix"
)

// listenLoopback listens on the loopback address of family at a port the
// kernel picks and returns the socket and the port.
func listenLoopback(t *testing.T, family int) (int, int) {
	t.Helper()
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Skipf("socket(%d): %v", family, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	var sa unix.Sockaddr = &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if family == unix.AF_INET6 {
		sa = &unix.SockaddrInet6{Addr: [16]byte{15: 1}}
	}
	if err := unix.Bind(fd, sa); err != nil {
		t.Skipf("bind to loopback (%d): %v", family, err)
	}
	if err := unix.Listen(fd, 4); err != nil {
		t.Fatal(err)
	}
	got, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	switch a := got.(type) {
	case *unix.SockaddrInet4:
		return fd, a.Port
	case *unix.SockaddrInet6:
		return fd, a.Port
	}
	t.Fatalf("getsockname gave %T", got)
	return -1, 0
}

// The raw calls reach the address they are given: the port in network
// order, the connect's outcome through SO_ERROR, and options that stick.
func TestRawSocketCallsConnectToTheGivenPort(t *testing.T) {
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		ln, port := listenLoopback(t, family)
		// A port whose two bytes differ, so that a swapped order would
		// name another port.
		if port>>8 == port&0xff {
			t.Skipf("port %d reads the same in either byte order", port)
		}
		fd, err := socketRaw(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		var to unix.Sockaddr = &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
		if family == unix.AF_INET6 {
			to = &unix.SockaddrInet6{Port: port, Addr: [16]byte{15: 1}}
		}
		if err := connectInetRaw(fd, to); err != nil && err != unix.EINPROGRESS {
			t.Fatalf("family %d: connect: %v", family, err)
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		if n, err := unix.Poll(pfd, 5000); err != nil || n != 1 {
			t.Fatalf("family %d: poll: %d, %v", family, n, err)
		}
		if v, err := getsockoptIntRaw(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || v != 0 {
			t.Fatalf("family %d: SO_ERROR %d, %v", family, v, err)
		}
		peer, err := unix.Getpeername(fd)
		if err != nil {
			t.Fatal(err)
		}
		var got int
		switch a := peer.(type) {
		case *unix.SockaddrInet4:
			got = a.Port
		case *unix.SockaddrInet6:
			got = a.Port
		}
		if got != port {
			t.Fatalf("family %d: connected to port %d, want %d", family, got, port)
		}
		c, _, err := unix.Accept4(ln, unix.SOCK_CLOEXEC)
		if err != nil {
			t.Fatalf("family %d: the listener saw no connection: %v", family, err)
		}
		unix.Close(c)

		if err := setsockoptIntRaw(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
			t.Fatal(err)
		}
		if v, err := unix.GetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY); err != nil || v == 0 {
			t.Fatalf("family %d: TCP_NODELAY reads %d, %v after setting it", family, v, err)
		}
	}
	if _, err := socketRaw(-1, unix.SOCK_STREAM); err != unix.EAFNOSUPPORT && err != unix.EINVAL {
		t.Fatalf("socket of no family: %v, want EAFNOSUPPORT", err)
	}
	if err := connectInetRaw(-1, &unix.SockaddrUnix{Name: "x"}); err != unix.EAFNOSUPPORT {
		t.Fatalf("connectInetRaw of a unix address: %v, want EAFNOSUPPORT", err)
	}
}
