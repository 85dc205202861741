package main

// #include "stream.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
	"gouv/loop"
)

// streamHooks connects every uvio.Stream to its C handle, kept in the
// stream's User field. It has no state, so one value serves all streams
// and an interface call through it allocates nothing.
type streamHooks struct{}

var hooks uvio.StreamHooks = streamHooks{}

// cstream returns the C handle of a stream: initHandle stored it in User,
// and the host keeps it alive until close_cb, after which Go never calls
// a hook of this stream again.
func cstream(s *uvio.Stream) *C.uv_stream_t { return (*C.uv_stream_t)(s.User) }

// readBuf is the buffer of the read in progress, kept in the C handle's
// private words (C memory: the host's allocator filled it).
func readBuf(cs *C.uv_stream_t) *C.uv_buf_t {
	return (*C.uv_buf_t)(unsafe.Pointer(&cs.gouv_stream_b[0]))
}

func (streamHooks) Alloc(s *uvio.Stream) (unsafe.Pointer, int) {
	cs := cstream(s)
	// Crossing: the host's alloc_cb fills the buffer in the handle's
	// private words, C memory that Go only reads back.
	C.gouv_stream_alloc(cs)
	b := readBuf(cs)
	return unsafe.Pointer(b.base), int(b.len)
}

func (streamHooks) Read(s *uvio.Stream, n int, err error, next bool) (unsafe.Pointer, int) {
	cs := cstream(s)
	nread := C.ssize_t(n)
	if err != nil {
		nread = C.ssize_t(streamStatus(err))
	}
	more := C.int(0)
	if next {
		more = 1
	}
	if C.gouv_stream_read(cs, nread, more) == 0 {
		return nil, 0
	}
	b := readBuf(cs)
	return unsafe.Pointer(b.base), int(b.len)
}

// ReadDirect runs the reads of one readiness event in C (io.DirectReader).
func (streamHooks) ReadDirect(s *uvio.Stream, max int) error {
	switch r := C.gouv_stream_read_direct(cstream(s), C.int(max)); r {
	case 0:
		return nil
	case C.UV_EOF:
		return uvio.ErrEOF
	default:
		return unix.Errno(-r)
	}
}

func (streamHooks) WritesDone(s *uvio.Stream, b *uvio.WriteBatch) {
	n := len(b.Users)
	if cap(b.Codes) < n {
		b.Codes = make([]int32, n)
	}
	b.Codes = b.Codes[:n]
	for i, err := range b.Errs {
		b.Codes[i] = int32(streamStatus(err))
	}
	// SAFETY: Users holds C pointers only (the host's uv_write_t) and Codes
	// plain integers, so C may read this Go memory during the call; the
	// batch is not reused until the call returns.
	C.gouv_call_writes((*unsafe.Pointer)(unsafe.Pointer(&b.Users[0])), (*C.int)(unsafe.Pointer(&b.Codes[0])), C.int(n))
}

func (streamHooks) Connected(s *uvio.Stream, req unsafe.Pointer, err error) {
	C.gouv_call_connect((*C.uv_connect_t)(req), streamStatus(err))
}

func (streamHooks) ShutDown(s *uvio.Stream, req unsafe.Pointer, err error) {
	C.gouv_call_shutdown((*C.uv_shutdown_t)(req), streamStatus(err))
}

func (streamHooks) Connection(s *uvio.Stream, err error) {
	C.gouv_call_connection(cstream(s), streamStatus(err))
}

// streamStatus is errno plus the one error of streams that is not an
// errno: end of file.
func streamStatus(err error) C.int {
	if err == uvio.ErrEOF {
		return C.UV_EOF
	}
	return errno(err)
}

// streamWords points a Go stream at the words of the C handle that hosts
// read: flags, io_watcher.fd and write_queue_size. The pointers are into
// host memory that outlives the Go stream's use of it (until close_cb);
// the Go types match the C field sizes (unsigned int, int, size_t).
func streamWords(cs *C.uv_stream_t) (*uint32, *int32, *uint64) {
	ch := (*C.uv_handle_t)(unsafe.Pointer(cs))
	cs.alloc_cb = nil
	cs.read_cb = nil
	cs.gouv_stream_a = [2]unsafe.Pointer{}
	cs.gouv_stream_b = [7]unsafe.Pointer{}
	return cflags(ch),
		(*int32)(unsafe.Pointer(&cs.io_watcher.fd)),
		(*uint64)(unsafe.Pointer(&cs.write_queue_size))
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

//export uv_read_start
func uv_read_start(cs *C.uv_stream_t, alloc C.uv_alloc_cb, read C.uv_read_cb) C.int {
	s, ok := streamOf(unsafe.Pointer(cs))
	if !ok || alloc == nil || read == nil {
		return C.UV_EINVAL
	}
	if err := s.ReadStart(); err != nil {
		return errno(err)
	}
	cs.alloc_cb = alloc
	cs.read_cb = read
	return 0
}

//export uv_read_stop
func uv_read_stop(cs *C.uv_stream_t) C.int {
	if s, ok := streamOf(unsafe.Pointer(cs)); ok {
		s.ReadStop()
		return 0
	}
	if handleClosed(unsafe.Pointer(cs)) {
		return 0 // as libuv: a closed stream is not reading
	}
	return C.UV_EINVAL
}

// sendFD checks the handle to pass over an IPC pipe and returns its
// descriptor (-1 for none).
func sendFD(s *uvio.Stream, send *C.uv_stream_t) (int, C.int) {
	if send == nil {
		return -1, 0
	}
	if s.Kind != uvio.KindPipe || !s.IPC {
		return -1, C.UV_EINVAL
	}
	var fd C.int
	switch send._type {
	case C.UV_TCP, C.UV_NAMED_PIPE:
		fd = send.io_watcher.fd
	case C.UV_UDP:
		fd = (*C.uv_udp_t)(unsafe.Pointer(send)).io_watcher.fd
	default:
		return -1, C.UV_EINVAL
	}
	if fd < 0 {
		return -1, C.UV_EBADF
	}
	return int(fd), 0
}

// maxWriteBufs bounds the buffer list of one write: libuv would fail to
// allocate its copy of an absurd count (UV_ENOMEM); Go would panic.
const maxWriteBufs = 1 << 24

// fillWrite copies the host's buffer list (which it may free once the
// call returns) into r; the bytes themselves stay the host's.
func fillWrite(r *uvio.WriteReq, bufs *C.uv_buf_t, nbufs C.uint) {
	// SAFETY: bufs points at nbufs uv_buf_t of the host, valid for this call.
	for i, b := range unsafe.Slice(bufs, int(nbufs)) {
		r.SetBuf(i, unsafe.Pointer(b.base), int(b.len))
	}
}

// hasStagedWrites reports whether stream.c finished writes whose
// callbacks have not run; the loop asks before each pending round.
func (s *loopState) hasStagedWrites() bool { return s.c.gouv_writes_done != nil }

// runStagedWrites runs those callbacks, in one crossing.
func (s *loopState) runStagedWrites() { C.gouv_run_staged_writes(s.c) }

// gouv_write queues a write (uv_write, uv_write2). written is -1, or the
// bytes stream.c already wrote before the descriptor would take no more.
//
//export gouv_write
func gouv_write(req *C.uv_write_t, cs *C.uv_stream_t, bufs *C.uv_buf_t, nbufs C.uint,
	send *C.uv_stream_t, cb C.uv_write_cb, written C.long) C.int {
	s, ok := streamOf(unsafe.Pointer(cs))
	if !ok && req != nil && nbufs > 0 && handleClosed(unsafe.Pointer(cs)) {
		return C.UV_EBADF // libuv: the closed stream has no descriptor
	}
	if !ok || req == nil || (bufs == nil && nbufs > 0) || nbufs == 0 {
		return C.UV_EINVAL
	}
	if nbufs > maxWriteBufs {
		return C.UV_ENOMEM
	}
	fd, rc := sendFD(s, send)
	if rc != 0 {
		return rc
	}
	r := s.NewWrite(unsafe.Pointer(req), int(nbufs))
	fillWrite(r, bufs, nbufs)
	req._type = C.UV_WRITE
	req.cb = cb
	req.handle = cs
	req.send_handle = send
	var err error
	if written >= 0 {
		err = s.WriteRest(r, int(written))
	} else {
		err = s.Write(r, fd)
	}
	if err != nil {
		s.Discard(r)
		return errno(err)
	}
	return 0
}

//export gouv_try_write
func gouv_try_write(cs *C.uv_stream_t, bufs *C.uv_buf_t, nbufs C.uint, send *C.uv_stream_t) C.int {
	s, ok := streamOf(unsafe.Pointer(cs))
	if !ok && nbufs > 0 && handleClosed(unsafe.Pointer(cs)) {
		return C.UV_EBADF // libuv: the closed stream has no descriptor
	}
	if !ok || (bufs == nil && nbufs > 0) || nbufs == 0 {
		return C.UV_EINVAL
	}
	if nbufs > maxWriteBufs {
		return C.UV_ENOMEM
	}
	fd, rc := sendFD(s, send)
	if rc != 0 {
		return rc
	}
	r := s.NewWrite(nil, int(nbufs))
	fillWrite(r, bufs, nbufs)
	n, err := s.TryWrite(r, fd)
	s.Discard(r)
	if err != nil {
		return errno(err)
	}
	return C.int(n)
}

//export uv_shutdown
func uv_shutdown(req *C.uv_shutdown_t, cs *C.uv_stream_t, cb C.uv_shutdown_cb) C.int {
	s, ok := streamOf(unsafe.Pointer(cs))
	if !ok && req != nil && handleClosed(unsafe.Pointer(cs)) {
		return C.UV_ENOTCONN // libuv: a closed stream is not writable
	}
	if !ok || req == nil {
		return C.UV_EINVAL
	}
	req._type = C.UV_SHUTDOWN
	req.handle = cs
	req.cb = cb
	return errno(s.Shutdown(unsafe.Pointer(req)))
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
