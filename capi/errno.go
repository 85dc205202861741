package main

// #include "capi.h"
import "C"

import (
	"errors"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// errno turns a Go error into a UV_E* code. On Linux every UV_E* code that
// mirrors an errno is that errno negated; the loop's own errors map to the
// codes libuv returns in the same situations. This is the only place that
// knows the mapping.
func errno(err error) C.int {
	if err == nil {
		return 0
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return -C.int(e)
	}
	switch err {
	case loop.ErrBusy, loop.ErrRunning:
		return C.UV_EBUSY
	case loop.ErrNoCallback, loop.ErrClosing, loop.ErrClosed:
		return C.UV_EINVAL
	}
	return C.UV_EINVAL
}
