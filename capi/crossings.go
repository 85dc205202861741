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
