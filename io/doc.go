// Package uvio holds gouv's I/O handles in pure Go, on top of package
// loop: streams (TCP, pipes, TTYs), UDP, poll handles, signals, processes,
// file system operations and watchers, and DNS.
//
// The folder is io/, as the project's layout has it, but the package is
// named uvio so that it never shadows the standard library's io in a file
// that needs both.
//
// It must never import "C": capi/ adapts these types to the C API, and Go
// programs may use them directly (examples/goecho is a TCP echo server).
// Like package loop, a handle is used only from its loop's goroutine, and
// its owner hears of events only through the callbacks and hooks it
// registered, called from inside Loop.Run. Buffers handed to a stream are
// the owner's memory, which the owner keeps valid until the request that
// uses them completes; uvio never frees them.
package uvio
