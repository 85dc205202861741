package uvio

import (
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// Process is a uv_process_t: a child started with Spawn, whose exit is
// reported on the loop thread. The exit is learnt from a pidfd watched by
// the loop's epoll set, so no SIGCHLD handler is needed: the child is
// reaped with wait4 on that one pid when its pidfd becomes readable.
type Process struct {
	loop.Handle
	pid    int
	pidfd  int
	w      loop.IO
	cb     func(p *Process, exitStatus int64, termSignal int)
	exited bool
	closed bool        // CloseHandle ran: the owner may free its memory soon
	posted loop.Posted // fallback without pidfds: exit learnt by a goroutine
	status syscall.WaitStatus
}

// Stdio says what one descriptor of the child is.
type Stdio struct {
	// FD is the parent's descriptor the child gets at this position; a
	// negative FD means none: /dev/null for 0, 1 and 2, closed above.
	FD int
	// NonBlock leaves descriptors 0-2 non-blocking in the child
	// (UV_NONBLOCK_PIPE); otherwise the child gets them blocking.
	NonBlock bool
}

// ProcessOptions are uv_process_options_t in Go terms.
type ProcessOptions struct {
	File string   // program: a path, or a name looked up on PATH
	Args []string // argv, argv[0] included
	// Env is the child's environment; it also supplies the PATH used to
	// find File, as in libuv.
	Env      []string
	Dir      string // working directory; empty for the parent's
	Stdio    []Stdio
	Detached bool // a new session: the child outlives its parent's group
	SetUID   bool
	UID      uint32
	SetGID   bool
	GID      uint32
}

// Forker starts a child: path is resolved already, files[i] is the parent's
// descriptor for the child's descriptor i (-1: leave i as inherited). It
// returns the pid and a pidfd (-1 if the kernel has none). Failures to
// execute must come back as the error, synchronously.
type Forker interface {
	ForkExec(path string, o *ProcessOptions, files []int) (pid, pidfd int, err error)
}

// forker is what Spawn uses: syscall.ForkExec unless SetForker chose
// another (capi's is C, to reset the child's signal state as libuv does).
var forker Forker = goForker{}

// SetForker replaces the way children are started.
func SetForker(f Forker) { forker = f }

// goForker starts children with syscall.ForkExec. Its children keep the
// signals their parent ignored, which libuv's do not.
type goForker struct{}

func (goForker) ForkExec(path string, o *ProcessOptions, files []int) (int, int, error) {
	pidfd := -1
	sys := &syscall.SysProcAttr{Setsid: o.Detached, PidFD: &pidfd}
	if o.SetUID || o.SetGID {
		cred := &syscall.Credential{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())}
		if o.SetUID {
			cred.Uid = o.UID
		}
		if o.SetGID {
			cred.Gid = o.GID
		}
		// Dropping supplementary groups needs privilege; without it the
		// child keeps them, as under libuv.
		cred.NoSetGroups = os.Geteuid() != 0
		sys.Credential = cred
	}
	fds := make([]uintptr, len(files))
	for i, fd := range files {
		fds[i] = uintptr(fd) // -1 wraps to what ForkExec takes as "close"
	}
	env := o.Env
	if env == nil {
		env = []string{}
	}
	pid, err := syscall.ForkExec(path, o.Args, &syscall.ProcAttr{
		Dir: o.Dir, Env: env, Files: fds, Sys: sys,
	})
	return pid, pidfd, err
}

// ErrNoFile reports a spawn without a program or arguments (UV_EINVAL).
var ErrNoFile = errors.New("uvio: spawn needs a file and arguments")

// InitProcess prepares p on l. A process handle is initialised even when
// the spawn fails, so that its owner can close it.
func InitProcess(l *loop.Loop, p *Process, kind int, rec *loop.Rec) {
	p.Handle.InitExternal(l, p, kind, rec)
	p.pid = 0
	p.pidfd = -1
	p.cb = nil
	p.exited = false
	p.closed = false
}

// Pid returns the child's process id, 0 before a successful Spawn.
func (p *Process) Pid() int { return p.pid }

// defaultPath is what execvp(3) searches when PATH is unset.
const defaultPath = "/bin:/usr/bin"

// lookPath finds file as execvp(3) would: names with a slash are used as
// they are; others are searched on path, where a match that cannot be
// executed is remembered as EACCES but does not stop the search.
func lookPath(file, path string) (string, error) {
	if file == "" {
		return "", unix.ENOENT
	}
	if strings.Contains(file, "/") {
		return file, nil
	}
	var denied error
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		cand := dir + "/" + file
		var st unix.Stat_t
		if unix.Stat(cand, &st) != nil {
			continue
		}
		if st.Mode&unix.S_IFMT == unix.S_IFREG && unix.Access(cand, unix.X_OK) == nil {
			return cand, nil
		}
		denied = unix.EACCES
	}
	if denied != nil {
		return "", denied
	}
	return "", unix.ENOENT
}

// pathOf returns PATH as env gives it.
func pathOf(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return v
		}
	}
	return defaultPath
}

// devNull is opened once: the children's ignored stdio all point at it.
// Loops on several threads may spawn at once, hence the lock.
var (
	devNullMu sync.Mutex
	devNull   = -1
)

func openDevNull() (int, error) {
	devNullMu.Lock()
	defer devNullMu.Unlock()
	if devNull >= 0 {
		return devNull, nil
	}
	fd, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	devNull = fd
	return fd, nil
}

// Spawn starts the child and the handle. Failures to execute the program
// (ENOENT, EACCES, ...) are returned here, synchronously; the handle then
// stays inactive, ready to be closed. cb runs on the loop thread when the
// child exits, with its exit status and the signal that killed it.
func (p *Process) Spawn(o *ProcessOptions, cb func(p *Process, exitStatus int64, termSignal int)) error {
	if o.File == "" || len(o.Args) == 0 {
		return ErrNoFile
	}
	if p.IsClosing() {
		return loop.ErrClosing
	}
	if p.pid != 0 {
		return unix.EBUSY
	}
	path, err := lookPath(o.File, pathOf(o.Env))
	if err != nil {
		return err
	}
	files := make([]int, max(len(o.Stdio), 3))
	for i := range files {
		fd := -1
		if i < len(o.Stdio) && o.Stdio[i].FD >= 0 {
			fd = o.Stdio[i].FD
		}
		// Any negative FD means none (FuzzSpawnOptions found -22 passed
		// on as a descriptor above 2, which the child failed to dup).
		if fd < 0 && i < 3 {
			if fd, err = openDevNull(); err != nil {
				return err
			}
		}
		files[i] = fd
	}
	pid, pidfd, err := forker.ForkExec(path, o, files)
	if err != nil {
		return err
	}
	p.pid = pid
	p.pidfd = pidfd
	p.cb = cb
	p.exited = false
	l := p.Loop()
	if pidfd >= 0 {
		l.InitIO(&p.w, pidfd, processClass)
		l.IOStart(&p.w, loop.EventRead)
	} else {
		// No pidfds (Linux before 5.3): a goroutine waits for this one
		// child and hands the status to the loop.
		p.posted.Fn = p.waitedPosted
		l.ReqStart()
		go func() {
			var ws syscall.WaitStatus
			for {
				_, err := syscall.Wait4(pid, &ws, 0, nil)
				if err != syscall.EINTR {
					break
				}
			}
			p.status = ws
			l.Post(&p.posted)
		}()
	}
	p.Handle.Start()
	return nil
}

// processClass is the watcher class of every process's pidfd.
var processClass = loop.RegisterIO(func(w *loop.IO, _ uint32) {
	loop.OwnerOf[Process](w, unsafe.Offsetof(Process{}.w)).pidfdReady()
})

// pidfdReady runs when the child has exited: reap it and report.
func (p *Process) pidfdReady() {
	var ws syscall.WaitStatus
	for {
		wpid, err := syscall.Wait4(p.pid, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if err == nil && wpid == 0 {
			return // not really gone yet (a spurious wakeup)
		}
		// ECHILD: someone else reaped it (a host's waitpid(-1)); the
		// status is lost, report a plain exit.
		break
	}
	p.finish(ws)
}

func (p *Process) waitedPosted(_ *loop.Posted) {
	p.Loop().ReqDone()
	if p.exited || p.closed || p.pid == 0 {
		return
	}
	p.finish(p.status)
}

func (p *Process) finish(ws syscall.WaitStatus) {
	p.exited = true
	p.closePidfd()
	p.Handle.Stop()
	var status int64
	var sig int
	if ws.Exited() {
		status = int64(ws.ExitStatus())
	}
	if ws.Signaled() {
		sig = int(ws.Signal())
	}
	if cb := p.cb; cb != nil && !p.IsClosing() {
		cb(p, status, sig)
	}
}

func (p *Process) closePidfd() {
	if p.pidfd >= 0 {
		p.Loop().IOClose(&p.w)
		unix.Close(p.pidfd)
		p.pidfd = -1
	}
}

// Kill sends signum to the child (uv_process_kill). Through the pidfd the
// signal cannot reach another process that reused the pid; once the child
// is gone the answer is ESRCH.
func (p *Process) Kill(signum int) error {
	if signum < 0 || signum > MaxSignal {
		return unix.EINVAL
	}
	if p.pidfd >= 0 {
		return unix.PidfdSendSignal(p.pidfd, unix.Signal(signum), nil, 0)
	}
	if p.pid == 0 || p.exited {
		return unix.ESRCH
	}
	return unix.Kill(p.pid, unix.Signal(signum))
}

// Abandon kills a child that was just spawned and reaps it at once: the
// spawn is being undone (its owner could not take its stdio), so no exit
// is reported and no zombie is left.
func (p *Process) Abandon() {
	if p.pid == 0 || p.exited {
		return
	}
	p.Kill(int(unix.SIGKILL))
	var ws syscall.WaitStatus
	if p.pidfd >= 0 {
		for {
			if _, err := syscall.Wait4(p.pid, &ws, 0, nil); err != syscall.EINTR {
				break
			}
		}
	}
	// Without a pidfd the waiting goroutine reaps it; closed stops it
	// from reporting.
	p.exited = true
	p.closed = p.pidfd < 0
	p.closePidfd()
	p.Handle.Stop()
	p.pid = 0
}

// CloseHandle stops watching the child (loop.External). A child still
// running is left alone, as libuv leaves it.
func (p *Process) CloseHandle() {
	p.closed = true
	p.closePidfd()
	p.Handle.Stop()
}

// FinishClose has nothing left to do (loop.External).
func (p *Process) FinishClose() {}
