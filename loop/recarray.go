package loop

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// recArray is a growable array of records (timers, async handles) kept in
// memory mapped outside the Go heap. The timer heap and the ready list hold one entry
// per timer (a million, in libuv's benchmark), and as a Go slice that
// array was what the GC scanned and what grew the Go heap enough to start
// it: outside the Go heap, per-timer state costs the GC nothing. The
// records it points to are C memory or Go timers that the loop's object
// table keeps alive, so the GC need not see these pointers.
type recArray[T any] struct {
	a   []*T
	mem []byte
}

// minRecArray is the first mapping's capacity in entries (one page).
const minRecArray = 512

func (r *recArray[T]) len() int { return len(r.a) }

func (r *recArray[T]) push(t *T) {
	if len(r.a) == cap(r.a) {
		r.grow()
	}
	r.a = append(r.a, t)
}

// grow doubles the capacity by mapping a new area and copying into it.
func (r *recArray[T]) grow() {
	n := 2 * cap(r.a)
	if n < minRecArray {
		n = minRecArray
	}
	mem, err := unix.Mmap(-1, 0, n*int(unsafe.Sizeof((*T)(nil))),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		panic("loop: cannot map memory for a record array: " + err.Error())
	}
	// SAFETY: mem is a fresh private mapping of n pointer-sized words,
	// page-aligned, which lives until release or the next grow.
	a := unsafe.Slice((**T)(unsafe.Pointer(&mem[0])), n)[:len(r.a)]
	copy(a, r.a)
	r.release()
	r.a, r.mem = a, mem
}

// release unmaps the array.
func (r *recArray[T]) release() {
	if r.mem != nil {
		unix.Munmap(r.mem)
	}
	r.a, r.mem = nil, nil
}
