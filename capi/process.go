package main

// #include "capi.h"
// #include "os.h"
// #include <stdlib.h>
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
	"gouv/loop"
)

// gouvPipeAdoptFD hands the parent's end of a UV_CREATE_PIPE socketpair to
// the host's uv_pipe_t, one way only as libuv does: readable if the child
// writes (UV_WRITABLE_PIPE), writable if the child reads (UV_READABLE_PIPE).
func gouvPipeAdoptFD(pipe *C.uv_pipe_t, fd int, readable, writable bool) C.int {
	s, ok := pipeOf(unsafe.Pointer(pipe))
	if !ok {
		return C.UV_EINVAL
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return errno(err)
	}
	var flags uint32
	if readable {
		flags |= uvio.FlagReadable
	}
	if writable {
		flags |= uvio.FlagWritable
	}
	return errno(s.Open(fd, flags))
}

// cForker starts children with gouv_fork_exec (process.c): a child made
// by C can reset its signal state as libuv's children do, which
// syscall.ForkExec cannot.
type cForker struct{}

func init() { uvio.SetForker(cForker{}) }

// cArray copies strings into one C allocation: a NULL-terminated array of
// pointers followed by the strings, freed with one C.free.
func cArray(ss []string) **C.char {
	size := (len(ss) + 1) * int(unsafe.Sizeof((*C.char)(nil)))
	for _, s := range ss {
		size += len(s) + 1
	}
	mem := C.malloc(C.size_t(size))
	// SOUND: mem holds the pointer array and then the bytes, as sized above;
	// it is C memory, so C pointers into it may be stored in it.
	ptrs := unsafe.Slice((**C.char)(mem), len(ss)+1)
	bytes := unsafe.Slice((*byte)(mem), size)[(len(ss)+1)*int(unsafe.Sizeof((*C.char)(nil))):]
	for i, s := range ss {
		ptrs[i] = (*C.char)(unsafe.Pointer(&bytes[0]))
		copy(bytes, s)
		bytes[len(s)] = 0
		bytes = bytes[len(s)+1:]
	}
	ptrs[len(ss)] = nil
	return (**C.char)(mem)
}

func (cForker) ForkExec(path string, o *uvio.ProcessOptions, files []int) (int, int, error) {
	strs := cArray([]string{path, o.Dir})
	argv := cArray(o.Args)
	envp := cArray(o.Env)
	defer C.free(unsafe.Pointer(strs))
	defer C.free(unsafe.Pointer(argv))
	defer C.free(unsafe.Pointer(envp))
	// SOUND: strs is the 2-element array made just above.
	sp := unsafe.Slice(strs, 2)
	var cwd *C.char
	if o.Dir != "" {
		cwd = sp[1]
	}
	fds := (*C.int)(C.malloc(C.size_t(len(files)) * C.sizeof_int))
	defer C.free(unsafe.Pointer(fds))
	var nonblock C.unsigned
	for i, fd := range files {
		unsafe.Slice(fds, len(files))[i] = C.int(fd)
		if i < 3 && i < len(o.Stdio) && o.Stdio[i].NonBlock {
			nonblock |= 1 << i
		}
	}
	var flags C.int
	if o.Detached {
		flags |= C.GOUV_SPAWN_DETACHED
	}
	if o.SetUID {
		flags |= C.GOUV_SPAWN_SETUID
	}
	if o.SetGID {
		flags |= C.GOUV_SPAWN_SETGID
	}
	var pid, pidfd C.int
	// The C pointers are all C memory; pid and pidfd are Go locals whose
	// addresses cgo pins for the call (they hold no Go pointers).
	r := C.gouv_fork_exec(sp[0], argv, envp, cwd, fds, C.int(len(files)), nonblock, flags,
		C.unsigned(o.UID), C.unsigned(o.GID), &pid, &pidfd)
	if r != 0 {
		return 0, -1, errnoError(r)
	}
	return int(pid), int(pidfd), nil
}

// cStrings copies a NULL-terminated C array of strings.
func cStrings(p **C.char) []string {
	if p == nil {
		return nil
	}
	var out []string
	// SOUND: the host guarantees a NULL-terminated array (argv/envp style)
	// that lives for the duration of this call.
	for a := unsafe.Slice(p, 1<<20); len(out) < len(a) && a[len(out)] != nil; {
		out = append(out, C.GoString(a[len(out)]))
	}
	return out
}

func processExited(p *uvio.Process, status int64, sig int) {
	ch := (*C.uv_process_t)(cHandle(p.Base()))
	if cb := ch.exit_cb; cb != nil {
		C.gouv_call_exit(unsafe.Pointer(cb), unsafe.Pointer(ch), C.int64_t(status), C.int(sig))
	}
}

// createdPipe is one UV_CREATE_PIPE entry: the socketpair and its pipe.
type createdPipe struct {
	parent, child      int
	pipe               *C.uv_pipe_t
	readable, writable bool // the parent's side, as libuv opens it
}

//export gouv_spawn
func gouv_spawn(cl *C.uv_loop_t, cp *C.uv_process_t, o *C.uv_process_options_t, environ **C.char) C.int {
	s := stateOf(cl)
	if s == nil || cp == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(cp))
	p := &uvio.Process{}
	handleIn(ch, unsafe.Sizeof(*cp))
	uvio.InitProcess(s.l, p, C.UV_PROCESS, recOf(ch))
	initHandle(ch, cl, C.UV_PROCESS)
	if o == nil || o.file == nil || o.args == nil {
		return C.UV_EINVAL
	}
	cp.exit_cb = o.exit_cb

	opts := uvio.ProcessOptions{
		File:     C.GoString(o.file),
		Args:     cStrings(o.args),
		Detached: o.flags&C.UV_PROCESS_DETACHED != 0,
		SetUID:   o.flags&C.UV_PROCESS_SETUID != 0,
		SetGID:   o.flags&C.UV_PROCESS_SETGID != 0,
		UID:      uint32(o.uid),
		GID:      uint32(o.gid),
	}
	if o.env != nil {
		opts.Env = cStrings(o.env)
	} else {
		opts.Env = cStrings(environ)
	}
	if o.cwd != nil {
		opts.Dir = C.GoString(o.cwd)
	}

	var pipes []createdPipe
	cleanup := func() {
		for _, cp := range pipes {
			unix.Close(cp.child)
			if cp.parent >= 0 {
				unix.Close(cp.parent)
			}
		}
	}
	n := int(o.stdio_count)
	if n > 0 && o.stdio == nil {
		return C.UV_EINVAL
	}
	if n > 0 {
		// SOUND: the host passes stdio_count containers at o.stdio.
		conts := unsafe.Slice(o.stdio, n)
		opts.Stdio = make([]uvio.Stdio, n)
		for i := range conts {
			c := &conts[i]
			// SOUND: the union's first member is the stream pointer or
			// the fd, whichever the flags name.
			data := unsafe.Pointer(&c.data)
			fd := -1
			switch {
			case c.flags&C.UV_CREATE_PIPE != 0:
				stream := *(**C.uv_stream_t)(data)
				if stream == nil || stream._type != C.UV_NAMED_PIPE {
					cleanup()
					return C.UV_EINVAL
				}
				fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					cleanup()
					return errno(err)
				}
				if c.flags&C.UV_NONBLOCK_PIPE != 0 {
					unix.SetNonblock(fds[1], true)
					opts.Stdio[i].NonBlock = true
				}
				pipes = append(pipes, createdPipe{parent: fds[0], child: fds[1],
					pipe:     (*C.uv_pipe_t)(unsafe.Pointer(stream)),
					readable: c.flags&C.UV_WRITABLE_PIPE != 0,
					writable: c.flags&C.UV_READABLE_PIPE != 0})
				fd = fds[1]
			case c.flags&C.UV_INHERIT_FD != 0:
				fd = int(*(*C.int)(data))
			case c.flags&C.UV_INHERIT_STREAM != 0:
				stream := *(**C.uv_stream_t)(data)
				if stream == nil {
					cleanup()
					return C.UV_EINVAL
				}
				fd = int(stream.io_watcher.fd)
			}
			if c.flags&(C.UV_INHERIT_FD|C.UV_INHERIT_STREAM) != 0 && fd < 0 {
				// Nothing to inherit (a closed stream, a negative fd).
				cleanup()
				return C.UV_EINVAL
			}
			opts.Stdio[i].FD = fd
		}
	}

	err := p.Spawn(&opts, processExited)
	// The child has its ends (or never will): the parent's copies go.
	for i := range pipes {
		unix.Close(pipes[i].child)
	}
	if err != nil {
		// When the program itself could not be run (not found, not
		// executable, exec failed in the child), libuv still opens the
		// parent's pipe ends, and hosts rely on it: Node starts reading
		// them and sees EOF. Requests refused before any child was tried
		// open nothing.
		refused := err == uvio.ErrNoFile || err == loop.ErrClosing || err == unix.EBUSY
		for _, cp := range pipes {
			if refused || gouvPipeAdoptFD(cp.pipe, cp.parent, cp.readable, cp.writable) != 0 {
				unix.Close(cp.parent)
			}
		}
		return errno(err)
	}
	for i, cp := range pipes {
		if r := gouvPipeAdoptFD(cp.pipe, cp.parent, cp.readable, cp.writable); r != 0 {
			// The host cannot talk to the child: undo the spawn.
			for _, rest := range pipes[i:] {
				unix.Close(rest.parent)
			}
			p.Abandon()
			return r
		}
	}
	cp.pid = C.int(p.Pid())
	return 0
}

//export uv_process_kill
func uv_process_kill(cp *C.uv_process_t, signum C.int) C.int {
	p, ok := lookup[*uvio.Process](unsafe.Pointer(cp))
	if !ok {
		return C.UV_EINVAL
	}
	return errno(p.Kill(int(signum)))
}
