package main

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/io"
	"gouv/loop"
)

// Handle kinds are tags for the owner; these are libuv's numbers for
// UV_ASYNC and UV_TCP, so the loop's handles read as in C.
const (
	kindAsync = 1
	kindTCP   = 12
)

// maxInFlight bounds the buffers one connection has read and not yet
// echoed: past it, reading stops until writes complete (back-pressure
// against a client that sends faster than it reads).
const maxInFlight = 4

// server is a TCP echo server on one gouv loop. Everything but Stop runs
// on the goroutine that called start and run.
type server struct {
	l        *loop.Loop
	listener uvio.Stream
	stop     loop.Async
	conns    map[*conn]struct{}
	addr     string
}

// conn is one accepted connection; it is its own stream's hooks.
type conn struct {
	srv      *server
	s        uvio.Stream
	reading  []byte   // the buffer handed out by the last Alloc
	inFlight [][]byte // echoed buffers whose writes have not completed, in order
	free     [][]byte
}

// start makes a loop and listens on 127.0.0.1:port (0: any free port).
func start(port int) (*server, error) {
	l, err := loop.New(nil)
	if err != nil {
		return nil, err
	}
	srv := &server{l: l, conns: map[*conn]struct{}{}}
	if err := uvio.InitTCP(l, &srv.listener, kindTCP, listenerHooks{srv}, unix.AF_INET, nil, nil); err != nil {
		l.Close()
		return nil, err
	}
	err = srv.listener.Bind(&unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}, false)
	if err == nil {
		err = srv.listener.TCPListen(128)
	}
	var sa unix.Sockaddr
	if err == nil {
		sa, err = srv.listener.SockName()
	}
	if err != nil {
		srv.listener.Close(nil)
		l.Run(loop.RunDefault) // the close callback phase
		l.Close()
		return nil, err
	}
	srv.addr = fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	l.InitAsync(&srv.stop, kindAsync, func(*loop.Async) { srv.closeAll() })
	return srv, nil
}

// run runs the loop until Stop, then closes it. The loop ends by itself
// once the listener, the stop handle and every connection are closed.
func (srv *server) run() error {
	if _, err := srv.l.Run(loop.RunDefault); err != nil {
		return err
	}
	return srv.l.Close()
}

// Stop asks the server to close everything; it is safe from any goroutine
// (Async.Send is the loop's only cross-thread entry with Wake).
func (srv *server) Stop() { srv.stop.Send() }

func (srv *server) closeAll() {
	srv.listener.Close(nil)
	srv.stop.Close(nil)
	for c := range srv.conns {
		c.close()
	}
}

// listenerHooks takes connections; a listener reads and writes nothing.
type listenerHooks struct{ srv *server }

func (h listenerHooks) Connection(ls *uvio.Stream, err error) {
	if err != nil {
		return // accept failed (EMFILE...): the listener keeps going
	}
	fd, err := ls.Accept()
	if err != nil {
		return
	}
	c := &conn{srv: h.srv}
	uvio.InitTCP(h.srv.l, &c.s, kindTCP, c, unix.AF_UNSPEC, nil, nil)
	if err := c.s.OpenAccepted(fd); err != nil {
		// Drop this client; the listener goes on accepting.
		unix.Close(fd)
		ls.Accepted()
		c.s.Close(nil)
		return
	}
	ls.Accepted()
	h.srv.conns[c] = struct{}{}
	if c.s.ReadStart() != nil {
		c.close()
	}
}

func (listenerHooks) Alloc(*uvio.Stream) (unsafe.Pointer, int) { return nil, 0 }
func (listenerHooks) Read(*uvio.Stream, int, error, bool) (unsafe.Pointer, int) {
	return nil, 0
}
func (listenerHooks) WritesDone(*uvio.Stream, *uvio.WriteBatch)     {}
func (listenerHooks) Connected(*uvio.Stream, unsafe.Pointer, error) {}
func (listenerHooks) ShutDown(*uvio.Stream, unsafe.Pointer, error)  {}
func (c *conn) Connection(*uvio.Stream, error)                      {}
func (c *conn) Connected(*uvio.Stream, unsafe.Pointer, error)       {}

// Alloc hands out a recycled buffer. The stream reads straight into it
// from the loop goroutine; it stays reachable through c.reading.
func (c *conn) Alloc(*uvio.Stream) (unsafe.Pointer, int) {
	if n := len(c.free); n > 0 {
		c.reading = c.free[n-1]
		c.free = c.free[:n-1]
	} else {
		c.reading = make([]byte, uvio.SuggestedSize)
	}
	return unsafe.Pointer(&c.reading[0]), len(c.reading)
}

// Read echoes what arrived: the buffer itself is written back and is not
// reused until its write completes.
func (c *conn) Read(s *uvio.Stream, n int, err error, next bool) (unsafe.Pointer, int) {
	buf := c.reading
	c.reading = nil
	switch {
	case err == uvio.ErrEOF:
		// The client is done sending: finish echoing, then close.
		c.free = append(c.free, buf)
		if s.Shutdown(nil) != nil {
			c.close()
		}
		return nil, 0
	case err != nil:
		c.close()
		return nil, 0
	case n == 0:
		c.free = append(c.free, buf)
	default:
		r := s.NewWrite(nil, 1)
		r.SetBytes(0, buf[:n])
		if s.Write(r, -1) != nil {
			s.Discard(r)
			c.close()
			return nil, 0
		}
		c.inFlight = append(c.inFlight, buf)
		if len(c.inFlight) >= maxInFlight {
			s.ReadStop()
		}
	}
	if next && s.Flags()&uvio.FlagReading != 0 {
		return c.Alloc(s)
	}
	return nil, 0
}

// WritesDone recycles the echoed buffers (writes complete in order) and
// resumes reading if back-pressure had stopped it.
func (c *conn) WritesDone(s *uvio.Stream, b *uvio.WriteBatch) {
	for i, err := range b.Errs {
		c.free = append(c.free, c.inFlight[i])
		c.inFlight[i] = nil
		if err != nil && !s.IsClosing() {
			c.close()
		}
	}
	c.inFlight = c.inFlight[:copy(c.inFlight, c.inFlight[len(b.Errs):])]
	if !s.IsClosing() && s.Flags()&(uvio.FlagReading|uvio.FlagReadEOF) == 0 && len(c.inFlight) < maxInFlight {
		if s.ReadStart() != nil {
			c.close()
		}
	}
}

// ShutDown runs when everything echoed has been written after the
// client's EOF: the connection is finished.
func (c *conn) ShutDown(*uvio.Stream, unsafe.Pointer, error) { c.close() }

func (c *conn) close() {
	if c.s.IsClosing() {
		return
	}
	delete(c.srv.conns, c)
	c.s.Close(nil)
}
