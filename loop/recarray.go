package loop

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// recArray is a growable array of entries (record pointers, or heap
// entries holding one) for records (timers, async handles), kept in
// memory mapped outside the Go heap. The timer heap and the ready list hold one entry
// per timer (a million, in libuv's benchmark), and as a Go slice that
// array was what the GC scanned and what grew the Go heap enough to start
// it: outside the Go heap, per-timer state costs the GC nothing. The
// records it points to are C memory or Go timers that the loop's object
// table keeps alive, so the GC need not see these pointers.
type recArray[E any] struct {
	a   []E
	mem []byte
}

// minRecArray is the first mapping's capacity in entries (one page).
const minRecArray = 512

func (r *recArray[E]) len() int { return len(r.a) }

func (r *recArray[E]) push(e E) {
	if len(r.a) == cap(r.a) {
		r.grow()
	}
	r.a = append(r.a, e)
}

// grow doubles the capacity by mapping a new area and copying into it.
func (r *recArray[E]) grow() {
	n := 2 * cap(r.a)
	if n < minRecArray {
		n = minRecArray
	}
	var e E
	mem, err := unix.Mmap(-1, 0, n*int(unsafe.Sizeof(e)),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		panic("loop: cannot map memory for a record array: " + err.Error())
	}
	// SAFETY: mem is a fresh private mapping of n entries, page-aligned,
	// which lives until release or the next grow.
	a := unsafe.Slice((*E)(unsafe.Pointer(&mem[0])), n)[:len(r.a)]
	copy(a, r.a)
	r.release()
	r.a, r.mem = a, mem
}

// release unmaps the array.
func (r *recArray[E]) release() {
	if r.mem != nil {
		unix.Munmap(r.mem)
	}
	r.a, r.mem = nil, nil
}
