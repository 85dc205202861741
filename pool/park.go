package pool

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// A parker is where an idle worker sleeps: a futex word of its own, as a
// libuv pool thread sleeps in its condition variable. The submitter that
// takes a parker off the pool's list wakes that worker with one
// FUTEX_WAKE, and the worker returns to Go on the P it kept through the
// wait (docs/design.md, "Threads"). A sync.Cond would carry the same
// wake through the Go scheduler: a spinning thread first, which then
// hands its P to the worker's locked thread.
type parker struct {
	word atomic.Uint32 // 1 once woken
	next *parker       // the pool's list of parked workers
}

const (
	futexWait    = 0
	futexWake    = 1
	futexPrivate = 128
)

// park puts the calling worker on p's list and sleeps until a submitter
// wakes it. The caller holds p.mu; park returns with it held again. A
// long sleep counts as a yield of the worker's P (loop.PHold).
func (k *parker) park(p *pool, held *loop.PHold) {
	k.word.Store(0)
	k.next = p.parked
	p.parked = k
	p.mu.Unlock()
	start := loop.Hrtime()
	for k.word.Load() == 0 {
		// A system call the scheduler sees (unix.Syscall6, not Raw): its
		// P may be lent to other goroutines while the worker sleeps.
		unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(&k.word)),
			futexWait|futexPrivate, 0, 0, 0, 0)
	}
	held.Waited(start, loop.Hrtime())
	p.mu.Lock()
}

// unpark takes the most recently parked worker off p's list, or returns
// nil if none is parked. The caller holds p.mu and wakes the worker after
// releasing it.
func (p *pool) unpark() *parker {
	k := p.parked
	if k != nil {
		p.parked = k.next
		k.next = nil
	}
	return k
}

// wake wakes a worker unpark returned; nil is allowed.
func (k *parker) wake() {
	if k == nil {
		return
	}
	k.word.Store(1)
	// FUTEX_WAKE never blocks: it may skip the scheduler's bookkeeping.
	unix.RawSyscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(&k.word)),
		futexWake|futexPrivate, 1, 0, 0, 0)
}
