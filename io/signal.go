package uvio

import (
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// Signal handles (uv_signal_t) are fed by process-wide signal handlers that
// live outside Go (in capi they are C: Go's os/signal would take a signal
// over for the whole process and never hand it back to the host). What a
// handler does is the whole protocol:
//
//  1. add one to the signal's counter (SignalBackend.Counters), then
//  2. write to the eventfd of every loop whose mask has the signal's bit.
//
// A loop that wakes on its eventfd compares each of its handles' last seen
// count with the counter and calls the handle once per delivery it missed.
// Counters only grow, so a handle started late never sees older signals:
// it starts from the count of its start.

// MaxSignal is the largest signal number Linux knows (SIGRTMAX).
const MaxSignal = 64

// SignalBackend is what installs the process-wide handlers. capi provides
// one in C; Go tests provide a fake.
type SignalBackend interface {
	// Counters returns the per-signal delivery counters, indexed by
	// signal number. The handler adds to them atomically.
	Counters() *[MaxSignal + 1]uint64
	// Install makes sure the handler for signum is installed; each call
	// is matched by one Uninstall.
	Install(signum int) error
	// Uninstall drops one Install; the last restores what was there.
	Uninstall(signum int)
	// Register gives a loop's eventfd a slot; the handler writes to fd
	// for every signal in the slot's mask.
	Register(fd int) (slot int, err error)
	// SetMask sets the signals a slot is woken for (bit signum-1).
	SetMask(slot int, mask uint64)
	// Unregister frees a slot; when it returns no handler writes to the
	// descriptor any more, so it may be closed.
	Unregister(slot int)
}

// ErrSignal reports an invalid signal number (UV_EINVAL).
var ErrSignal = errors.New("uvio: invalid signal number")

var (
	signalBackend SignalBackend
	signalLoopsMu sync.Mutex
	signalLoops   = map[*loop.Loop]*signalLoop{}
)

// SetSignalBackend chooses the backend; it must be called before the first
// signal handle is started.
func SetSignalBackend(b SignalBackend) { signalBackend = b }

// signalLoop is one loop's share of the signal machinery: its eventfd, its
// slot with the backend, and its started handles.
type signalLoop struct {
	l       *loop.Loop
	efd     int
	slot    int
	w       loop.IO
	active  []*Signal
	scratch []*Signal
	perSig  [MaxSignal + 1]int // started handles per signal
}

// Signal is a uv_signal_t: its callback runs on the loop thread once per
// delivery of its signal.
type Signal struct {
	loop.Handle
	sl      *signalLoop
	cb      func(s *Signal, signum int)
	signum  int
	seen    uint64
	oneshot bool
	index   int    // in sl.active, -1 when stopped
	word    *int32 // where the signal number is published (uv_signal_t.signum)
	ownWord int32
}

// InitSignal prepares s on l. rec may be nil (see loop.Handle); signum,
// when not nil, is kept equal to the signal watched (0 when stopped), for
// hosts that read it in the C struct.
func InitSignal(l *loop.Loop, s *Signal, kind int, rec *loop.Rec, signum *int32) {
	s.Handle.InitExternal(l, s, kind, rec)
	if signum == nil {
		signum = &s.ownWord
	}
	s.word = signum
	s.cb = nil
	s.setSignum(0)
	s.index = -1
	s.sl = nil
}

// Signum returns the signal being watched, 0 if none.
func (s *Signal) Signum() int { return s.signum }

func (s *Signal) setSignum(n int) {
	s.signum = n
	*s.word = int32(n)
}

// Start watches signum with cb; starting again changes the signal and the
// callback. With oneshot the handle stops itself before its first call.
func (s *Signal) Start(cb func(s *Signal, signum int), signum int, oneshot bool) error {
	if signum <= 0 || signum > MaxSignal {
		return ErrSignal
	}
	if cb == nil {
		return loop.ErrNoCallback
	}
	if s.IsClosing() {
		return loop.ErrClosing
	}
	if signalBackend == nil {
		return unix.ENOSYS
	}
	if s.index >= 0 && s.signum == signum {
		// Same signal: only the callback and mode change.
		s.cb = cb
		s.oneshot = oneshot
		return nil
	}
	if err := signalBackend.Install(signum); err != nil {
		return err
	}
	// Moving to another signal: leave the old one first (its last handle
	// may release the loop's state, which is then made again).
	s.Stop()
	sl, err := signalLoopOf(s.Loop())
	if err != nil {
		signalBackend.Uninstall(signum)
		return err
	}
	s.sl = sl
	s.cb = cb
	s.setSignum(signum)
	s.oneshot = oneshot
	// Deliveries before now are not ours.
	s.seen = atomic.LoadUint64(&signalBackend.Counters()[signum])
	s.index = len(sl.active)
	sl.active = append(sl.active, s)
	sl.perSig[signum]++
	if sl.perSig[signum] == 1 {
		signalBackend.SetMask(sl.slot, sl.mask())
	}
	s.Handle.Start()
	return nil
}

// Stop stops watching; the signal number goes back to 0, as in libuv.
func (s *Signal) Stop() {
	if s.index < 0 {
		return
	}
	sl := s.sl
	last := len(sl.active) - 1
	moved := sl.active[last]
	sl.active[s.index] = moved
	moved.index = s.index
	sl.active[last] = nil
	sl.active = sl.active[:last]
	s.index = -1
	sl.perSig[s.signum]--
	if sl.perSig[s.signum] == 0 {
		signalBackend.SetMask(sl.slot, sl.mask())
	}
	signalBackend.Uninstall(s.signum)
	s.setSignum(0)
	s.Handle.Stop()
	if len(sl.active) == 0 {
		sl.release()
	}
	s.sl = nil
}

// CloseHandle stops the handle (loop.External).
func (s *Signal) CloseHandle() { s.Stop() }

// FinishClose has nothing left to do (loop.External).
func (s *Signal) FinishClose() {}

// signalLoopOf returns l's signal state, creating it with its eventfd.
func signalLoopOf(l *loop.Loop) (*signalLoop, error) {
	signalLoopsMu.Lock()
	defer signalLoopsMu.Unlock()
	if sl := signalLoops[l]; sl != nil {
		return sl, nil
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, err
	}
	slot, err := signalBackend.Register(efd)
	if err != nil {
		unix.Close(efd)
		return nil, err
	}
	sl := &signalLoop{l: l, efd: efd, slot: slot}
	l.InitIO(&sl.w, efd, signalClass)
	l.IOStart(&sl.w, loop.EventRead)
	signalLoops[l] = sl
	return sl, nil
}

// release drops the loop's signal state once no handle is started, so a
// closed loop leaves no descriptor behind.
func (sl *signalLoop) release() {
	signalLoopsMu.Lock()
	delete(signalLoops, sl.l)
	signalLoopsMu.Unlock()
	sl.l.IOClose(&sl.w)
	signalBackend.Unregister(sl.slot)
	unix.Close(sl.efd)
	sl.efd = -1
}

func (sl *signalLoop) mask() uint64 {
	var m uint64
	for sig := 1; sig <= MaxSignal; sig++ {
		if sl.perSig[sig] > 0 {
			m |= 1 << (sig - 1)
		}
	}
	return m
}

// ready runs on the loop thread when a handler wrote the eventfd.
// signalClass is the watcher class of every loop's signal eventfd.
var signalClass = loop.RegisterIO(func(w *loop.IO, _ uint32) {
	loop.OwnerOf[signalLoop](w, unsafe.Offsetof(signalLoop{}.w)).ready()
})

func (sl *signalLoop) ready() {
	var buf [8]byte
	for {
		if _, err := unix.Read(sl.efd, buf[:]); err != unix.EINTR {
			break
		}
	}
	counters := signalBackend.Counters()
	// Callbacks may stop, close or start any handle, this loop's state
	// included (the last stop releases it): work on a snapshot.
	snap := append(sl.scratch[:0], sl.active...)
	sl.scratch = nil
	for _, s := range snap {
		for s.index >= 0 && s.sl == sl {
			now := atomic.LoadUint64(&counters[s.signum])
			if s.seen == now {
				break
			}
			s.seen++
			signum := s.signum
			if s.oneshot {
				s.Stop()
			}
			s.cb(s, signum)
		}
	}
	clear(snap)
	sl.scratch = snap[:0]
}
