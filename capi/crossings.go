//go:build gouvcrossings

package main

// #include <stdint.h>
// extern uint64_t gouv_c_to_go_calls;
import "C"

import (
	"runtime"
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
// (docs/design.md, "Handle memory is the state"). ReadMemStats flushes
// every processor's cache first, so small allocations count one by one
// (runtime/metrics counts a cache's objects when the cache is refilled).
//
//export gouv_go_allocs
func gouv_go_allocs(n *C.uint64_t) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	*n = C.uint64_t(ms.Mallocs)
}
