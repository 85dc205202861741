package uvio

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
	"gouv/pool"
)

// unsafePointer turns the pool's *Work back into the context that embeds
// it as its first field.
func unsafePointer(w *pool.Work) unsafe.Pointer { return unsafe.Pointer(w) }

// fsPollOfTimer finds the FSPoll whose internal timer t is.
func fsPollOfTimer(t *loop.Timer) *FSPoll {
	return (*FSPoll)(unsafe.Add(unsafe.Pointer(t), -int(unsafe.Offsetof(FSPoll{}.timer))))
}

// errnoOf extracts a system error number (EIO for anything else).
func errnoOf(err error) unix.Errno {
	var e unix.Errno
	if errors.As(err, &e) {
		return e
	}
	return unix.EIO
}
