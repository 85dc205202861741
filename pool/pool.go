// Package pool is gouv's thread pool: process-wide workers that run
// blocking work (file system calls, DNS lookups, the host's uv_queue_work
// callbacks) off the loop thread, and hand each result back to the loop
// that submitted it, where its Done callback runs.
//
// The pool starts on first use with UV_THREADPOOL_SIZE workers (default 4,
// at most 1024). Slow I/O (DNS) may occupy at most half of them, so that
// file work is never starved by a slow resolver. Each worker is a
// goroutine locked to an OS thread of its own for its whole life, as a
// libuv pool thread is.
//
// It never imports "C", so Go programs may use it directly. It never calls
// back into a loop from a worker: completions travel through loop.Post,
// and Done runs on the loop's goroutine.
package pool

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// Kind tells the pool how a piece of work behaves.
type Kind int

const (
	CPU    Kind = iota // computation (uv_queue_work, random)
	FastIO             // file system calls
	SlowIO             // name resolution: capped at half the pool
)

// ErrCanceled is the status of work cancelled before it started.
var ErrCanceled = errors.New("pool: canceled")

// Work states.
const (
	stateIdle int32 = iota
	stateQueued
	stateRunning
	stateCanceled
	stateDone
	stateFinished // done by its submitter (Finished), still cancellable
)

// Work is one job. Run executes on a pool worker; Done executes on the
// submitting loop's thread with nil, or ErrCanceled if Cancel won.
type Work struct {
	post  loop.Posted
	Run   func(w *Work)
	Done  func(w *Work, err error)
	l     *loop.Loop
	kind  Kind
	state atomic.Int32
	err   error
	next  *Work // in the pool's queue

	// User belongs to the code that submits the work.
	User unsafe.Pointer
}

// poolSpins is how many times an idle worker yields its thread
// (loop.YieldThread) and looks at the queue again before it parks on its
// futex (park.go). With runtime.Gosched instead, each look cost the
// locked worker a handoff of its P through two other threads.
const poolSpins = 4

type pool struct {
	mu          sync.Mutex
	head, tail  *Work // fast work
	slowHead    *Work
	slowTail    *Work
	slowRunning int
	size        int
	parked      *parker // idle workers, most recently parked first
}

var (
	thePool  pool
	start    sync.Once
	poolSize int
)

// Getenv reads the environment when the pool starts. It is a variable
// because a C host sets UV_THREADPOOL_SIZE with setenv(3) after the Go
// runtime has taken its copy of the environment: capi points it at libc's
// getenv.
var Getenv = os.Getenv

// ThreadName, when set before the pool starts, names each worker's
// thread (PR_SET_NAME), as libuv names its pool threads "libuv-worker".
var ThreadName string

// Size returns the number of workers (after the first Submit).
func Size() int { return poolSize }

func startPool() {
	n := 4
	if v := Getenv("UV_THREADPOOL_SIZE"); v != "" {
		// As libuv (atoi): a value that does not parse counts as 0,
		// which becomes one worker.
		n, _ = strconv.Atoi(v)
	}
	n = max(1, min(n, 1024))
	poolSize = n
	procs.mu.Lock()
	procs.workers = n
	procs.reserve()
	procs.mu.Unlock()
	thePool.size = n
	for i := 0; i < n; i++ {
		go thePool.worker()
	}
}

// maxExtraProcs bounds what procs adds: each P costs a little memory, and
// a quarter of them run GC mark work during a collection.
const maxExtraProcs = 64

// procs makes room in the Go scheduler for the threads that block outside
// Go and then need to run Go code at once: pool workers and loop threads.
// A goroutine that enters a system call or a C function keeps its P (the
// scheduler's right to run Go code) only while the scheduler has idle Ps
// to spare; when it has none, its monitor takes the P after 20 us and the
// thread, back from C, must wait for one. With GOMAXPROCS at the CPU
// count, workers blocked in C (uv_queue_work, the host's crypto) held
// every P, so four jobs submitted together on a two-CPU machine started
// one after another; and two loops (Node's main thread and a worker) each
// waiting in epoll_wait held both, so each wakeup of a loop waited for a P.
// With a P per worker and per open loop besides the CPUs', a thread back
// from C finds its own P still there, as a libuv thread would just run.
// The number of Ps running Go code at once is still bounded by the work
// there is. GOMAXPROCS only grows (changing it stops the world); an
// explicit GOMAXPROCS in the environment is left alone.
var procs procReserve

type procReserve struct {
	mu      sync.Mutex
	workers int // the pool's, once it started
	loops   int // loops open now
}

// reserve raises GOMAXPROCS to the CPUs plus a P per worker and per open
// loop; the caller holds p.mu.
func (p *procReserve) reserve() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	want := runtime.NumCPU() + min(p.workers+p.loops, maxExtraProcs)
	if runtime.GOMAXPROCS(0) < want {
		runtime.GOMAXPROCS(want)
	}
}

// LoopOpened and LoopClosed count the open loops whose threads run Go code
// (capi calls them from uv_loop_init and uv_loop_close).
func LoopOpened() {
	procs.mu.Lock()
	procs.loops++
	procs.reserve()
	procs.mu.Unlock()
}

func LoopClosed() {
	procs.mu.Lock()
	procs.loops--
	procs.mu.Unlock()
}

// Submit queues w on behalf of loop l; it counts as a request that keeps
// l alive until Done has run. It must be called on l's thread.
func Submit(l *loop.Loop, w *Work, kind Kind) {
	start.Do(startPool)
	w.kind = kind
	w.begin(l, stateQueued)
	p := &thePool
	p.mu.Lock()
	if kind == SlowIO {
		if p.slowTail != nil {
			p.slowTail.next = w
		} else {
			p.slowHead = w
		}
		p.slowTail = w
	} else {
		if p.tail != nil {
			p.tail.next = w
		} else {
			p.head = w
		}
		p.tail = w
	}
	k := p.unpark()
	p.mu.Unlock()
	k.wake()
}

// Finished hands w back to l as done: its caller did the work on l's
// thread already (a read the page cache answered). Done runs on a later
// turn of the loop, as for work a worker ran, and until then w keeps l
// alive. If cancellable (the work left nothing behind that a cancelled
// request must not have), Cancel may still win until Done runs, as it
// could have had w waited in the queue; otherwise Cancel refuses it, as
// work a worker has run. It must be called on l's thread.
func Finished(l *loop.Loop, w *Work, cancellable bool) {
	state := stateRunning
	if cancellable {
		state = stateFinished
	}
	w.begin(l, state)
	l.PostHere(&w.post)
}

// begin makes w a request of l in the given state.
func (w *Work) begin(l *loop.Loop, state int32) {
	w.l = l
	w.err = nil
	w.next = nil
	w.post.Fn = completed
	w.post.Event = true
	w.state.Store(state)
	l.ReqStart()
}

// Cancel cancels w if no worker has started it, or if it was handed back
// by Finished as cancellable and its Done has not run: its Done then runs
// with ErrCanceled on the next loop iteration. It reports whether it did.
func Cancel(w *Work) bool {
	if w.state.CompareAndSwap(stateFinished, stateCanceled) {
		w.err = ErrCanceled // its Done is on the way already
		return true
	}
	if !w.state.CompareAndSwap(stateQueued, stateCanceled) {
		return false
	}
	w.err = ErrCanceled
	// The worker that dequeues it will skip it; the loop hears now.
	w.l.Post(&w.post)
	return true
}

// completed runs on the loop thread.
func completed(p *loop.Posted) {
	w := (*Work)(unsafe.Pointer(p)) // post is Work's first field
	w.l.ReqDone()
	w.state.Store(stateDone)
	if w.Done != nil {
		w.Done(w, w.err)
	}
}

// take removes the next runnable item; the caller holds p.mu.
func (p *pool) take() *Work {
	if p.head != nil {
		w := p.head
		p.head = w.next
		if p.head == nil {
			p.tail = nil
		}
		return w
	}
	if p.slowHead != nil && p.slowRunning < (p.size+1)/2 {
		w := p.slowHead
		p.slowHead = w.next
		if p.slowHead == nil {
			p.slowTail = nil
		}
		p.slowRunning++
		return w
	}
	return nil
}

func (p *pool) worker() {
	// Each worker is one OS thread for its whole life, as a libuv pool
	// thread is: hosts keep per-thread state for work_cb (thread-local
	// storage, uv_key_t slots numbered by UV_THREADPOOL_SIZE), and a
	// goroutine that moved between threads would run work on more threads
	// than the pool has.
	runtime.LockOSThread()
	if ThreadName != "" {
		// The thread is this worker's until it exits: the name stays.
		if name, err := unix.BytePtrFromString(ThreadName); err == nil {
			unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(name)), 0, 0, 0)
		}
	}
	me := new(parker)
	// The worker sleeps in a system call and runs work in C or in system
	// calls, so the scheduler never reschedules it: it yields its P now
	// and then itself (loop.PHold).
	var held loop.PHold
	for {
		held.Yield()
		p.mu.Lock()
		w := p.take()
		if w == nil {
			// Look again a few times before parking: under a steady
			// stream the next item is usually a submission away, and a
			// park and wake costs two context switches.
			for spin := 0; spin < poolSpins && w == nil; spin++ {
				p.mu.Unlock()
				loop.YieldThread()
				p.mu.Lock()
				w = p.take()
			}
		}
		for w == nil {
			me.park(p, &held)
			w = p.take()
		}
		p.mu.Unlock()
		w.next = nil
		// Once posted, w belongs to its loop again (its Done may submit it
		// anew), so read what we need of it first.
		slow := w.kind == SlowIO
		if w.state.CompareAndSwap(stateQueued, stateRunning) {
			if w.Run != nil {
				w.Run(w)
			}
			w.l.Post(&w.post)
		}
		if slow {
			p.mu.Lock()
			p.slowRunning--
			var k *parker
			if p.slowHead != nil {
				k = p.unpark()
			}
			p.mu.Unlock()
			k.wake()
		}
	}
}
