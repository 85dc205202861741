// Command capi is gouv's C face: built with -buildmode=c-shared it is
// libgouv.so.1 (and the drop-in libuv.so.1), with -buildmode=c-archive
// libgouv.a. It is the only package that imports "C".
//
// It adapts C structs to the Go layers and back, Go errors to UV_E*
// codes, and host callbacks through C trampolines; and it holds the C that
// must be C, including the calls of light handles (timers), which run over
// handle memory without entering Go (docs/design.md). Every handle and
// request is allocated by the host; their private areas hold the loop's
// records and integers, never Go pointers.
package main

// #cgo CFLAGS: -I${SRCDIR}/../include -O2 -Wall
// #include "capi.h"
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

func main() {}

// debug is GOUV_DEBUG=1: misuse that libuv would crash on is reported on
// stderr, naming the handle type and address.
var debug = os.Getenv("GOUV_DEBUG") == "1"

func debugf(format string, args ...any) {
	if debug {
		fmt.Fprintf(os.Stderr, "gouv: "+format+"\n", args...)
	}
}

// typeName returns the libuv name of a handle type, for messages.
func typeName(t C.uv_handle_type) string {
	if p := C.uv_handle_type_name(t); p != nil {
		return C.GoString(p)
	}
	return "unknown"
}

// ptr formats a C pointer for messages.
func ptr(p unsafe.Pointer) string { return fmt.Sprintf("%p", p) }
