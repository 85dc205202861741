package main

// #include "stream.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
)

func init() {
	// The original settings go to C, where uv_tty_reset_mode (async-
	// signal-safe) finds them.
	uvio.TTYSaveOrig = func(fd int) { C.gouv_tty_save_orig(C.int(fd)) }
}

func ttyOf(p unsafe.Pointer) (*uvio.Stream, bool) {
	s, ok := streamOf(p)
	if !ok || s.Kind != uvio.KindTTY {
		return nil, false
	}
	return s, true
}

//export uv_tty_init
func uv_tty_init(cl *C.uv_loop_t, ct *C.uv_tty_t, fd C.uv_file, readable C.int) C.int {
	st := stateOf(cl)
	if st == nil || ct == nil {
		return C.UV_EINVAL
	}
	cs := (*C.uv_stream_t)(unsafe.Pointer(ct))
	s, rec, wq := streamIn(cs, unsafe.Sizeof(*ct))
	if err := uvio.InitTTY(st.l, s, C.UV_TTY, nil, int(fd), readable != 0, rec, wq); err != nil {
		return errno(err)
	}
	initHandle((*C.uv_handle_t)(unsafe.Pointer(ct)), cl, C.UV_TTY)
	return 0
}

//export uv_tty_set_mode
func uv_tty_set_mode(ct *C.uv_tty_t, mode C.uv_tty_mode_t) C.int {
	s, ok := ttyOf(unsafe.Pointer(ct))
	if !ok {
		return C.UV_EINVAL
	}
	if err := s.SetMode(int(mode)); err != nil {
		return errno(err)
	}
	ct.gouv_mode = C.int(mode)
	return 0
}

//export uv_tty_get_winsize
func uv_tty_get_winsize(ct *C.uv_tty_t, width, height *C.int) C.int {
	s, ok := ttyOf(unsafe.Pointer(ct))
	if !ok || width == nil || height == nil {
		return C.UV_EINVAL
	}
	w, h, err := s.WinSize()
	if err != nil {
		return errno(err)
	}
	*width, *height = C.int(w), C.int(h)
	return 0
}
