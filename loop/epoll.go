package loop

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// I/O events a watcher can ask for, as epoll spells them.
const (
	EventRead     = unix.EPOLLIN
	EventWrite    = unix.EPOLLOUT
	EventPri      = unix.EPOLLPRI
	EventRDHup    = unix.EPOLLRDHUP
	EventError    = unix.EPOLLERR
	EventHup      = unix.EPOLLHUP
	EventFeed     = 1 << 30 // not from epoll: the watcher was fed (IOFeed)
	eventsMaxWant = EventRead | EventWrite | EventPri | EventRDHup
)

// IO watches one file descriptor for readiness. The callback of its class
// runs on the loop thread with the events that occurred (epoll's bits), or
// EventFeed when the watcher was queued with IOFeed. An IO holds no
// pointer (16 bytes), so that it may live in memory the GC does not scan,
// as a host's handle is (docs/design.md, "Who owns each state machine").
type IO struct {
	want    uint32 // events the owner asked for
	have    uint32 // events registered with epoll (0: not registered)
	fd      int32  // int32 packs with the flags: servers hold thousands
	class   IOClass
	changed bool // in the loop's change list
	fed     bool // in the pending queue
}

// IOFDOffset is where an IO keeps its descriptor, for owners whose host
// reads it in place (capi's streams: io_watcher.fd).
const IOFDOffset = unsafe.Offsetof(IO{}.fd)

// IOClass is the callback of one kind of watcher, registered once with
// RegisterIO. The callback finds the watcher's owner from w, usually the
// struct w is a field of (OwnerOf).
type IOClass uint16

// ioClasses are the registered callbacks, replaced whole by each
// registration, so that the loops read them without a lock.
var (
	ioClasses   atomic.Pointer[[]func(w *IO, events uint32)]
	ioClassesMu sync.Mutex
)

// RegisterIO returns the class of watchers whose callback is fn. Packages
// register their classes once, at start-up.
func RegisterIO(fn func(w *IO, events uint32)) IOClass {
	ioClassesMu.Lock()
	defer ioClassesMu.Unlock()
	var fns []func(*IO, uint32)
	if cur := ioClasses.Load(); cur != nil {
		fns = *cur
	}
	if len(fns) > math.MaxUint16 {
		panic("loop: too many watcher classes")
	}
	next := append(slices.Clip(fns), fn)
	ioClasses.Store(&next)
	return IOClass(len(next) - 1)
}

// call runs w's callback.
func (w *IO) call(events uint32) { (*ioClasses.Load())[w.class](w, events) }

// OwnerOf returns the struct of type T of which w is the field at offset
// off (unsafe.Offsetof of that field).
func OwnerOf[T any](w *IO, off uintptr) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(w), -int(off)))
}

// InitIO prepares w to watch fd for its class's callback. It registers
// nothing yet.
func (l *Loop) InitIO(w *IO, fd int, class IOClass) {
	*w = IO{fd: int32(fd), class: class}
}

// FD returns the watched descriptor.
func (w *IO) FD() int { return int(w.fd) }

// Active reports whether any of events is being watched.
func (w *IO) Active(events uint32) bool { return w.want&events != 0 }

// IOStart adds events to what w watches. The epoll change is made before
// the next poll, together with the iteration's other changes.
func (l *Loop) IOStart(w *IO, events uint32) {
	if w.fd < 0 {
		return
	}
	w.want |= events & eventsMaxWant
	l.ioChanged(w)
}

// IOWatch makes w watch events exactly while on holds, for owners that
// keep the state it follows elsewhere (a C engine's queue, a reading
// bit); when w already agrees it does nothing.
func (l *Loop) IOWatch(w *IO, events uint32, on bool) {
	if on != w.Active(events) { // inlined; the change is not
		l.ioWatchChange(w, events, on)
	}
}

func (l *Loop) ioWatchChange(w *IO, events uint32, on bool) {
	if on {
		l.IOStart(w, events)
	} else {
		l.IOStop(w, events)
	}
}

// IOStop removes events from what w watches.
func (l *Loop) IOStop(w *IO, events uint32) {
	if w.fd < 0 {
		return
	}
	w.want &^= events
	l.ioChanged(w)
}

func (l *Loop) ioChanged(w *IO) {
	if int(w.fd) >= len(l.fds) {
		grown := make([]*IO, max(2*len(l.fds), int(w.fd)+1, 64))
		copy(grown, l.fds)
		l.fds = grown
	}
	// A watcher that wants nothing does not take the descriptor from one
	// that watches it (stopping an idle poll handle on a descriptor that
	// another poll handle watches).
	if o := l.fds[w.fd]; o == nil || o == w || w.want != 0 || o.want == 0 {
		l.fds[w.fd] = w
	}
	if !w.changed {
		w.changed = true
		l.changes = append(l.changes, w)
	}
}

// IOClose stops w at once (the descriptor is about to be closed, so the
// epoll registration must go now, not at the next poll) and forgets any
// feed.
func (l *Loop) IOClose(w *IO) {
	if w.fd < 0 {
		return
	}
	w.want = 0
	if w.have != 0 {
		// Another watcher may have taken the descriptor over (a poll
		// handle started after this one stopped): the registration is
		// then its own, and stays.
		if !l.fdTakenOver(w) {
			unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, int(w.fd), nil)
		}
		w.have = 0
		l.nfds--
	}
	if w.changed {
		for i, c := range l.changes {
			if c == w {
				l.changes[i] = nil
			}
		}
		w.changed = false
	}
	if int(w.fd) < len(l.fds) && l.fds[w.fd] == w {
		l.fds[w.fd] = nil
	}
	if w.fed {
		l.unfeed(w)
	}
	w.fd = -1
}

// fdTakenOver reports whether another watcher now holds w's descriptor
// in the table. The table is empty once the loop has closed, when owners
// still close their watchers.
func (l *Loop) fdTakenOver(w *IO) bool {
	if int(w.fd) >= len(l.fds) {
		return false
	}
	o := l.fds[w.fd]
	return o != nil && o != w
}

// IOFeed queues w's callback for the pending phase of this or the next
// iteration, with EventFeed (libuv's uv__io_feed).
func (l *Loop) IOFeed(w *IO) {
	if w.fed {
		return
	}
	w.fed = true
	l.fed = append(l.fed, w)
}

// unfeed takes w out of the pending queue, and out of the round being
// run if it is still to come there (a handle closed by an earlier
// callback of the round), as libuv's uv__io_close does.
func (l *Loop) unfeed(w *IO) {
	if i := slices.Index(l.fed, w); i >= 0 {
		l.fed = slices.Delete(l.fed, i, i+1)
	}
	if i := slices.Index(l.fedRun, w); i >= 0 {
		l.fedRun[i] = nil
	}
	w.fed = false
}

// runPending runs the callbacks queued with IOFeed before this call, and
// reports whether there were any. Feeds made by those callbacks wait.
func (l *Loop) runPending() bool {
	l.drain()
	if len(l.fed) == 0 {
		return false
	}
	// The round runs from fedRun while new feeds go to a fresh fed; the
	// two slices swap roles, so that feeding allocates nothing.
	l.fedRun, l.fed = l.fed, l.fedRun[:0]
	for i := 0; i < len(l.fedRun); i++ {
		w := l.fedRun[i]
		if w == nil {
			continue // unfed by an earlier callback of the round
		}
		l.fedRun[i] = nil
		w.fed = false
		w.call(EventFeed)
	}
	l.fedRun = l.fedRun[:0]
	return true
}

// hasPending reports whether a pending round would run anything.
func (l *Loop) hasPending() bool {
	l.drain()
	return len(l.fed) != 0
}

// applyChanges makes the epoll set match what the watchers want.
func (l *Loop) applyChanges() {
	for i, w := range l.changes {
		l.changes[i] = nil
		if w == nil || !w.changed {
			continue
		}
		w.changed = false
		if w.fd < 0 || w.want == w.have {
			continue
		}
		if w.want == 0 {
			if !l.fdTakenOver(w) {
				unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, int(w.fd), nil)
			}
			w.have = 0
			l.nfds--
			continue
		}
		ev := unix.EpollEvent{Events: w.want, Fd: w.fd}
		op := unix.EPOLL_CTL_MOD
		if w.have == 0 {
			op = unix.EPOLL_CTL_ADD
		}
		err := unix.EpollCtl(l.epfd, op, int(w.fd), &ev)
		if err == unix.EEXIST && op == unix.EPOLL_CTL_ADD {
			err = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, int(w.fd), &ev)
		}
		if err != nil {
			// The descriptor cannot be watched (closed under us, or a
			// regular file): report it to the owner as an error event.
			w.want = 0
			l.IOFeedError(w)
			continue
		}
		if w.have == 0 {
			l.nfds++
		}
		w.have = w.want
	}
	l.changes = l.changes[:0]
}

// IOFeedError is used when epoll refuses a descriptor: the owner hears
// EventError from the pending phase instead of waiting forever.
func (l *Loop) IOFeedError(w *IO) {
	l.ioErrs = append(l.ioErrs, w)
}

// poll waits up to timeout milliseconds (-1: no limit) for I/O and runs
// the callbacks of the descriptors that became ready.
func (l *Loop) poll(timeout int) {
	if len(l.changes) > 0 {
		l.applyChanges()
	}
	if len(l.ioErrs) > 0 {
		errs := l.ioErrs
		l.ioErrs = nil
		for _, w := range errs {
			if w.fd >= 0 {
				w.call(EventError)
			}
		}
		timeout = 0
	}
	// The yield check before each poll reads the clock; that reading is
	// also the start of the wait and, when the poll does not wait, the
	// loop's new time: one reading where three would do the same.
	start := l.held.Yield()
	// Nothing but the wakeup descriptor is registered and we must not
	// block: its word tells us all that epoll_wait could, without the
	// system call.
	if timeout == 0 && l.nfds == 0 {
		l.pollTimeout = 0
		// libuv refreshes the clock after every poll; callbacks of this
		// iteration (check callbacks starting timers) rely on it.
		l.setTime(start)
		if atomic.LoadUint32(l.w.Wakeup) != 0 { // senders set it from other threads
			l.woken()
			l.metrics.Events++ // the event epoll_wait would have reported
		}
		return
	}

	l.pollStart = start / 1e6
	if l.metricsIdle && timeout != 0 {
		// As libuv, with idle-time metrics on, a first look that does not
		// wait: what it finds were events already waiting. The clock is
		// refreshed after it as after any poll, and the wait, if one
		// follows, starts there.
		n, err := l.epollWait(0)
		start = Hrtime()
		l.setTime(start)
		if err == nil && n > 0 {
			d := l.dispatch(n)
			l.metrics.Events += d
			l.metrics.EventsWaiting += d
			return
		}
	}
	// A wait that may block is timed: for the idle-time metric, and
	// because one of yieldAfterWait lets the scheduler take the P (PHold).
	timed := timeout != 0
	measure := l.metricsIdle && timed
	for {
		n, err := l.epollWait(timeout)
		// The wait may have lasted the whole timeout, and the process may
		// have been descheduled even in a non-blocking one: refresh the
		// clock before any callback of this iteration reads it, as libuv
		// does (a timer started from a check callback counts from now,
		// not from before the wait).
		now := Hrtime()
		l.setTime(now)
		if timed {
			if measure {
				l.idleTime += now - start
				measure = false
			}
			l.held.Waited(start, now)
		}
		if err == unix.EINTR {
			// The Go runtime preempts with SIGURG; a signal is not an
			// event. Retry with what is left of the timeout.
			if timeout > 0 {
				timeout = l.timeoutLeft(timeout)
			}
			if timeout == 0 {
				return
			}
			continue
		}
		if err != nil || n <= 0 {
			return
		}
		l.metrics.Events += l.dispatch(n)
		return
	}
}

// WaitFunc waits on an epoll descriptor, as epoll_wait(2), with SIGPROF
// blocked during the wait when blockSIGPROF is set.
type WaitFunc func(epfd int, events []unix.EpollEvent, timeout int, blockSIGPROF bool) (int, error)

// SetWait replaces how the loop blocks for I/O, and with a non-empty
// events, the buffer the waits fill (the caller keeps it alive until
// Close). capi waits in C, on the thread's own stack: a host's signal
// handler installed without SA_ONSTACK that interrupts the wait then runs
// there, not on a small goroutine stack; and into C memory, so that the
// call gives cgo no Go pointer to check.
func (l *Loop) SetWait(f WaitFunc, events []unix.EpollEvent) {
	l.wait = f
	if len(events) > 0 {
		l.events = events
	}
}

func (l *Loop) epollWait(timeout int) (int, error) {
	l.pollTimeout = timeout
	if timeout == 0 {
		// A look that cannot wait is a raw system call from Go: the wait
		// function's reasons (the scheduler must know a thread that may
		// block; a signal that interrupts a long wait should find the
		// thread's own stack) are a blocking wait's. In a busy loop this
		// saves a crossing into C per iteration, and with the idle-time
		// metric (Node) every poll starts with such a look.
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(l.epfd),
			uintptr(unsafe.Pointer(&l.events[0])), uintptr(len(l.events)), 0, 0, 0)
		if e != 0 {
			return -1, e
		}
		return int(n), nil
	}
	if l.wait != nil {
		return l.wait(l.epfd, l.events, timeout, l.blockSIGPROF)
	}
	if l.blockSIGPROF {
		return epollPwaitNoProf(l.epfd, l.events, timeout)
	}
	return unix.EpollWait(l.epfd, l.events, timeout)
}

// timeoutLeft recomputes a poll timeout after an interruption.
func (l *Loop) timeoutLeft(orig int) int {
	elapsed := *l.w.Time - l.pollStart
	if elapsed >= uint64(orig) {
		return 0
	}
	return orig - int(elapsed)
}

// dispatch runs the callbacks for n ready events and returns how many
// it delivered (the wakeup descriptor's included, as libuv counts its
// async watcher's).
func (l *Loop) dispatch(n int) uint64 {
	var delivered uint64
	for i := 0; i < n; i++ {
		ev := &l.events[i]
		fd := int(ev.Fd)
		if fd == l.wakefd {
			l.woken()
			delivered++
			continue
		}
		var w *IO
		if fd < len(l.fds) {
			w = l.fds[fd]
		}
		if w == nil || w.have == 0 {
			// A stale event for a descriptor nobody watches any more.
			continue
		}
		events := ev.Events
		// Errors and hang-ups are reported to whoever reads or writes,
		// as libuv does, so that they notice the condition.
		if events&(unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			events |= w.want & (unix.EPOLLIN | unix.EPOLLOUT)
		}
		events &= w.want | unix.EPOLLERR | unix.EPOLLHUP
		if events != 0 {
			delivered++
			w.call(events)
			// What the callbacks submitted (writes finished in C) joins
			// the pending queue now, in the order it happened.
			l.drain()
			if i+1 < n {
				// Between two events of a long dispatch; after the last
				// one, the check before the next poll comes soon enough.
				l.held.Yield()
			}
		}
	}
	return delivered
}
