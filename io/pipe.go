package uvio

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// InitPipe prepares a pipe stream; ipc pipes carry descriptors too.
func InitPipe(l *loop.Loop, s *Stream, handleKind int, hooks StreamHooks, ipc bool,
	rec *loop.Rec, wqSize *uint64) {
	InitStream(l, s, KindPipe, handleKind, hooks, rec, wqSize)
	s.IPC = ipc
}

// OpenFD opens the stream on an existing descriptor of any kind (pipe,
// socket, FIFO), readable and writable as its access mode says
// (uv_pipe_open), for wrapping a descriptor made elsewhere.
func (s *Stream) OpenFD(fd int) error {
	if s.Loop().IOWatched(fd) {
		return unix.EEXIST
	}
	mode, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return err
	}
	var flags uint32
	switch mode & unix.O_ACCMODE {
	case unix.O_RDONLY:
		flags = FlagReadable
	case unix.O_WRONLY:
		flags = FlagWritable
	default:
		flags = FlagReadable | FlagWritable
	}
	return s.Open(fd, flags)
}

// sunPathMax is the size of sockaddr_un.sun_path on Linux.
const sunPathMax = 108

// PipeBind binds a unix socket at name (uv_pipe_bind). As libuv 1.44, a
// name longer than sun_path is truncated.
func (s *Stream) PipeBind(name string) error {
	if len(name) >= sunPathMax {
		name = name[:sunPathMax-1]
	}
	return s.pipeBind(name, false)
}

// PipeBind2 binds a unix socket at name, every byte of it (uv_pipe_bind2,
// libuv 1.46): the caller has checked the name and cut it to sun_path's
// size. An empty name asks Linux to choose an abstract name (autobind).
func (s *Stream) PipeBind2(name string) error {
	return s.pipeBind(name, true)
}

func (s *Stream) pipeBind(name string, exact bool) error {
	if s.FD() >= 0 || s.IsClosing() {
		return unix.EINVAL
	}
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	if err := pipeSys(unix.SYS_BIND, sock, name, exact); err != nil {
		unix.Close(sock)
		if err == unix.ENOENT {
			// As libuv, for Windows' sake.
			err = unix.EACCES
		}
		return err
	}
	s.setFD(sock)
	s.set(FlagBound)
	if name != "" && name[0] != 0 {
		s.auxOf().pipeName = name
	}
	return nil
}

// BoundPath is the file system path the pipe is bound to ("" for none or
// an abstract name): the socket file that closing the pipe removes.
func (s *Stream) BoundPath() string {
	a := s.aux()
	if a == nil {
		return ""
	}
	return a.pipeName
}

// PipeListen listens on a bound pipe; IPC pipes cannot listen.
func (s *Stream) PipeListen(backlog int) error {
	if s.FD() < 0 || s.IPC {
		return unix.EINVAL
	}
	return s.Listen(backlog)
}

// PipeConnect connects to the unix socket at name (uv_pipe_connect);
// every outcome, failures included, goes to the hooks' Connected.
func (s *Stream) PipeConnect(name string, req unsafe.Pointer) error {
	if len(name) >= sunPathMax {
		name = name[:sunPathMax-1]
	}
	return s.Connect(&unix.SockaddrUnix{Name: name}, req)
}

// PipeConnect2 connects to the unix socket at name, every byte of it
// (uv_pipe_connect2, libuv 1.46); the caller has checked the name and cut
// it to sun_path's size.
func (s *Stream) PipeConnect2(name string, req unsafe.Pointer) error {
	return s.Connect(&unix.SockaddrUnix{Name: name}, req)
}

// PipeName returns the path of the local (peer false) or remote end.
func (s *Stream) PipeName(peer bool) (string, error) {
	fd := s.FD()
	if fd < 0 {
		return "", unix.EBADF
	}
	// Raw, because x/sys spells the abstract namespace with a leading
	// '@' and so cannot tell it from a path that starts with one.
	var raw unix.RawSockaddrUnix
	n := uint32(unsafe.Sizeof(raw))
	call := uintptr(unix.SYS_GETSOCKNAME)
	if peer {
		call = unix.SYS_GETPEERNAME
	}
	// SAFETY: raw and n live on this frame until the call returns.
	_, _, e := unix.RawSyscall(call, uintptr(fd), uintptr(unsafe.Pointer(&raw)), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return "", e
	}
	off := uint32(unsafe.Offsetof(raw.Path))
	if n <= off {
		return "", nil
	}
	if n > uint32(unsafe.Sizeof(raw)) {
		n = uint32(unsafe.Sizeof(raw))
	}
	path := unsafe.Slice((*byte)(unsafe.Pointer(&raw.Path[0])), int(n-off))
	if path[0] == 0 {
		return string(path), nil // abstract: every byte counts
	}
	for i, c := range path {
		if c == 0 {
			return string(path[:i]), nil
		}
	}
	return string(path), nil
}

// pipeSys binds or connects fd to the unix socket name (a path, or an
// abstract name when it starts with a NUL byte), of at most sun_path's
// size. With exact, an empty name is passed as no name at all, which
// bind(2) answers with an abstract name of its choosing.
func pipeSys(call uintptr, fd int, name string, exact bool) error {
	var raw unix.RawSockaddrUnix
	raw.Family = unix.AF_UNIX
	for i := 0; i < len(name) && i < len(raw.Path); i++ {
		raw.Path[i] = int8(name[i])
	}
	n := unsafe.Sizeof(raw)
	if len(name) > 0 && name[0] == 0 {
		n = unsafe.Offsetof(raw.Path) + uintptr(min(len(name), len(raw.Path)))
	} else if len(name) == 0 && exact {
		n = unsafe.Offsetof(raw.Path)
	}
	for {
		// SAFETY: raw lives on this frame until the call returns.
		_, _, e := unix.Syscall(call, uintptr(fd), uintptr(unsafe.Pointer(&raw)), n)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// PipeChmod makes the bound socket readable and/or writable by everyone
// (uv_pipe_chmod); mode is UV_READABLE (1), UV_WRITABLE (2) or both.
func (s *Stream) PipeChmod(mode int) error {
	if s.FD() < 0 {
		return unix.EBADF
	}
	if mode != 1 && mode != 2 && mode != 3 {
		return unix.EINVAL
	}
	name, err := s.PipeName(false)
	if err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Stat(name, &st); err != nil {
		return err
	}
	var want uint32
	if mode&1 != 0 {
		want |= unix.S_IRUSR | unix.S_IRGRP | unix.S_IROTH
	}
	if mode&2 != 0 {
		want |= unix.S_IWUSR | unix.S_IWGRP | unix.S_IWOTH
	}
	if st.Mode&want == want {
		return nil
	}
	return unix.Chmod(name, (st.Mode|want)&07777)
}

// Pipe makes a pipe pair (uv_pipe): close-on-exec, each end non-blocking
// if asked.
func Pipe(readNonblock, writeNonblock bool) ([2]int, error) {
	var fds [2]int
	flags := unix.O_CLOEXEC
	if readNonblock && writeNonblock {
		flags |= unix.O_NONBLOCK
	}
	if err := unix.Pipe2(fds[:], flags); err != nil {
		return fds, err
	}
	if flags&unix.O_NONBLOCK == 0 {
		if readNonblock {
			unix.SetNonblock(fds[0], true)
		}
		if writeNonblock {
			unix.SetNonblock(fds[1], true)
		}
	}
	return fds, nil
}

// Socketpair makes a connected pair of unix sockets (uv_socketpair).
func Socketpair(typ, proto int, nonblock0, nonblock1 bool) ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return fds, err
	}
	if nonblock0 {
		unix.SetNonblock(fds[0], true)
	}
	if nonblock1 {
		unix.SetNonblock(fds[1], true)
	}
	return fds, nil
}
