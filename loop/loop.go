package loop

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// RunMode selects how long Run runs (uv_run_mode).
type RunMode int

// Run modes, at libuv's values.
const (
	RunDefault RunMode = 0 // until nothing keeps the loop alive, or Stop
	RunOnce    RunMode = 1 // one iteration, blocking for I/O if needed
	RunNoWait  RunMode = 2 // one iteration, without blocking
)

// Errors of the loop itself.
var (
	ErrBusy    = errors.New("loop: handles or requests still open")
	ErrRunning = errors.New("loop: already running")
	ErrClosed  = errors.New("loop: closed")
	// ErrBadMode is a Run mode that is none of RunDefault, RunOnce and
	// RunNoWait (uv_run answers it with UV_EINVAL; libuv 1.44 would run
	// it as a busy loop that never returns).
	ErrBadMode = errors.New("loop: unknown run mode")
)

// MaxEvents is how many epoll events one poll takes, as libuv (1024); an
// embedder's buffer (SetWait) holds as many.
const MaxEvents = 1024

// Loop is one event loop. Create it with New, run it with Run, and close
// it with Close once every handle is closed.
type Loop struct {
	w   Words
	own ownWords

	epfd   int
	wakefd int
	events []unix.EpollEvent
	fds    []*IO // watcher by descriptor
	nfds   int   // descriptors registered besides the wakeup one

	changes   []*IO
	ioErrs    []*IO
	closeCbs  map[*Rec]func(*Handle) // callbacks given to Handle.Close
	closeHook func(*Handle)          // SetCloseHook

	fed    []*IO // the pending queue (IOFeed), in order
	fedRun []*IO // the round runPending is running

	timers      timerHeap
	readyTimers recArray[*TimerRec] // scratch for runTimers, kept to allocate nothing
	light       LightHooks

	watchers    [3]watcherList
	watcherPass [3]watcherList

	asyncHead, asyncTail *AsyncRec
	asyncScratch         recArray[*AsyncRec] // scratch for runAsync
	wakeHandlers         []func()
	posted               postQueue
	hereHead, hereTail   *Posted // PostHere's queue, the loop thread's own

	handlesHead, handlesTail *Rec
	walkScratch              []*Rec
	closing                  *Rec
	objs                     []Object // Go objects by Rec.Slot; slot 0 unused
	freeSlots                []uint32
	inPlace                  func(r *Rec) Object // SetInPlace

	wait         WaitFunc
	running      bool
	closed       bool
	blockSIGPROF bool
	metricsIdle  bool
	idleTime     uint64 // nanoseconds spent blocked in poll
	metrics      Metrics
	pollStart    uint64
	pollTimeout  int   // of the wait whose events are being dispatched
	held         PHold // how long the loop has held its thread's P

	num uint32 // the loop's number, which its handles' records hold

	// User belongs to the code that embeds the loop.
	User unsafe.Pointer
}

// Loops by number. A handle's record names its loop by number rather than
// by pointer (Rec.LoopNo), so that the record, and a handle type's whole
// state, can live in memory the GC does not scan, such as a host's handle.
// The table is replaced whole when it grows, so that lookups take no lock;
// a closed loop's number is given to the next loop.
var (
	loopTab   atomic.Pointer[[]*Loop]
	loopTabMu sync.Mutex
	loopFree  []uint32
)

func (l *Loop) register() {
	loopTabMu.Lock()
	defer loopTabMu.Unlock()
	var tab []*Loop
	if p := loopTab.Load(); p != nil {
		tab = *p
	}
	if n := len(loopFree); n > 0 {
		l.num = loopFree[n-1]
		loopFree = loopFree[:n-1]
		tab[l.num] = l
		return
	}
	if len(tab) == 0 {
		tab = append(tab, nil) // number 0 is no loop
	}
	grown := append(tab[:len(tab):len(tab)], l)
	l.num = uint32(len(grown) - 1)
	loopTab.Store(&grown)
}

func (l *Loop) unregister() {
	loopTabMu.Lock()
	defer loopTabMu.Unlock()
	(*loopTab.Load())[l.num] = nil
	loopFree = append(loopFree, l.num)
}

// loopOf returns the loop numbered n.
func loopOf(n uint32) *Loop {
	return (*loopTab.Load())[n]
}

// New creates a loop. w, if not nil, says where the loop keeps the words a
// host reads directly (all of its pointers must be set); with nil the loop
// keeps them itself.
func New(w *Words) (*Loop, error) {
	l := &Loop{}
	l.w = l.own.words()
	if w != nil {
		seq, sub := l.w.TimerSeq, l.w.Sub
		l.w = *w
		if l.w.TimerSeq == nil {
			l.w.TimerSeq = seq
		}
		if l.w.Sub == nil {
			l.w.Sub = sub
		}
	}
	*l.w.ActiveHandles = 0
	*l.w.ActiveReqs = 0
	*l.w.StopFlag = 0
	atomic.StoreUint32(l.w.Wakeup, 0)
	var err error
	l.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	l.wakefd, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(l.epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(l.wakefd)}
	if err = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, l.wakefd, &ev); err != nil {
		unix.Close(l.wakefd)
		unix.Close(l.epfd)
		return nil, err
	}
	l.events = make([]unix.EpollEvent, MaxEvents)
	l.UpdateTime()
	l.register()
	return l, nil
}

// BackendFD returns the epoll descriptor (uv_backend_fd).
func (l *Loop) BackendFD() int { return l.epfd }

// WakeupFD returns the eventfd that Wake writes; C senders write it too.
func (l *Loop) WakeupFD() int { return l.wakefd }

func (l *Loop) writeWakeup() {
	var one = [8]byte{1}
	for {
		_, err := unix.Write(l.wakefd, one[:])
		if err != unix.EINTR {
			return
		}
	}
}

func (l *Loop) drainWakeup() {
	var buf [8]byte
	for {
		_, err := unix.Read(l.wakefd, buf[:])
		if err != unix.EINTR {
			return
		}
	}
}

// Alive reports whether anything keeps the loop running: an active
// referenced handle, a request in flight, or a handle waiting to close.
func (l *Loop) Alive() bool {
	l.drain()
	return *l.w.ActiveHandles > 0 || *l.w.ActiveReqs > 0 || l.closing != nil
}

// Stop makes Run return at the end of the current iteration.
func (l *Loop) Stop() { *l.w.StopFlag = 1 }

// ReqStart and ReqDone count requests in flight, which keep the loop
// alive.
func (l *Loop) ReqStart() { *l.w.ActiveReqs++ }

// ReqDone ends a request started with ReqStart.
func (l *Loop) ReqDone() { *l.w.ActiveReqs-- }

// BackendTimeout returns how long the next poll would block in
// milliseconds, -1 for no limit (uv_backend_timeout).
func (l *Loop) BackendTimeout() int {
	if *l.w.StopFlag != 0 {
		return 0
	}
	if *l.w.ActiveHandles == 0 && *l.w.ActiveReqs == 0 {
		return 0
	}
	l.drain()
	if !l.watchers[PhaseIdle].empty() || l.hasPending() || l.closing != nil || l.hereHead != nil {
		return 0
	}
	return l.nextTimeout()
}

// Run runs the loop (uv_run). It returns true if the loop is still alive
// when it returns: always false in RunDefault unless stopped.
func (l *Loop) Run(mode RunMode) (bool, error) {
	if l.closed {
		return false, ErrClosed
	}
	if l.running {
		return false, ErrRunning
	}
	if mode != RunDefault && mode != RunOnce && mode != RunNoWait {
		return false, ErrBadMode
	}
	l.running = true
	defer func() { l.running = false }()

	alive := l.Alive()
	if !alive {
		l.UpdateTime()
	}
	// The phases run in libuv 1.45's order (docs/design.md, "The loop"):
	// timers come last in each iteration, after the closing callbacks,
	// so RunOnce and RunNoWait run a due timer once, at the end. Only
	// RunDefault runs due timers before its first iteration as well.
	if mode == RunDefault && alive && *l.w.StopFlag == 0 {
		l.UpdateTime()
		l.runTimers()
	}
	for alive && *l.w.StopFlag == 0 {
		// Whether RunOnce may block is decided before the pending and
		// idle callbacks run, as libuv decides it: an idle handle that
		// stops itself in its callback still makes this iteration's poll
		// non-blocking, so RunOnce returns instead of waiting for I/O
		// that may never come.
		canSleep := !l.hasPending() && l.watchers[PhaseIdle].empty()
		l.runPending()
		l.runWatchers(PhaseIdle)
		l.runWatchers(PhasePrepare)

		timeout := 0
		if (mode == RunOnce && canSleep) || mode == RunDefault {
			timeout = l.BackendTimeout()
		}
		l.metrics.LoopCount++
		l.poll(timeout) // yields the P first if the loop has held it long
		if l.hereHead != nil {
			l.runPostedHere()
		}

		// Callbacks queued by I/O (write completions and the like) run
		// now, as in libuv 1.45 and later, but one round where libuv runs
		// up to eight: the writes those callbacks make, and their own
		// callbacks, wait for the next poll, so that a stream that writes
		// from its write callback cannot put megabytes between its
		// readers and their data (docs/design.md, "Light handles and the
		// submission lists", on the phases).
		l.runPending()

		l.runWatchers(PhaseCheck)
		l.runClosing()

		// The poll may have blocked until a timer was due.
		l.UpdateTime()
		l.runTimers()

		alive = l.Alive()
		if mode == RunOnce || mode == RunNoWait {
			break
		}
	}
	if *l.w.StopFlag != 0 {
		*l.w.StopFlag = 0
	}
	return alive, nil
}

// The Go scheduler's monitor takes the P of a goroutine that has run for
// 10 ms without being scheduled, and a goroutine locked to its thread that
// only ever waits in system calls and C calls (a loop, a pool worker) is
// never scheduled: it would then lose its P at every look of the monitor
// (as often as every 20 µs) until it happens to be preempted. So such a
// goroutine yields its P itself a little more often than that: a busy loop
// before each poll and between the events of a long dispatch, a pool
// worker before it takes each item (docs/design.md, "Threads"). A wait of
// yieldAfterWait or more lets the monitor take the P anyway, and counts as
// a yield.
const (
	yieldEvery     = 8e6  // nanoseconds
	yieldAfterWait = 10e6 // nanoseconds
)

// PHold tracks how long a goroutine locked to its thread has held its P
// since it was last scheduled. The zero value counts from the first Yield.
type PHold struct{ since uint64 }

// Yield lets the scheduler reschedule the goroutine once it has held its
// P for yieldEvery. It returns the clock (Hrtime) as it stands after any
// yield, which the loop's poll uses as the start of its wait.
func (h *PHold) Yield() uint64 {
	now := Hrtime()
	if h.since == 0 {
		h.since = now
	} else if now-h.since >= yieldEvery {
		runtime.Gosched()
		now = Hrtime()
		h.since = now
	}
	return now
}

// Waited records a wait in a system call from start to now: one of
// yieldAfterWait or more counts as a yield, since the monitor takes the P
// of a call that long and the goroutine comes back on a fresh one.
func (h *PHold) Waited(start, now uint64) {
	if now-start >= yieldAfterWait {
		h.since = now
	}
}

// Running reports whether Run is on the stack.
func (l *Loop) Running() bool { return l.running }

// Close releases the loop's descriptors (uv_loop_close). It fails with
// ErrBusy while requests are in flight or any handle that is not internal
// is open; internal handles must be closed by their owner first.
func (l *Loop) Close() error {
	if l.closed {
		return ErrClosed
	}
	if l.running {
		return ErrRunning
	}
	if *l.w.ActiveReqs > 0 || l.HasUserHandles() {
		return ErrBusy
	}
	l.closed = true
	l.waitPosters()
	unix.Close(l.wakefd)
	unix.Close(l.epfd)
	l.wakefd, l.epfd = -1, -1
	l.timers.release()
	l.readyTimers.release()
	l.asyncScratch.release()
	l.objs, l.freeSlots = nil, nil
	l.fds = nil
	l.events = nil
	l.unregister()
	runtime.KeepAlive(l)
	return nil
}

// Closed reports whether Close succeeded.
func (l *Loop) Closed() bool { return l.closed }

// BlockSIGPROF makes polls block SIGPROF while they wait, so profilers
// do not cut them short (UV_LOOP_BLOCK_SIGNAL).
func (l *Loop) BlockSIGPROF() { l.blockSIGPROF = true }

// EnableIdleMetrics starts counting the time spent blocked in poll
// (UV_METRICS_IDLE_TIME).
func (l *Loop) EnableIdleMetrics() { l.metricsIdle = true }

// IdleTime returns the nanoseconds spent blocked in poll since
// EnableIdleMetrics.
func (l *Loop) IdleTime() uint64 { return l.idleTime }

// Metrics are a loop's counters (uv_metrics_info).
type Metrics struct {
	LoopCount     uint64 // iterations of Run's loop, each with one poll
	Events        uint64 // events the polls delivered to their watchers
	EventsWaiting uint64 // of those, found ready by the look that does not wait (idle metrics on)
}

// Metrics returns the loop's counters.
func (l *Loop) Metrics() Metrics { return l.metrics }
