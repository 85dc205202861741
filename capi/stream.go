package main

// #include "stream.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
	"gouv/loop"
)

// streamHooks connects every uvio.Stream to its C handle, which holds the
// stream's record. It has no state: it is the one uvio.StreamOwner, and
// capi's streams are initialised with nil hooks. Its methods take a
// pointer, so that calls through the owner's interfaces reach them directly
// (a value in an interface is called through a generated wrapper).
type streamHooks struct{}

func init() { uvio.SetStreamOwner(&streamHooks{}) }

// cstream returns the C handle of a stream, which holds the stream; the
// host keeps it alive until close_cb, after which Go never calls a hook of
// this stream again.
func cstream(s *uvio.Stream) *C.uv_stream_t { return (*C.uv_stream_t)(cHandle(s.Base())) }

// ReadDirect runs the reads of one readiness event in C, ends included
// (io.DirectReader).
func (*streamHooks) ReadDirect(s *uvio.Stream, max int) {
	C.gouv_stream_read_direct(cHandleAddr(s.Base()), C.int(max))
}

// gouv_stream_take_fds queues the descriptors an IPC pipe's read received
// (stream_read.c), for uv_accept and uv_pipe_pending_count.
//
//export gouv_stream_take_fds
func gouv_stream_take_fds(cs *C.uv_stream_t, fds *C.int, n C.int) {
	s, ok := streamOf(unsafe.Pointer(cs))
	// SAFETY: fds points at n ints on the C caller's stack, valid for
	// this call.
	for _, fd := range unsafe.Slice(fds, int(n)) {
		if ok {
			s.TakeFD(int(fd))
		} else {
			unix.Close(int(fd)) // nobody can accept it
		}
	}
}

func (*streamHooks) Connected(s *uvio.Stream, req unsafe.Pointer, err error) {
	C.gouv_call_connect(caddr(req), streamStatus(err))
}

func (*streamHooks) Connection(s *uvio.Stream, err error) {
	C.gouv_call_connection(cHandleAddr(s.Base()), streamStatus(err))
}

// streamStatus is errno plus the one error of streams that is not an
// errno: end of file.
func streamStatus(err error) C.int {
	if err == uvio.ErrEOF {
		return C.UV_EOF
	}
	return errno(err)
}

// streamIn prepares a C stream of size bytes for uv_*_init (handleIn): the Go
// stream lives in its private words, from gouv_stream_a[1] through
// io_watcher, so that its descriptor is io_watcher.fd (layout.go checks
// it). It returns the stream and the other words hosts read: the record
// (with flags) and write_queue_size, whose Go types match the C field
// sizes.
func streamIn(cs *C.uv_stream_t, size uintptr) (*uvio.Stream, *loop.Rec, *uint64) {
	handleIn((*C.uv_handle_t)(unsafe.Pointer(cs)), size)
	return streamAt(cs), recOf((*C.uv_handle_t)(unsafe.Pointer(cs))),
		(*uint64)(unsafe.Pointer(&cs.write_queue_size))
}

// streamAt returns the Go stream inside a C stream.
func streamAt(cs *C.uv_stream_t) *uvio.Stream {
	return (*uvio.Stream)(unsafe.Pointer(&cs.gouv_stream_a[1]))
}

// inPlace is every loop's in-place hook (loop.SetInPlace): the Go objects
// that live inside C handles, which take no slot in the loop's table.
func inPlace(r *loop.Rec) loop.Object {
	ch := handleOfRec(r)
	switch ch._type {
	case C.UV_TCP, C.UV_NAMED_PIPE, C.UV_TTY:
		return streamAt((*C.uv_stream_t)(unsafe.Pointer(ch)))
	case C.UV_UDP:
		return udpAt((*C.uv_udp_t)(unsafe.Pointer(ch)))
	}
	return nil
}

func streamOf(p unsafe.Pointer) (*uvio.Stream, bool) {
	return lookup[*uvio.Stream](p)
}

//export uv_listen
func uv_listen(cs *C.uv_stream_t, backlog C.int, cb C.uv_connection_cb) C.int {
	s, ok := streamOf(unsafe.Pointer(cs))
	if !ok || s.IsClosing() {
		return C.UV_EINVAL
	}
	var err error
	switch s.Kind {
	case uvio.KindTCP:
		err = s.TCPListen(int(backlog))
	case uvio.KindPipe:
		err = s.PipeListen(int(backlog))
	default:
		return C.UV_EINVAL
	}
	if err != nil {
		return errno(err)
	}
	// A C function pointer, kept in C memory for the C trampoline.
	cs.gouv_stream_a[0] = unsafe.Pointer(cb)
	return 0
}

//export uv_accept
func uv_accept(server, client *C.uv_stream_t) C.int {
	s, ok := streamOf(unsafe.Pointer(server))
	if !ok {
		return C.UV_EINVAL
	}
	fd, err := s.Accept()
	if err != nil {
		return errno(err)
	}
	var rc C.int
	switch client._type {
	case C.UV_TCP, C.UV_NAMED_PIPE:
		c, ok := streamOf(unsafe.Pointer(client))
		if !ok {
			return C.UV_EINVAL
		}
		if err := c.OpenAccepted(fd); err != nil {
			rc = errno(err)
			closeFD(fd)
		}
	case C.UV_UDP:
		// The UDP area opens it; a received descriptor is all it needs.
		// A Go-to-C call into our own exported uv_udp_open.
		if rc = C.uv_udp_open((*C.uv_udp_t)(unsafe.Pointer(client)), C.uv_os_sock_t(fd)); rc != 0 {
			closeFD(fd)
		}
	default:
		return C.UV_EINVAL
	}
	s.Accepted()
	return rc
}

// uv_read_start and uv_read_stop are C (stream_read.c): they change the
// stream's bits and submit it; Submitted brings the loop's epoll interest
// in line.

// The write engine of C hosts' streams is C (stream_write.c): uv_write,
// uv_write2, uv_try_write, uv_try_write2 and uv_shutdown run there without
// a crossing. These methods are how the loop serves it (uvio.WriteEngine).
// Each reads the engine's state from the C handle, or crosses once.

// WriteIO writes what is queued: the descriptor is writable.
func (*streamHooks) WriteIO(s *uvio.Stream) { C.gouv_stream_write_io(cHandleAddr(s.Base())) }

// RunWrites runs finished writes' callbacks and a waiting shutdown.
func (*streamHooks) RunWrites(s *uvio.Stream) {
	cs := cstream(s)
	if cs.gouv_stream_b[2] != nil || cs.gouv_stream_b[6] != nil {
		C.gouv_stream_run_writes(caddr(unsafe.Pointer(cs)))
	}
}

// ConnectDone writes the queue after a connect, or fails it.
func (*streamHooks) ConnectDone(s *uvio.Stream, err error) {
	cs := cstream(s)
	if cs.gouv_stream_b[4] != nil || cs.gouv_stream_b[6] != nil {
		C.gouv_stream_connect_done(cs, streamStatus(err))
	}
}

// CancelWrites fails what is queued as the stream closes; a stream with
// nothing queued, finished or waiting costs no crossing.
func (*streamHooks) CancelWrites(s *uvio.Stream) {
	cs := cstream(s)
	if cs.gouv_stream_b[2] != nil || cs.gouv_stream_b[4] != nil || cs.gouv_stream_b[6] != nil {
		C.gouv_stream_cancel_writes(cs)
	}
}

// WriteState reads the engine's lists in the C handle (stream_write.c
// names the words): the queue, the finished writes, the shutdown.
func (*streamHooks) WriteState(s *uvio.Stream) (queued, pending bool) {
	cs := cstream(s)
	queued = cs.gouv_stream_b[4] != nil
	pending = cs.gouv_stream_b[2] != nil || (cs.gouv_stream_b[6] != nil && !queued)
	return queued, pending
}

//export uv_stream_set_blocking
func uv_stream_set_blocking(cs *C.uv_stream_t, blocking C.int) C.int {
	s, ok := streamOf(unsafe.Pointer(cs))
	if !ok {
		return C.UV_EINVAL
	}
	return errno(s.SetBlocking(blocking != 0))
}

//export uv_guess_handle
func uv_guess_handle(fd C.uv_file) C.uv_handle_type {
	switch uvio.GuessHandle(int(fd)) {
	case uvio.HandleTCP:
		return C.UV_TCP
	case uvio.HandleUDP:
		return C.UV_UDP
	case uvio.HandlePipe:
		return C.UV_NAMED_PIPE
	case uvio.HandleTTY:
		return C.UV_TTY
	case uvio.HandleFile:
		return C.UV_FILE
	}
	return C.UV_UNKNOWN_HANDLE
}

var _ loop.External = (*uvio.Stream)(nil)

// closeFD closes a descriptor nobody could take.
func closeFD(fd int) { unix.Close(fd) }
