package main

// #include "fs.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/unix"

	uvio "gouv/io"
)

// The pool's stat requests and fs_poll run the same C stat as the
// synchronous calls (fs.c, gouv_fs_stat_into), so that all of them fill
// uv_stat_t alike and share its statx fallback.
func init() {
	uvio.StatFunc = statInC
}

// statInC is uvio.StatFunc. path is C memory or a Go byte slice that
// holds no pointers, and st a uv_stat_t (uvio.Stat has its layout: see
// fs.go), in C memory or in Go memory without pointers; C keeps neither.
func statInC(t uvio.FSType, fd int, path *byte, st *uvio.Stat) error {
	r := C.gouv_fs_stat_into(C.int(t), C.int(fd), (*C.char)(unsafe.Pointer(path)), (*C.uv_stat_t)(unsafe.Pointer(st)))
	if r < 0 {
		return unix.Errno(-r)
	}
	return nil
}
