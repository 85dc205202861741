package uvio

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/pool"
)

// unsafePointer turns the pool's *Work back into the context that embeds
// it as its first field.
func unsafePointer(w *pool.Work) unsafe.Pointer { return unsafe.Pointer(w) }

// errnoOf extracts a system error number (EIO for anything else).
func errnoOf(err error) unix.Errno {
	var e unix.Errno
	if errors.As(err, &e) {
		return e
	}
	return unix.EIO
}
