package uvio

import (
	"bytes"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// testHooks records what a stream reports, with Go buffers.
type testHooks struct {
	buf       []byte
	got       []byte
	reads     int
	readErr   error
	written   []error
	connected []error
	shut      []error
	conns     int
	onRead    func(s *Stream, n int)
	onConn    func(s *Stream)
}

func (h *testHooks) Alloc(s *Stream) (unsafe.Pointer, int) {
	return unsafe.Pointer(&h.buf[0]), len(h.buf)
}

func (h *testHooks) Read(s *Stream, n int, err error, next bool) (unsafe.Pointer, int) {
	if err != nil {
		h.readErr = err
		return nil, 0
	}
	if n > 0 {
		h.reads++
		h.got = append(h.got, h.buf[:n]...)
		if h.onRead != nil {
			h.onRead(s, n)
		}
	}
	if next && s.has(FlagReading) {
		return h.Alloc(s)
	}
	return nil, 0
}

func (h *testHooks) WritesDone(s *Stream, b *WriteBatch) {
	h.written = append(h.written, b.Errs...)
}
func (h *testHooks) Connected(s *Stream, req unsafe.Pointer, err error) {
	h.connected = append(h.connected, err)
}
func (h *testHooks) ShutDown(s *Stream, req unsafe.Pointer, err error) { h.shut = append(h.shut, err) }
func (h *testHooks) Connection(s *Stream, err error) {
	h.conns++
	if h.onConn != nil {
		h.onConn(s)
	}
}

func newLoop(t *testing.T) *loop.Loop {
	t.Helper()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func pipePair(t *testing.T, l *loop.Loop, h StreamHooks) (*Stream, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := &Stream{}
	InitPipe(l, s, 7, h, false, nil, nil)
	if err := s.OpenFD(fds[0]); err != nil {
		t.Fatal(err)
	}
	return s, fds[1]
}

func closeAndRun(t *testing.T, l *loop.Loop, hs ...*loop.Handle) {
	t.Helper()
	for _, h := range hs {
		h.Close(nil)
	}
	if _, err := l.Run(loop.RunDefault); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteCompletesInPendingPhaseAndInOrder(t *testing.T) {
	l := newLoop(t)
	h := &testHooks{buf: make([]byte, 64)}
	s, peer := pipePair(t, l, h)
	defer unix.Close(peer)
	data := []byte("hello, stream")
	for i := 0; i < 3; i++ {
		r := s.NewWrite(nil, 1)
		r.SetBuf(0, unsafe.Pointer(&data[0]), len(data))
		if err := s.Write(r, -1); err != nil {
			t.Fatal(err)
		}
	}
	if len(h.written) != 0 {
		t.Fatal("write callback ran inside Write")
	}
	l.Run(loop.RunNoWait)
	if len(h.written) != 3 || h.written[0] != nil {
		t.Fatalf("written = %v", h.written)
	}
	got := make([]byte, 100)
	n, _ := unix.Read(peer, got)
	if !bytes.Equal(got[:n], bytes.Repeat(data, 3)) {
		t.Fatalf("peer got %q", got[:n])
	}
	if s.WriteQueueSize() != 0 {
		t.Fatalf("write queue size %d", s.WriteQueueSize())
	}
	closeAndRun(t, l, &s.Handle)
}

func TestReadDeliversDataThenEOF(t *testing.T) {
	l := newLoop(t)
	h := &testHooks{buf: make([]byte, 4)}
	s, peer := pipePair(t, l, h)
	if err := s.ReadStart(); err != nil {
		t.Fatal(err)
	}
	if err := s.ReadStart(); err != unix.EALREADY {
		t.Fatalf("second ReadStart: %v", err)
	}
	unix.Write(peer, []byte("0123456789"))
	unix.Close(peer)
	l.Run(loop.RunDefault)
	if string(h.got) != "0123456789" {
		t.Fatalf("got %q", h.got)
	}
	if h.readErr != ErrEOF {
		t.Fatalf("readErr %v", h.readErr)
	}
	if s.IsActive() || s.has(FlagReading) || !s.has(FlagReadEOF) {
		t.Fatalf("after EOF: active %v, flags %#x", s.IsActive(), *s.FlagWord())
	}
	closeAndRun(t, l, &s.Handle)
}

func TestCloseCancelsQueuedWritesAndShutdown(t *testing.T) {
	l := newLoop(t)
	h := &testHooks{buf: make([]byte, 64)}
	s, peer := pipePair(t, l, h)
	defer unix.Close(peer)
	big := make([]byte, 8<<20)
	r := s.NewWrite(nil, 1)
	r.SetBuf(0, unsafe.Pointer(&big[0]), len(big))
	if err := s.Write(r, -1); err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(nil); err != nil {
		t.Fatal(err)
	}
	closed := false
	s.Handle.Close(func(*loop.Handle) {
		closed = true
		if len(h.written) != 1 || len(h.shut) != 1 {
			t.Errorf("close callback before cancellations: %v %v", h.written, h.shut)
		}
	})
	l.Run(loop.RunDefault)
	if !closed || h.written[0] != unix.ECANCELED || h.shut[0] != unix.ECANCELED {
		t.Fatalf("closed %v written %v shut %v", closed, h.written, h.shut)
	}
	if s.WriteQueueSize() != 0 {
		t.Fatalf("queue size %d", s.WriteQueueSize())
	}
	l.Close()
}

func TestTCPListenAcceptConnectEcho(t *testing.T) {
	l := newLoop(t)
	sh := &testHooks{buf: make([]byte, 64)}
	server := &Stream{}
	if err := InitTCP(l, server, 1, sh, unix.AF_INET, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := server.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, false); err != nil {
		t.Fatal(err)
	}
	if err := server.TCPListen(16); err != nil {
		t.Fatal(err)
	}
	sa, err := server.SockName()
	if err != nil {
		t.Fatal(err)
	}
	conn := &Stream{}
	ch := &testHooks{buf: make([]byte, 64)}
	sh.onConn = func(s *Stream) {
		fd, err := s.Accept()
		if err != nil {
			t.Fatal(err)
		}
		InitTCP(l, conn, 1, ch, unix.AF_UNSPEC, nil, nil)
		if err := conn.OpenAccepted(fd); err != nil {
			t.Fatal(err)
		}
		s.Accepted()
		conn.ReadStart()
	}
	ch.onRead = func(s *Stream, n int) {
		if len(ch.got) == 4 {
			s.Handle.Close(nil)
			server.Handle.Close(nil)
		}
	}
	client := &Stream{}
	kh := &testHooks{buf: make([]byte, 64)}
	InitTCP(l, client, 1, kh, unix.AF_UNSPEC, nil, nil)
	if err := client.Connect(sa, nil); err != nil {
		t.Fatal(err)
	}
	msg := []byte("ping")
	r := client.NewWrite(nil, 1)
	r.SetBuf(0, unsafe.Pointer(&msg[0]), 4)
	if err := client.Write(r, -1); err != nil { // queued behind the connect
		t.Fatal(err)
	}
	for len(kh.written) == 0 || conn.FD() >= 0 {
		l.Run(loop.RunOnce)
	}
	if len(kh.connected) != 1 || kh.connected[0] != nil || kh.written[0] != nil {
		t.Fatalf("connected %v written %v", kh.connected, kh.written)
	}
	if string(ch.got) != "ping" || sh.conns != 1 {
		t.Fatalf("server got %q after %d connections", ch.got, sh.conns)
	}
	closeAndRun(t, l, &client.Handle)
}

func TestWriteAndReadAllocateNothing(t *testing.T) {
	l := newLoop(t)
	h := &testHooks{buf: make([]byte, 64)}
	s, peer := pipePair(t, l, h)
	defer unix.Close(peer)
	h.got = make([]byte, 0, 1<<20)
	if err := s.ReadStart(); err != nil {
		t.Fatal(err)
	}
	data := []byte("0123456789abcdef")
	sink := make([]byte, 64)
	cycle := func() {
		r := s.NewWrite(nil, 1)
		r.SetBuf(0, unsafe.Pointer(&data[0]), len(data))
		s.Write(r, -1)
		unix.Write(peer, data)
		l.Run(loop.RunNoWait)
		unix.Read(peer, sink)
		h.written = h.written[:0]
		h.got = h.got[:0]
	}
	cycle()
	h.written = make([]error, 0, 8)
	if n := testing.AllocsPerRun(200, cycle); n != 0 {
		t.Fatalf("a write and a read allocate %.1f times", n)
	}
	closeAndRun(t, l, &s.Handle)
}

func TestPollReportsReadable(t *testing.T) {
	l := newLoop(t)
	fds, _ := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	var got []int
	p := &Poll{}
	if err := InitPoll(l, p, 9, fds[0], nil, nil, func(p *Poll, err error, ev int) {
		got = append(got, ev)
		p.Stop()
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(PollReadable); err != nil {
		t.Fatal(err)
	}
	unix.Write(fds[1], []byte("x"))
	l.Run(loop.RunDefault)
	if len(got) != 1 || got[0] != PollReadable {
		t.Fatalf("events %v", got)
	}
	if err := p.Start(64); err != unix.EINVAL {
		t.Fatalf("bad mask: %v", err)
	}
	closeAndRun(t, l, &p.Handle)
}

func TestGuessHandle(t *testing.T) {
	var p [2]int
	unix.Pipe(p[:])
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if g := GuessHandle(p[0]); g != HandlePipe {
		t.Fatalf("pipe guessed %d", g)
	}
	if g := GuessHandle(-1); g != HandleUnknown {
		t.Fatalf("-1 guessed %d", g)
	}
}

func TestShutdownWhileConnectingWaitsForTheConnection(t *testing.T) {
	l := newLoop(t)
	sh := &testHooks{buf: make([]byte, 64)}
	server := &Stream{}
	InitTCP(l, server, 1, sh, unix.AF_INET, nil, nil)
	server.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, false)
	if err := server.TCPListen(8); err != nil {
		t.Fatal(err)
	}
	sa, _ := server.SockName()
	client := &Stream{}
	kh := &testHooks{buf: make([]byte, 64)}
	InitTCP(l, client, 1, kh, unix.AF_UNSPEC, nil, nil)
	if err := client.Connect(sa, nil); err != nil {
		t.Fatal(err)
	}
	if err := client.Shutdown(nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && len(kh.shut) == 0; i++ {
		l.Run(loop.RunOnce)
	}
	if len(kh.connected) != 1 || kh.connected[0] != nil || len(kh.shut) != 1 || kh.shut[0] != nil {
		t.Fatalf("connected %v shut %v", kh.connected, kh.shut)
	}
	closeAndRun(t, l, &client.Handle, &server.Handle)
}
