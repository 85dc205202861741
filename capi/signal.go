package main

// #include "capi.h"
// #include "os.h"
import "C"

import (
	"unsafe"

	uvio "gouv/io"
)

// cSignals is the signal backend of io/signal.go, in C (signal.c): the
// handlers must run in signal context on any host thread, outside Go.
type cSignals struct{}

func (cSignals) Counters() *[uvio.MaxSignal + 1]uint64 {
	// SOUND: gouv_sig_counts is a static C array of 65 uint64_t that
	// lives as long as the process and is only accessed atomically.
	return (*[uvio.MaxSignal + 1]uint64)(unsafe.Pointer(&C.gouv_sig_counts[0]))
}

func (cSignals) Install(signum int) error {
	if r := C.gouv_sig_install(C.int(signum)); r != 0 {
		return errnoError(r)
	}
	return nil
}

func (cSignals) Uninstall(signum int) { C.gouv_sig_uninstall(C.int(signum)) }

func (cSignals) Register(fd int) (int, error) {
	r := C.gouv_sig_register(C.int(fd))
	if r < 0 {
		return 0, errnoError(r)
	}
	return int(r), nil
}

func (cSignals) SetMask(slot int, mask uint64) { C.gouv_sig_set_mask(C.int(slot), C.uint64_t(mask)) }

func (cSignals) Unregister(slot int) { C.gouv_sig_unregister(C.int(slot)) }

func init() { uvio.SetSignalBackend(cSignals{}) }

// signalFired calls the host's callback with the C handle.
func signalFired(s *uvio.Signal, signum int) {
	cs := (*C.uv_signal_t)(cHandle(s.Base()))
	C.gouv_call_signal(unsafe.Pointer(cs.signal_cb), cHandle(s.Base()), C.int(signum))
}

//export uv_signal_init
func uv_signal_init(cl *C.uv_loop_t, cs *C.uv_signal_t) C.int {
	s := stateOf(cl)
	if s == nil || cs == nil {
		return C.UV_EINVAL
	}
	ch := (*C.uv_handle_t)(unsafe.Pointer(cs))
	sig := &uvio.Signal{}
	handleIn(ch, unsafe.Sizeof(*cs))
	// SOUND: signum is a C int inside the host's handle, which outlives
	// the Go object (the slot is freed before close_cb runs).
	uvio.InitSignal(s.l, sig, C.UV_SIGNAL, recOf(ch), (*int32)(unsafe.Pointer(&cs.signum)))
	initHandle(ch, cl, C.UV_SIGNAL)
	return 0
}

func signalStart(cs *C.uv_signal_t, cb C.uv_signal_cb, signum C.int, oneshot bool) C.int {
	sig, ok := lookup[*uvio.Signal](unsafe.Pointer(cs))
	if !ok {
		debugf("uv_signal_start: handle %s is not open", ptr(unsafe.Pointer(cs)))
		return C.UV_EINVAL
	}
	if cb == nil {
		return C.UV_EINVAL
	}
	if err := sig.Start(signalFired, int(signum), oneshot); err != nil {
		return errno(err)
	}
	cs.signal_cb = cb
	return 0
}

//export uv_signal_start
func uv_signal_start(cs *C.uv_signal_t, cb C.uv_signal_cb, signum C.int) C.int {
	return signalStart(cs, cb, signum, false)
}

//export uv_signal_start_oneshot
func uv_signal_start_oneshot(cs *C.uv_signal_t, cb C.uv_signal_cb, signum C.int) C.int {
	return signalStart(cs, cb, signum, true)
}

//export uv_signal_stop
func uv_signal_stop(cs *C.uv_signal_t) C.int {
	sig, ok := lookup[*uvio.Signal](unsafe.Pointer(cs))
	if !ok {
		return C.UV_EINVAL
	}
	sig.Stop()
	return 0
}
