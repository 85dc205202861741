package uvio

import (
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// udpPair is a receiver bound to 127.0.0.1 and a sender, on one loop.
type udpPair struct {
	l        *loop.Loop
	rx, tx   UDP
	dest     unix.RawSockaddrInet4
	buf      []byte
	got      int
	last     []byte
	lastFrom *unix.RawSockaddrAny
	lastFlag int
	sent     int
	sendErr  error
}

var testPair *udpPair // the callbacks are plain functions, as capi's are

func pairAlloc(u *UDP, suggested int) []byte { return testPair.buf }

func pairRecv(u *UDP, n int, err error, buf []byte, from *unix.RawSockaddrAny, flags int) {
	p := testPair
	if err != nil {
		p.sendErr = err
		return
	}
	if n == 0 && from == nil {
		return
	}
	p.got++
	p.last = buf[:n]
	p.lastFrom = from
	p.lastFlag = flags
}

func pairSent(s *UDPSend, err error) {
	testPair.sent++
	testPair.sendErr = err
}

func newUDPPair(t *testing.T, rxFlags uint) *udpPair {
	t.Helper()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &udpPair{l: l, buf: make([]byte, UDPDgramMax*4)}
	testPair = p
	if err := InitUDP(l, &p.rx, 15, rxFlags, UDPPlace{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := InitUDP(l, &p.tx, 15, unix.AF_UNSPEC, UDPPlace{}, pairSent); err != nil {
		t.Fatal(err)
	}
	if err := p.rx.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := p.rx.Sockname()
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*unix.SockaddrInet4).Port
	p.dest.Family = unix.AF_INET
	// The port of a raw address is in network byte order.
	pb := (*[2]byte)(unsafe.Pointer(&p.dest.Port))
	pb[0], pb[1] = byte(port>>8), byte(port)
	p.dest.Addr = [4]byte{127, 0, 0, 1}
	if err := p.rx.RecvStart(pairAlloc, pairRecv); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *udpPair) close(t *testing.T) {
	p.rx.Close(nil)
	p.tx.Close(nil)
	if _, err := p.l.Run(loop.RunDefault); err != nil {
		t.Fatal(err)
	}
	if err := p.l.Close(); err != nil {
		t.Fatal(err)
	}
}

// runUntil runs the loop without blocking until cond holds.
func (p *udpPair) runUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 100000 {
			t.Fatal("condition never met")
		}
		p.l.Run(loop.RunNoWait)
	}
}

func (p *udpPair) send(t *testing.T, data []byte, iov *[1]unix.Iovec) {
	iov[0] = unix.Iovec{Base: &data[0]}
	iov[0].SetLen(len(data))
	s := p.tx.NewSend()
	if err := p.tx.Send(s, iov[:], unsafe.Pointer(&p.dest), unix.SizeofSockaddrInet4); err != nil {
		t.Fatal(err)
	}
}

func TestUDPSendAndReceive(t *testing.T) {
	p := newUDPPair(t, unix.AF_UNSPEC)
	data := []byte("hello")
	var iov [1]unix.Iovec
	p.send(t, data, &iov)
	if p.tx.ownCount != 1 || p.tx.ownSize != 5 {
		t.Fatalf("queue counters %d/%d, want 1/5", p.tx.ownCount, p.tx.ownSize)
	}
	if p.sent != 0 {
		t.Fatal("send completed from inside Send")
	}
	p.runUntil(t, func() bool { return p.got == 1 && p.sent == 1 })
	if string(p.last) != "hello" || p.lastFlag != 0 || p.sendErr != nil {
		t.Fatalf("got %q flags %d err %v", p.last, p.lastFlag, p.sendErr)
	}
	if p.lastFrom.Addr.Family != unix.AF_INET {
		t.Fatalf("sender family %d", p.lastFrom.Addr.Family)
	}
	if p.tx.ownCount != 0 || p.tx.ownSize != 0 {
		t.Fatalf("queue counters %d/%d after completion", p.tx.ownCount, p.tx.ownSize)
	}
	p.close(t)
}

func TestUDPSendAndReceiveAllocateNothing(t *testing.T) {
	p := newUDPPair(t, unix.AF_UNSPEC)
	data := []byte("ping")
	var iov [1]unix.Iovec
	// Warm up: the first send allocates the request the others reuse.
	p.send(t, data, &iov)
	p.runUntil(t, func() bool { return p.got == 1 && p.sent == 1 })
	allocs := testing.AllocsPerRun(200, func() {
		want := p.got + 1
		p.send(t, data, &iov)
		p.runUntil(t, func() bool { return p.got == want && p.sent == want })
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per round trip, want 0", allocs)
	}
	p.close(t)
}

func TestUDPTruncationAndMmsgChunks(t *testing.T) {
	p := newUDPPair(t, unix.AF_INET|UDPRecvmmsg)
	if !p.rx.UsingRecvmmsg() {
		t.Fatal("recvmmsg mode not recorded")
	}
	var iov [1]unix.Iovec
	for i := 0; i < 3; i++ {
		p.send(t, []byte{'a' + byte(i)}, &iov)
	}
	p.runUntil(t, func() bool { return p.got == 3 })
	if p.lastFlag&UDPMmsgChunk == 0 {
		t.Fatalf("flags %#x lack UDPMmsgChunk", p.lastFlag)
	}
	p.close(t)

	p = newUDPPair(t, unix.AF_UNSPEC)
	p.buf = p.buf[:3]
	p.send(t, []byte("truncated"), &iov)
	p.runUntil(t, func() bool { return p.got == 1 })
	if string(p.last) != "tru" || p.lastFlag&UDPPartial == 0 {
		t.Fatalf("got %q flags %#x", p.last, p.lastFlag)
	}
	p.close(t)
}

func TestUDPAddressRules(t *testing.T) {
	p := newUDPPair(t, unix.AF_UNSPEC)
	data := []byte("x")
	iov := []unix.Iovec{{Base: &data[0], Len: 1}}
	if err := p.tx.Send(p.tx.NewSend(), iov, nil, 0); err != ErrUDPNoDest {
		t.Fatalf("unaddressed send on unconnected handle: %v", err)
	}
	if err := p.tx.Connect(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: 9}); err != nil {
		t.Fatal(err)
	}
	if err := p.tx.Send(p.tx.NewSend(), iov, unsafe.Pointer(&p.dest), unix.SizeofSockaddrInet4); err != ErrUDPIsConn {
		t.Fatalf("addressed send on connected handle: %v", err)
	}
	if err := p.tx.Connect(nil); err != nil {
		t.Fatal(err)
	}
	if err := p.tx.Connect(nil); err != unix.ENOTCONN {
		t.Fatalf("second disconnect: %v", err)
	}
	if n, err := p.tx.TrySend(iov, unsafe.Pointer(&p.dest), unix.SizeofSockaddrInet4); n != 1 || err != nil {
		t.Fatalf("TrySend: %d, %v", n, err)
	}
	p.runUntil(t, func() bool { return p.got == 1 })
	p.close(t)
}

// recverrLog records every receive callback of TestUDPRecvErrQueueReadOnce.
type recverrCall struct {
	n     int
	err   error
	from  bool
	flags int
}

var recverrLog []recverrCall

func recverrAlloc(u *UDP, suggested int) []byte { return make([]byte, 16) }

func recverrRecv(u *UDP, n int, err error, buf []byte, from *unix.RawSockaddrAny, flags int) {
	recverrLog = append(recverrLog, recverrCall{n, err, from != nil, flags})
}

// With UDPLinuxRecvErr an ICMP port unreachable is reported once by the
// socket and once from its error queue, then the socket is quiet: before
// the error queue was read, the loop woke for it without end.
func TestUDPRecvErrQueueReadOnce(t *testing.T) {
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var u UDP
	if err := InitUDP(l, &u, 15, unix.AF_UNSPEC, UDPPlace{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := u.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, UDPLinuxRecvErr); err != nil {
		t.Fatal(err)
	}
	// A port nothing listens on: one the kernel gave out and took back.
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	unix.Close(fd)
	port := sa.(*unix.SockaddrInet4).Port
	dest := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: [4]byte{127, 0, 0, 1}}
	pb := (*[2]byte)(unsafe.Pointer(&dest.Port))
	pb[0], pb[1] = byte(port>>8), byte(port)

	recverrLog = nil
	if err := u.RecvStart(recverrAlloc, recverrRecv); err != nil {
		t.Fatal(err)
	}
	data := []byte("PING")
	iov := []unix.Iovec{{Base: &data[0]}}
	iov[0].SetLen(len(data))
	if _, err := u.TrySend(iov, unsafe.Pointer(&dest), unix.SizeofSockaddrInet4); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) && len(recverrLog) < 100 {
		l.Run(loop.RunNoWait)
	}
	want := []recverrCall{
		{0, unix.ECONNREFUSED, false, 0},
		{0, unix.ECONNREFUSED, true, UDPLinuxRecvErr},
		{0, nil, false, 0},
	}
	if len(recverrLog) != len(want) {
		t.Fatalf("%d receive callbacks %v, want %v", len(recverrLog), recverrLog[:min(len(recverrLog), 5)], want)
	}
	for i := range want {
		if recverrLog[i] != want[i] {
			t.Errorf("call %d: %+v, want %+v", i, recverrLog[i], want[i])
		}
	}
	u.Close(nil)
	l.Run(loop.RunDefault)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// A recvmmsg handle given less than one 64 KiB chunk hears EINVAL, as in
// newer libuv, instead of reading one datagram or spinning.
func TestUDPRecvmmsgSmallBufferIsEINVAL(t *testing.T) {
	p := newUDPPair(t, unix.AF_INET|UDPRecvmmsg)
	p.buf = make([]byte, 64)
	var iov [1]unix.Iovec
	p.send(t, []byte("hello"), &iov)
	p.runUntil(t, func() bool { return p.sendErr != nil })
	if p.sendErr != unix.EINVAL || p.got != 0 {
		t.Fatalf("error %v after %d datagrams, want EINVAL and none", p.sendErr, p.got)
	}
	p.close(t)
}
