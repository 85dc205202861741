//go:build gouvcrossings

package main

// #include <stdint.h>
// extern uint64_t gouv_c_to_go_calls;
import "C"

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"unsafe"
)

// gouv_crossings reports the calls from C into Go and from Go into C made
// so far, in the counting build only (see crossings.c). The count into Go
// includes this call.
//
//export gouv_crossings
func gouv_crossings(cToGo, goToC *C.uint64_t) {
	*cToGo = C.uint64_t(atomic.LoadUint64((*uint64)(unsafe.Pointer(&C.gouv_c_to_go_calls))))
	*goToC = C.uint64_t(runtime.NumCgoCall())
}

// gouv_go_allocs reports the objects allocated on the Go heap so far, in
// the counting build only: the tests of the hot handle types check that a
// host's handles and requests cost the Go heap nothing each
// (docs/design.md, "Handle memory is the state").
//
//export gouv_go_allocs
func gouv_go_allocs(n *C.uint64_t) {
	s := [1]metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s[:])
	*n = C.uint64_t(s[0].Value.Uint64())
}
