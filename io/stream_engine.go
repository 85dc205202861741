package uvio

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file is the engine of the streams whose owner is a Go program
// (examples/goecho): reads into the owner's buffers and a write queue in
// Go. It serves the stream through the same two protocols as capi's C
// engine serves a C host's streams (DirectReader, WriteEngine), so the
// stream knows one way to read and one way to write, and a C host's
// stream carries none of this state.

// ReadHooks is what the hooks of a stream whose reads this package runs
// provide: every hooks value that is not a DirectReader.
type ReadHooks interface {
	// Alloc returns the buffer for the next read (nil or 0: no memory).
	Alloc(s *Stream) (base unsafe.Pointer, n int)
	// Read delivers n bytes (n > 0), n == 0 for "nothing now", or err
	// (ErrEOF, ErrNoBufs, an errno) in the buffer from the last Alloc.
	// If next is true and the stream still reads afterwards, it returns
	// the buffer for the next read as Alloc would (one call for both).
	Read(s *Stream, n int, err error, next bool) (base unsafe.Pointer, size int)
}

// WriteHooks is what the hooks of a stream whose writes this package's
// engine runs provide: every hooks value that is not a WriteEngine.
type WriteHooks interface {
	// WritesDone completes a round of write requests, in order.
	WritesDone(s *Stream, b *WriteBatch)
	// ShutDown completes a shutdown request.
	ShutDown(s *Stream, req unsafe.Pointer, err error)
}

// WriteReq is one queued write. Requests are recycled per stream, so a
// steady stream of writes allocates nothing.
type WriteReq struct {
	next   *WriteReq
	User   unsafe.Pointer // the owner's token (the C uv_write_t)
	iov    []unix.Iovec
	idx    int // first iovec not yet fully written
	left   int // bytes not yet written
	err    error
	sendFd int // descriptor to pass over an IPC pipe, or -1
}

// SetBuf sets the i-th buffer of the request. base must stay valid until
// the request completes (it is the host's memory).
func (r *WriteReq) SetBuf(i int, base unsafe.Pointer, n int) {
	r.iov[i].Base = (*byte)(base)
	r.iov[i].SetLen(n)
	r.left += n
}

// Left returns how many bytes of the request are not written yet.
func (r *WriteReq) Left() int { return r.left }

// WriteBatch is a round of completed writes: the owners' tokens and
// their outcomes. It belongs to its stream and is reused.
type WriteBatch struct {
	Users []unsafe.Pointer
	Errs  []error
	busy  bool
}

// reqQueue is an intrusive FIFO of write requests.
type reqQueue struct{ head, tail *WriteReq }

func (q *reqQueue) push(r *WriteReq) {
	r.next = nil
	if q.tail != nil {
		q.tail.next = r
	} else {
		q.head = r
	}
	q.tail = r
}

func (q *reqQueue) pop() *WriteReq {
	r := q.head
	if r != nil {
		q.head = r.next
		if q.head == nil {
			q.tail = nil
		}
		r.next = nil
	}
	return r
}

// goEngine runs the reads and writes of one stream whose hooks are
// ReadHooks and WriteHooks. InitStream makes it for such a stream only.
type goEngine struct {
	hooks       StreamHooks // the program's, also ReadHooks and WriteHooks
	writes      reqQueue    // not yet fully written, in order
	completed   reqQueue    // written or failed, callback pending
	free        *WriteReq
	batch       *WriteBatch
	shutdownReq unsafe.Pointer
	shutdownOn  bool
}

// ReadDirect reads until the socket is drained, the allocator refuses,
// the reader stops, or max reads were made (DirectReader).
func (g *goEngine) ReadDirect(s *Stream, max int) {
	r := g.hooks.(ReadHooks)
	base, size := r.Alloc(s)
	for count := max; ; count-- {
		if !s.has(FlagReading) || s.FD() < 0 {
			return
		}
		if base == nil || size == 0 {
			r.Read(s, 0, ErrNoBufs, false)
			return
		}
		n, err := s.readOnce(base, size)
		switch {
		case err == unix.EAGAIN:
			r.Read(s, 0, nil, false)
			return
		case err != nil:
			g.readEnd(s, err)
			return
		case n == 0:
			g.readEnd(s, ErrEOF)
			return
		}
		// A short read means the socket is drained: do not ask for
		// another buffer. An IPC pipe delivers one message per read.
		more := n == size && count > 1
		base, size = r.Read(s, n, nil, more)
		if !more {
			return
		}
	}
}

// readEnd ends reading with the end of file or a read error, and
// delivers it.
//
// As in libuv 1.44, the end of file leaves the stream readable and
// writable (the host may still write, and a new read start finds the end
// of file again), while a read error makes it neither before the
// callback hears of it.
func (g *goEngine) readEnd(s *Stream, err error) {
	if err == ErrEOF {
		s.set(FlagReadEOF)
	} else {
		s.clear(FlagReadable | FlagWritable)
	}
	s.ReadStop()
	g.hooks.(ReadHooks).Read(s, 0, err, false)
}

// readOnce reads into the host's buffer, and collects passed descriptors
// on an IPC pipe.
func (s *Stream) readOnce(base unsafe.Pointer, size int) (int, error) {
	fd := s.FD()
	// SAFETY: base is the host's buffer of size bytes, valid during the
	// read (libuv's contract for alloc_cb); the kernel writes into it.
	buf := unsafe.Slice((*byte)(base), size)
	if !s.IPC {
		for {
			// Non-blocking: RawSyscall, as in writev.
			n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(base), uintptr(size))
			if e == unix.EINTR {
				continue
			}
			if e != 0 {
				return 0, e
			}
			return int(n), nil
		}
	}
	var cbuf [64]byte
	for {
		n, oobn, _, _, err := unix.Recvmsg(fd, buf, cbuf[:], unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if oobn > 0 {
			s.takeFds(cbuf[:oobn])
		}
		return n, nil
	}
}

// takeFds queues descriptors received with SCM_RIGHTS.
func (s *Stream) takeFds(oob []byte) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return
	}
	for i := range msgs {
		fds, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			continue
		}
		for _, fd := range fds {
			s.TakeFD(fd)
		}
	}
}

// engine returns the stream's Go engine. The public write calls below
// are for Go programs' streams only (capi's streams write in C).
func (s *Stream) engine() *goEngine {
	if s.goEng == nil {
		panic("uvio: a Go write call on a stream whose owner runs its writes")
	}
	return s.goEng
}

// NewWrite returns a request with room for nbufs buffers, recycled from
// the stream's earlier writes when possible.
func (s *Stream) NewWrite(user unsafe.Pointer, nbufs int) *WriteReq {
	g := s.engine()
	r := g.free
	if r != nil {
		g.free = r.next
		r.next = nil
	} else {
		r = &WriteReq{}
	}
	if cap(r.iov) < nbufs {
		r.iov = make([]unix.Iovec, nbufs)
	}
	r.iov = r.iov[:nbufs]
	r.User = user
	r.idx, r.left, r.err, r.sendFd = 0, 0, nil, -1
	return r
}

// recycle returns a finished request to the free list.
func (g *goEngine) recycle(r *WriteReq) {
	clear(r.iov)
	r.User = nil
	r.err = nil
	r.next = g.free
	g.free = r
}

// Discard gives back a request that was never submitted.
func (s *Stream) Discard(r *WriteReq) { s.engine().recycle(r) }

// checkWrite is what every write checks first.
func (s *Stream) checkWrite(sendFd int) error {
	if s.FD() < 0 {
		return unix.EBADF
	}
	if !s.has(FlagWritable) {
		return unix.EPIPE
	}
	if sendFd >= 0 && !s.IPC {
		return unix.EINVAL
	}
	return nil
}

// Write queues r (uv_write/uv_write2). If nothing is queued ahead of it,
// it is written at once; its completion is reported from the pending
// phase in every case, never from inside Write.
func (s *Stream) Write(r *WriteReq, sendFd int) error {
	g := s.engine()
	if err := s.checkWrite(sendFd); err != nil {
		return err
	}
	empty := g.writes.head == nil
	r.sendFd = sendFd
	s.Loop().ReqStart()
	*s.wqSize += uint64(r.left)
	g.writes.push(r)
	if s.connecting {
		// Written once the connection is established.
		return nil
	}
	if empty {
		g.writeQueue(s)
	}
	s.syncWrites(g)
	return nil
}

// advance skips the first n bytes of r, which have been written.
func (r *WriteReq) advance(n int) {
	r.left -= n
	for n > 0 {
		l := int(r.iov[r.idx].Len)
		if n < l {
			r.iov[r.idx].Base = (*byte)(unsafe.Add(unsafe.Pointer(r.iov[r.idx].Base), n))
			r.iov[r.idx].SetLen(l - n)
			break
		}
		n -= l
		r.idx++
	}
	for r.idx < len(r.iov) && r.iov[r.idx].Len == 0 {
		r.idx++
	}
}

// TryWrite writes what the descriptor takes now, without queueing
// (uv_try_write2). It returns the bytes written, or EAGAIN.
func (s *Stream) TryWrite(r *WriteReq, sendFd int) (int, error) {
	if s.connecting || *s.wqSize != 0 || s.engine().writes.head != nil {
		return 0, unix.EAGAIN
	}
	if err := s.checkWrite(sendFd); err != nil {
		return 0, err
	}
	n, err := s.writev(r.iov, sendFd)
	if err != nil {
		if err == unix.ENOBUFS {
			err = unix.EAGAIN
		}
		return 0, err
	}
	if n == 0 && r.left > 0 {
		return 0, unix.EAGAIN
	}
	return n, nil
}

// writev writes iov (and passes sendFd) in one system call. Sockets use
// sendmsg with MSG_NOSIGNAL, so a vanished peer is EPIPE, never SIGPIPE.
func (s *Stream) writev(iov []unix.Iovec, sendFd int) (int, error) {
	fd := s.FD()
	if len(iov) > 1024 {
		iov = iov[:1024] // IOV_MAX; the rest goes in the next call
	}
	var p unsafe.Pointer
	if len(iov) > 0 {
		p = unsafe.Pointer(&iov[0])
	}
	// A non-blocking descriptor never sleeps in the kernel, so the
	// scheduler need not hear of the call (RawSyscall saves ~100 ns).
	blocking := s.has(FlagBlockingWrites)
	for {
		var n uintptr
		var e syscall.Errno
		if s.has(FlagNotSocket) && sendFd < 0 {
			n, e = streamsWritev(blocking, fd, p, len(iov))
		} else if sendFd < 0 && len(iov) == 1 {
			// One buffer: send(2) skips sendmsg's copy of the header and
			// iovec array, the commonest case for small writes.
			if blocking {
				n, _, e = unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(iov[0].Base)), uintptr(iov[0].Len), unix.MSG_NOSIGNAL, 0, 0)
			} else {
				n, _, e = unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(iov[0].Base)), uintptr(iov[0].Len), unix.MSG_NOSIGNAL, 0, 0)
			}
			if e == unix.ENOTSOCK {
				s.set(FlagNotSocket)
				n, e = streamsWritev(blocking, fd, p, len(iov))
			}
		} else {
			var msg unix.Msghdr
			msg.Iov = (*unix.Iovec)(p)
			msg.SetIovlen(len(iov))
			if sendFd >= 0 {
				// Only handle passing pays for this buffer's allocation.
				cbuf := make([]byte, 24)
				setRights(&msg, cbuf, sendFd)
			}
			// SAFETY: msg, its iovecs (the host's buffers) and cbuf live
			// until the call returns.
			if blocking {
				n, _, e = unix.Syscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), unix.MSG_NOSIGNAL)
			} else {
				n, _, e = unix.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), unix.MSG_NOSIGNAL)
			}
			if e == unix.ENOTSOCK {
				// A pipe, a FIFO or a terminal: plain writev from now on
				// (SIGPIPE is the host's to handle there, as with libuv).
				s.set(FlagNotSocket)
				n, e = streamsWritev(blocking, fd, p, len(iov))
			}
		}
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}

// streamsWritev is writev(2); p points at n iovecs that stay alive (the
// caller's slice).
func streamsWritev(blocking bool, fd int, p unsafe.Pointer, n int) (uintptr, syscall.Errno) {
	var r uintptr
	var e syscall.Errno
	if blocking {
		r, _, e = unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(p), uintptr(n))
	} else {
		r, _, e = unix.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(p), uintptr(n))
	}
	return r, e
}

// setRights puts an SCM_RIGHTS message carrying fd into msg, in cbuf.
func setRights(msg *unix.Msghdr, cbuf []byte, fd int) {
	h := (*unix.Cmsghdr)(unsafe.Pointer(&cbuf[0]))
	h.Level = unix.SOL_SOCKET
	h.Type = unix.SCM_RIGHTS
	h.SetLen(unix.CmsgLen(4))
	*(*int32)(unsafe.Pointer(&cbuf[unix.CmsgLen(0)])) = int32(fd)
	msg.Control = &cbuf[0]
	msg.SetControllen(unix.CmsgSpace(4))
}

// writeQueue writes queued requests in order until the descriptor is
// full; finished ones wait in completed for the pending phase. The
// stream's syncWrites then watches for writability while some remain.
func (g *goEngine) writeQueue(s *Stream) {
	for {
		r := g.writes.head
		if r == nil || s.FD() < 0 {
			return
		}
		n, err := s.writev(r.iov[r.idx:], r.sendFd)
		if err == unix.EAGAIN || err == unix.ENOBUFS {
			return
		}
		if err != nil {
			r.err = err
			g.writes.pop()
			g.completed.push(r)
			continue
		}
		if n > 0 {
			r.sendFd = -1 // passed with the first bytes
		}
		*s.wqSize -= uint64(n)
		r.advance(n)
		if r.left > 0 {
			if s.has(FlagBlockingWrites) {
				continue
			}
			return
		}
		g.writes.pop()
		g.completed.push(r)
	}
}

// failQueue fails every queued write with ECANCELED.
func (g *goEngine) failQueue() {
	for r := g.writes.pop(); r != nil; r = g.writes.pop() {
		r.err = unix.ECANCELED
		g.completed.push(r)
	}
}

// WriteIO writes what is queued: the descriptor is writable.
func (g *goEngine) WriteIO(s *Stream) { g.writeQueue(s) }

// RunWrites reports the completed writes, then makes a shutdown that
// waited for the queue to drain (WriteEngine).
func (g *goEngine) RunWrites(s *Stream) {
	// Only the requests completed so far: a callback's new write that
	// completes at once is reported in a later round, as libuv does, so
	// a writer cannot starve the loop's reads.
	g.report(s)
	if g.shutdownOn && g.writes.head == nil && !s.connecting && !s.IsClosing() {
		g.finishShutdown(s)
	}
}

// ConnectDone writes the queue after a connect, or fails it.
func (g *goEngine) ConnectDone(s *Stream, err error) {
	if err == nil {
		g.writeQueue(s)
		return
	}
	g.failQueue()
	g.RunWrites(s)
}

// CancelWrites fails what is queued as the stream closes, after the
// writes that had finished report, then a shutdown not made yet.
func (g *goEngine) CancelWrites(s *Stream) {
	g.failQueue()
	req, on := g.shutdownReq, g.shutdownOn
	g.shutdownReq, g.shutdownOn = nil, false
	g.report(s)
	if on {
		s.clear(FlagShutting)
		s.Loop().ReqDone()
		g.hooks.(WriteHooks).ShutDown(s, req, unix.ECANCELED)
	}
}

// WriteState says whether writes are queued and whether the pending
// phase has work.
func (g *goEngine) WriteState(s *Stream) (queued, pending bool) {
	queued = g.writes.head != nil
	return queued, g.completed.head != nil || (g.shutdownOn && !queued)
}

// report hands the completed requests to the owner in one batch. Each
// leaves the loop's count of requests and, if it failed, takes its
// unwritten bytes out of the queue size; it is recycled before the
// callbacks run, so that they can write again without allocating.
func (g *goEngine) report(s *Stream) {
	q := g.completed
	g.completed = reqQueue{}
	if q.head == nil {
		return
	}
	b := g.batch
	if b == nil || b.busy {
		// A batch is being reported further up the stack (a callback
		// closed the stream): use a fresh one.
		b = &WriteBatch{}
		if g.batch == nil {
			g.batch = b
		}
	}
	b.busy = true
	for r := q.pop(); r != nil; r = q.pop() {
		s.Loop().ReqDone()
		if r.left > 0 {
			*s.wqSize -= uint64(r.left)
		}
		b.Users = append(b.Users, r.User)
		b.Errs = append(b.Errs, r.err)
		g.recycle(r)
	}
	g.hooks.(WriteHooks).WritesDone(s, b)
	clear(b.Users)
	clear(b.Errs)
	b.Users, b.Errs = b.Users[:0], b.Errs[:0]
	b.busy = false
}

// Shutdown shuts the write side down once queued writes are written
// (uv_shutdown). req is reported back through the hooks.
func (s *Stream) Shutdown(req unsafe.Pointer) error {
	g := s.engine()
	if !s.has(FlagWritable) || s.has(FlagShut|FlagShutting) || s.IsClosing() || s.FD() < 0 {
		return unix.ENOTCONN
	}
	s.Loop().ReqStart()
	g.shutdownReq = req
	g.shutdownOn = true
	s.set(FlagShutting)
	s.clear(FlagWritable)
	s.syncWrites(g)
	return nil
}

func (g *goEngine) finishShutdown(s *Stream) {
	req := g.shutdownReq
	g.shutdownReq = nil
	g.shutdownOn = false
	s.clear(FlagShutting)
	var err error
	if e := unix.Shutdown(s.FD(), unix.SHUT_WR); e != nil {
		err = e
	}
	s.set(FlagShut)
	s.Loop().ReqDone()
	g.hooks.(WriteHooks).ShutDown(s, req, err)
}
