package uvio

import (
	"io"
	"sync"
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

// Stream is a TCP socket, a pipe or unix socket, or a TTY: the shared
// machinery of reading, writing, shutting down, listening and accepting.
type Stream struct {
	loop.Handle

	connectReq unsafe.Pointer
	wqSize     *uint64   // the host-visible write_queue_size
	goEng      *goEngine // the reads and writes of a Go program's stream

	acceptedFd int32
	delayedErr errno32 // an error a later call reports (bind, connect)
	Kind       StreamKind
	IPC        bool
	connecting bool
	family     uint8 // TCP: address family of the socket, 0 before one exists
	hasAux     bool  // auxes holds a streamAux for it

	// The watcher comes last: its descriptor is the host-visible one
	// (io_watcher.fd) when the stream lives in a host's handle.
	w loop.IO
}

// A C host's stream holds no Go pointer (its goEng is nil, the rest point
// into the host's memory), so it can live in the host's handle: StreamSize
// bytes, its descriptor StreamFDOffset bytes in (capi/layout.go checks
// both against uv_stream_t).
const (
	StreamSize     = unsafe.Sizeof(Stream{})
	StreamFDOffset = unsafe.Offsetof(Stream{}.w) + loop.IOFDOffset
)

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

// auxes holds the streamAux of the streams that have one, outside the
// streams themselves, so that the many that need none stay small; a stream
// knows it has one (hasAux) without a lookup. It is dropped when the
// stream finishes closing.
var auxes sync.Map // *Stream -> *streamAux

// auxOf returns the stream's streamAux, made on first use.
func (s *Stream) auxOf() *streamAux {
	if a := s.aux(); a != nil {
		return a
	}
	a := &streamAux{}
	auxes.Store(s, a)
	s.hasAux = true
	return a
}

// aux returns the stream's streamAux, or nil if it has none.
func (s *Stream) aux() *streamAux {
	if !s.hasAux {
		return nil
	}
	a, _ := auxes.Load(s)
	return a.(*streamAux)
}

// StreamOwner is the one owner of every stream that runs its streams'
// reads and writes itself (capi does, in C): its hooks and both engines.
// One value serves all its streams, so they keep no hooks of their own.
type StreamOwner interface {
	StreamHooks
	DirectReader
	WriteEngine
}

// owner is the StreamOwner, if any (SetStreamOwner).
var owner StreamOwner

// SetStreamOwner installs the owner of the streams initialised with nil
// hooks; it must be called before the first one.
func SetStreamOwner(o StreamOwner) { owner = o }

// hooks, reader and writer return who hears of the stream's events and
// runs its reads and writes: its Go engine, or the owner.
func (s *Stream) hooks() StreamHooks {
	if s.goEng != nil {
		return s.goEng.hooks
	}
	return owner
}

func (s *Stream) reader() DirectReader {
	if s.goEng != nil {
		return s.goEng
	}
	return owner
}

func (s *Stream) writer() WriteEngine {
	if s.goEng != nil {
		return s.goEng
	}
	return owner
}

// InitStream prepares s on l. hooks are a Go program's (ReadHooks and
// WriteHooks as well), which gives the stream this package's engine; nil
// makes it a stream of the StreamOwner. rec and wqSize, when non-nil, are
// where the words a host reads live (the handle's record with its flags,
// write_queue_size); the host reads the descriptor in s itself.
func InitStream(l *loop.Loop, s *Stream, kind StreamKind, handleKind int, hooks StreamHooks,
	rec *loop.Rec, wqSize *uint64) {
	*s = Stream{} // a host's memory is cleared by its owner first
	if hooks != nil {
		s.goEng = &goEngine{hooks: hooks}
	}
	if wqSize == nil {
		// Nobody else reads it: the stream keeps its own.
		wqSize = new(uint64)
	}
	if hooks == nil {
		// The StreamOwner's stream lives in the owner's memory.
		s.Handle.InitInPlace(l, s, handleKind, rec)
	} else {
		s.Handle.InitExternal(l, s, handleKind, rec)
	}
	s.Kind = kind
	s.wqSize = wqSize
	*wqSize = 0
	s.acceptedFd = -1
	l.InitIO(&s.w, -1, streamClass)
}

// FD returns the stream's descriptor, -1 if it has none.
func (s *Stream) FD() int { return s.w.FD() }

// has, set and clear read and change the handle's state word (its
// record's flags, which hosts read).
func (s *Stream) has(f uint32) bool { return *s.FlagWord()&f != 0 }
func (s *Stream) set(f uint32)      { *s.FlagWord() |= f }
func (s *Stream) clear(f uint32)    { *s.FlagWord() &^= f }

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
			setsockoptIntRaw(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		}
		if s.has(FlagTCPKeepalive) {
			tcpKeepalive(fd, true, 60)
		}
	}
	s.set(flags & (FlagReadable | FlagWritable))
	s.Loop().InitIO(&s.w, fd, streamClass)
	return nil
}

// setFD gives the stream a descriptor it created itself.
func (s *Stream) setFD(fd int) {
	s.Loop().InitIO(&s.w, fd, streamClass)
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

// streamClass is the watcher class of every stream.
var streamClass = loop.RegisterIO(streamIO)

// streamIO is the watcher callback of every stream.
func streamIO(w *loop.IO, events uint32) {
	s := loop.OwnerOf[Stream](w, unsafe.Offsetof(Stream{}.w))
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
	// A read callback that changed the write state (a write, a shutdown)
	// brought the loop in line itself: the C engine by submitting the
	// stream, goEngine at once. Only what WriteIO does needs a sync here.
	if events&(loop.EventWrite|loop.EventError|loop.EventHup) != 0 {
		e := s.writer()
		if queued, _ := e.WriteState(s); queued {
			e.WriteIO(s)
		}
		s.syncWrites(e)
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
	e := s.writer()
	e.RunWrites(s)
	if s.FD() >= 0 {
		s.syncWrites(e)
	}
}

// WriteEngine runs a stream's writes: capi's hooks do, in C, because
// libuv's uv_write must write before it returns, and a Go program's
// stream has this package's goEngine. The engine keeps the queue, the finished writes and
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
	s.syncReads()
	s.syncWrites(s.writer())
}

// syncWrites makes the loop serve the owner's write engine: watch for
// writability while writes are queued (a connect watches it anyway), and
// feed the pending phase when it has work.
func (s *Stream) syncWrites(e WriteEngine) {
	queued, pending := e.WriteState(s)
	if !s.connecting {
		s.Loop().IOWatch(&s.w, loop.EventWrite, queued)
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

// DirectReader runs a stream's reads: capi's hooks do, in C, where
// uv_read_start and uv_read_stop run too, so that starting, stopping, and
// the buffer, read and callback of every read cost no crossing; a Go
// program's stream has this package's goEngine. On an IPC pipe the reader
// hands the descriptors that came with the data to TakeFD before
// delivering the data.
type DirectReader interface {
	// ReadDirect reads from s.FD(): it asks for buffers, reads, and
	// delivers data, "nothing now" (EAGAIN), ErrNoBufs, the end of file
	// and errors itself, at most max reads, stopping when the reader
	// stops or the stream closes. At the end of file it stops reading
	// (FlagReading and the handle's activity) and sets FlagReadEOF; after
	// an error it also clears FlagReadable and FlagWritable. The stream
	// then brings its epoll interest in line (syncReads).
	ReadDirect(s *Stream, max int)
}

// readIO runs the reads of one readiness event.
func (s *Stream) readIO() {
	s.reader().ReadDirect(s, maxReads)
	s.syncReads()
}

// syncReads makes the loop watch for readability exactly while the owner
// of a DirectReader stream has it reading (the owner changes FlagReading
// itself and submits the stream).
func (s *Stream) syncReads() {
	if s.FD() < 0 || s.has(FlagListening) {
		return
	}
	s.Loop().IOWatch(&s.w, loop.EventRead, s.has(FlagReading))
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
	a := s.aux()
	if a == nil {
		return 1
	}
	return 1 + len(a.queuedFds)
}

// PendingFD returns the next descriptor Accept would hand out, or -1.
func (s *Stream) PendingFD() int {
	if !s.IPC {
		return -1
	}
	return int(s.acceptedFd)
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
				s.hooks().Connection(s, err)
				return
			}
			s.hooks().Connection(s, err)
			continue
		}
		s.acceptedFd = int32(fd)
		s.hooks().Connection(s, nil)
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
	if a := s.aux(); a != nil && len(a.queuedFds) > 0 {
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
	fd := s.FD()
	s.Loop().IOClose(&s.w) // the descriptor is -1 from here
	a := s.aux()
	if fd != -1 {
		if a != nil && a.pipeName != "" {
			// Unlink before closing, so a socket of the same name made
			// meanwhile by someone else is not removed.
			unix.Unlink(a.pipeName)
			a.pipeName = ""
		}
		if fd > 2 {
			unix.Close(fd)
		}
	}
	if s.acceptedFd != -1 {
		unix.Close(int(s.acceptedFd))
		s.acceptedFd = -1
	}
	if a != nil {
		for _, q := range a.queuedFds {
			unix.Close(q)
		}
		a.queuedFds = nil
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
		s.hooks().Connected(s, req, unix.ECANCELED)
	}
	s.writer().CancelWrites(s)
	if s.hasAux {
		auxes.Delete(s)
		s.hasAux = false
	}
}
