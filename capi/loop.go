package main

// #include "capi.h"
// #include "internal.h"
import "C"

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
	"gouv/pool"
)

// The loop's words live in the C struct (see loop.Words): the host reads
// active_handles, active_reqs.count, stop_flag and time there directly.
func wordsOf(cl *C.uv_loop_t) *loop.Words {
	return &loop.Words{
		ActiveHandles: (*uint32)(unsafe.Pointer(&cl.active_handles)),
		ActiveReqs:    (*uint32)(unsafe.Pointer(&cl.active_reqs)),
		StopFlag:      (*uint32)(unsafe.Pointer(&cl.stop_flag)),
		Time:          (*uint64)(unsafe.Pointer(&cl.time)),
		Wakeup:        (*uint32)(unsafe.Pointer(&cl.gouv_wakeup)),
		TimerSeq:      (*uint64)(unsafe.Pointer(&cl.gouv_timer_seq)),
		Sub:           (*loop.Submissions)(unsafe.Pointer(&cl.gouv_sub)),
	}
}

//export gouv_loop_init
func gouv_loop_init(cl *C.uv_loop_t) C.int {
	if cl == nil {
		return C.UV_EINVAL
	}
	l, err := loop.New(wordsOf(cl))
	if err != nil {
		return errno(err)
	}
	// The polls fill C memory, from the host's allocator as libuv's loop
	// state is: waitInC then passes cgo no Go pointer to check. The loop's
	// internal_fields, where libuv keeps its own allocation, points at it,
	// so that the host's memory refers to it (a leak checker does not
	// look into Go's).
	events := C.gouv__calloc(loop.MaxEvents, C.size_t(unsafe.Sizeof(unix.EpollEvent{})))
	if events == nil {
		l.Close()
		return C.UV_ENOMEM
	}
	cl.internal_fields = events
	freeEvents := func() {
		C.gouv__free(events)
		cl.internal_fields = nil
	}
	s := &loopState{l: l, c: cl, extra: []func(){freeEvents}}
	if !registerLoop(s) {
		l.Close()
		freeEvents()
		return C.UV_ENOMEM
	}
	l.User = unsafe.Pointer(cl)
	forgetNotOpen(unsafe.Pointer(cl))
	l.SetLight(lightHooks)
	l.SetCloseHook(closeDone)
	l.SetInPlace(inPlace)
	l.SetWait(waitInC, unsafe.Slice((*unix.EpollEvent)(events), loop.MaxEvents))
	cl.backend_fd = C.int(l.BackendFD())
	cl.gouv_wakeup_fd = C.int(l.WakeupFD())
	cl.gouv_id = C.uint32_t(s.id)
	pool.LoopOpened()
	return 0
}

// A closed loop reads as Debian's libuv leaves it: uv_loop_close fills the
// struct with 0xff bytes except data (loop.c). Calls on it then answer as
// libuv's do on that memory: uv_loop_close says UV_EBUSY (libuv sees an
// active request count of UINT_MAX), uv_loop_alive says alive.
func loopLooksClosed(cl *C.uv_loop_t) bool {
	return cl != nil && cl.gouv_id == ^C.uint32_t(0) &&
		*(*uint32)(unsafe.Pointer(&cl.active_reqs)) == ^uint32(0)
}

// notOpenReported holds the closed loops whose misuse GOUV_DEBUG already
// named: a program that polls a closed loop in a loop (the shutdown idiom
// "do rc = uv_loop_close(loop); while (rc != UV_EBUSY)") would otherwise
// print a line per call. uv_loop_init forgets the address again.
var (
	notOpenMu       sync.Mutex
	notOpenReported = map[unsafe.Pointer]bool{}
)

// reportNotOpen names a call on a loop that is not open, once per closed
// loop; calls on memory that never held a loop are named every time.
func reportNotOpen(cl *C.uv_loop_t, fn string) {
	if !debug {
		return
	}
	p := unsafe.Pointer(cl)
	if !loopLooksClosed(cl) {
		debugf("%s: loop %s is not an open loop", fn, ptr(p))
		return
	}
	notOpenMu.Lock()
	seen := notOpenReported[p]
	if !seen {
		// Only misused addresses are kept, and only while debugging; a
		// bound keeps a program that leaks closed loops from growing it.
		if len(notOpenReported) >= 4096 {
			clear(notOpenReported)
		}
		notOpenReported[p] = true
	}
	notOpenMu.Unlock()
	if !seen {
		debugf("%s: loop %s was closed by uv_loop_close (further calls on it are not reported)", fn, ptr(p))
	}
}

// forgetNotOpen is called when a loop opens at p: a later close is a new
// loop's close and is reported again.
func forgetNotOpen(p unsafe.Pointer) {
	if !debug {
		return
	}
	notOpenMu.Lock()
	delete(notOpenReported, p)
	notOpenMu.Unlock()
}

//export gouv_loop_close
func gouv_loop_close(cl *C.uv_loop_t) C.int {
	s := stateOf(cl)
	if s == nil {
		reportNotOpen(cl, "uv_loop_close")
		if loopLooksClosed(cl) {
			return C.UV_EBUSY
		}
		return C.UV_EINVAL
	}
	switch err := s.l.Close(); err {
	case nil:
	case loop.ErrBusy:
		return C.UV_EBUSY
	default:
		debugf("uv_loop_close: loop %s: %v", ptr(unsafe.Pointer(cl)), err)
		if err == loop.ErrRunning {
			return C.UV_EBUSY
		}
		return C.UV_EINVAL
	}
	for _, fn := range s.extra {
		fn()
	}
	unregisterLoop(s)
	pool.LoopClosed()
	cl.gouv_id = 0
	cl.backend_fd = -1
	cl.gouv_wakeup_fd = -1
	return 0
}

// uv_run is C (loop.c): it first moves the host's signal handlers onto
// the alternate stack (onstack.c), then runs this.

//export gouv_run
func gouv_run(cl *C.uv_loop_t, mode C.uv_run_mode) C.int {
	s := stateOf(cl)
	if s == nil {
		// libuv would run a closed loop's timer heap and crash; gouv
		// refuses instead.
		reportNotOpen(cl, "uv_run")
		return C.UV_EINVAL
	}
	alive, err := s.l.Run(loop.RunMode(mode))
	if err != nil {
		debugf("uv_run: loop %s: %v", ptr(unsafe.Pointer(cl)), err)
		return C.UV_EINVAL
	}
	if alive {
		return 1
	}
	return 0
}

//export gouv_loop_alive
func gouv_loop_alive(cl *C.uv_loop_t) C.int {
	s := stateOf(cl)
	if s == nil {
		if loopLooksClosed(cl) {
			return 1
		}
		return 0
	}
	if !s.l.Alive() {
		return 0
	}
	return 1
}

//export gouv_backend_timeout
func gouv_backend_timeout(cl *C.uv_loop_t) C.int {
	s := stateOf(cl)
	if s == nil {
		return 0
	}
	return C.int(s.l.BackendTimeout())
}

//export gouv_loop_configure
func gouv_loop_configure(cl *C.uv_loop_t, option C.uv_loop_option, arg C.int) C.int {
	s := stateOf(cl)
	if s == nil {
		return C.UV_EINVAL
	}
	switch option {
	case C.UV_METRICS_IDLE_TIME:
		s.l.EnableIdleMetrics()
		return 0
	case C.UV_LOOP_BLOCK_SIGNAL:
		if arg != C.SIGPROF {
			return C.UV_EINVAL
		}
		s.l.BlockSIGPROF()
		return 0
	}
	return C.UV_ENOSYS
}

//export uv_metrics_idle_time
func uv_metrics_idle_time(cl *C.uv_loop_t) C.uint64_t {
	s := stateOf(cl)
	if s == nil {
		return 0
	}
	return C.uint64_t(s.l.IdleTime())
}

// uv_metrics_info copies the loop's counters (libuv 1.45); the reserved
// words are zero.
//
//export uv_metrics_info
func uv_metrics_info(cl *C.uv_loop_t, m *C.uv_metrics_t) C.int {
	s := stateOf(cl)
	if s == nil || m == nil {
		return C.UV_EINVAL
	}
	*m = C.uv_metrics_t{}
	v := s.l.Metrics()
	m.loop_count = C.uint64_t(v.LoopCount)
	m.events = C.uint64_t(v.Events)
	m.events_waiting = C.uint64_t(v.EventsWaiting)
	return 0
}

//export uv_walk
func uv_walk(cl *C.uv_loop_t, cb C.uv_walk_cb, arg unsafe.Pointer) {
	s := stateOf(cl)
	if s == nil || cb == nil {
		return
	}
	s.l.Walk(func(r *loop.Rec) {
		C.gouv_call_walk(unsafe.Pointer(cb), unsafe.Pointer(handleOfRec(r)), arg)
	})
}

// waitInC blocks in epoll_wait through C (wait.c), so that the wait runs
// on the thread's own stack. events is the loop's buffer in C memory
// (gouv_loop_init).
func waitInC(epfd int, events []unix.EpollEvent, timeout int, blockSIGPROF bool) (int, error) {
	prof := C.int(0)
	if blockSIGPROF {
		prof = 1
	}
	n := C.gouv_epoll_wait(C.int(epfd), caddr(unsafe.Pointer(&events[0])), C.int(len(events)), C.int(timeout), prof)
	if n < 0 {
		return -1, unix.Errno(-n)
	}
	return int(n), nil
}
