package uvio

import (
	"io"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// Stream state bits, at libuv 1.44's values, kept in the same word as the
// loop's handle bits (the C handle's flags field, which hosts may read).
const (
	FlagListening      uint32 = 0x40
	FlagConnection     uint32 = 0x80
	FlagShutting       uint32 = 0x100
	FlagShut           uint32 = 0x200
	FlagReadEOF        uint32 = 0x800
	FlagReading        uint32 = 0x1000
	FlagBound          uint32 = 0x2000
	FlagReadable       uint32 = 0x4000
	FlagWritable       uint32 = 0x8000
	FlagBlockingWrites uint32 = 0x100000
	FlagIPv6Only       uint32 = 0x400000
	FlagTCPNoDelay     uint32 = 0x1000000
	FlagTCPKeepalive   uint32 = 0x2000000
)

// Bits of gouv's own, at values libuv leaves unused on Unix. FlagConnecting
// says a connect is in progress: writes wait for it (an owner's
// WriteEngine reads it). FlagNotSocket says that writes use write(2), not
// send(2).
const (
	FlagConnecting uint32 = 0x20000
	FlagNotSocket  uint32 = 0x40000
)

// StreamKind says which of libuv's stream types a Stream is.
type StreamKind uint8

// The stream kinds.
const (
	KindTCP StreamKind = iota
	KindPipe
	KindTTY
)

// ErrNoBufs is delivered to a reader whose allocator returned no memory.
var ErrNoBufs error = unix.ENOBUFS

// ErrEOF is delivered to a reader when the peer has shut down its side.
var ErrEOF = io.EOF

// maxReads bounds the reads done for one readiness event, so that one busy
// stream cannot starve the others (libuv uses the same figure).
const maxReads = 32

// SuggestedSize is the buffer size suggested to the allocator.
const SuggestedSize = 64 * 1024

// StreamHooks is how a Stream reaches its owner (capi, or a Go program).
// One value serves every stream; the methods receive the stream.
type StreamHooks interface {
	// Connected completes a connect request (req is the owner's token).
	Connected(s *Stream, req unsafe.Pointer, err error)
	// Connection tells a listening stream that a connection waits (or
	// that accepting failed with err).
	Connection(s *Stream, err error)
}

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

// Stream is a TCP socket, a pipe or unix socket, or a TTY: the shared
// machinery of reading, writing, shutting down, listening and accepting.
type Stream struct {
	loop.Handle
	w     loop.IO
	hooks StreamHooks

	fl     *uint32 // the handle's state word (shared with loop.Handle)
	fdWord *int32  // the host-visible descriptor (io_watcher.fd)
	wqSize *uint64 // the host-visible write_queue_size

	writes    reqQueue // not yet fully written, in order
	completed reqQueue // written or failed, callback pending
	free      *WriteReq
	batch     *WriteBatch

	connectReq  unsafe.Pointer
	shutdownReq unsafe.Pointer
	aux         *streamAux // what few streams need, made on first use

	// Small fields last, packed together: a server holds thousands, and
	// the struct fits the allocator's 256-byte class.
	acceptedFd int32
	delayedErr errno32 // an error a later call reports (bind, connect)
	Kind       StreamKind
	IPC        bool
	connecting bool
	shutdownOn bool
	family     uint8 // TCP: address family of the socket, 0 before one exists
}

// errno32 is an errno kept in 4 bytes; 0 is no error.
type errno32 int32

func errno32Of(err error) errno32 {
	if e, ok := err.(unix.Errno); ok {
		return errno32(e)
	}
	return errno32(unix.EIO) // never happens: the callers hold errnos
}

func (e errno32) err() error {
	if e == 0 {
		return nil
	}
	return unix.Errno(e)
}

// streamAux holds the state of the few streams that need more: IPC pipes
// with received descriptors, bound pipes, terminals.
type streamAux struct {
	queuedFds []int        // received descriptors after acceptedFd
	pipeName  string       // bound pipe path, unlinked at close
	tty       bool         // a TTY stream: mode and orig are in use
	mode      int          // the TTY's mode
	orig      unix.Termios // the TTY's settings in normal mode
}

func (s *Stream) auxOf() *streamAux {
	if s.aux == nil {
		s.aux = &streamAux{}
	}
	return s.aux
}

// InitStream prepares s on l. rec, fd and wqSize, when non-nil, are where
// the words a host reads live (the handle's record with its flags,
// io_watcher.fd, write_queue_size).
func InitStream(l *loop.Loop, s *Stream, kind StreamKind, handleKind int, hooks StreamHooks,
	rec *loop.Rec, fd *int32, wqSize *uint64) {
	if fd == nil || wqSize == nil {
		// Nobody else reads them: the stream keeps its own.
		own := &struct {
			fd   int32
			size uint64
		}{}
		fd, wqSize = &own.fd, &own.size
	}
	s.Handle.InitExternal(l, s, handleKind, rec)
	s.hooks = hooks
	s.Kind = kind
	s.fl = s.Handle.FlagWord()
	s.fdWord = fd
	s.wqSize = wqSize
	*fd = -1
	*wqSize = 0
	s.acceptedFd = -1
	l.InitIO(&s.w, -1, streamIO)
	s.w.User = unsafe.Pointer(s)
}

// FD returns the stream's descriptor, -1 if it has none.
func (s *Stream) FD() int { return int(*s.fdWord) }

func (s *Stream) has(f uint32) bool { return *s.fl&f != 0 }
func (s *Stream) set(f uint32)      { *s.fl |= f }
func (s *Stream) clear(f uint32)    { *s.fl &^= f }

// Readable reports whether the stream can be read (uv_is_readable).
func (s *Stream) Readable() bool { return s.has(FlagReadable) }

// Writable reports whether the stream can be written (uv_is_writable).
func (s *Stream) Writable() bool { return s.has(FlagWritable) }

// WriteQueueSize returns the bytes queued and not yet written.
func (s *Stream) WriteQueueSize() uint64 { return *s.wqSize }

// Open attaches an existing descriptor to the stream, made non-blocking,
// with the given readable/writable bits. It is the entry point for
// uv_pipe_open, uv_tcp_open, accepted connections and spawned children's
// pipes (uv_spawn opens UV_CREATE_PIPE ends with it).
func (s *Stream) Open(fd int, flags uint32) error {
	if cur := s.FD(); cur != -1 && cur != fd {
		return unix.EBUSY
	}
	if s.Kind == KindTCP {
		if s.has(FlagTCPNoDelay) {
			unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		}
		if s.has(FlagTCPKeepalive) {
			tcpKeepalive(fd, true, 60)
		}
	}
	s.set(flags & (FlagReadable | FlagWritable))
	*s.fdWord = int32(fd)
	s.Loop().InitIO(&s.w, fd, streamIO)
	s.w.User = unsafe.Pointer(s)
	return nil
}

// setFD gives the stream a descriptor it created itself.
func (s *Stream) setFD(fd int) {
	*s.fdWord = int32(fd)
	s.Loop().InitIO(&s.w, fd, streamIO)
	s.w.User = unsafe.Pointer(s)
}

// SetBlocking switches the descriptor between blocking and non-blocking
// mode (uv_stream_set_blocking); writes then complete synchronously.
func (s *Stream) SetBlocking(blocking bool) error {
	fd := s.FD()
	if fd < 0 {
		return unix.EBADF
	}
	if err := unix.SetNonblock(fd, !blocking); err != nil {
		return err
	}
	if blocking {
		s.set(FlagBlockingWrites)
	} else {
		s.clear(FlagBlockingWrites)
	}
	return nil
}

// streamIO is the watcher callback of every stream.
func streamIO(w *loop.IO, events uint32) {
	s := (*Stream)(w.User)
	if events == loop.EventFeed {
		s.fed()
		return
	}
	if s.has(FlagListening) {
		s.serverIO()
		return
	}
	if s.connecting {
		s.finishConnect()
		return
	}
	if events&(loop.EventRead|loop.EventError|loop.EventHup) != 0 && s.has(FlagReading) {
		s.readIO()
	}
	if s.FD() < 0 {
		return // closed by a read callback
	}
	if e, ok := s.hooks.(WriteEngine); ok {
		if events&(loop.EventWrite|loop.EventError|loop.EventHup) != 0 {
			if queued, _ := e.WriteState(s); queued {
				e.WriteIO(s)
			}
		}
		s.syncWrites(e)
		return
	}
	if events&(loop.EventWrite|loop.EventError|loop.EventHup) != 0 && s.writes.head != nil {
		s.writeIO()
		s.writeCallbacks()
	}
}

// fed runs in the pending phase: completed writes, a connect that failed
// at once, and a shutdown waiting for the queue to drain.
func (s *Stream) fed() {
	if s.connecting {
		if s.delayedErr != 0 {
			s.finishConnect()
		}
		// Writes and a shutdown wait for the connection.
		return
	}
	if e, ok := s.hooks.(WriteEngine); ok {
		e.RunWrites(s)
		if s.FD() >= 0 {
			s.syncWrites(e)
		}
		return
	}
	s.writeCallbacks()
}

// WriteEngine is implemented by hooks whose owner runs the stream's
// writes itself: capi does, in C, because libuv's uv_write must write
// before it returns. The owner keeps the queue, the finished writes and
// a shutdown; the stream watches the descriptor for it and calls it at
// the points below. When the owner changes that state outside the loop,
// it submits the stream (loop.SubOwner) and Submitted catches up.
type WriteEngine interface {
	// WriteIO writes what is queued: the descriptor is writable.
	WriteIO(s *Stream)
	// RunWrites runs, in the pending phase, the callbacks of finished
	// writes and then a shutdown that waited for the queue.
	RunWrites(s *Stream)
	// ConnectDone follows a connect's callback: write the queue, or fail
	// it with err.
	ConnectDone(s *Stream, err error)
	// CancelWrites fails what is queued, and a shutdown, as the stream
	// closes, after reporting the writes that had finished.
	CancelWrites(s *Stream)
	// WriteState says whether writes are queued (watch for writability)
	// and whether the pending phase has work (callbacks, a shutdown).
	WriteState(s *Stream) (queued, pending bool)
}

// Submitted is the loop's word that the owner changed the stream's read
// or write state outside the loop (loop.Submitter).
func (s *Stream) Submitted() {
	if s.FD() < 0 {
		return
	}
	if _, ok := s.hooks.(DirectReader); ok {
		s.syncReads()
	}
	if e, ok := s.hooks.(WriteEngine); ok {
		s.syncWrites(e)
	}
}

// syncWrites makes the loop serve the owner's write engine: watch for
// writability while writes are queued (a connect watches it anyway), and
// feed the pending phase when it has work.
func (s *Stream) syncWrites(e WriteEngine) {
	queued, pending := e.WriteState(s)
	if !s.connecting {
		if queued && !s.w.Active(loop.EventWrite) {
			s.Loop().IOStart(&s.w, loop.EventWrite)
		} else if !queued && s.w.Active(loop.EventWrite) {
			s.Loop().IOStop(&s.w, loop.EventWrite)
		}
	}
	if pending {
		s.Loop().IOFeed(&s.w)
	}
}

// ReadStart starts reading (uv_read_start). The hooks' Alloc and Read
// are called from the loop.
func (s *Stream) ReadStart() error {
	if s.IsClosing() {
		return unix.EINVAL
	}
	if s.has(FlagReading) {
		return unix.EALREADY
	}
	if !s.has(FlagReadable) {
		return unix.ENOTCONN
	}
	s.set(FlagReading)
	s.Loop().IOStart(&s.w, loop.EventRead)
	s.Handle.Start()
	return nil
}

// ReadStop stops reading (uv_read_stop). It is safe to call at any time.
func (s *Stream) ReadStop() {
	if !s.has(FlagReading) {
		return
	}
	s.clear(FlagReading)
	s.Loop().IOStop(&s.w, loop.EventRead)
	s.Handle.Stop()
}

// stopReadingAfter ends reading after EOF or an error.
func (s *Stream) stopReadingAfter() {
	if s.has(FlagReading) {
		s.ReadStop()
	}
}

// DirectReader is implemented by hooks whose owner runs a stream's reads
// itself: capi does, in C, where uv_read_start and uv_read_stop run too,
// so that starting, stopping, and the buffer, read and callback of every
// read cost no crossing. On an IPC pipe the owner hands the descriptors
// that came with the data to TakeFDs before delivering the data.
type DirectReader interface {
	// ReadDirect reads from s.FD() as readIO would: it asks for buffers,
	// reads, and delivers data, "nothing now" (EAGAIN), ErrNoBufs, the
	// end of file and errors itself, at most max reads, stopping when the
	// reader stops or the stream closes. At the end of file or an error it
	// changes the stream's bits as readEnd does (FlagReading and the
	// handle's activity; FlagReadable and FlagWritable after an error).
	// The stream then brings its epoll interest in line (syncReads).
	ReadDirect(s *Stream, max int)
}

// syncReads makes the loop watch for readability exactly while the owner
// of a DirectReader stream has it reading (the owner changes FlagReading
// itself and submits the stream).
func (s *Stream) syncReads() {
	if s.FD() < 0 || s.has(FlagListening) {
		return
	}
	reading := s.has(FlagReading)
	if reading && !s.w.Active(loop.EventRead) {
		s.Loop().IOStart(&s.w, loop.EventRead)
	} else if !reading && s.w.Active(loop.EventRead) {
		s.Loop().IOStop(&s.w, loop.EventRead)
	}
}

// readIO reads until the socket is drained, the allocator refuses, the
// reader stops, or maxReads reads were made.
func (s *Stream) readIO() {
	if d, ok := s.hooks.(DirectReader); ok {
		d.ReadDirect(s, maxReads)
		s.syncReads()
		return
	}
	r := s.hooks.(ReadHooks)
	base, size := r.Alloc(s)
	for count := maxReads; ; count-- {
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
			s.readEnd(err)
			return
		case n == 0:
			s.readEnd(ErrEOF)
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
func (s *Stream) readEnd(err error) {
	if err == ErrEOF {
		s.set(FlagReadEOF)
	} else {
		s.clear(FlagReadable | FlagWritable)
	}
	s.stopReadingAfter()
	s.hooks.(ReadHooks).Read(s, 0, err, false)
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

// TakeFD queues a descriptor received on an IPC pipe for Accept (a
// DirectReader's owner calls it for what its reads receive).
func (s *Stream) TakeFD(fd int) {
	if s.acceptedFd == -1 {
		s.acceptedFd = int32(fd)
	} else {
		a := s.auxOf()
		a.queuedFds = append(a.queuedFds, fd)
	}
}

// PendingCount returns how many received descriptors wait for Accept.
func (s *Stream) PendingCount() int {
	if !s.IPC || s.acceptedFd == -1 {
		return 0
	}
	if s.aux == nil {
		return 1
	}
	return 1 + len(s.aux.queuedFds)
}

// PendingFD returns the next descriptor Accept would hand out, or -1.
func (s *Stream) PendingFD() int {
	if !s.IPC {
		return -1
	}
	return int(s.acceptedFd)
}

// NewWrite returns a request with room for nbufs buffers, recycled from
// the stream's earlier writes when possible.
func (s *Stream) NewWrite(user unsafe.Pointer, nbufs int) *WriteReq {
	r := s.free
	if r != nil {
		s.free = r.next
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

// recycle returns a finished request to the stream's free list.
func (s *Stream) recycle(r *WriteReq) {
	clear(r.iov)
	r.User = nil
	r.err = nil
	r.next = s.free
	s.free = r
}

// Discard gives back a request that was never submitted.
func (s *Stream) Discard(r *WriteReq) { s.recycle(r) }

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
	if err := s.checkWrite(sendFd); err != nil {
		return err
	}
	empty := s.writes.head == nil
	r.sendFd = sendFd
	s.Loop().ReqStart()
	*s.wqSize += uint64(r.left)
	s.writes.push(r)
	if s.connecting {
		// Written once the connection is established.
		return nil
	}
	if empty {
		s.writeIO()
		if s.completed.head != nil {
			s.Loop().IOFeed(&s.w)
		}
	} else if !s.w.Active(loop.EventWrite) {
		s.Loop().IOStart(&s.w, loop.EventWrite)
	}
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
	if s.connecting || *s.wqSize != 0 || s.writes.head != nil {
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

// writeIO writes queued requests in order until the descriptor is full.
func (s *Stream) writeIO() {
	for {
		r := s.writes.head
		if r == nil || s.FD() < 0 {
			break
		}
		n, err := s.writev(r.iov[r.idx:], r.sendFd)
		if err == unix.EAGAIN || err == unix.ENOBUFS {
			if !s.w.Active(loop.EventWrite) {
				s.Loop().IOStart(&s.w, loop.EventWrite)
			}
			return
		}
		if err != nil {
			r.err = err
			s.writes.pop()
			s.completed.push(r)
			s.Loop().IOFeed(&s.w)
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
			if !s.w.Active(loop.EventWrite) {
				s.Loop().IOStart(&s.w, loop.EventWrite)
			}
			return
		}
		s.writes.pop()
		s.completed.push(r)
	}
	if s.writes.head == nil {
		s.drained()
	}
}

// drained runs when the write queue empties: stop watching for
// writability, and start a shutdown that was waiting for this.
func (s *Stream) drained() {
	if s.w.Active(loop.EventWrite) {
		s.Loop().IOStop(&s.w, loop.EventWrite)
	}
	if s.shutdownOn {
		s.Loop().IOFeed(&s.w)
	}
}

// writeCallbacks reports the completed writes, then a pending shutdown
// if the queue is empty.
func (s *Stream) writeCallbacks() {
	// Only the requests completed so far: a callback's new write that
	// completes at once is reported in a later round, as libuv does, so
	// a writer cannot starve the loop's reads.
	q := s.completed
	s.completed = reqQueue{}
	s.reportWrites(q)
	if s.shutdownOn && s.writes.head == nil && !s.IsClosing() {
		s.finishShutdown()
	}
}

// reportWrites hands the requests of q to the owner in one batch. Each
// leaves the loop's count of requests and, if it failed, takes its
// unwritten bytes out of the queue size; it is recycled before the
// callbacks run, so that they can write again without allocating.
func (s *Stream) reportWrites(q reqQueue) {
	if q.head == nil {
		return
	}
	b := s.batch
	if b == nil || b.busy {
		// A batch is being reported further up the stack (a callback
		// closed the stream): use a fresh one.
		b = &WriteBatch{}
		if s.batch == nil {
			s.batch = b
		}
	}
	b.busy = true
	for {
		r := q.pop()
		if r == nil {
			break
		}
		s.Loop().ReqDone()
		if r.left > 0 {
			*s.wqSize -= uint64(r.left)
		}
		b.Users = append(b.Users, r.User)
		b.Errs = append(b.Errs, r.err)
		s.recycle(r)
	}
	s.hooks.(WriteHooks).WritesDone(s, b)
	clear(b.Users)
	clear(b.Errs)
	b.Users, b.Errs = b.Users[:0], b.Errs[:0]
	b.busy = false
}

// Shutdown shuts the write side down once queued writes are written
// (uv_shutdown). req is reported back through the hooks.
func (s *Stream) Shutdown(req unsafe.Pointer) error {
	if !s.has(FlagWritable) || s.has(FlagShut|FlagShutting) || s.IsClosing() || s.FD() < 0 {
		return unix.ENOTCONN
	}
	s.Loop().ReqStart()
	s.shutdownReq = req
	s.shutdownOn = true
	s.set(FlagShutting)
	s.clear(FlagWritable)
	if s.writes.head == nil {
		s.Loop().IOFeed(&s.w)
	} else if !s.connecting {
		s.Loop().IOStart(&s.w, loop.EventWrite)
	}
	return nil
}

func (s *Stream) finishShutdown() {
	req := s.shutdownReq
	s.shutdownReq = nil
	s.shutdownOn = false
	s.clear(FlagShutting)
	var err error
	if e := unix.Shutdown(s.FD(), unix.SHUT_WR); e != nil {
		err = e
	}
	s.set(FlagShut)
	s.Loop().ReqDone()
	s.hooks.(WriteHooks).ShutDown(s, req, err)
}

// Listen starts accepting connections on a bound socket.
func (s *Stream) Listen(backlog int) error {
	if s.delayedErr != 0 {
		return s.delayedErr.err()
	}
	if err := unix.Listen(s.FD(), backlog); err != nil {
		return err
	}
	s.set(FlagListening)
	s.Loop().IOStart(&s.w, loop.EventRead)
	s.Handle.Start()
	return nil
}

// serverIO accepts connections while the owner takes them.
func (s *Stream) serverIO() {
	for s.acceptedFd == -1 && s.has(FlagListening) && s.FD() >= 0 {
		fd, err := acceptRaw(s.FD(), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != nil {
			switch err {
			case unix.EAGAIN:
				return
			case unix.ECONNABORTED, unix.EINTR:
				continue
			case unix.EMFILE, unix.ENFILE:
				// Drop the waiting connections rather than spin on a
				// readiness that cannot be served. As libuv, the owner
				// hears nothing unless no reserve descriptor was left.
				if streamsEmfileTrick(s.FD()) == nil {
					return
				}
				s.hooks.Connection(s, err)
				return
			}
			s.hooks.Connection(s, err)
			continue
		}
		s.acceptedFd = int32(fd)
		s.hooks.Connection(s, nil)
		if s.acceptedFd != -1 {
			// The owner did not accept: wait until it does.
			s.Loop().IOStop(&s.w, loop.EventRead)
			return
		}
	}
}

// acceptRaw is accept4(2) without the peer's address, which nobody asks
// for here: unix.Accept4 allocates and converts one per connection. The
// listener is non-blocking, so the scheduler need not hear of the call.
func acceptRaw(listener, flags int) (int, error) {
	fd, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(listener), 0, 0, uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

// Accept hands the waiting connection (or received descriptor) to the
// owner, who opens a handle on it.
func (s *Stream) Accept() (int, error) {
	if s.acceptedFd == -1 {
		return -1, unix.EAGAIN
	}
	fd := int(s.acceptedFd)
	return fd, nil
}

// OpenAccepted opens the stream on a descriptor taken with Accept from
// another stream.
func (s *Stream) OpenAccepted(fd int) error {
	if err := s.Open(fd, FlagReadable|FlagWritable); err != nil {
		return err
	}
	s.set(FlagBound)
	return nil
}

// Accepted tells the server that the descriptor from Accept was taken
// (ok) or should stay waiting (the client could not be opened).
func (s *Stream) Accepted() {
	if a := s.aux; a != nil && len(a.queuedFds) > 0 {
		s.acceptedFd = int32(a.queuedFds[0])
		copy(a.queuedFds, a.queuedFds[1:])
		a.queuedFds = a.queuedFds[:len(a.queuedFds)-1]
		return
	}
	s.acceptedFd = -1
	if s.has(FlagListening) {
		s.Loop().IOStart(&s.w, loop.EventRead)
	}
}

// CloseHandle runs inside uv_close: the descriptor is closed at once (but
// never stdio), and requests wait for FinishClose to be cancelled.
func (s *Stream) CloseHandle() {
	// A closing stream is neither readable nor writable (libuv clears
	// both in uv_close).
	s.clear(FlagReading | FlagListening | FlagReadable | FlagWritable)
	s.Loop().IOClose(&s.w)
	fd := s.FD()
	if fd != -1 {
		if s.aux != nil && s.aux.pipeName != "" {
			// Unlink before closing, so a socket of the same name made
			// meanwhile by someone else is not removed.
			unix.Unlink(s.aux.pipeName)
			s.aux.pipeName = ""
		}
		if fd > 2 {
			unix.Close(fd)
		}
		*s.fdWord = -1
	}
	if s.acceptedFd != -1 {
		unix.Close(int(s.acceptedFd))
		s.acceptedFd = -1
	}
	if s.aux != nil {
		for _, q := range s.aux.queuedFds {
			unix.Close(q)
		}
		s.aux.queuedFds = nil
	}
	s.Handle.Stop()
}

// FinishClose cancels what is still queued, in libuv's order: connect,
// writes, shutdown; writes that had finished report first, as done.
func (s *Stream) FinishClose() {
	if s.connecting {
		s.connecting = false
		s.clear(FlagConnecting)
		req := s.connectReq
		s.connectReq = nil
		s.Loop().ReqDone()
		s.hooks.Connected(s, req, unix.ECANCELED)
	}
	if e, ok := s.hooks.(WriteEngine); ok {
		e.CancelWrites(s)
		return
	}
	for {
		r := s.writes.pop()
		if r == nil {
			break
		}
		r.err = unix.ECANCELED
		s.completed.push(r)
	}
	q := s.completed
	s.completed = reqQueue{}
	s.reportWrites(q)
	if s.shutdownOn {
		s.shutdownOn = false
		req := s.shutdownReq
		s.shutdownReq = nil
		s.Loop().ReqDone()
		s.hooks.(WriteHooks).ShutDown(s, req, unix.ECANCELED)
	}
}
