// Package loop is gouv's event loop: the run phases of libuv 1.44, timers,
// idle/prepare/check watchers, async wakeups, the epoll backend that every
// I/O handle registers with, and the pending and closing queues.
//
// It is ordinary Go, usable from Go programs, and it never imports "C". The
// C face of the loop lives in capi/, which points the loop's externally
// visible state (Words) and each handle's flags into the C structs that a
// host allocated, so that a host reading uv_loop_t or uv_handle_t fields
// directly sees the loop's real state.
//
// A Loop belongs to the goroutine (and OS thread) that runs it. Only Wake
// and Async.Send may be called from elsewhere.
package loop
